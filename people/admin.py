"""Admin for people and bodies.

Memberships carry rights, so they change only through the audited services: adding one
here calls `membership_grant`, and they are revoked (never deleted) with an action.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from people.models import Body, Membership, User
from people.services import membership_grant, membership_revoke


@admin.register(User)
class EcabinetUserAdmin(UserAdmin):
    list_display = ["username", "full_name", "title", "organisation", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email", "organisation"]
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Position"), {"fields": ("full_name", "title", "organisation")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("Position"), {"fields": ("full_name", "title", "organisation", "email")}),
    )

    def save_model(self, request, obj, form, change):
        # The worklist matches the organisation by its key: write both together.
        obj.set_organisation(obj.organisation)
        super().save_model(request, obj, form, change)


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "body"
    fields = ["user", "role", "assists", "position_in_body", "sort_order", "is_active"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "short_name",
        "kind",
        "place",
        "majority_base",
        "tie_break",
        "ballot_answer_must_be_signed",
    ]
    search_fields = ["name", "short_name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "body", "assists", "position_in_body", "is_active"]
    list_filter = ["body", "role", "is_active"]
    search_fields = ["user__username", "user__full_name", "position_in_body"]
    autocomplete_fields = ["user", "assists"]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        # Viewing an existing membership is fine; editing it would bypass the audit.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        membership = membership_grant(
            actor=request.user,
            body=obj.body,
            user=obj.user,
            role=obj.role,
            assists=obj.assists,
            position_in_body=obj.position_in_body,
            sort_order=obj.sort_order,
        )
        obj.pk = membership.pk  # so the admin's "added" message links to the real row

    @admin.action(description=_("Revoke the selected memberships"))
    def revoke(self, request, queryset):
        count = 0
        for membership in queryset.filter(is_active=True):
            membership_revoke(actor=request.user, membership=membership)
            count += 1
        self.message_user(
            request,
            ngettext("%d membership revoked.", "%d memberships revoked.", count) % count,
            messages.SUCCESS,
        )
