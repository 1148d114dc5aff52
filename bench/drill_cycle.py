"""The drill cycle through `Tutor.handle_text` on the SQLite file store: open and closed loop.

    .venv/bin/python bench/drill_cycle.py [--quick]

A cycle is one user's four steps in sequence, each sent when the previous reply is back (no
think time): `/drill <id>` → `/answer <~600 characters>` → `/reveal` → `/rate good confirm`
(`confirm`, so that a rating above what the sketch covered is saved, not asked about). Drill ids
rotate over all the content's drills; each answer is a distinct sketch of about 600 characters
built like bench/scoring.py's (sentences of that drill's model answer and others', filler
words), from a fixed seed. 100 users, `Actor("console", "local", "u<i>", "u<i>", None)`, on a
temp-file database opened by `SqliteStore.open` (WAL, synchronous=NORMAL), after
`settle_garbage_collector()` as `rungs` does. Every reply is checked (a heading "Drill: …", a
notice "Added to your sketch …", a heading "…: covered n/m", a notice "Next review …"); any
other reply makes the run invalid.

- open loop: 100 users together offer 200 cycles/s at Poisson-random moments, drawn in advance
  and fired on time by a thread that wakes the event loop (as a socket would), whatever is still
  in flight. Each arrival names a user at random; if that user is still in a cycle, the arrival
  goes to the next free user instead (and waits for the first user to free up if all 100 are
  busy, that wait counted). Why not queue it behind the busy user: one person does not start a
  drill while their previous /rate is still on its way, so a per-user queue would charge the
  tutor for a collision the harness made up; moving the arrival keeps the offered rate exactly
  200/s without coordinated omission. The run reports how many arrivals moved or waited.
  Latency of each step runs from when it was due: the first step from its scheduled arrival,
  each later step from the previous step's reply.
- closed loop: the 100 users run cycles back to back; cycles/s completed inside the window.

Headline figures are medians over the repetitions (both loops in each repetition).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections import deque
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

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
)
from scoring import texts_for

from bot.runtime import settle_garbage_collector
from engine.content.loader import load_content
from engine.ports import SystemClock
from engine.replies import Heading, Notice, Reply
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor

USERS = 100
OFFERED_RATE = 200.0  # cycles per second, all users together
ANSWER_CHARS = 600
ANSWERS_PER_DRILL = 64
SEED = 20_261_202
TARGET_P99_NS = 10_000_000
STEPS = ("/drill", "/answer", "/reveal", "/rate")


@dataclass(frozen=True, slots=True)
class Plan:
    reps: int
    warmup_s: float  # per measurement, discarded
    closed_s: float
    open_s: float


FULL = Plan(reps=5, warmup_s=1.0, closed_s=3.0, open_s=6.0)
QUICK = Plan(reps=3, warmup_s=0.3, closed_s=1.0, open_s=2.0)


@dataclass(slots=True)
class Samples:
    """Latencies (ns) of each step, plus the cycles they belong to."""

    steps: list[list[int]] = field(default_factory=lambda: [[] for _ in STEPS])
    cycles: list[int] = field(default_factory=list)  # first step due -> /rate reply


@dataclass(frozen=True, slots=True)
class StepFigures:
    p50_ns: float
    p99_ns: float
    max_ns: float


def figures(samples: Samples) -> list[StepFigures]:
    if not samples.cycles:
        fail("a loop completed no cycle inside its window")
    return [StepFigures(percentile(s, 50), percentile(s, 99), max(s)) for s in samples.steps]


@dataclass(frozen=True, slots=True)
class ClosedResult:
    cycles_per_s: float
    steps: list[StepFigures]
    cycle_p50_ns: float


@dataclass(frozen=True, slots=True)
class OpenResult:
    offered: float  # measured cycles / window: what the Poisson schedule actually offered
    achieved: float  # measured cycles / (last completion - window start)
    steps: list[StepFigures]
    cycle_p99_ns: float
    lag_p99_ns: float  # how late the harness started first steps (included above)
    moved: int  # arrivals sent to another user because theirs was busy
    waited: int  # arrivals that found all users busy


class Cycles:
    """The four steps of one cycle for one user, checked, with each step's latency."""

    def __init__(self, tutor: Tutor, lines: list[tuple[str, str]]) -> None:
        self._tutor = tutor
        self._people = [Actor("console", "local", f"u{i}", f"u{i}", None) for i in range(USERS)]
        self._lines = lines  # (drill line, answer line) per choice

    @property
    def choices(self) -> int:
        return len(self._lines)

    async def run(self, u: int, choice: int, due: int, into: Samples | None) -> int:
        """One cycle; `due` is when its first step was due. Returns the last reply's time."""
        actor = self._people[u]
        drill_line, answer_line = self._lines[choice]
        for index, line in enumerate((drill_line, answer_line, "/reveal", "/rate good confirm")):
            reply = await self._tutor.handle_text(actor, line)
            done = time.perf_counter_ns()
            _expect(index, reply, actor, line)
            if into is not None:
                into.steps[index].append(done - due)
            due = done
        return due


