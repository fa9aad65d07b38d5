from django.contrib import admin

from ecabinet.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail is written by services, never by hand."""

    list_display = ["seq", "created_at", "actor_name", "action", "target_repr"]
    list_filter = ["action"]
    search_fields = ["action", "actor_name", "target_repr"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
