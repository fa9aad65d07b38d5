"""Meetings are read-only in the admin: every change goes through meetings.services,
which checks rights, audits and notifies. Editing rows here would skip all three."""

from django.contrib import admin

from documents.admin import ReadOnlyAdmin
from meetings.models import AgendaItem, LeaveRequest, Meeting, MeetingPaper, Participant, Position


class ItemInline(admin.TabularInline):
    model = AgendaItem
    fk_name = "meeting"
    fields = ["order", "title", "presenting_agency", "duration_minutes"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "body", "kind", "starts_at", "state"]
    list_filter = ["body", "kind", "state"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"
    inlines = [ItemInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnlyAdmin):
    list_display = ["title", "meeting", "order", "presenting_agency", "duration_minutes"]
    search_fields = ["title", "meeting__title"]


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ["user", "meeting", "kind", "on_behalf_of", "may_vote", "may_speak"]
    list_filter = ["kind"]


@admin.register(MeetingPaper)
class MeetingPaperAdmin(ReadOnlyAdmin):
    list_display = ["document", "meeting", "item", "added_at"]


@admin.register(LeaveRequest)
class LeaveRequestAdmin(ReadOnlyAdmin):
    list_display = ["member", "meeting", "deputy", "status", "decided_by", "decided_at"]
    list_filter = ["status"]


@admin.register(Position)
class PositionAdmin(ReadOnlyAdmin):
    list_display = ["member", "item", "stance", "marked_by", "updated_at"]
    list_filter = ["stance"]
