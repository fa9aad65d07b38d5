from django import template

from people.models import Membership, Role

register = template.Library()

# Those who are invited to meetings and read their papers on a tablet.
READERS = (Role.MEMBER, Role.CHAIR, Role.GUEST, Role.DEPUTY)


@register.filter
def uses_briefcase(user) -> bool:
    """Whether the navigation shows "Cặp tài liệu" (the briefcase page)."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, role__in=READERS, is_active=True).exists()
