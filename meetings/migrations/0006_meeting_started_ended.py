"""A meeting keeps when it really started and ended, beside the planned times.

Meetings that started or closed before these fields existed take the times from the
audit trail, which has recorded `meeting.started` and `meeting.closed` all along."""

from django.db import migrations, models


def from_audit(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    for field, action in (("started_at", "meeting.started"), ("ended_at", "meeting.closed")):
        entries = AuditEntry.objects.filter(action=action, target_type="meetings.meeting")
        for target_id, created_at in entries.order_by("seq").values_list("target_id", "created_at"):
            if target_id.isdigit():
                Meeting.objects.filter(pk=int(target_id)).update(**{field: created_at})


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0005_one_approval_per_minutes"),
        ("audit", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="started"),
        ),
        migrations.AddField(
            model_name="meeting",
            name="ended_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="ended"),
        ),
        migrations.RunPython(from_audit, migrations.RunPython.noop),
    ]
