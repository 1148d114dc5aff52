"""Resident memory after many traces, and the bound on one channel's stored cluster.

    .venv/bin/python bench/memory.py [--quick]

Part 1: one process runs 10,000 `/trace` commands through the Tutor on a SQLite file, across
1,000 channels (10 each; several methods; varied keys; 100 in flight at a time, like a busy
bot), then reads its peak resident set (VmHWM) from /proc/self/status.

Part 2: 10,000 traces on ONE channel, each on a new key, on a second file; the largest stored
cluster document (`SELECT max(length(state)) FROM clusters`, in bytes) after 100 traces and at
later checkpoints. The simulated cache has a capacity, so the document must stop growing.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import time
from pathlib import Path
from random import Random

from benchkit import check, fail, header, info, parse_args, summary

from engine.content.loader import load_content
from engine.ports import SystemClock
from engine.replies import TraceSteps
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor

SEED = 20_261_128
IN_FLIGHT = 100
MAX_RSS_MB = 100.0
METHODS = ("GET", "GET", "GET", "GET", "POST", "PUT", "DELETE", "HEAD")
ENTITIES = ("u", "p", "o", "users", "posts")


def proc_status_mb(field: str) -> float:
    """A field of /proc/self/status such as VmHWM (peak resident) or VmRSS, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024  # kB
    raise SystemExit(f"bench: {field} not in /proc/self/status (this needs Linux)")


def largest_cluster(db: Path) -> tuple[int, int]:
    """(largest stored cluster document in bytes, number of stored traces), read directly."""
    with sqlite3.connect(db) as conn:
        (largest,) = conn.execute(
            "SELECT max(length(CAST(state AS BLOB))) FROM clusters"
        ).fetchone()
        (traces,) = conn.execute("SELECT count(*) FROM traces").fetchone()
    return int(largest), int(traces)


async def check_trace(tutor: Tutor, actor: Actor, line: str) -> None:
    reply = await tutor.handle_text(actor, line)
    if not isinstance(reply.blocks[0], TraceSteps):
        fail(f"{line!r} did not answer with a trace: {reply}")


async def many_channels(folder: Path, channels: int, per_channel: int) -> int:
    """Run channels x per_channel traces, IN_FLIGHT at a time; returns how many ran."""
    rng = Random(SEED)
    work = [
        (
            Actor("console", "local", f"user{c}-{i % 3}", f"user{c}-{i % 3}", f"room{c}"),
            f"/trace {rng.choice(METHODS)} /{rng.choice(ENTITIES)}/{rng.randrange(5_000)}",
        )
        for i in range(per_channel)
        for c in range(channels)
    ]
    store = await SqliteStore.open(folder / "channels.db")
    tutor = Tutor(store, load_content(), SystemClock())
    queue = iter(work)

    async def worker() -> None:
        for actor, line in queue:
            await check_trace(tutor, actor, line)

    try:
        await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    finally:
        await store.close()  # aiosqlite's thread would keep the process alive
    return len(work)


async def one_channel(folder: Path, checkpoints: list[int]) -> list[tuple[int, int, int]]:
    """Traces on one channel over as many distinct keys; (traces, largest doc, stored traces)."""
    db = folder / "one-channel.db"
    store = await SqliteStore.open(db)
    tutor = Tutor(store, load_content(), SystemClock())
    actor = Actor("console", "local", "bench", "bench", "busy-room")
    sizes = []
    done = 0
    try:
        for checkpoint in checkpoints:
            while done < checkpoint:
                await check_trace(tutor, actor, f"/trace GET /u/{done}")
                done += 1
            sizes.append((done, *largest_cluster(db)))
    finally:
        await store.close()
    return sizes


async def main() -> None:
    args = parse_args(__doc__ or "")
    channels, per_channel = (200, 10) if args.quick else (1_000, 10)
    checkpoints = [100, 1_000, 2_000] if args.quick else [100, 1_000, 5_000, 10_000]
    header("memory and bounded cluster state", args.quick)
    before = proc_status_mb("VmRSS")
    with tempfile.TemporaryDirectory(prefix="rungs-bench-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        ran = await many_channels(folder, channels, per_channel)
        elapsed = time.perf_counter() - start
        peak, now = proc_status_mb("VmHWM"), proc_status_mb("VmRSS")
        size_many, traces_many = largest_cluster(folder / "channels.db")
        print(
            f"{ran:,} traces across {channels:,} channels ({per_channel} each), "
            f"{IN_FLIGHT} in flight, in {elapsed:.1f} s:"
        )
        info("resident before the run, imports done (VmRSS)", f"{before:.1f} MB")
        info("resident at the end (VmRSS)", f"{now:.1f} MB")
        check(
            "peak resident (VmHWM)", f"{peak:.1f} MB", f"≤ {MAX_RSS_MB:.0f} MB", peak <= MAX_RSS_MB
        )
        info("largest cluster document / traces kept", f"{size_many:,} B / {traces_many:,} rows")

        start = time.perf_counter()
        sizes = await one_channel(folder, checkpoints)
        elapsed = time.perf_counter() - start
    print(f"{checkpoints[-1]:,} traces on one channel, every one a new key ({elapsed:.1f} s):")
    for traces, largest, kept in sizes:
        info(
            f"largest stored cluster after {traces:,} traces", f"{largest:,} B ({kept} traces kept)"
        )
    first, last = sizes[0][1], sizes[-1][1]
    check(
        f"growth {sizes[0][0]:,} -> {sizes[-1][0]:,} traces",
        f"{last / first:.2f}×",
        "≤ 1.50× (bounded)",
        last <= 1.5 * first,
    )
    info("peak resident, whole run (VmHWM)", f"{proc_status_mb('VmHWM'):.1f} MB")
    summary()


if __name__ == "__main__":
    asyncio.run(main())
