"""`Tutor.handle` for `/trace` on the SQLite file store: closed loop, open loop, and the floor.

    .venv/bin/python bench/tutor_throughput.py [--quick]

Three measurements, interleaved in every repetition so that drift hits them alike:

- closed loop: 100 users (asyncio tasks, 5 per channel over 20 channels) each send
  `/trace GET /u/<k>` back to back; throughput and latency.
- floor: the same 100 tasks each do what a command needs of the database at the least, one
  aiosqlite read (`execute_fetchall` of a row of the cluster document's size by primary key)
  plus one write (UPDATE of that row), on a database opened exactly as the product opens its own
  (temp file, WAL, synchronous=NORMAL, autocommit).
- open loop: 100 users together offer 1,000 commands/s at Poisson-random moments, scheduled in
  advance and fired on time (by a thread that wakes the event loop, as a socket would) whether
  or not earlier ones have finished; each latency runs from the scheduled arrival to
  completion, so a stall is charged to every command it delays (no coordinated omission).

Headline figures are the medians over the repetitions. At the end, for orientation, the
per-command cost is split into our store alone (load_cluster + save_cluster of fixed documents)
and our code alone (the whole Tutor on an in-memory store, with its pictures and in words
only, as with `/settings images=off`); the open loop also reports the
garbage collector's pauses, a usual source of tail latency.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from random import Random

import aiosqlite
from benchkit import (
    GcPauses,
    InFlight,
    check,
    fail,
    fire_on_time,
    header,
    info,
    median,
    ms,
    parse_args,
    percentile,
    poisson_arrivals,
    summary,
    us,
)
from memory_store import MemoryStore

from bot.runtime import settle_garbage_collector
from engine.content.loader import load_content
from engine.ports import Scope, ScopeKind, StoredTrace, SystemClock
from engine.replies import TraceSteps
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor

USERS = 100
CHANNELS = 20
KEYS = 500
OFFERED_RATE = 1_000.0  # commands per second, all users together
SEED = 20_261_128

Op = Callable[[int, int], Awaitable[None]]  # (user index, key) -> one command


@dataclass(frozen=True, slots=True)
class Plan:
    reps: int
    warmup_s: float  # per measurement, discarded
    closed_s: float
    open_s: float


FULL = Plan(reps=5, warmup_s=0.5, closed_s=3.0, open_s=6.0)
QUICK = Plan(reps=3, warmup_s=0.3, closed_s=1.0, open_s=2.0)


@dataclass(frozen=True, slots=True)
class ClosedResult:
    throughput: float  # commands completed per second inside the window
    p50_ns: float
    p99_ns: float
    cpu_ns: float  # this process's CPU (every thread: aiosqlite's too) per command, whole run


@dataclass(frozen=True, slots=True)
class OpenResult:
    offered: float  # measured commands / window: what the Poisson schedule actually offered
    achieved: float  # measured commands / (last completion - window start)
    p50_ns: float
    p99_ns: float
    max_ns: float
    lag_p99_ns: float  # how late the harness fired commands (part of the latency above)
    service_p50_ns: float  # fire -> completion, i.e. without the harness's lateness
    service_p99_ns: float


def actors() -> list[Actor]:
    """100 users, 5 to a channel: the channel's cluster (and its lock) is shared."""
    return [
        Actor("console", "local", f"user{u}", f"user{u}", f"room{u % CHANNELS}")
        for u in range(USERS)
    ]


async def closed_loop(op: Op, warmup_s: float, measure_s: float, seed: int) -> ClosedResult:
    start = time.perf_counter_ns()
    window_start = start + int(warmup_s * 1e9)
    window_end = window_start + int(measure_s * 1e9)
    latencies: list[int] = []
    completed = 0

    async def user(u: int) -> None:
        nonlocal completed
        rng = Random(seed * 1_000 + u)
        while (began := time.perf_counter_ns()) < window_end:
            await op(u, rng.randrange(KEYS))
            completed += 1
            done = time.perf_counter_ns()
            if window_start <= done <= window_end:
                latencies.append(done - began)

    cpu_before = time.process_time_ns()
    await asyncio.gather(*(user(u) for u in range(USERS)))
    cpu = time.process_time_ns() - cpu_before
    if not latencies:
        fail("closed loop completed no command inside its window")
    return ClosedResult(
        throughput=len(latencies) / measure_s,
        p50_ns=percentile(latencies, 50),
        p99_ns=percentile(latencies, 99),
        cpu_ns=cpu / completed,
    )


