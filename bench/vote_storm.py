"""Vote storm: every member of a large body votes within one second, some twice.

Each tablet is connected to a real Daphne process (or with `--proxy` to nginx in front
of `--daphnes` Daphne processes, the production layout, on PostgreSQL); all send
`vote.cast` inside one second, a share of them sending the same command again at once (a
retry after a flaky connection). We measure the time to each acknowledgement and then
count the stored ballots: every acknowledged vote must be stored, once. With `--secret`
the vote is secret: each tablet sends its own receipt (a retry sends the same receipt and
command id), and the check finds each ballot by the receipt's token and opens its sealed
choice. The baseline is a bare `websockets` server acknowledging the same messages
without doing anything.

    python -m bench.vote_storm --voters 500 --duplicates 0.2
    python -m bench.vote_storm --voters 500 --duplicates 0.2 --secret
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import sys
import time
import uuid

import websockets

from bench.common import (
    BARE_SERVER,
    HANDSHAKES_AT_ONCE,
    body_with_members,
    django_environment,
    free_port,
    our_server,
    percentile,
    process,
    session_keys,
    wait_for_port,
)


def prepare(voters: int, mode: str) -> tuple[int, int, list[tuple[int, str]]]:
    from django.utils import timezone

    from meetings import services as meetings
    from voting.services import vote_open

    body, chair, secretary, members = body_with_members(voters)
    meeting = meetings.meeting_create(
        actor=secretary, body=body, title="Bench", starts_at=timezone.now()
    )
    item = meetings.item_add(actor=secretary, meeting=meeting, title="Nội dung")
    meetings.meeting_publish(actor=secretary, meeting=meeting)
    meetings.meeting_start(actor=chair, meeting=meeting, override_reason="benchmark")
    vote = vote_open(actor=chair, item=item, question="Tán thành?", mode=mode)
    keys = session_keys(members)
    return meeting.pk, vote.pk, list(zip([m.pk for m in members], keys, strict=True))


def stored_ballots(vote_id: int) -> dict[int, str]:
    from voting.models import Ballot

    return dict(Ballot.objects.filter(vote_id=vote_id).values_list("member_id", "choice"))


def stored_secret_ballots(vote_id: int, receipts: dict[int, str]) -> tuple[dict[int, str], int]:
    """The choices of the secret ballots found by each member's receipt (as only the tablet
    can), and how many secret ballots the vote holds in all."""
    from voting import secrecy
    from voting.models import SecretBallot

    sealed = dict(
        SecretBallot.objects.filter(vote_id=vote_id).values_list("token", "sealed_choice")
    )
    found = {}
    for member_id, receipt in receipts.items():
        token = secrecy.ballot_token(vote_id=vote_id, member_id=member_id, receipt=receipt)
        if token in sealed:
            found[member_id] = secrecy.open_choice(
                vote_id=vote_id, token=token, sealed=sealed[token]
            )
    return found, len(sealed)


async def storm(
    url: str, origin: str | None, seats, vote_id: int, duplicates: float, receipts: dict
):
    """Connect every tablet, then all vote within one second; return ack latencies,
    the choices acknowledged per member, and how many acks came back for duplicates.
    `receipts`: each member's secret-ballot receipt (none in a named vote)."""
    handshakes = asyncio.Semaphore(HANDSHAKES_AT_ONCE)
    go = asyncio.Event()
    latencies: list[float] = []
    acked: dict[int, str] = {}
    replays = 0

    async def tablet(member_id: int, key: str | None, ready: asyncio.Event) -> None:
        nonlocal replays
        headers = {"Cookie": f"sessionid={key}"} if key else {}
        async with handshakes:
            ws = await websockets.connect(
                url, additional_headers=headers, origin=origin, max_queue=None, open_timeout=60
            )
        async with ws:
            if key:
                await ws.send(json.dumps({"type": "hello", "after": 0}))
                while json.loads(await ws.recv())["type"] != "ready":
                    pass
            ready.set()
            await go.wait()
            await asyncio.sleep(random.random())  # noqa: S311  (spread over one second)
            choice = random.choice(["yes", "no", "abstain"])  # noqa: S311
            args = {"vote_id": vote_id, "choice": choice}
            if member_id in receipts:
                args["receipt"] = receipts[member_id]
            command = {
                "type": "command",
                "client_id": uuid.uuid4().hex,
                "name": "vote.cast",
                "args": args,
            }
            sends = 2 if random.random() < duplicates else 1  # noqa: S311
            started = time.perf_counter()
            for _ in range(sends):
                await ws.send(json.dumps(command))
            answers = 0
            while answers < sends:
                frame = await asyncio.wait_for(ws.recv(), timeout=60)
                # The room's live events reach every tablet (a batch's ballots, the
                # tally): a tablet decodes its own, but one process decoding all 2,000
                # tablets' would measure itself. Only a frame naming the command is read.
                if command["client_id"] not in frame:
                    continue  # a live event, not our answer
                message = json.loads(frame)
                if message.get("client_id") != command["client_id"]:
                    continue
                if message["type"] != "ack":
                    raise RuntimeError(f"refused: {message}")
                if answers == 0:
                    latencies.append(time.perf_counter() - started)
                    acked[member_id] = choice
                else:
                    replays += 1
                answers += 1

    readies = [asyncio.Event() for _ in seats]
    tasks = [
        asyncio.create_task(tablet(member_id, key, ready))
        for (member_id, key), ready in zip(seats, readies, strict=True)
    ]
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), timeout=180)
    print(f"{len(seats)} tablets connected to {url}: voting", flush=True)
    go.set()
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=180)
    return latencies, acked, replays


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=500)
    parser.add_argument("--duplicates", type=float, default=0.2, help="share sent twice")
    parser.add_argument("--secret", action="store_true", help="a secret vote (receipts)")
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    parser.add_argument(
        "--proxy", action="store_true", help="nginx in front of --daphnes Daphne processes"
    )
    parser.add_argument("--daphnes", type=int, default=2, help="with --proxy")
    options = parser.parse_args()
    random.seed(2026)
    env, workdir = django_environment(options.redis, postgres=options.proxy)
    from asgiref.sync import async_to_sync  # noqa: F401  (Django is set up now)

    mode = "secret" if options.secret else "named"
    meeting_id, vote_id, seats = prepare(options.voters, mode)
    # Each tablet makes its own receipt (voting.secrecy.RECEIPT: 22+ base64url characters).
    receipts = {m: secrets.token_urlsafe(24) for m, _ in seats} if options.secret else {}
    bare_port = free_port()
    print(f"server logs in {workdir}")
    with (
        our_server(env, workdir, options.proxy, options.daphnes) as (ours_port, layout),
        process([sys.executable, "-c", BARE_SERVER, str(bare_port)], env, workdir / "bare.log"),
    ):
        asyncio.run(wait_for_port(bare_port))
        ours, acked, replays = asyncio.run(
            storm(
                f"ws://127.0.0.1:{ours_port}/ws/meetings/{meeting_id}/",
                f"http://127.0.0.1:{ours_port}",
                seats,
                vote_id,
                options.duplicates,
                receipts,
            )
        )
        bare, _, _ = asyncio.run(
            storm(
                f"ws://127.0.0.1:{bare_port}/",
                None,
                [(m, None) for m, _ in seats],
                vote_id,
                options.duplicates,
                receipts,
            )
        )

    if options.secret:
        stored, total = stored_secret_ballots(vote_id, receipts)
    else:
        stored = stored_ballots(vote_id)
        total = len(stored)
    lost = sum(1 for member, choice in acked.items() if stored.get(member) != choice)
    extra = total - sum(1 for member in stored if member in acked)
    print(
        f"\nVote storm ({mode} vote), ours = {layout} vs bare websockets: {options.voters} "
        f"voters within one second, {options.duplicates:.0%} sending twice "
        f"(ms; ratio = ours / bare)"
    )
    print(f"{'':>10} {'ack p50':>9} {'ack p99':>9} {'max':>9}")
    for name, values in [("ours", ours), ("bare", bare)]:
        print(
            f"{name:>10} {percentile(values, 50) * 1000:>9.1f} "
            f"{percentile(values, 99) * 1000:>9.1f} {max(values) * 1000:>9.1f}"
        )
    print(
        f"{'ratio':>10} {percentile(ours, 50) / percentile(bare, 50):>9.1f} "
        f"{percentile(ours, 99) / percentile(bare, 99):>9.1f}"
    )
    print(
        f"acknowledged {len(acked)}, duplicates answered {replays}, stored {total}, "
        f"lost {lost}, unacknowledged but stored {extra}"
    )
    return 1 if lost or total != len(acked) else 0


if __name__ == "__main__":
    sys.exit(main())
