"""Job claims across real OS processes on one real SQLite file: what several nodes of one
platform do. Each worker is a fresh interpreter with its own `SqliteStore` (its own connection,
WAL, busy timeout), started together and racing `claim_due_jobs` and `finish_job`.

Time is passed to the workers, not read from the wall clock, so the lease test is exact.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from store_databases import NOW

from engine.ports import DrillNudge, NewJob, Target, UserKey
from engine.storage.sqlite import SqliteStore

REPO = Path(__file__).resolve().parents[2]
JOBS = 400
WORKERS = 4
TIMEOUT_S = 60

# argv: database, node, now (ISO), lease seconds, batch limit, mode, go-file.
# Modes: "drain" claims batches and finishes each job until a claim comes back empty;
# "hold" claims one batch, reports it and then hangs, finishing nothing, until it is killed;
# "finish:<id>" only tries to finish job <id>.
WORKER = r"""
import asyncio, json, sys, time
from datetime import datetime, timedelta
from pathlib import Path
from engine.storage.sqlite import SqliteStore

async def main(path, node, now, lease, limit, mode, go):
    store = await SqliteStore.open(Path(path))
    print("ready", flush=True)
    while not Path(go).exists():
        time.sleep(0.001)
    claimed, finished, lost = [], [], []
    if mode.startswith("finish:"):
        job_id = int(mode.partition(":")[2])
        (finished if await store.finish_job(job_id, node, now) else lost).append(job_id)
    for _ in range(0 if mode.startswith("finish:") else 1000):  # bounded: fail, never hang
        batch = await store.claim_due_jobs("slack", node, now, lease, limit)
        claimed += [[job.id, job.key, job.attempts] for job in batch]
        if mode == "hold":
            print(json.dumps({"claimed": claimed}), flush=True)
            await asyncio.sleep(3600)  # a node that hangs, then dies without finishing
        if not batch:
            break
        for job in batch:
            (finished if await store.finish_job(job.id, node, now) else lost).append(job.id)
    await store.close()
    print(json.dumps({"claimed": claimed, "finished": finished, "lost": lost}), flush=True)

path, node, now, lease, limit, mode, go = sys.argv[1:]
asyncio.run(main(
    path, node, datetime.fromisoformat(now), timedelta(seconds=float(lease)), int(limit), mode, go
))
"""


def spawn(db: Path, node: str, now: datetime, mode: str, limit: int = 8) -> subprocess.Popen[str]:
    go = db.with_name(f"go-{node}-{mode.replace(':', '-')}")
    process = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(db), node, now.isoformat(), "30", str(limit), mode, go],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    ready = process.stdout.readline()
    assert ready == "ready\n", f"worker {node} did not start: {ready!r} {process.stderr}"
    return process


def go(db: Path, *workers: tuple[str, str]) -> None:
    """Let the named (node, mode) workers loose, all at once."""
    for node, mode in workers:
        db.with_name(f"go-{node}-{mode.replace(':', '-')}").touch()


def report(process: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = process.communicate(timeout=TIMEOUT_S)
    assert process.returncode == 0, err
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def schedule(db: Path, count: int, due: datetime) -> list[int]:
    """`count` jobs due at `due`, scheduled through the store; their ids, read from the file."""

    async def run() -> None:
        store = await SqliteStore.open(db)
        for n in range(count):
            nudge = DrillNudge(n, UserKey("slack", "T1", f"U{n}"))
            job = NewJob(f"job:{n:04}", "slack", Target("T1"), nudge, due)
            assert await store.schedule_job(job)
        await store.close()

    asyncio.run(run())
    return [job_id for job_id, *_ in rows(db)]


def rows(db: Path) -> list[tuple[int, str | None, int, str | None]]:
    with sqlite3.connect(db) as connection:
        return list(
            connection.execute("SELECT id, claimed_by, attempts, done_at FROM jobs ORDER BY id")
        )


def test_racing_worker_processes_finish_every_job_exactly_once(tmp_path: Path) -> None:
    db = tmp_path / "rungs.db"
    ids = schedule(db, JOBS, NOW - timedelta(minutes=1))
    nodes = [f"node-{n}" for n in range(WORKERS)]
    workers = {node: spawn(db, node, NOW, "drain") for node in nodes}

    go(db, *((node, "drain") for node in nodes))
    results = {node: report(process) for node, process in workers.items()}

    claims = Counter(job_id for r in results.values() for job_id, _, _ in r["claimed"])
    assert sorted(claims) == ids  # every job was claimed ...
    assert set(claims.values()) == {1}  # ... by one worker, once
    for node, result in results.items():
        assert result["lost"] == [], node
        assert sorted(result["finished"]) == sorted(j for j, _, _ in result["claimed"]), node
        assert {attempts for _, _, attempts in result["claimed"]} <= {1}
    busy = [node for node, result in results.items() if result["claimed"]]
    assert len(busy) >= 2, f"no race happened: only {busy} claimed anything"
    holder = {job_id: node for node, r in results.items() for job_id, _, _ in r["claimed"]}
    for job_id, claimed_by, attempts, done_at in rows(db):
        assert (claimed_by, attempts) == (holder[job_id], 1)
        assert done_at == NOW.isoformat()


def test_a_dead_workers_job_is_retaken_by_another_after_the_lease(tmp_path: Path) -> None:
    db = tmp_path / "rungs.db"
    [job_id] = schedule(db, 1, NOW - timedelta(minutes=1))
    dead = spawn(db, "dead-node", NOW, "hold")
    go(db, ("dead-node", "hold"))
    assert dead.stdout is not None
    held = json.loads(dead.stdout.readline())
    assert held["claimed"] == [[job_id, "job:0000", 1]]
    dead.kill()  # SIGKILL: no finish, no close, no goodbye
    dead.communicate(timeout=TIMEOUT_S)

    early = spawn(db, "live-node", NOW + timedelta(seconds=29), "drain")  # lease: 30 s
    go(db, ("live-node", "drain"))
    assert report(early) == {"claimed": [], "finished": [], "lost": []}

    later = spawn(db, "live-node", NOW + timedelta(seconds=30), "drain")
    go(db, ("live-node", "drain"))
    assert report(later) == {"claimed": [[job_id, "job:0000", 2]], "finished": [job_id], "lost": []}

    ghost = spawn(db, "dead-node", NOW + timedelta(seconds=31), f"finish:{job_id}")
    go(db, ("dead-node", f"finish:{job_id}"))
    assert report(ghost) == {"claimed": [], "finished": [], "lost": [job_id]}  # too late
    [(_, claimed_by, attempts, done_at)] = rows(db)
    assert (claimed_by, attempts, done_at) == (
        "live-node",
        2,
        (NOW + timedelta(seconds=30)).isoformat(),
    )
