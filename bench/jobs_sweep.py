"""The job sweeper's store calls on SQLite: an idle sweep, a backlog, and the query plans.

    .venv/bin/python bench/jobs_sweep.py [--quick]

On a temp-file database opened by `SqliteStore.open` (WAL, synchronous=NORMAL), jobs scheduled
through the store:

- idle sweep (the headline): 10,000 pending "slack" jobs, none due yet (due over the next day).
  A sweep is what an idle node does every poll: `claim_due_jobs(limit=20)`, which claims
  nothing, then `next_job_due`. Timed sweep by sweep after a warm-up: median and p99; each call
  alone too. For scale, the same sweep among 100 pending jobs (an index lookup should not care),
  and the floor: two aiosqlite round trips of `SELECT 1` (the thread hop each call pays).
- backlog: 1,000 jobs due (beside the 10,000 not due), claimed 20 at a time (the sweeper's
  batch) and each finished: total time and per job, on a fresh backlog each repetition.
- plans: EXPLAIN QUERY PLAN of the claim and of next_job_due, which must read the partial index
  jobs_due as a COVERING INDEX (no table row) and never SCAN the table.

Headline figures are medians over the repetitions.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchkit import check, fail, header, info, median, parse_args, percentile, summary, us

from engine.ports import DrillNudge, NewJob, Target, UserKey
from engine.storage.sqlite import SqliteStore
from engine.storage.sqlite_jobs import CLAIM_DUE_JOBS, NEXT_JOB_DUE

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
PLATFORM = "slack"
NODE = "bench-node"
LEASE = timedelta(seconds=60)
BATCH = 20  # engine/scheduling/sweeper.py claims this many at a time
PENDING = 10_000
SMALL = 100
BACKLOG = 1_000
TARGET_IDLE_P99_NS = 1_000_000  # an idle node polls every second: a millisecond is plenty


@dataclass(frozen=True, slots=True)
class Plan:
    reps: int
    sweeps: int  # timed idle sweeps per repetition
    backlogs: int


FULL = Plan(reps=5, sweeps=2_000, backlogs=5)
QUICK = Plan(reps=3, sweeps=500, backlogs=2)


@dataclass(frozen=True, slots=True)
class Sweeps:
    sweep: list[int]
    claim: list[int]
    next_due: list[int]


def job(key: str, due_at: datetime) -> NewJob:
    nudge = DrillNudge(1, UserKey(PLATFORM, "T1", "U1"))
    return NewJob(key, PLATFORM, Target("T1", "C1"), nudge, due_at)


async def fill(store: SqliteStore, count: int, prefix: str, due: datetime, spread: float) -> None:
    """`count` jobs due from `due` on, spread over `spread` seconds."""
    for n in range(count):
        at = due + timedelta(seconds=spread * n / max(count, 1))
        if not await store.schedule_job(job(f"{prefix}:{n}", at)):
            fail(f"job {prefix}:{n} was already there")


async def idle_sweeps(store: SqliteStore, count: int) -> Sweeps:
    clock = time.perf_counter_ns
    sweeps, claims, nexts = [], [], []
    for _ in range(count):
        began = clock()
        claimed = await store.claim_due_jobs(PLATFORM, NODE, NOW, LEASE, BATCH)
        middle = clock()
        due = await store.next_job_due(PLATFORM)
        ended = clock()
        if claimed or due is None or due <= NOW:
            fail(f"an idle sweep claimed {len(claimed)} jobs, next due {due}")
        sweeps.append(ended - began)
        claims.append(middle - began)
        nexts.append(ended - middle)
    return Sweeps(sweeps, claims, nexts)


async def floor_trips(store: SqliteStore, count: int) -> list[int]:
    """Two aiosqlite round trips of a trivial SELECT: what any two store calls cost at least."""
    db = store._db  # the connection the store uses
    clock = time.perf_counter_ns
    times = []
    for _ in range(count):
        began = clock()
        await db.execute_fetchall("SELECT 1")
        await db.execute_fetchall("SELECT 1")
        times.append(clock() - began)
    return times


async def drain_backlog(store: SqliteStore, rep: int) -> tuple[int, int]:
    """Schedule BACKLOG due jobs, then claim and finish them all: (ns, jobs finished)."""
    await fill(store, BACKLOG, f"backlog-{rep}", NOW - timedelta(hours=1), 3_000)
    clock = time.perf_counter_ns
    finished = 0
    began = clock()
    while batch := await store.claim_due_jobs(PLATFORM, NODE, NOW, LEASE, BATCH):
        for claimed in batch:
            finished += await store.finish_job(claimed.id, NODE, NOW)
    elapsed = clock() - began
    if finished != BACKLOG:
        fail(f"finished {finished} of {BACKLOG} due jobs")
    return elapsed, finished


def raw_statements(path: Path, count: int) -> tuple[float, float]:
    """The idle claim and next_job_due statements run by sqlite3 itself on this thread, with
    the store's settings: what the database costs, without aiosqlite's thread hop (p50, ns)."""
    now = NOW.isoformat()
    claim = {"node": NODE, "lease_until": now, "platform": PLATFORM, "now": now, "limit": BATCH}
    clock = time.perf_counter_ns
    claims, nexts = [], []
    with sqlite3.connect(path, isolation_level=None) as connection:
        connection.execute("PRAGMA busy_timeout = 5000")
        for _ in range(count):
            began = clock()
            if connection.execute(CLAIM_DUE_JOBS, claim).fetchall():
                fail("the raw idle claim claimed a job")
            middle = clock()
            connection.execute(NEXT_JOB_DUE, {"platform": PLATFORM}).fetchall()
            claims.append(middle - began)
            nexts.append(clock() - middle)
    return percentile(claims, 50), percentile(nexts, 50)


def query_plan(path: Path, sql: str, params: dict[str, object]) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [str(row[3]) for row in connection.execute("EXPLAIN QUERY PLAN " + sql, params)]


def show_plans(path: Path) -> None:
    now = NOW.isoformat()
    plans = {
        "claim_due_jobs": query_plan(
            path,
            CLAIM_DUE_JOBS,
            {"node": NODE, "lease_until": now, "platform": PLATFORM, "now": now, "limit": BATCH},
        ),
        "next_job_due": query_plan(path, NEXT_JOB_DUE, {"platform": PLATFORM}),
    }
    for name, plan in plans.items():
        print(f"\nEXPLAIN QUERY PLAN of {name}:")
        for line in plan:
            print(f"  {line}")
    print()
    claim = plans["claim_due_jobs"]
    uses_index = any("COVERING INDEX jobs_due (platform=? AND due_at<?)" in p for p in claim)
    check("claim reads jobs_due alone", "yes" if uses_index else "no", "covering", uses_index)
    scans = [p for plan in plans.values() for p in plan if p.startswith("SCAN jobs")]
    check("no full scan of jobs", f"{len(scans)} scans", "0", not scans)


async def run(plan: Plan, folder: Path) -> None:
    big = await SqliteStore.open(folder / "big.db")
    small = await SqliteStore.open(folder / "small.db")
    began = time.perf_counter()
    await fill(big, PENDING, "pending", NOW + timedelta(minutes=1), 86_400)
    await fill(small, SMALL, "pending", NOW + timedelta(minutes=1), 86_400)
    info(
        f"scheduled {PENDING:,} + {SMALL} jobs (schedule_job)",
        f"{time.perf_counter() - began:.2f} s",
    )
    show_plans(folder / "big.db")
    await idle_sweeps(big, 300)  # warm-up: statement cache, pages in memory
    await idle_sweeps(small, 300)
    await floor_trips(big, 300)
    rows: dict[str, list[tuple[float, float]]] = {"big": [], "small": [], "floor": []}
    claims, nexts = [], []
    print("  rep   idle sweep p50 / p99 (10,000)   (100)              floor p50 / p99")
    for rep in range(plan.reps):
        sweeps = await idle_sweeps(big, plan.sweeps)
        little = await idle_sweeps(small, plan.sweeps)
        floor = await floor_trips(big, plan.sweeps)
        for name, times in (("big", sweeps.sweep), ("small", little.sweep), ("floor", floor)):
            rows[name].append((percentile(times, 50), percentile(times, 99)))
        claims.append(percentile(sweeps.claim, 50))
        nexts.append(percentile(sweeps.next_due, 50))
        print(
            f"  {rep + 1:>3}   {us(rows['big'][-1][0]):>8} / {us(rows['big'][-1][1]):>8}"
            f"          {us(rows['small'][-1][0]):>7} / {us(rows['small'][-1][1]):>7}"
            f"     {us(rows['floor'][-1][0]):>7} / {us(rows['floor'][-1][1]):>7}"
        )
    raw = raw_statements(folder / "big.db", plan.sweeps)
    backlog = [await drain_backlog(big, rep) for rep in range(plan.backlogs)]
    await big.close()
    await small.close()
    report(rows, claims, nexts, raw, backlog)


def report(
    rows: dict[str, list[tuple[float, float]]],
    claims: list[float],
    nexts: list[float],
    raw: tuple[float, float],
    backlog: list[tuple[int, int]],
) -> None:
    p50 = median([p for p, _ in rows["big"]])
    p99 = median([p for _, p in rows["big"]])
    print(f"\nidle sweep among {PENDING:,} pending jobs (medians of {len(rows['big'])}):")
    info("sweep p50 (claim_due_jobs + next_job_due)", us(p50))
    check("idle sweep p99", us(p99), "≤ 1 ms", p99 <= TARGET_IDLE_P99_NS)
    info(
        "claim_due_jobs alone / next_job_due alone, p50",
        f"{us(median(claims))} / {us(median(nexts))}",
    )
    info("same, run by sqlite3 itself (no thread hop), p50", f"{us(raw[0])} / {us(raw[1])}")
    small = median([p for p, _ in rows["small"]])
    info(f"same sweep among {SMALL} pending jobs, p50", f"{us(small)} (×{p50 / small:.2f})")
    floor = median([p for p, _ in rows["floor"]])
    info(
        "floor: two aiosqlite SELECT 1 round trips, p50", f"{us(floor)} (sweep ×{p50 / floor:.2f})"
    )
    totals = [ns for ns, _ in backlog]
    print(f"\nbacklog: {BACKLOG:,} due jobs, claimed {BATCH} at a time and each finished:")
    info(f"total (median of {len(totals)})", f"{median(totals) / 1e6:.1f} ms")
    info("per job (claim share + finish_job)", us(median(totals) / BACKLOG))
    info("fastest / slowest run", f"{min(totals) / 1e6:.1f} / {max(totals) / 1e6:.1f} ms")
    summary()


def main() -> None:
    args = parse_args(__doc__ or "")
    plan = QUICK if args.quick else FULL
    header(
        "job sweeper store calls on SQLite (claim_due_jobs, next_job_due, finish_job)", args.quick
    )
    if sqlite3.sqlite_version_info < (3, 35):
        fail(f"SQLite {sqlite3.sqlite_version} has no RETURNING; the store needs 3.35 or later")
    print(
        f"{plan.reps} repetitions of {plan.sweeps:,} idle sweeps; {plan.backlogs} backlogs of "
        f"{BACKLOG:,} due jobs; batch {BATCH}, lease {LEASE.total_seconds():.0f} s"
    )
    with tempfile.TemporaryDirectory(prefix="rungs-bench-") as tmp:
        asyncio.run(run(plan, Path(tmp)))


if __name__ == "__main__":
    main()
