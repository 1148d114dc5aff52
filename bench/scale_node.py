"""One Rungs node of bench/scale_out.py: a process of its own, with its own interpreter and
PostgreSQL pool, running `Tutor.handle_text` for a closed loop of learners.

    python bench/scale_node.py URL NAME SEED  (started by bench/scale_out.py, not by hand)

It warms up, says `ready` (a JSON line on stdout) and parks its learners; on `go` (a line on
stdin) it measures until `stop`, lets the commands in flight finish, and prints one JSON line:
commands by kind, errors, latencies, its own CPU (every thread), the CPU of its PostgreSQL
backends (found by their application_name in pg_stat_activity, read from /proc: the server runs
on this machine), and the statements each kind of command sent with the bytes of their
parameters (counted by a thin proxy in front of the store's pool, keyed by the command running).
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import os
import resource
import sys
import time
import urllib.parse
from collections import Counter
from pathlib import Path
from random import Random
from typing import Any

from engine.content.loader import load_content
from engine.ports import SystemClock
from engine.storage import open_store
from engine.tutor import Actor, Tutor

WORKERS = 12  # learners per node, each sending its next command when the last is answered
CHANNELS = 6  # shared by the nodes' learners: a channel's cluster takes traces from every node
KEYS = 200
WARMUP_S = 3.0
CLK_TCK = os.sysconf("SC_CLK_TCK")
SKETCH = (
    "Scale up first while it is cheap, then out: stateless app servers behind a load balancer "
    "with health checks, sessions in Redis, a cache in front of the database, read replicas "
    "for the reads, and shard by user id once writes outgrow one primary."
)
# One learner's round: three traces in its channel, then a drill answered, revealed and rated.
ROUND = ("trace", "trace", "trace", "drill", "answer", "reveal", "rate")
KIND: contextvars.ContextVar[str] = contextvars.ContextVar("kind", default="start-up")


class CountingPool:
    """The store's pool, counting each statement (and each connection taken for a transaction)
    by the kind of command running, with the bytes of its text parameters."""

    def __init__(self, pool: Any) -> None:
        self._pool = pool
        self.statements: Counter[str] = Counter()
        self.param_bytes: Counter[str] = Counter()

    def _count(self, args: tuple[Any, ...]) -> None:
        kind = KIND.get()
        self.statements[kind] += 1
        self.param_bytes[kind] += sum(len(a) for a in args if isinstance(a, str | bytes))

    async def fetch(self, query: str, *args: Any) -> Any:
        self._count(args)
        return await self._pool.fetch(query, *args)

    async def fetchrow(self, query: str, *args: Any) -> Any:
        self._count(args)
        return await self._pool.fetchrow(query, *args)

    async def fetchval(self, query: str, *args: Any) -> Any:
        self._count(args)
        return await self._pool.fetchval(query, *args)

    async def execute(self, query: str, *args: Any) -> Any:
        self._count(args)
        return await self._pool.execute(query, *args)

    async def executemany(self, query: str, args: Any) -> Any:
        self._count(())
        return await self._pool.executemany(query, args)

    def acquire(self) -> Any:
        self._count(())  # a transaction's statements go through the connection: one at least
        return self._pool.acquire()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)


def line(kind: str, user: str, key: int, drill: str) -> str:
    match kind:
        case "trace":
            return f"/trace GET /u/{key}"
        case "drill":
            return f"/drill {drill} confirm"
        case "answer":
            return f"/answer {SKETCH} ({user})"
        case "reveal":
            return "/reveal"
        case _:
            return "/rate good confirm"


class Node:
    def __init__(self, tutor: Tutor, name: str, seed: int, drills: list[str]) -> None:
        self.tutor, self.name, self.seed, self.drills = tutor, name, seed, drills
        self.open = asyncio.Event()
        self.parked = 0
        self.all_parked = asyncio.Event()
        self.counting = False
        self.done: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.latencies: dict[str, list[float]] = {}

    async def learner(self, index: int) -> None:
        rng = Random(self.seed * 1000 + index)
        user = f"{self.name}-u{index}"
        actor = Actor("slack", "T0BENCH", user, user, f"C0STUDY{index % CHANNELS}")
        while True:
            for step, kind in enumerate(ROUND):
                if not self.open.is_set():
                    self.parked += 1
                    if self.parked == WORKERS:
                        self.all_parked.set()
                    await self.open.wait()
                    self.parked -= 1
                drill = self.drills[(index + step) % len(self.drills)]
                text = line(kind, user, rng.randrange(KEYS), drill)
                KIND.set(kind)
                started = time.perf_counter()
                reply = await self.tutor.handle_text(actor, text)
                took = time.perf_counter() - started
                if self.counting:
                    self.done[kind] += 1
                    self.latencies.setdefault(kind, []).append(took)
                    if reply.is_error and kind in ("trace", "drill"):
                        self.errors[kind] += 1

    async def park(self) -> None:
        """Stop the learners after the command each has in flight; return once all have."""
        self.all_parked.clear()
        self.open.clear()
        await self.all_parked.wait()


def backend_cpu(pids: list[int]) -> dict[int, float]:
    """CPU seconds (user + system) of each PostgreSQL backend so far."""
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone: its CPU is lost to the figure (the pool keeps its connections)
        found[pid] = (int(fields[11]) + int(fields[12])) / CLK_TCK
    return found


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def backends(meter: Any, name: str) -> list[int]:
    rows = await meter.fetch("SELECT pid FROM pg_stat_activity WHERE application_name = $1", name)
    return [int(r["pid"]) for r in rows]


def named(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    query = [*urllib.parse.parse_qsl(parts.query), ("application_name", name)]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


async def read_line() -> str:
    text: str = await asyncio.to_thread(sys.stdin.readline)
    return text.strip()


def say(doc: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(doc) + "\n")
    sys.stdout.flush()


async def main(url: str, name: str, seed: int) -> None:
    import asyncpg

    content = load_content()
    store = await open_store(named(url, name))
    counting = CountingPool(store._pool)  # type: ignore[attr-defined]
    store._pool = counting  # type: ignore[attr-defined]
    meter = await asyncpg.connect(named(url, f"{name}-meter"))
    tutor = Tutor(store, content, SystemClock())
    node = Node(tutor, name, seed, sorted(content.drills))
    node.open.set()
    tasks = [asyncio.create_task(node.learner(i)) for i in range(WORKERS)]
    await asyncio.sleep(WARMUP_S)
    await node.park()
    say({"ready": name})
    if await read_line() != "go":
        raise SystemExit("scale_node: expected go")
    counting.statements.clear()
    counting.param_bytes.clear()
    pids = await backends(meter, name)
    cpu0, db0, wall0 = own_cpu(), backend_cpu(pids), time.monotonic()
    node.counting = True
    node.open.set()
    if await read_line() != "stop":
        raise SystemExit("scale_node: expected stop")
    await node.park()
    wall = time.monotonic() - wall0
    node.counting = False
    pids = await backends(meter, name)
    cpu1, db1 = own_cpu(), backend_cpu(pids)
    db_cpu = sum(db1[p] - db0.get(p, 0.0) for p in db1)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await tutor.saved()
    say(
        {
            "name": name,
            "wall_s": wall,
            "done": dict(node.done),
            "errors": dict(node.errors),
            "latencies": node.latencies,
            "node_cpu_s": cpu1 - cpu0,
            "db_cpu_s": db_cpu,
            "backends": len(db1),
            "statements": dict(counting.statements),
            "param_bytes": dict(counting.param_bytes),
        }
    )
    await meter.close()
    await store.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
