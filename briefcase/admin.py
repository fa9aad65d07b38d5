from django.contrib import admin

from briefcase.models import Device
from documents.admin import ReadOnlyAdmin


@admin.register(Device)
class DeviceAdmin(ReadOnlyAdmin):
    """Read-only: support staff see who keeps a briefcase where; revoking is done on the
    pages (audited, the session ended, the app told). The data key is never shown."""

    list_display = ["name", "user", "created_at", "last_seen_at", "revoked_at", "wiped_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "user__full_name"]
    exclude = ["key", "session_key"]
