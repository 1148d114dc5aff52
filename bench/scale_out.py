"""Scale-out, measured honestly: 1 and then 2 Rungs nodes on one PostgreSQL.

    RUNGS_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/scale_out.py [--quick]

Each node is a process of its own (bench/scale_node.py: its own interpreter, GIL and pool of
PostgreSQL connections) running `Tutor.handle_text` for 12 learners in a closed loop: three
`/trace GET /u/<k>` in one of 6 channels the nodes share (so a channel's cluster takes traces
from every node, and optimistic versions decide the races), then `/drill <id> confirm`,
`/answer <sketch>`, `/reveal`, `/rate good confirm`. The database is a scratch one created for
the run (`rungs_scale_<hex>`) on the server of the URL, dropped at the end.

A round starts the nodes, lets them warm up (3 s), parks their learners, then measures all of
them over the same window: commands completed, each node's CPU (every thread, getrusage), and
the CPU of its PostgreSQL backends (pg_stat_activity by application_name, then /proc/<pid>/stat:
the server runs on this machine), each per command; and from the store's pool, the statements
and the bytes of text parameters each kind of command sent. Rounds alternate 1 and 2 nodes;
figures are medians over the repetitions.

From the costs per command, where PostgreSQL becomes the bottleneck: a node's event loop is one
core at most, so N nodes on machines of their own serve N / (node CPU per command); PostgreSQL
with P cores serves P / (its CPU per command); the node count where the two meet is
P × node CPU / PostgreSQL CPU. On this machine the nodes, PostgreSQL and this process share 2
cores, so the machine itself is the limit: 2 nodes cannot serve twice what 1 does, and the
figure that decides it is the CPU per command of the nodes and of PostgreSQL together.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import urllib.parse
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchkit import REPO, check, fail, header, info, parse_args, percentile, summary

HERE = Path(__file__).resolve().parent
NODE = HERE / "scale_node.py"
URL_VARIABLES = ("RUNGS_BENCH_POSTGRES_URL", "RUNGS_TEST_POSTGRES_URL")
CORES_HERE = 2
REPORT_LIMIT = 64 * 2**20  # a node's report is one JSON line, with every /trace's latency


@dataclass(frozen=True, slots=True)
class Plan:
    reps: int
    measure_s: float


FULL = Plan(reps=3, measure_s=10.0)
QUICK = Plan(reps=1, measure_s=4.0)


@dataclass(frozen=True, slots=True)
class Round:
    nodes: int
    commands: int
    wall_s: float
    node_cpu_s: float
    db_cpu_s: float
    trace_p50: float
    trace_p99: float
    errors: int
    statements: dict[str, int]
    param_bytes: dict[str, int]
    done: dict[str, int]

    @property
    def per_s(self) -> float:
        return self.commands / self.wall_s

    @property
    def node_cpu(self) -> float:
        return self.node_cpu_s / self.commands

    @property
    def db_cpu(self) -> float:
        return self.db_cpu_s / self.commands


@asynccontextmanager
async def scratch_database(base: str) -> AsyncIterator[str]:
    """A database of its own for the run: nobody else's rows or backends in the figures."""
    import asyncpg

    name = f"rungs_scale_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(base)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        parts = urllib.parse.urlsplit(base)
        yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def migrate(url: str) -> None:
    from engine.storage import open_store

    store = await open_store(url)
    await store.close()


async def start_node(url: str, name: str, seed: int) -> asyncio.subprocess.Process:
    env = os.environ | {"PYTHONPATH": str(REPO)}
    return await asyncio.create_subprocess_exec(
        sys.executable, str(NODE), url, name, str(seed),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env=env,
        limit=REPORT_LIMIT,
    )  # fmt: skip


async def said(process: asyncio.subprocess.Process) -> dict[str, Any]:
    assert process.stdout is not None
    text = await asyncio.wait_for(process.stdout.readline(), 120)
    if not text:
        fail(f"a node exited early (status {await process.wait()})")
    doc: dict[str, Any] = json.loads(text)
    return doc


