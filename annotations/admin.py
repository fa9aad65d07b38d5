"""Read-only views of notes for support: notes are changed only through the services."""

from django.contrib import admin

from annotations.models import Annotation


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = ("author", "paper", "version", "page", "kind", "visibility", "deleted_at")
    list_filter = ("kind", "visibility")
    raw_id_fields = ("author", "paper", "version", "carried_from", "shared_with")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