def _expect(index: int, reply: Reply, actor: Actor, line: str) -> None:
    first = reply.blocks[0] if reply.blocks else None
    ok = (
        (index == 0 and isinstance(first, Heading) and first.text.startswith("Drill: "))
        or (index == 1 and isinstance(first, Notice) and first.text.startswith("Added to your"))
        or (index == 2 and isinstance(first, Heading) and ": covered " in first.text)
        or (index == 3 and isinstance(first, Notice) and first.text.startswith("Next review"))
    )
    if not ok:
        fail(f"{actor.user_id} {line[:40]!r} got an unexpected reply: {str(first)[:200]}")


async def closed_loop(cycles: Cycles, warmup_s: float, measure_s: float, seed: int) -> ClosedResult:
    start = time.perf_counter_ns()
    window_start = start + int(warmup_s * 1e9)
    window_end = window_start + int(measure_s * 1e9)
    samples = Samples()

    async def user(u: int) -> None:
        rng = Random(seed * 1_000 + u)
        while (began := time.perf_counter_ns()) < window_end:
            scratch = Samples()
            done = await cycles.run(u, rng.randrange(cycles.choices), began, scratch)
            if window_start <= done <= window_end:
                for kept, new in zip(samples.steps, scratch.steps, strict=True):
                    kept.extend(new)
                samples.cycles.append(done - began)

    await asyncio.gather(*(user(u) for u in range(USERS)))
    return ClosedResult(len(samples.cycles) / measure_s, figures(samples), median(samples.cycles))


async def open_loop(cycles: Cycles, warmup_s: float, measure_s: float, seed: int) -> OpenResult:
    def draw(rng: Random) -> tuple[int, int]:
        return rng.randrange(USERS), rng.randrange(cycles.choices)  # (preferred user, choice)

    schedule = poisson_arrivals(Random(seed), OFFERED_RATE, warmup_s + measure_s, draw)
    warmup_ns = int(warmup_s * 1e9)
    samples = Samples()
    lags: list[int] = []
    last_done = 0
    moved = waited = 0
    busy = [False] * USERS
    queue: deque[tuple[int, int, bool]] = deque()  # arrivals that found every user busy
    in_flight = InFlight()

    async def cycle(u: int, choice: int, due: int, measured: bool) -> None:
        nonlocal last_done
        while True:
            lag = time.perf_counter_ns() - due
            done = await cycles.run(u, choice, due, samples if measured else None)
            if measured:
                lags.append(lag)
                samples.cycles.append(done - due)
                last_done = max(last_done, done)
            if not queue:
                busy[u] = False
                return
            choice, due, measured = queue.popleft()  # this user takes the oldest waiting one

    def arrive(due: int, offset: int, wanted: tuple[int, int]) -> None:
        nonlocal moved, waited
        preferred, choice = wanted
        measured = offset >= warmup_ns
        free = (u for u in ((preferred + k) % USERS for k in range(USERS)) if not busy[u])
        u = next(free, None)
        if u is None:
            waited += int(measured)
            queue.append((choice, due, measured))
            return
        moved += int(measured and u != preferred)
        busy[u] = True
        in_flight.start(cycle(u, choice, due, measured))

    start = await fire_on_time(schedule, arrive)
    await in_flight.finish()
    if queue:
        fail("arrivals left waiting after every cycle finished")
    window_start = start + warmup_ns
    return OpenResult(
        offered=len(samples.cycles) / measure_s,
        achieved=len(samples.cycles) / ((last_done - window_start) / 1e9),
        steps=figures(samples),
        cycle_p99_ns=percentile(samples.cycles, 99),
        lag_p99_ns=percentile(lags, 99),
        moved=moved,
        waited=waited,
    )


def answer_lines() -> list[tuple[str, str]]:
    """(drill line, answer line) choices: every drill, each with its own distinct sketches."""
    drills = load_content().drills
    lines = []
    for n, drill_id in enumerate(sorted(drills)):
        for text in texts_for(drills[drill_id], drills, ANSWERS_PER_DRILL, SEED + n, ANSWER_CHARS):
            lines.append((f"/drill {drill_id}", "/answer " + text.replace("\n", " ")))
    return lines


