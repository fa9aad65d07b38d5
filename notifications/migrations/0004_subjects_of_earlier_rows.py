"""Notifications sent before kinds had data keep their stored title and message (they
render as they were sent: notifications.kinds.render falls back to them while their data
is empty). This gives them the subject their link names, so finishing the duty they
asked for (answering that ballot, commenting on that draft) settles them too.

Leave rows are left without a subject: their links name the meeting, not the request.
Plain ORM updates, so it runs the same on SQLite and PostgreSQL.
"""

import re

from django.db import migrations

# link prefix -> (the kinds' prefix, the subject's prefix)
LINKS = {
    "ballots": ("ballot", "ballot"),
    "meetings": ("meeting", "meeting"),
    "drafts": ("circulation", "circulation"),
}
LINK = re.compile(r"^/(?P<app>[a-z]+)/(?P<pk>\d+)/$")
BATCH = 500


def subject_of(kind: str, url: str) -> str:
    match = LINK.match(url or "")
    if match is None or match["app"] not in LINKS:
        return ""
    kind_prefix, subject_prefix = LINKS[match["app"]]
    if kind.split(".")[0] != kind_prefix:
        return ""
    return f"{subject_prefix}:{int(match['pk'])}"


def forwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    rows = Notification.objects.filter(subject="").only("pk", "kind", "url").order_by("pk")
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        subject = subject_of(row.kind, row.url)
        if subject:
            row.subject = subject
            batch.append(row)
        if len(batch) >= BATCH:
            Notification.objects.bulk_update(batch, ["subject"])
            batch = []
    if batch:
        Notification.objects.bulk_update(batch, ["subject"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_subject_and_data")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
