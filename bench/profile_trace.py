"""Where a `/trace` spends its time: cProfile of `Tutor.handle_text` (a tool, not a benchmark).

    .venv/bin/python bench/profile_trace.py [--store memory|sqlite] [--sort tottime|cumulative]
                                            [--commands N] [--top N] [--quick]

Runs N `/trace GET /u/<k>` commands one after another (same users, channels and keys as
tutor_throughput.py) under cProfile and prints the top functions. `--store memory` (default)
profiles our code alone; `--store sqlite` adds the SQLite file store (cProfile sees only the
event-loop thread, so time spent waiting for aiosqlite's thread shows up as `epoll.poll`).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import tempfile
import time
from pathlib import Path
from random import Random

from benchkit import header
from memory_store import MemoryStore
from tutor_throughput import KEYS, SEED, USERS, actors, tutor_op

from engine.content.loader import load_content
from engine.ports import Store, SystemClock
from engine.storage.sqlite import SqliteStore
from engine.tutor import Tutor


async def profile(store: Store, commands: int, sort: str, top: int) -> None:
    op = tutor_op(Tutor(store, load_content(), SystemClock()), actors())
    rng = Random(SEED)
    for _ in range(1_000):  # warm every channel's cache first
        await op(rng.randrange(USERS), rng.randrange(KEYS))
    profiler = cProfile.Profile()
    start = time.perf_counter_ns()
    profiler.enable()
    for _ in range(commands):
        await op(rng.randrange(USERS), rng.randrange(KEYS))
    profiler.disable()
    per_command = (time.perf_counter_ns() - start) / commands
    print(f"{commands:,} commands, {per_command / 1e3:.0f} µs each under the profiler")
    pstats.Stats(profiler).strip_dirs().sort_stats(sort).print_stats(top)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", choices=["memory", "sqlite"], default="memory")
    parser.add_argument("--sort", choices=["tottime", "cumulative"], default="tottime")
    parser.add_argument("--commands", type=int, default=5_000)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="1,000 commands")
    args = parser.parse_args()
    header(f"cProfile of /trace on the {args.store} store", args.quick)
    commands = 1_000 if args.quick else args.commands
    if args.store == "memory":
        await profile(MemoryStore(), commands, args.sort, args.top)
        return
    with tempfile.TemporaryDirectory(prefix="rungs-bench-") as tmp:
        store = await SqliteStore.open(Path(tmp) / "rungs.db")
        try:
            await profile(store, commands, args.sort, args.top)
        finally:
            await store.close()


if __name__ == "__main__":
    asyncio.run(main())
