"""The organisation's key (people/agencies.py), stored so the worklist can match it
against a task's lead agency in SQL; filled here for the people already registered."""

from django.db import migrations, models

from people.agencies import agency_key

BATCH = 500


def fill_organisation_keys(apps, schema_editor):
    User = apps.get_model("people", "User")
    users = User.objects.exclude(organisation="").only("pk", "organisation").order_by("pk")
    batch = []
    for user in users.iterator(chunk_size=BATCH):
        user.organisation_key = agency_key(user.organisation)
        batch.append(user)
        if len(batch) == BATCH:
            User.objects.bulk_update(batch, ["organisation_key"])
            batch = []
    User.objects.bulk_update(batch, ["organisation_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_body_agency_code_and_ballot_signing_rule"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="organisation_key",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=600),
        ),
        migrations.RunPython(fill_organisation_keys, migrations.RunPython.noop, elidable=True),
    ]
