"""A copy of the database (its file and its write-ahead log, as a backup, a replica or a
stolen disk holds them) cannot tell which member chose what in a secret vote, and a
crash in the middle of the vote loses no ballot. The vote runs in programs of its own
(tests/secret_ballot_probe.py) on an SQLite file, the first killed with SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHOICE_WORDS = (b"yes", b"no", b"abstain")


def run(phase: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="ecabinet.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        ECABINET_VAR_DIR=str(tmp_path),
        TASKS_BACKEND="immediate",
    )
    return subprocess.run(
        [sys.executable, "-m", "tests.secret_ballot_probe", phase, str(tmp_path / "state.json")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_copy_of_the_database_cannot_link_a_member_to_a_choice_and_a_crash_loses_nothing(
    tmp_path,
):
    crashed = run("cast", tmp_path)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    db, wal = tmp_path / "db.sqlite3", tmp_path / "db.sqlite3-wal"
    assert wal.stat().st_size > 0  # the crash left the log unmerged, as a copy would find it
    raw = db.read_bytes() + wal.read_bytes()

    # Who voted is no secret, and the copy shows it: five members took part.
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "db.sqlite3").write_bytes(db.read_bytes())
    (copy / "db.sqlite3-wal").write_bytes(wal.read_bytes())
    with sqlite3.connect(copy / "db.sqlite3") as reader:
        assert reader.execute("select count(*) from voting_secretparticipation").fetchone() == (5,)
        tokens = [row[0] for row in reader.execute("select token from voting_secretballot")]
    assert len(tokens) == 5

    # What was read before: each ballot row's choice, beside its token, in the file or in
    # any frame of the log (a changed ballot leaves its earlier form there too).
    for token in tokens:
        at = raw.find(token.encode())
        assert at >= 0
        while at >= 0:
            record = raw[max(0, at - 160) : at + 64 + 160]
            assert not any(word in record for word in CHOICE_WORDS), record
            at = raw.find(token.encode(), at + 1)
    # Nor does any tally, event or audit entry stored during the vote name a choice.
    assert b'"yes"' not in raw and b'"abstain"' not in raw

    # After the crash, a fresh process opens every sealed ballot: nothing was lost.
    closed = run("close", tmp_path)
    assert closed.returncode == 0, closed.stderr
    result = json.loads(closed.stdout.strip().splitlines()[-1])
    assert (result["counts"], result["cast"]) == ({"yes": 2, "no": 2, "abstain": 2}, 6)


@pytest.mark.django_db
def test_every_sealed_ballot_has_the_same_length_and_opens_only_on_its_own_row():
    from voting import secrecy

    sealed = {
        choice: secrecy.seal_choice(vote_id=7, token="a" * 64, choice=choice)
        for choice in ("yes", "no", "abstain")
    }
    assert len({len(value) for value in sealed.values()}) == 1
    again = secrecy.seal_choice(vote_id=7, token="a" * 64, choice="yes")
    assert again != sealed["yes"]  # a fresh nonce: equal choices do not look equal
    assert secrecy.open_choice(vote_id=7, token="a" * 64, sealed=again) == "yes"
    with pytest.raises(secrecy.SealBroken):
        secrecy.open_choice(vote_id=7, token="b" * 64, sealed=again)  # moved to another row
    with pytest.raises(secrecy.SealBroken):
        secrecy.open_choice(vote_id=8, token="a" * 64, sealed=again)  # or another vote
