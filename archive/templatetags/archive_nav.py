from django import template

from archive.selectors import may_use_archive

register = template.Library()


@register.filter
def uses_archive(user) -> bool:
    """Whether the navigation shows the archive: archivists and the secretariat."""
    return bool(user.is_authenticated and may_use_archive(actor=user))
