"""`rungs db copy` from a SQLite file that another process keeps writing to, as a live community's
node would: the copy is one consistent snapshot (each cluster with its trace, nothing torn
between tables), and the writer is never held up by it."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from test_job_claims_processes import REPO
from transfer_fixtures import database_url

from engine.ports import Scope, ScopeKind
from engine.storage import open_store
from engine.storage.transfer import TableCopy, copy_database

PREFILLED = 3_000
WAIT_S = 60.0

# argv: database, stop-file. Saves new clusters, each with its trace in the same statement,
# through the real SQLite store, until the stop file appears; prints how many at the end.
WRITER = r"""
import asyncio, sys
from datetime import UTC, datetime
from pathlib import Path
from engine.ports import Scope, ScopeKind, StoredTrace
from engine.storage.sqlite import SqliteStore

async def main(path, stop):
    store = await SqliteStore.open(Path(path))
    print("writing", flush=True)
    written = 0
    while not Path(stop).exists() and written < 200_000:
        now = datetime.now(UTC)
        scope = Scope("busy", "w", ScopeKind.CHANNEL, str(written))
        await store.save_cluster(scope, '{"n": %d}' % written, 0, now,
                                 StoredTrace(1, '{"trace": %d}' % written))
        written += 1
    await store.close()
    print(written, flush=True)

asyncio.run(main(*sys.argv[1:]))
"""


def busy_rows(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        (count,) = connection.execute(
            "SELECT count(*) FROM clusters WHERE scope LIKE 'busy:%'"
        ).fetchone()
    return int(count)


async def prefill(url: str) -> None:
    store = await open_store(url)
    now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    try:
        for n in range(PREFILLED):
            await store.save_cluster(Scope("old", "w", ScopeKind.CHANNEL, str(n)), "{}", 0, now)
    finally:
        await store.close()


async def test_copy_while_another_process_writes(tmp_path: Path) -> None:
    db = tmp_path / "busy.db"
    source = f"sqlite:///{db}"
    await prefill(source)
    stop = tmp_path / "stop"
    writer = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        WRITER,
        str(db),
        str(stop),
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert writer.stdout is not None
    try:
        assert await writer.stdout.readline() == b"writing\n"
        deadline = time.monotonic() + WAIT_S
        while busy_rows(db) < 10:  # some of its rows are in before the snapshot, too
            assert time.monotonic() < deadline, "the writer never wrote"
            await asyncio.sleep(0.01)
        committed_during_copy: list[int] = []

        def progress(table: TableCopy) -> None:
            """Halfway through the copy (its snapshot open), wait until the writer commits
            more rows: it would wait for ever if the copy held it up."""
            if table.name != "clusters":
                return
            before = busy_rows(db)
            deadline = time.monotonic() + WAIT_S
            while busy_rows(db) < before + 50:
                assert time.monotonic() < deadline, "the writer was held up by the copy"
                time.sleep(0.01)
            committed_during_copy.append(busy_rows(db) - before)

        async with database_url("sqlite", tmp_path, "target") as target:
            report = await copy_database(source, target, progress=progress)
    finally:
        stop.touch()
        out, err = await asyncio.wait_for(writer.communicate(), WAIT_S)
    assert writer.returncode == 0, err.decode()
    written = int(out.strip())

    assert committed_during_copy
    assert committed_during_copy[0] >= 50
    copied = {t.name: t.rows for t in report.tables}
    target_db = tmp_path / "target.db"
    with sqlite3.connect(target_db) as connection:
        clusters = connection.execute(
            "SELECT count(*) FROM clusters WHERE scope LIKE 'busy:%'"
        ).fetchone()[0]
        traces = connection.execute(
            "SELECT count(*) FROM traces WHERE scope LIKE 'busy:%'"
        ).fetchone()[0]
        scopes = {row[0] for row in connection.execute("SELECT scope FROM clusters")}
    # One snapshot: every copied cluster has its trace and no trace lacks its cluster, though
    # the traces were read after the writer had committed more clusters.
    assert clusters == traces > 0
    assert copied["clusters"] == PREFILLED + clusters
    assert clusters < written  # the writer went on past the snapshot
    # Nothing invented: every copied cluster is in the source, and the writer's clusters came
    # in order, so the copy holds exactly the first ones.
    assert scopes == {f"old:w:ch:{n}" for n in range(PREFILLED)} | {
        f"busy:w:ch:{n}" for n in range(clusters)
    }
