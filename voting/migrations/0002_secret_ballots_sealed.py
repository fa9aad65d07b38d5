"""Secret ballots keep their choice sealed (AES-GCM under the vote's key, which is derived
from the server's voting key and is never in the database). Ballots already stored are
sealed in place; the database's free pages may still hold their old form until vacuumed."""

from django.db import migrations, models


def seal_existing(apps, schema_editor):
    from voting import secrecy

    SecretBallot = apps.get_model("voting", "SecretBallot")
    for ballot in SecretBallot.objects.all().iterator():
        ballot.sealed_choice = secrecy.seal_choice(
            vote_id=ballot.vote_id, token=ballot.token, choice=ballot.choice
        )
        ballot.save(update_fields=["sealed_choice"])


def open_existing(apps, schema_editor):
    from voting import secrecy

    SecretBallot = apps.get_model("voting", "SecretBallot")
    for ballot in SecretBallot.objects.all().iterator():
        ballot.choice = secrecy.open_choice(
            vote_id=ballot.vote_id, token=ballot.token, sealed=ballot.sealed_choice
        )
        ballot.save(update_fields=["choice"])


class Migration(migrations.Migration):
    dependencies = [("voting", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="secretballot",
            name="sealed_choice",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="secretballot",
            name="choice",
            field=models.CharField(blank=True, default="", max_length=10),
        ),
        migrations.RunPython(seal_existing, open_existing),
        migrations.RemoveField(model_name="secretballot", name="choice"),
    ]
