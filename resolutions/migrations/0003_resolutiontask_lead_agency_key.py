"""The lead agency's key (people/agencies.py), stored so the worklist and the dashboard
match it in SQL; filled here for the tasks already written."""

from django.db import migrations, models

from people.agencies import agency_key

BATCH = 500


def fill_lead_agency_keys(apps, schema_editor):
    ResolutionTask = apps.get_model("resolutions", "ResolutionTask")
    tasks = ResolutionTask.objects.only("pk", "lead_agency").order_by("pk")
    batch = []
    for task in tasks.iterator(chunk_size=BATCH):
        task.lead_agency_key = agency_key(task.lead_agency)
        batch.append(task)
        if len(batch) == BATCH:
            ResolutionTask.objects.bulk_update(batch, ["lead_agency_key"])
            batch = []
    ResolutionTask.objects.bulk_update(batch, ["lead_agency_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("resolutions", "0002_task_tracking"),
    ]

    operations = [
        migrations.AddField(
            model_name="resolutiontask",
            name="lead_agency_key",
            field=models.CharField(db_index=True, default="", editable=False, max_length=600),
        ),
        migrations.RunPython(fill_lead_agency_keys, migrations.RunPython.noop, elidable=True),
    ]
