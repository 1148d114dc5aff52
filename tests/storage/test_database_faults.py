"""Databases that cannot serve are named, never a traceback: a schema from a newer Rungs, a
read-only file or folder, a damaged file (refused at start-up, by the store and by the real
`rungs console` process: one line, exit 2), and a full disk at the first write (the command's
reply names it). Real SQLite files, a real PostgreSQL where one is configured."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from store_databases import postgres_schema

from engine.content.loader import Content
from engine.ports import FixedClock
from engine.replies import Notice
from engine.storage import StoreOpenError, open_store
from engine.storage.migrations import migrations
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor

RUNGS = Path(sys.executable).parent / "rungs"
ANA = Actor("console", "local", "ana", "ana", "study")
LATEST = max(m.number for m in migrations("sqlite"))


async def a_database(path: Path) -> None:
    """A database with some rows in it, closed again."""
    store = await SqliteStore.open(path)
    await store.save_cluster(*_cluster_save())
    await store.close()


def _cluster_save() -> tuple[object, ...]:
    from datetime import UTC, datetime

    from engine.ports import Scope, ScopeKind

    scope = Scope("console", "local", ScopeKind.CHANNEL, "study")
    return (scope, "x" * 20_000, 0, datetime(2026, 1, 1, tzinfo=UTC))


def run_console(db: Path) -> subprocess.CompletedProcess[str]:
    if not RUNGS.exists():
        pytest.skip(f"the rungs console script is not installed at {RUNGS}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNGS_")}
    return subprocess.run(
        [str(RUNGS), "console", "--db", str(db)],
        input="/progress\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def assert_one_clear_line(done: subprocess.CompletedProcess[str], *phrases: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for phrase in phrases:
        assert phrase in lines[0], lines[0]


def versions(path: Path) -> list[int]:
    with sqlite3.connect(path) as db:
        return [v for (v,) in db.execute("SELECT version FROM schema_migrations ORDER BY 1")]


# --- a newer schema --------------------------------------------------------------------------


async def test_a_database_from_a_newer_rungs_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "rungs.db"
    await a_database(path)
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO schema_migrations VALUES (9001, '9001_future.sql', 'now')")
    before = versions(path)

    with pytest.raises(StoreOpenError) as refused:
        await open_store(f"sqlite:///{path}")
    message = str(refused.value)
    assert "migrated by a newer Rungs (schema version 9001" in message
    assert f"this one knows up to {LATEST}" in message
    assert versions(path) == before

    done = run_console(path)
    assert_one_clear_line(done, "newer Rungs", "upgrade Rungs")
    assert versions(path) == before


async def test_a_postgres_database_from_a_newer_rungs_is_refused() -> None:
    async for url, admin, schema in postgres_schema():
        store = await open_store(url)
        await store.close()
        await admin.execute(
            f'INSERT INTO "{schema}".schema_migrations (version, name) VALUES (9001, $1)',
            "9001_future.sql",
        )
        with pytest.raises(StoreOpenError, match=r"newer Rungs \(schema version 9001"):
            await open_store(url)


# --- read-only -------------------------------------------------------------------------------


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """The file (or folder) made read-only in a way that holds for root too: the immutable
    attribute where we are root (chattr), the mode bits otherwise."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("running as root without chattr: no way to make a file read-only")
        made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
        if made.returncode != 0:
            pytest.skip(f"chattr +i is not allowed here: {made.stderr.decode().strip()}")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)


@pytest.mark.parametrize("what", ["file", "folder"])
async def test_a_read_only_database_is_named_at_start_up(tmp_path: Path, what: str) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "rungs.db"
    await a_database(path)
    for leftover in folder.glob("rungs.db-*"):
        leftover.unlink()
    with read_only(path if what == "file" else folder):
        with pytest.raises(StoreOpenError, match="the database file is read-only: "):
            await open_store(f"sqlite:///{path}")
        assert_one_clear_line(run_console(path), "the database file is read-only", str(path))


# --- damaged ---------------------------------------------------------------------------------


async def test_a_damaged_page_is_named_at_start_up(tmp_path: Path) -> None:
    path = tmp_path / "rungs.db"
    await a_database(path)
    with sqlite3.connect(path) as db:
        page = db.execute("PRAGMA page_size").fetchone()[0]
        pages = db.execute("PRAGMA page_count").fetchone()[0]
    assert pages > 4
    with path.open("r+b") as file:  # scribble over an interior page of the table's b-tree
        file.seek(page * (pages - 2))
        file.write(b"\xa5" * page)

    with pytest.raises(StoreOpenError, match="the database file is damaged: "):
        await open_store(f"sqlite:///{path}")
    assert_one_clear_line(run_console(path), "the database file is damaged", "backup")


async def test_a_file_that_is_no_database_is_named(tmp_path: Path) -> None:
    path = tmp_path / "rungs.db"
    path.write_bytes(b"this is a text file, not SQLite\n" * 200)
    with pytest.raises(StoreOpenError, match="the database file is damaged: "):
        await open_store(f"sqlite:///{path}")
    assert_one_clear_line(run_console(path), "the database file is damaged")


# --- a full disk -----------------------------------------------------------------------------


async def test_a_full_disk_is_named_in_the_reply_and_the_log(
    tmp_path: Path, content: Content, caplog: pytest.LogCaptureFixture
) -> None:
    """SQLite's own way to make the disk full at a chosen size: `max_page_count` (the write
    that would grow the file past it fails with SQLITE_FULL, as ENOSPC does)."""
    store = await SqliteStore.open(tmp_path / "rungs.db")
    try:
        tutor = Tutor(store, content, FixedClock(_cluster_save()[3]))  # type: ignore[arg-type]
        await tutor.handle_text(ANA, "/trace GET /u/7")
        await store._db.execute("PRAGMA max_page_count = 1")  # as small as it gets: now full
        for _ in range(3):
            reply = await tutor.handle_text(ANA, "/trace GET /u/8")
            await tutor.handle_text(ANA, "/drill")
        notices = " ".join(b.text for b in reply.blocks if isinstance(b, Notice))
        assert "the disk of its database is full" in notices, reply
        assert "something went wrong" not in notices.lower()
        logged = [r.getMessage() for r in caplog.records]
        assert any("the disk is full" in line and "rungs.db" in line for line in logged)
        assert not any(r.exc_info for r in caplog.records)
    finally:
        await store.close()