async def tell(process: asyncio.subprocess.Process, word: str) -> None:
    assert process.stdin is not None
    process.stdin.write(f"{word}\n".encode())
    await process.stdin.drain()


async def one_round(url: str, nodes: int, seed: int, measure_s: float) -> Round:
    processes = [await start_node(url, f"scale-r{seed}-n{i}", seed + i) for i in range(nodes)]
    try:
        for process in processes:
            await said(process)  # ready: warmed up, learners parked
        for process in processes:
            await tell(process, "go")
        await asyncio.sleep(measure_s)
        for process in processes:
            await tell(process, "stop")
        reports = [await said(process) for process in processes]
        for process in processes:
            if await asyncio.wait_for(process.wait(), 60) != 0:
                fail(f"a node exited with status {process.returncode}")
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()
    return combined(nodes, reports)


def combined(nodes: int, reports: Sequence[dict[str, Any]]) -> Round:
    def total(field: str) -> dict[str, int]:
        summed: dict[str, int] = {}
        for report in reports:
            for kind, value in report[field].items():
                summed[kind] = summed.get(kind, 0) + int(value)
        return summed

    done = total("done")
    traces = [t for r in reports for t in r["latencies"].get("trace", [])]
    return Round(
        nodes=nodes,
        commands=sum(done.values()),
        wall_s=max(float(r["wall_s"]) for r in reports),
        node_cpu_s=sum(float(r["node_cpu_s"]) for r in reports),
        db_cpu_s=sum(float(r["db_cpu_s"]) for r in reports),
        trace_p50=percentile(traces, 50),
        trace_p99=percentile(traces, 99),
        errors=sum(total("errors").values()),
        statements=total("statements"),
        param_bytes=total("param_bytes"),
        done=done,
    )


def med(rounds: Sequence[Round], value: Callable[[Round], float]) -> float:
    return float(statistics.median(value(r) for r in rounds))


ROW = (
    "  {rep:>3} {nodes:>5} {rate:>9.0f} {p50:>10.1f} {p99:>10.1f} {node:>11.2f} {db:>11.2f}"
    " {both:>11.2f} {errors:>6}"
)
HEAD = (
    f"  {'rep':>3} {'nodes':>5} {'cmds/s':>9} {'trace p50':>10} {'trace p99':>10} "
    f"{'node ms/cmd':>11} {'pg ms/cmd':>11} {'both ms/cmd':>11} {'errors':>6}"
)


def row(rep: int, r: Round) -> str:
    return ROW.format(
        rep=rep,
        nodes=r.nodes,
        rate=r.per_s,
        p50=r.trace_p50 * 1e3,
        p99=r.trace_p99 * 1e3,
        node=r.node_cpu * 1e3,
        db=r.db_cpu * 1e3,
        both=(r.node_cpu + r.db_cpu) * 1e3,
        errors=r.errors,
    )


def per_command(rounds: Sequence[Round]) -> dict[str, tuple[float, float]]:
    """(statements, parameter bytes) per command of each kind, over the rounds together."""
    done: dict[str, int] = {}
    sent: dict[str, int] = {}
    size: dict[str, int] = {}
    for r in rounds:
        for into, counts in ((done, r.done), (sent, r.statements), (size, r.param_bytes)):
            for kind, n in counts.items():
                into[kind] = into.get(kind, 0) + n
    kinds = {k: (sent.get(k, 0) / n, size.get(k, 0) / n) for k, n in sorted(done.items())}
    everything = sum(done.values())
    kinds["all"] = (sum(sent.values()) / everything, sum(size.values()) / everything)
    return kinds


