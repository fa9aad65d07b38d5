"""Reading the audit trail."""

from __future__ import annotations

from django.db.models import QuerySet

from ecabinet.audit.models import AuditEntry


def audit_entries_for_body(*, body_id: int) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(body_id=body_id).select_related("actor").order_by("-seq")


def audit_entries_for_target(*, target_type: str, target_id: str) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(target_type=target_type, target_id=target_id).order_by("seq")
