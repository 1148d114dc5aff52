"""Shared helpers for the Rungs benchmarks: the machine, percentiles, PASS/MISS lines.

Not a benchmark itself; every script in this folder imports it (the folder is on `sys.path`
because the scripts are run as `python bench/<name>.py`).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import math
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from random import Random
from typing import Any, TypeVar

REPO = Path(__file__).resolve().parent.parent
T = TypeVar("T")
# The tests' fakes (the in-memory store, the fake Discord and Slack) are reused here on purpose:
# the benchmarks drive Rungs through what the tests trust. mypy finds them through mypy_path.
FAKES = REPO / "tests" / "fakes"
if str(FAKES) not in sys.path:
    sys.path.insert(0, str(FAKES))


@dataclass(frozen=True, slots=True)
class Verdict:
    label: str
    passed: bool


_verdicts: list[Verdict] = []


def parse_args(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--quick", action="store_true", help="a shorter run (smoke test; figures are noisier)"
    )
    return parser.parse_args()


def rungs_executable() -> Path:
    """The `rungs` script next to the interpreter running the benchmark (the venv's)."""
    beside = Path(sys.executable).parent / "rungs"
    if beside.exists():
        return beside
    found = shutil.which("rungs")
    if found is None:
        raise SystemExit("bench: cannot find the `rungs` command; install the package first")
    return Path(found)


def header(title: str, quick: bool) -> None:
    cpus = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    print(f"== {title} ({'quick' if quick else 'full'} run) ==")
    print(
        f"machine: nproc={usable} (cpu_count={cpus}), {platform.machine()}, "
        f"{platform.system()} {platform.release()}"
    )
    print(
        f"python {platform.python_version()} ({platform.python_implementation()}), "
        f"sqlite {sqlite3.sqlite_version}, aiosqlite {_version('aiosqlite')}, "
        f"pydantic {_version('pydantic')}"
    )
    print(f"code: {_git_state()}")
    if hasattr(os, "getloadavg"):
        one, five, _ = os.getloadavg()
        busy = "  (other work is running: figures may be noisy)" if one > 0.5 else ""
        print(f"load average at start: {one:.2f} (1 min), {five:.2f} (5 min){busy}")
    print()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def _git_state() -> str:
    try:
        rev = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "engine", "bot", "content"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return f"git {rev}" + (" + uncommitted changes in engine/bot/content" if dirty else "")


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile: the smallest value with at least p% of the values at or below."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def ms(ns: float) -> str:
    return f"{ns / 1e6:.2f} ms"


def us(ns: float) -> str:
    return f"{ns / 1e3:.0f} µs"


def info(label: str, value: str) -> None:
    print(f"  {label:<46} {value}")


def check(label: str, value: str, target: str, passed: bool) -> None:
    """A headline figure beside its target, with PASS or MISS."""
    _verdicts.append(Verdict(label, passed))
    print(f"  {label:<46} {value:<18} target {target:<16} {'PASS' if passed else 'MISS'}")


def summary() -> None:
    missed = [v.label for v in _verdicts if not v.passed]
    print()
    if missed:
        print(
            f"result: {len(_verdicts) - len(missed)} PASS, {len(missed)} MISS ({'; '.join(missed)})"
        )
    else:
        print(f"result: all {len(_verdicts)} targets PASS")


def fail(message: str) -> None:
    """The run did not measure what it claims to: stop loudly with a non-zero status."""
    print(f"\nBENCHMARK INVALID: {message}", file=sys.stderr)
    raise SystemExit(2)


# -- open loops: arrivals at their scheduled moments, whatever is still in flight ------------------


def poisson_arrivals(
    rng: Random, rate: float, duration_s: float, draw: Callable[[Random], T]
) -> list[tuple[int, T]]:
    """Arrivals of a Poisson process of `rate` per second over `duration_s`, drawn in advance:
    (nanoseconds after the start, what `draw(rng)` gave for that arrival)."""
    schedule: list[tuple[int, T]] = []
    at = 0.0
    while (at := at + rng.expovariate(rate)) < duration_s:
        schedule.append((int(at * 1e9), draw(rng)))
    return schedule


async def fire_on_time(
    schedule: Sequence[tuple[int, T]],
    arrive: Callable[[int, int, T], None],
    lead_ns: int = 5_000_000,
) -> int:
    """Play the clients of an open loop: a thread sleeps to each arrival (µs-precise, unlike the
    event loop's millisecond timers) and wakes the loop, as a request on a socket would, to call
    `arrive(due_ns, offset_ns, item)` in it. Starts `lead_ns` from now; returns that start
    (`perf_counter_ns`) once the last arrival is handed over."""
    loop = asyncio.get_running_loop()
    start = time.perf_counter_ns() + lead_ns

    def arrivals() -> None:
        for offset, item in schedule:
            wait = start + offset - time.perf_counter_ns()
            if wait > 0:
                time.sleep(wait / 1e9)
            loop.call_soon_threadsafe(arrive, start + offset, offset, item)

    await asyncio.to_thread(arrivals)
    return start


class InFlight:
    """The tasks arrivals started, kept until they finish (the loop holds only weak references
    to running tasks)."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def start(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def finish(self) -> None:
        """Wait for every task, including those started while waiting."""
        while self._tasks:
            await asyncio.gather(*self._tasks)


class GcPauses:
    """Collector pauses while active: (generation, ns) for every collection."""

    def __init__(self) -> None:
        self.pauses: list[tuple[int, int]] = []
        self._began = 0

    def _callback(self, phase: str, details: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter_ns()
        else:
            self.pauses.append((details["generation"], time.perf_counter_ns() - self._began))

    def __enter__(self) -> GcPauses:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)

    @property
    def full(self) -> int:
        return sum(1 for generation, _ in self.pauses if generation == 2)

    @property
    def longest_ns(self) -> int:
        return max((ns for _, ns in self.pauses), default=0)
