"""Documents are read-only here: they change only through the audited services, and a
stored version must never change at all."""

from django.contrib import admin

from documents.models import Document, DocumentVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VersionInline(admin.TabularInline):
    model = DocumentVersion
    fields = ["number", "original_filename", "size", "page_count", "sha256", "uploaded_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = [
        "number_symbol",
        "doc_type",
        "summary",
        "issuing_body",
        "confidentiality",
        "urgency",
        "created_at",
    ]
    list_filter = ["body", "doc_type", "confidentiality", "urgency"]
    search_fields = ["number_symbol", "summary", "issuing_body"]
    inlines = [VersionInline]


@admin.register(DocumentVersion)
class DocumentVersionAdmin(ReadOnlyAdmin):
    list_display = ["document", "number", "original_filename", "size", "sha256", "uploaded_at"]
    search_fields = ["sha256", "original_filename"]
