from django.contrib import admin

from documents.admin import ReadOnlyAdmin
from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Read-only: support staff check what was sent and when, they do not write."""

    list_display = [
        "__str__",
        "recipient",
        "kind",
        "subject",
        "created_at",
        "read_at",
        "emailed_at",
    ]
    list_filter = ["kind"]
    search_fields = ["subject", "title", "recipient__username", "recipient__full_name"]