async def open_loop(op: Op, warmup_s: float, measure_s: float, seed: int) -> OpenResult:
    def draw(rng: Random) -> tuple[int, int]:
        return rng.randrange(USERS), rng.randrange(KEYS)  # (user, key)

    schedule = poisson_arrivals(Random(seed), OFFERED_RATE, warmup_s + measure_s, draw)
    warmup_ns = int(warmup_s * 1e9)
    latencies: list[int] = []
    lags: list[int] = []
    services: list[int] = []
    last_done = 0
    in_flight = InFlight()

    async def fire(due: int, u: int, key: int, measured: bool) -> None:
        nonlocal last_done
        fired = time.perf_counter_ns()
        await op(u, key)
        done = time.perf_counter_ns()
        if measured:
            latencies.append(done - due)  # from the scheduled arrival: no coordinated omission
            lags.append(fired - due)
            services.append(done - fired)
            last_done = max(last_done, done)

    def arrive(due: int, offset: int, who: tuple[int, int]) -> None:
        in_flight.start(fire(due, *who, offset >= warmup_ns))

    start = await fire_on_time(schedule, arrive)
    await in_flight.finish()
    if not latencies:
        fail("open loop measured no command")
    window_start = start + warmup_ns
    return OpenResult(
        offered=len(latencies) / measure_s,
        achieved=len(latencies) / ((last_done - window_start) / 1e9),
        p50_ns=percentile(latencies, 50),
        p99_ns=percentile(latencies, 99),
        max_ns=max(latencies),
        lag_p99_ns=percentile(lags, 99),
        service_p50_ns=percentile(services, 50),
        service_p99_ns=percentile(services, 99),
    )


def tutor_op(tutor: Tutor, people: list[Actor]) -> Op:
    lines = [f"/trace GET /u/{k}" for k in range(KEYS)]

    async def op(u: int, key: int) -> None:
        reply = await tutor.handle_text(people[u], lines[key])
        if not isinstance(reply.blocks[0], TraceSteps):
            fail(f"/trace did not answer with a trace: {reply}")

    return op


async def open_like_product(path: Path) -> aiosqlite.Connection:
    """The floor's database, opened with the same settings as `SqliteStore.open`."""
    db = await aiosqlite.connect(path, isolation_level=None)
    await db.execute("PRAGMA busy_timeout = 5000")
    await db.execute("PRAGMA journal_mode = WAL")
    await db.execute("PRAGMA synchronous = NORMAL")
    await db.execute("PRAGMA foreign_keys = ON")
    return db


async def floor_op(db: aiosqlite.Connection, row_bytes: int) -> Op:
    """One read plus one write per command, on the row of the user's channel."""
    await db.execute(
        "CREATE TABLE floor (id INTEGER PRIMARY KEY, version INTEGER NOT NULL, body TEXT NOT NULL)"
    )
    bodies = [(chr(ord("a") + i) * row_bytes) for i in range(8)]
    for row in range(CHANNELS):
        await db.execute("INSERT INTO floor VALUES (?, 1, ?)", (row, bodies[0]))

    async def op(u: int, key: int) -> None:
        row = u % CHANNELS
        rows = await db.execute_fetchall("SELECT body, version FROM floor WHERE id = ?", (row,))
        if len(rows) != 1:  # type: ignore[arg-type]
            fail("floor row missing")
        await db.execute(
            "UPDATE floor SET body = ?, version = version + 1 WHERE id = ?",
            (bodies[key % len(bodies)], row),
        )

    return op


