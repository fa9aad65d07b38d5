"""Run as a program by tests/test_voting_secret_copy.py, against an SQLite file of its own:

    python -m tests.secret_ballot_probe cast STATE_FILE   # a secret vote, then kill -9
    python -m tests.secret_ballot_probe close STATE_FILE  # after the crash: last ballot, close

`cast` opens a secret vote, casts five ballots (one changed from its tablet) and dies by
SIGKILL with the vote still open, as a server would in a crash. `close` starts afresh,
casts the last ballot, closes the vote and prints its result as JSON.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import sys
from pathlib import Path

import django

CHOICES = ["yes", "no", "yes", "abstain", "yes"]  # members 1-5; member 1 then changes to "no"


def _cabinet():
    from people.models import Role
    from tests.factories import BodyFactory, UserFactory, grant

    body = BodyFactory(name="Chính phủ", short_name="CP")
    chair = grant(
        UserFactory(username="chair", full_name="Trần Đức Khiêm"), body, Role.CHAIR, Role.MEMBER
    )
    secretary = grant(UserFactory(username="vpcp"), body, Role.SECRETARIAT)
    members = [grant(UserFactory(username=f"bt{n}"), body, Role.MEMBER) for n in range(1, 7)]
    return chair, secretary, members


def cast(state: Path) -> None:
    from django.core.management import call_command

    from tests.factories import make_meeting
    from tests.test_voting_support import start
    from voting import services

    call_command("migrate", verbosity=0)
    chair, secretary, members = _cabinet()
    meeting = start(make_meeting(chair.memberships.first().body, secretary, publish=True), chair)
    item = meeting.items.order_by("order").first()
    vote = services.vote_open(actor=chair, item=item, question="Thông qua?", mode="secret")
    receipts = {}
    for member, choice in zip(members[:5], CHOICES, strict=True):
        receipts[member.pk] = secrets.token_urlsafe(16)
        services.ballot_cast(
            actor=member, vote_id=vote.pk, choice=choice, receipt=receipts[member.pk]
        )
    services.ballot_cast(
        actor=members[0], vote_id=vote.pk, choice="no", receipt=receipts[members[0].pk]
    )
    state.write_text(
        json.dumps({"vote": vote.pk, "chair": chair.pk, "last": members[5].pk}), "utf-8"
    )
    os.kill(os.getpid(), signal.SIGKILL)  # a crash, mid-vote: nothing closes cleanly


def close(state: Path) -> None:
    from people.models import User
    from voting import services

    facts = json.loads(state.read_text("utf-8"))
    last = User.objects.get(pk=facts["last"])
    services.ballot_cast(
        actor=last, vote_id=facts["vote"], choice="abstain", receipt=secrets.token_urlsafe(16)
    )
    vote = services.vote_close(actor=User.objects.get(pk=facts["chair"]), vote_id=facts["vote"])
    print(json.dumps(vote.result))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecabinet.settings")
    django.setup()
    {"cast": cast, "close": close}[sys.argv[1]](Path(sys.argv[2]))
