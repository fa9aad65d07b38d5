from django import template

from people.models import Membership
from registers.access import READERS

register = template.Library()


@register.filter
def uses_registers(user) -> bool:
    """Whether the navigation shows the registers: their keepers and readers."""
    return bool(
        user.is_authenticated
        and Membership.objects.filter(user=user, is_active=True, role__in=READERS).exists()
    )