def statements_table(one: Sequence[Round], two: Sequence[Round]) -> None:
    """Statements and parameter bytes per command, by kind, with 1 node and with 2 (where the
    nodes' traces race on the shared channels' clusters: a lost race reloads and saves again)."""
    alone, together = per_command(one), per_command(two)
    print(f"  {'':<8} {'1 node':>27}   {'2 nodes':>27}")
    columns = f"{'statements':>12} {'param bytes':>14}"
    print(f"  {'command':<8} {columns}   {columns}")
    for kind in alone:
        a, b = alone[kind], together.get(kind, (0.0, 0.0))
        print(f"  {kind:<8} {a[0]:>12.2f} {a[1]:>14.0f}   {b[0]:>12.2f} {b[1]:>14.0f}")


def report(one: Sequence[Round], two: Sequence[Round]) -> None:
    print()
    for label, rounds in (("1 node", one), ("2 nodes", two)):
        print(f"{label} (medians of {len(rounds)})")
        info("commands/s", f"{med(rounds, lambda r: r.per_s):.0f}/s")
        info(
            "node CPU per command (all nodes)", f"{med(rounds, lambda r: r.node_cpu) * 1e3:.2f} ms"
        )
        info(
            "PostgreSQL backends' CPU per command",
            f"{med(rounds, lambda r: r.db_cpu) * 1e3:.2f} ms",
        )
        info(
            "/trace p50 / p99",
            f"{med(rounds, lambda r: r.trace_p50) * 1e3:.1f} / "
            f"{med(rounds, lambda r: r.trace_p99) * 1e3:.1f} ms",
        )
    print("statements and parameter bytes each command sent (the store's pool, every round)")
    statements_table(one, two)
    node = med(one, lambda r: r.node_cpu)
    db = med(one, lambda r: r.db_cpu)
    scaling = med(two, lambda r: r.per_s) / med(one, lambda r: r.per_s)
    print("where PostgreSQL becomes the bottleneck (1-node costs per command)")
    info("node CPU / PostgreSQL CPU per command", f"{node / db:.2f}")
    info("nodes PostgreSQL keeps up with, per core it has", f"{node / db:.1f}")
    for cores in (2, 4, 8):
        info(
            f"  with {cores} cores for PostgreSQL: bottleneck at",
            f"{cores * node / db:.1f} nodes ({cores / db:.0f} commands/s)",
        )
    busy = os.cpu_count() or CORES_HERE
    print(
        f"this machine: the nodes, PostgreSQL and this process share {busy} cores (and other\n"
        "  work), so the machine is the limit, not PostgreSQL: at most about\n"
        f"  {busy / (node + db):.0f} commands/s whatever the node count "
        f"({busy} cores / {(node + db) * 1e3:.2f} ms of CPU per command, node and PostgreSQL)"
    )
    info("2 nodes / 1 node, commands/s", f"{scaling:.2f}")
    errors = sum(r.errors for r in [*one, *two])
    check("commands that failed (all rounds)", str(errors), "0", errors == 0)
    summary()


async def main() -> None:
    args = parse_args(__doc__ or "")
    plan = QUICK if args.quick else FULL
    header("scale-out: 1 and 2 Rungs nodes on one PostgreSQL", args.quick)
    base = next((os.environ[v] for v in URL_VARIABLES if os.environ.get(v)), None)
    if base is None:
        print(f"skipped: set {URL_VARIABLES[1]} (a PostgreSQL URL on this machine) to run it")
        return
    print(
        f"each node: 12 learners in a closed loop (3 traces in one of 6 shared channels, a "
        f"drill answered, revealed, rated); {plan.reps} repetition(s) of 1 and 2 nodes, "
        f"{plan.measure_s:g} s measured after 3 s of warm-up"
    )
    async with scratch_database(base) as url:
        await migrate(url)
        print()
        print(HEAD)
        one: list[Round] = []
        two: list[Round] = []
        for rep in range(plan.reps):
            for nodes in (1, 2) if rep % 2 == 0 else (2, 1):
                got = await one_round(url, nodes, 100 * rep + 10 * nodes, plan.measure_s)
                (one if nodes == 1 else two).append(got)
                print(row(rep + 1, got))
    report(one, two)


if __name__ == "__main__":
    asyncio.run(main())
