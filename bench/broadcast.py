"""Broadcast latency to N connected tablets: our stack against a bare fan-out server.

Ours: events published with `ecabinet.realtime.events.publish` (stored in the event
log, sent through the Redis channel layer) reach tablets connected to a real Daphne
process running the meeting consumer, or with `--proxy` to nginx in front of
`--daphnes` Daphne processes (scripts/prod-local.sh, the production layout, on
PostgreSQL: BENCH_DATABASE_URL or a database `ecabinet_bench`). Baseline: a bare
`websockets` server that relays each message to every connection. Both are driven from
this process at the same rate, and latency is measured from just before publishing to
the moment each tablet has the message. Only loopback is used; every loop is bounded.

    python -m bench.broadcast --tablets 50 200 500 --rate 5 --seconds 6
    python -m bench.broadcast --proxy --daphnes 2 --tablets 200 500
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time

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

# --- Our stack ---------------------------------------------------------------------


def prepare(tablets: int) -> tuple[int, list[str]]:
    """A body with `tablets` members and a published meeting; a session per member."""
    from django.utils import timezone

    from meetings import services as meetings

    body, _, secretary, members = body_with_members(tablets)
    meeting = meetings.meeting_create(
        actor=secretary, body=body, title="Bench", starts_at=timezone.now()
    )
    meetings.item_add(actor=secretary, meeting=meeting, title="Nội dung")
    meetings.meeting_publish(actor=secretary, meeting=meeting)
    return meeting.pk, session_keys(members)


def publish_one(meeting_id: int, n: int) -> int:
    from django.db import transaction

    from ecabinet.realtime.events import publish
    from meetings.events import AgendaChanged

    with transaction.atomic():
        return publish(meeting_id=meeting_id, event=AgendaChanged(meeting_id, [n])).seq


async def run_ours(tablets: int, rate: float, seconds: float, port: int) -> list[float]:
    from asgiref.sync import sync_to_async

    from ecabinet.realtime.events import last_seq

    handshakes = asyncio.Semaphore(HANDSHAKES_AT_ONCE)
    meeting_id, keys = await sync_to_async(prepare)(tablets)
    start_seq = await sync_to_async(last_seq)(meeting_id=meeting_id)
    sent: dict[int, float] = {}
    latencies: list[float] = []
    url = f"ws://127.0.0.1:{port}/ws/meetings/{meeting_id}/"
    origin = f"http://127.0.0.1:{port}"

    async def tablet(key: str, ready: asyncio.Event, done: asyncio.Event) -> None:
        async with handshakes:
            ws = await websockets.connect(
                url,
                additional_headers={"Cookie": f"sessionid={key}"},
                origin=origin,
                max_queue=None,
                open_timeout=60,
            )
        async with ws:
            await ws.send(json.dumps({"type": "hello", "after": start_seq}))
            async for raw in ws:
                message = json.loads(raw)
                if message["type"] == "ready":
                    ready.set()
                elif message["type"] == "event":
                    latencies.append(time.perf_counter() - sent[message["seq"]])
                    if done.is_set() and message["seq"] == max(sent):
                        return

    count = int(rate * seconds)
    done = asyncio.Event()
    readies = [asyncio.Event() for _ in keys]
    tasks = [asyncio.create_task(tablet(k, r, done)) for k, r in zip(keys, readies, strict=True)]
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), timeout=120)
    # When every tablet is in: from here on the server only fans out (to profile it).
    print(f"{tablets} tablets connected to {url}: publishing", file=sys.stderr, flush=True)
    for n in range(count):
        started = time.perf_counter()
        seq = start_seq + n + 1
        sent[seq] = started
        if n == count - 1:
            # Before publishing: the last event may reach a tablet while publish_one()
            # is still returning, and that tablet must know it is the last.
            done.set()
        got = await sync_to_async(publish_one)(meeting_id, n)
        assert got == seq, (got, seq)
        await asyncio.sleep(max(0.0, 1 / rate - (time.perf_counter() - started)))
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
    expected = count * tablets
    if len(latencies) != expected:
        raise RuntimeError(f"ours: {len(latencies)} of {expected} deliveries arrived")
    return latencies


# --- Baseline ------------------------------------------------------------------------


async def run_bare(tablets: int, rate: float, seconds: float, port: int) -> list[float]:
    handshakes = asyncio.Semaphore(HANDSHAKES_AT_ONCE)
    sent: dict[int, float] = {}
    latencies: list[float] = []
    url = f"ws://127.0.0.1:{port}/"
    count = int(rate * seconds)

    async def tablet(ready: asyncio.Event) -> None:
        async with handshakes:
            ws = await websockets.connect(url, max_queue=None, open_timeout=60)
        async with ws:
            ready.set()
            received = 0
            async for raw in ws:
                latencies.append(time.perf_counter() - sent[json.loads(raw)["seq"]])
                received += 1
                if received == count:
                    return

    readies = [asyncio.Event() for _ in range(tablets)]
    tasks = [asyncio.create_task(tablet(r)) for r in readies]
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), timeout=120)
    async with websockets.connect(url) as publisher:
        for n in range(count):
            started = time.perf_counter()
            sent[n + 1] = started
            await publisher.send(json.dumps({"seq": n + 1, "event": "agenda.changed"}))
            await asyncio.sleep(max(0.0, 1 / rate - (time.perf_counter() - started)))
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
    return latencies


# --- Driver --------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tablets", type=int, nargs="+", default=[50, 200, 500])
    parser.add_argument("--rate", type=float, default=5.0, help="broadcasts a second")
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    parser.add_argument(
        "--proxy", action="store_true", help="nginx in front of --daphnes Daphne processes"
    )
    parser.add_argument("--daphnes", type=int, default=2, help="with --proxy")
    options = parser.parse_args()

    env, workdir = django_environment(options.redis, postgres=options.proxy)

    rows = []
    bare_port = free_port()
    bare = [sys.executable, "-c", BARE_SERVER, str(bare_port)]
    print(f"server logs in {workdir}")
    with (
        our_server(env, workdir, options.proxy, options.daphnes) as (ours_port, layout),
        process(bare, env, workdir / "bare.log"),
    ):
        asyncio.run(wait_for_port(bare_port))
        for tablets in options.tablets:
            ours = asyncio.run(run_ours(tablets, options.rate, options.seconds, ours_port))
            base = asyncio.run(run_bare(tablets, options.rate, options.seconds, bare_port))
            rows.append((tablets, ours, base))

    print(
        f"\nBroadcast latency, ours = {layout} vs bare websockets, {options.rate:g} "
        f"broadcasts/s for {options.seconds:g} s (ms; ratio = ours / bare, same run)"
    )
    print(
        f"{'tablets':>8} {'ours p50':>9} {'ours p99':>9} {'bare p50':>9} {'bare p99':>9} "
        f"{'p50 x':>7} {'p99 x':>7}"
    )
    for tablets, ours, base in rows:
        o50, o99 = percentile(ours, 50) * 1000, percentile(ours, 99) * 1000
        b50, b99 = percentile(base, 50) * 1000, percentile(base, 99) * 1000
        print(
            f"{tablets:>8} {o50:>9.1f} {o99:>9.1f} {b50:>9.1f} {b99:>9.1f} "
            f"{o50 / b50:>7.1f} {o99 / b99:>7.1f}"
        )
    print(
        f"deliveries checked: every tablet got every broadcast "
        f"({sum(len(o) for _, o, _ in rows)} in all); mean of ours "
        f"{statistics.mean(x for _, o, _ in rows for x in o) * 1000:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
