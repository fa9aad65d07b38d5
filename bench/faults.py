"""Votes through faults at bench size: how long after a failed part answers again the
last tablet is at the stream's committed head, beside a round with no fault.

The drill of tests/test_faults.py (bench/faults_drill.py): the production layout
(scripts/prod-local.sh, nginx in front of `--daphnes` Daphnes) on a PostgreSQL and a
Redis of its own (initdb into a temporary directory, redis-server without persistence,
free ports of 127.0.0.1), `--tablets` tablets on the meeting's socket over `websockets`.
The first round breaks nothing (the baseline); then one round per `--rounds` fault: a vote
opens, every tablet casts (a few before the fault, the rest while the part is down), the
part is mended (`kill`: a Daphne killed with SIGKILL and started again by the script;
`redis`: Redis restarted; `postgres`: PostgreSQL restarted), every cast is acknowledged
(a tablet whose socket closed reconnects from its last event and sends its cast again
with the same client_id, retrying as the room page does: 0.5 s doubling to 10 s, where
the test's thirty tablets retry every 0.1 s), and the chair closes the vote.

Per round: seconds from the part answering again (in the baseline, the same point of
the round) until each tablet has applied the stream up to its head, the close included,
beside the time the close takes to reach every tablet in the round with no fault; the
acknowledgement of re-sent casts; reconnections; ballots stored against casts. Exits 1
if a ballot is missing, stored twice or changed by a retry, or a tablet never reaches
the head. Loopback only; every wait is bounded.

    python -m bench.faults --tablets 200 --rounds kill redis postgres
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from bench.common import percentile
from bench.faults_drill import (
    DaphneKilled,
    DrillStopped,
    NoFault,
    PostgresRestarted,
    RedisRestarted,
    commands,
    drill,
    meeting_plan,
    missing_tools,
    running_postgres,
    running_redis,
    running_stack,
    stored,
)

FAULTS = {
    "kill": lambda run, redis, postgres: DaphneKilled(run),
    "redis": lambda run, redis, postgres: RedisRestarted(redis),
    "postgres": lambda run, redis, postgres: PostgresRestarted(postgres),
}


def judge(url: str, r: dict, tablets: int) -> tuple[int, list[str]]:
    """Ballots stored for the round's vote, and what is wrong with them (none: every
    member's ballot stored once, as cast, never changed by a retry; the close counted
    exactly those; every tablet at the head with that result)."""
    rows = stored(url, r["vote"])
    problems = []
    by_member = {m: c for m, c, *_ in rows}
    lost = [m for m, c in r["choices"].items() if by_member.get(m) != c]
    if lost:
        problems.append(f"{len(lost)} ballots lost or not as cast")
    if len(rows) != len(by_member) or set(by_member) - set(r["choices"]):
        problems.append(f"{len(rows)} ballots stored for {len(r['choices'])} casts")
    if any(changes for _m, _c, changes, _b in rows):
        problems.append("a retry changed a stored ballot")
    if any(by != m for m, _c, _ch, by in rows):
        problems.append("a ballot stored as cast by another user")
    ran = commands(url, list(r["cast_ids"].values()))
    if ran != tablets:
        problems.append(f"{ran} cast commands ran for {tablets} casts")
    if r["refusals"]:
        problems.append(f"{len(r['refusals'])} casts refused")
    counts = {c: list(r["choices"].values()).count(c) for c in ("yes", "no", "abstain")}
    if r["closed"]["counts"] != counts or r["closed"]["cast"] != tablets:
        problems.append(f"the close counted {r['closed']['counts']}, cast {counts}")
    if any(result != r["closed"] for m, result in r["results"].items() if m not in r["behind"]):
        problems.append("a tablet shows another result")
    if r["behind"]:
        problems.append(f"{len(r['behind'])} tablets never at the head")
    if r["head_later"] != r["head"]:
        problems.append("an event after the close")
    return len(rows), problems


def ratio(ours: float, base: float) -> float:
    return ours / base if base > 0 else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tablets", type=int, default=200)
    parser.add_argument("--rounds", nargs="+", choices=list(FAULTS), default=list(FAULTS))
    parser.add_argument("--daphnes", type=int, default=2)
    parser.add_argument(
        "--within", type=float, default=60.0, help="seconds a tablet has to reach the head"
    )
    options = parser.parse_args()
    if missing := missing_tools():
        print(f"the fault drill needs {', '.join(missing)}: make system", file=sys.stderr)
        return 2
    # Waits (every tablet ready, the vote seen, every cast acknowledged, the close) grow
    # with the room: the drill's bounds are set for thirty tablets.
    patience = max(1.0, options.tablets / 30)

    with running_postgres() as postgres, running_redis() as redis:
        with running_stack(postgres, redis, daphnes=options.daphnes) as (base, run, env):
            plan = meeting_plan(env, tablets=options.tablets, items=1 + len(options.rounds))
            faults = [NoFault()] + [FAULTS[n](run, redis, postgres) for n in options.rounds]
            stopped = None
            try:
                rounds = asyncio.run(
                    drill(
                        base,
                        env,
                        plan,
                        faults,
                        converged_within=options.within,
                        patience=patience,
                        page_backoff=True,
                    )
                )
            except DrillStopped as failed:
                stopped, rounds = failed, failed.rounds
                if "vote" in failed.state:
                    kept = stored(env["DATABASE_URL"], failed.state["vote"])
                    failed.state["stored"] = len(kept)
                    failed.state["lost"] = sum(
                        1
                        for m, c in failed.state["choices"].items()
                        if c != {m: c for m, c, *_ in kept}.get(m)
                    )
            judged = [judge(env["DATABASE_URL"], r, options.tablets) for r in rounds]
    if not rounds:
        print(f"the drill stopped before its first round: {stopped}", file=sys.stderr)
        return 1

    # The baseline: in the round with no fault, from the chair sending the close to the
    # last tablet having it (and the stream's head): how soon a change reaches the room.
    baseline = max(rounds[0]["after_close"], default=float("nan"))
    layout = f"nginx + {options.daphnes} Daphne{'s' if options.daphnes != 1 else ''}"
    print(
        f"\nFaults, ours = {layout} on a PostgreSQL and a Redis of the drill's own: "
        f"{options.tablets} tablets, a vote open in each round (s; x = head max / the "
        f"no-fault round's close→all, same run: {baseline:.3f} s)"
    )
    print(
        f"{'round':>20} {'head p50':>9} {'max':>6} {'x':>7} {'close→all':>10} "
        f"{'resent':>7} {'ack p50':>8} {'ack max':>8} {'reconn':>7} {'unavail':>8} "
        f"{'stored/cast':>12}"
    )
    failed = False
    for r, (count, problems) in zip(rounds, judged, strict=True):
        late = list(r["late"].values()) or [float("nan")]
        p50, top = percentile(late, 50), max(late)
        # Re-sent casts: from the last send to the ack; with none re-sent, every cast.
        acks = r["resent_acks"] or r["once_acks"] or [float("nan")]
        after_close = max(r["after_close"], default=float("nan"))
        tally = f"{count}/{len(r['choices'])}"
        print(
            f"{r['fault']:>20} {p50:>9.3f} {top:>6.3f} {ratio(top, baseline):>7.1f} "
            f"{after_close:>10.3f} {len(r['resent_acks']):>7} {percentile(acks, 50):>8.2f} "
            f"{max(acks):>8.2f} {r['reconnects']:>7} {r['unavailable']:>8} {tally:>12}"
        )
        failed = failed or bool(problems)
        for problem in problems:
            print(f"{'':>20} FAILED: {problem}")
        if r["anomalies"]:
            print(f"{'':>20} gaps seen and recovered by reconnecting: {len(r['anomalies'])}")
    if stopped is not None:
        failed = True
        state = stopped.state
        print(f"{state['fault']:>20} STOPPED: {stopped}")
        print(
            f"{'':>20} then: {state['ready']}/{state['tablets']} tablets connected, "
            f"{state.get('acknowledged', 0)}/{state['tablets']} casts acknowledged, "
            f"{state.get('stored', 0)} ballots stored ({state.get('lost', 0)} casts not "
            f"stored yet), {state['reconnects']} reconnections"
        )
    print(
        "head: from the part answering again (no fault: the same point of the round, casts "
        "still being handled) to a tablet at the committed head, the chair's close "
        "included. close→all: from the chair sending the close to the last tablet having "
        "it. ack: casts sent again (after a reconnect, or on the same socket after an "
        "`unavailable` answer), from the last send to the ack (a round with none re-sent: "
        "every cast, from its send). unavail: `unavailable` answers (the socket stays)."
    )
    print(
        "every ballot stored once, as cast, no retry run twice, every tablet at the head: "
        + ("NO" if failed else "yes")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