async def main() -> None:
    args = parse_args(__doc__ or "")
    plan = QUICK if args.quick else FULL
    header("drill → answer → reveal → rate cycle, Tutor.handle_text, SQLite file", args.quick)
    lines = answer_lines()
    sizes = sorted(len(answer) - len("/answer ") for _, answer in lines)
    print(
        f"{USERS} users; {len(lines)} (drill, answer) choices, answers "
        f"{sizes[0]}–{sizes[-1]} characters; {plan.reps} repetitions; closed loop "
        f"{plan.closed_s:g} s, open loop {plan.open_s:g} s at {OFFERED_RATE:g} cycles/s offered, "
        f"each after {plan.warmup_s:g} s of warm-up"
    )
    closed: list[ClosedResult] = []
    opened: list[OpenResult] = []
    with tempfile.TemporaryDirectory(prefix="rungs-bench-") as tmp:
        async with AsyncExitStack() as closing:
            store = await SqliteStore.open(Path(tmp) / "rungs.db")
            closing.push_async_callback(store.close)
            cycles = Cycles(Tutor(store, load_content(), SystemClock()), lines)
            settle_garbage_collector()  # as `rungs` does once it has started
            await closed_loop(cycles, 0.0, 1.0 if not args.quick else 0.5, SEED - 1)  # prime
            print()
            print(
                "  rep  closed cyc/s | open p99: /drill  /answer  /reveal    /rate |"
                "    max (any step)  rate   moved waited  GC: full, longest"
            )
            for rep in range(plan.reps):
                seed = SEED + rep
                closed.append(await closed_loop(cycles, plan.warmup_s, plan.closed_s, seed))
                with GcPauses() as pauses:
                    opened.append(await open_loop(cycles, plan.warmup_s, plan.open_s, seed))
                c, o = closed[-1], opened[-1]
                p99s = " ".join(f"{ms(s.p99_ns):>8}" for s in o.steps)
                print(
                    f"  {rep + 1:>3}  {c.cycles_per_s:>12,.0f} |        {p99s} | "
                    f"{ms(max(s.max_ns for s in o.steps)):>17} {o.achieved:>5,.0f}/s "
                    f"{o.moved:>5} {o.waited:>6}  {pauses.full:>2}, {ms(pauses.longest_ns)}"
                )
    report(closed, opened)


def report(closed: list[ClosedResult], opened: list[OpenResult]) -> None:
    print()
    print(
        f"open loop, {OFFERED_RATE:g} cycles/s offered at Poisson moments, {USERS} users "
        f"(medians of {len(opened)}; latency from when each step was due):"
    )
    info(
        "offered / achieved rate",
        f"{median([o.offered for o in opened]):,.1f} / "
        f"{median([o.achieved for o in opened]):,.1f} cycles/s",
    )
    for index, step in enumerate(STEPS):
        p50 = median([o.steps[index].p50_ns for o in opened])
        p99 = median([o.steps[index].p99_ns for o in opened])
        worst = max(o.steps[index].max_ns for o in opened)
        info(f"{step} p50 / max (worst of all repetitions)", f"{ms(p50)} / {ms(worst)}")
        check(f"{step} p99", f"{p99 / 1e6:.3f} ms", "≤ 10 ms", p99 <= TARGET_P99_NS)
    info("whole cycle p99 (arrival -> /rate reply)", ms(median([o.cycle_p99_ns for o in opened])))
    info("firing lateness p99 (in /drill's latency)", ms(median([o.lag_p99_ns for o in opened])))
    info(
        "arrivals moved to a free user / waited (sum)",
        f"{sum(o.moved for o in opened)} / {sum(o.waited for o in opened)}",
    )
    print(f"closed loop, {USERS} users back to back (medians of {len(closed)}):")
    rate = median([c.cycles_per_s for c in closed])
    info("max throughput", f"{rate:,.0f} cycles/s ({rate * 4:,.0f} commands/s)")
    info("cycle latency p50", ms(median([c.cycle_p50_ns for c in closed])))
    info(
        "step p50: " + " / ".join(s.removeprefix("/") for s in STEPS),
        " / ".join(ms(median([c.steps[i].p50_ns for c in closed])) for i in range(len(STEPS))),
    )
    summary()


if __name__ == "__main__":
    asyncio.run(main())