async def cpu_only_cost(seconds: float, pictures: bool = True) -> float:
    """Mean ns per /trace through the whole Tutor on the tests' in-memory store, one task;
    with `pictures` off, as for someone with `/settings images=off` (words only)."""
    tutor = Tutor(MemoryStore(), load_content(), SystemClock())
    people = [dataclasses.replace(actor, shows_pictures=pictures) for actor in actors()]
    op = tutor_op(tutor, people)
    rng = Random(SEED)
    for _ in range(500):
        await op(rng.randrange(USERS), rng.randrange(KEYS))
    count, start = 0, time.perf_counter_ns()
    end = start + int(seconds * 1e9)
    while time.perf_counter_ns() < end:
        for _ in range(100):
            await op(rng.randrange(USERS), rng.randrange(KEYS))
        count += 100
    return (time.perf_counter_ns() - start) / count


def stored_documents(path: Path) -> tuple[str, str]:
    """A stored cluster document and trace document of median size, read from the file."""
    with sqlite3.connect(path) as db:
        states = sorted((s for (s,) in db.execute("SELECT state FROM clusters")), key=len)
        traces = sorted((t for (t,) in db.execute("SELECT body FROM traces")), key=len)
    return states[len(states) // 2], traces[len(traces) // 2]


def store_op(store: SqliteStore, state: str, trace: str) -> Op:
    """Our store alone: load_cluster + save_cluster of fixed documents, one scope per user."""
    now = SystemClock().now()

    async def op(u: int, key: int) -> None:
        scope = Scope("bench", "store-only", ScopeKind.OWN, str(u))
        stored = await store.load_cluster(scope)
        version = stored.version if stored else 0
        if not await store.save_cluster(scope, state, version, now, StoredTrace(version, trace)):
            fail("store-only save conflicted; each task has its own scope")

    return op


async def main() -> None:
    args = parse_args(__doc__ or "")
    plan = QUICK if args.quick else FULL
    header("Tutor.handle /trace on the SQLite file store", args.quick)
    print(
        f"{USERS} users over {CHANNELS} channels, keys uniform over {KEYS}, "
        f"{plan.reps} repetitions; closed loop {plan.closed_s:g} s, open loop {plan.open_s:g} s "
        f"at {OFFERED_RATE:,.0f}/s offered, each after {plan.warmup_s:g} s of warm-up"
    )
    closed: list[ClosedResult] = []
    floors: list[ClosedResult] = []
    opened: list[OpenResult] = []
    with tempfile.TemporaryDirectory(prefix="rungs-bench-") as tmp:
        async with AsyncExitStack() as closing:
            path = Path(tmp) / "rungs.db"
            store = await SqliteStore.open(path)
            closing.push_async_callback(store.close)
            ours = tutor_op(Tutor(store, load_content(), SystemClock()), actors())
            settle_garbage_collector()  # as `rungs` does once it has started
            await closed_loop(ours, 0.0, 1.0, SEED - 1)  # fill every channel's cache and traces
            state, trace = stored_documents(path)
            info("stored cluster document / trace document", f"{len(state)} B / {len(trace)} B")
            floor_db = await open_like_product(Path(tmp) / "floor.db")
            closing.push_async_callback(floor_db.close)
            floor = await floor_op(floor_db, len(state))
            print()
            print(
                "  rep  closed cmd/s  p50      p99     | floor cmd/s  p50     p99     "
                "| open p50  p99       max        rate   GC: full, longest"
            )
            for rep in range(plan.reps):
                seed = SEED + rep
                closed.append(await closed_loop(ours, plan.warmup_s, plan.closed_s, seed))
                floors.append(await closed_loop(floor, plan.warmup_s, plan.closed_s, seed))
                with GcPauses() as pauses:
                    opened.append(await open_loop(ours, plan.warmup_s * 2, plan.open_s, seed))
                c, f, o = closed[-1], floors[-1], opened[-1]
                print(
                    f"  {rep + 1:>3}  {c.throughput:>12,.0f}  {ms(c.p50_ns):>8} {ms(c.p99_ns):>8}"
                    f" | {f.throughput:>11,.0f}  {ms(f.p50_ns):>7} {ms(f.p99_ns):>8}"
                    f" | {ms(o.p50_ns):>8} {ms(o.p99_ns):>9} {ms(o.max_ns):>10}"
                    f" {o.achieved:>6,.0f}/s  {pauses.full:>2}, {ms(pauses.longest_ns)}"
                )
            store_alone = await closed_loop(
                store_op(store, state, trace), plan.warmup_s, plan.closed_s, SEED
            )
    cpu_ns = await cpu_only_cost(1.0 if args.quick else 2.0)
    words_ns = await cpu_only_cost(1.0 if args.quick else 2.0, pictures=False)
    report(closed, floors, opened, 1e9 / store_alone.throughput, (cpu_ns, words_ns))


def report(
    closed: list[ClosedResult],
    floors: list[ClosedResult],
    opened: list[OpenResult],
    store_ns: float,
    code_ns: tuple[float, float],  # our code alone: with pictures, in words only
) -> None:
    ours_rate = median([c.throughput for c in closed])
    floor_rate = median([f.throughput for f in floors])
    ours_cost, floor_cost = 1e9 / ours_rate, 1e9 / floor_rate
    ours_p50 = median([c.p50_ns for c in closed])
    floor_p50 = median([f.p50_ns for f in floors])
    open_p99 = median([o.p99_ns for o in opened])
    print()
    print(f"closed loop, {USERS} users back to back (medians of {len(closed)}):")
    info("max throughput", f"{ours_rate:,.0f} commands/s")
    info("latency p50 / p99", f"{ms(ours_p50)} / {ms(median([c.p99_ns for c in closed]))}")
    print(f"open loop, {OFFERED_RATE:,.0f} commands/s offered at Poisson moments:")
    info(
        "offered / achieved rate",
        f"{median([o.offered for o in opened]):,.0f} / "
        f"{median([o.achieved for o in opened]):,.0f} commands/s",
    )
    info("latency p50 (from scheduled arrival)", ms(median([o.p50_ns for o in opened])))
    check("latency p99 (from scheduled arrival)", ms(open_p99), "≤ 5.00 ms", open_p99 <= 5e6)
    info("latency max (worst of all repetitions)", ms(max(o.max_ns for o in opened)))
    info("firing lateness p99 (loop busy; included)", ms(median([o.lag_p99_ns for o in opened])))
    info(
        "service time p50 / p99 (fired -> done)",
        f"{ms(median([o.service_p50_ns for o in opened]))} / "
        f"{ms(median([o.service_p99_ns for o in opened]))}",
    )
    print("floor: one aiosqlite read + one write per command, same concurrency:")
    info("floor throughput", f"{floor_rate:,.0f} commands/s")
    info("floor per-command cost (1/throughput)", us(floor_cost))
    info("floor latency p50", ms(floor_p50))
    info("our per-command cost (1/throughput)", us(ours_cost))
    ratio = ours_cost / floor_cost
    check("per-command cost, ours / floor", f"{ratio:.2f}×", "≤ 2.00×", ratio <= 2.0)
    ours_cpu = median([c.cpu_ns for c in closed])
    floor_cpu = median([f.cpu_ns for f in floors])
    info(
        "CPU per command, ours / floor (all threads)",
        f"{us(ours_cpu)} / {us(floor_cpu)} = {ours_cpu / floor_cpu:.2f}× (steadier when busy)",
    )
    info("median latency, ours / floor", f"{ours_p50 / floor_p50:.2f}×")
    print("where our per-command cost goes (single measurements, for orientation):")
    info("our store alone (load + save, 100 tasks)", us(store_ns))
    cpu_ns, words_ns = code_ns
    info("our code alone (in-memory store, 1 task)", us(cpu_ns))
    info("rest: waiting, GIL hand-offs, locks", us(ours_cost - store_ns - cpu_ns))
    info("our code alone, pictures off (words only)", us(words_ns))
    summary()


if __name__ == "__main__":
    asyncio.run(main())
