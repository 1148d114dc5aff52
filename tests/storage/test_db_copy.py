"""`rungs db copy`: every row from one real database to another, SQLite and PostgreSQL both ways,
verified by counts and checksums; refused where it would lose or mix data; and a target that
works as a store afterwards, its counters past every copied id."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from transfer_fixtures import (
    database_url,
    play_community,
    postgres_schema,
    speaker,
    sqlite_dump,
    sqlite_path,
)

from engine.content.loader import Content
from engine.ports import FixedClock, Scope, ScopeKind, UserKey
from engine.storage import open_store
from engine.storage.migrations import migrations
from engine.storage.transfer import TransferError, copy_database
from engine.tutor import Tutor

START = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
PAIRS = [
    ("sqlite", "sqlite"),
    ("sqlite", "postgres"),
    ("postgres", "sqlite"),
    ("postgres", "postgres"),
]


def channel(name: str) -> Scope:
    return Scope("slack", "T1", ScopeKind.CHANNEL, name)


@pytest.mark.parametrize(("source_dialect", "target_dialect"), PAIRS)
async def test_every_row_arrives_and_the_copy_works_as_a_store(
    source_dialect: str, target_dialect: str, tmp_path: Path, content: Content
) -> None:
    clock = FixedClock(START)
    async with (
        database_url(source_dialect, tmp_path, "source") as source,
        database_url(target_dialect, tmp_path, "target") as target,
    ):
        await play_community(source, content, clock)
        report = await copy_database(source, target)

        assert {t.name for t in report.tables} >= {"clusters", "jobs", "challenges", "traces"}
        assert report.rows > 0
        assert all(t.rows > 0 for t in report.tables), report.tables
        # The copy carries on where the source stopped: new ids do not collide with copied
        # ones, the running challenge and the daily schedule are there, and so is the drill.
        store = await open_store(target)
        try:
            tutor = Tutor(store, content, clock)
            replies = [
                await tutor.handle_text(speaker("erin", "fresh"), "/challenge start caching 5m"),
                await tutor.handle_text(speaker("erin"), "/drill caching"),
                await tutor.handle_text(speaker("alice"), "/progress"),
                await tutor.handle_text(speaker("carol", "other"), "/challenge status"),
                await tutor.handle_text(speaker("alice"), "/schedule show"),
            ]
            assert not any(reply.is_error for reply in replies), replies
            await tutor.saved()
            (alices,) = await store.sessions(UserKey("slack", "T1", "alice"), 10)
            assert (alices.drill_id, alices.rating) == ("a-cpu-at-80", "good")
            erins = await store.running_session(UserKey("slack", "T1", "erin"))
            assert erins is not None
            assert erins.id > alices.id
        finally:
            await store.close()


async def test_sqlite_to_postgres_and_back_gives_the_same_file(
    tmp_path: Path, content: Content
) -> None:
    """Byte for byte the same rows, instants written as the SQLite store writes them, and the
    AUTOINCREMENT marks carried through PostgreSQL's sequences."""
    async with postgres_schema() as middle:
        first = f"sqlite:///{tmp_path / 'first.db'}"
        last = f"sqlite:///{tmp_path / 'last.db'}"
        await play_community(first, content, FixedClock(START))
        there = await copy_database(first, middle)
        back = await copy_database(middle, last)

    assert sqlite_dump(sqlite_path(first)) == sqlite_dump(sqlite_path(last))
    assert [(t.name, t.rows, t.checksum) for t in there.tables] == [
        (t.name, t.rows, t.checksum) for t in back.tables
    ]


async def test_postgres_counters_move_past_the_source_high_water(
    tmp_path: Path, content: Content
) -> None:
    """A job deleted in the source (the ended challenge's pending reveal) keeps its id used:
    the target never hands it out again, so an old button cannot reach a new row."""
    asyncpg = pytest.importorskip("asyncpg")
    source = f"sqlite:///{tmp_path / 'source.db'}"
    await play_community(source, content, FixedClock(START))
    with sqlite3.connect(sqlite_path(source)) as db:
        marks = dict(db.execute("SELECT name, seq FROM sqlite_sequence"))
        (largest_job,) = db.execute("SELECT max(id) FROM jobs").fetchone()
    assert marks["jobs"] > largest_job  # the play deleted the latest job
    async with postgres_schema() as target:
        await copy_database(source, target)
        connection = await asyncpg.connect(target)
        try:
            for table, mark in marks.items():
                sequence = await connection.fetchval(
                    "SELECT pg_get_serial_sequence($1, 'id')", table
                )
                assert await connection.fetchval(f"SELECT nextval('{sequence}')") == mark + 1
        finally:
            await connection.close()


@pytest.mark.parametrize("target_dialect", ["sqlite", "postgres"])
async def test_a_target_with_rows_is_refused_unless_replace(
    target_dialect: str, tmp_path: Path, content: Content
) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    await play_community(source, content, FixedClock(START))
    async with database_url(target_dialect, tmp_path, "target") as target:
        store = await open_store(target)
        tutor = Tutor(store, content, FixedClock(START))
        await tutor.handle_text(speaker("mallory", "elsewhere"), "/trace GET /u/1")
        await tutor.saved()
        await store.close()

        with pytest.raises(TransferError, match=r"already holds rows .*--replace"):
            await copy_database(source, target)
        report = await copy_database(source, target, replace=True)
        assert "clusters" in report.replaced

        store = await open_store(target)
        try:
            assert await store.load_cluster(channel("elsewhere")) is None  # emptied first
            assert await store.load_cluster(channel("study")) is not None
        finally:
            await store.close()


async def test_a_row_that_cannot_move_rolls_back_the_whole_copy(
    tmp_path: Path, content: Content
) -> None:
    """An instant PostgreSQL cannot read stops the copy; the target keeps no table's rows, and
    the message names the table, never the row's contents."""
    source = f"sqlite:///{tmp_path / 'source.db'}"
    await play_community(source, content, FixedClock(START))
    with sqlite3.connect(sqlite_path(source)) as db:
        db.execute("UPDATE reviews SET due = 'secret-answer-text'")
    async with postgres_schema() as target:
        with pytest.raises(
            TransferError, match="reviews cannot be copied: its due is not an ISO 8601 instant"
        ) as refused:
            await copy_database(source, target)
        assert "secret-answer-text" not in str(refused.value)
        store = await open_store(target)  # migrated, and empty
        try:
            assert await store.load_cluster(channel("study")) is None
        finally:
            await store.close()


def _migrate_partly(path: Path, upto: int) -> None:
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
            "applied_at TEXT NOT NULL)"
        )
        for migration in migrations("sqlite")[:upto]:
            db.executescript(migration.sql)
            db.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, datetime('now'))",
                (migration.number, migration.name),
            )


async def test_an_old_or_a_newer_source_is_refused(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    _migrate_partly(old, upto=len(migrations("sqlite")) - 1)
    target = f"sqlite:///{tmp_path / 'target.db'}"
    with pytest.raises(TransferError, match="rungs db upgrade"):
        await copy_database(f"sqlite:///{old}", target)

    newer = tmp_path / "newer.db"
    _migrate_partly(newer, upto=len(migrations("sqlite")))
    with sqlite3.connect(newer) as db:
        db.execute("INSERT INTO schema_migrations VALUES (9999, '9999_future.sql', 'now')")
    with pytest.raises(TransferError, match="newer Rungs"):
        await copy_database(f"sqlite:///{newer}", target)


async def test_the_same_database_and_a_missing_source_are_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'one.db'}"
    with pytest.raises(TransferError, match="same database"):
        await copy_database(url, f"sqlite:///{tmp_path}/./one.db")
    with pytest.raises(TransferError, match="no SQLite database"):
        await copy_database(url, f"sqlite:///{tmp_path / 'two.db'}")


SQLITE_EXTRA = """
CREATE TABLE notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    scope TEXT NOT NULL REFERENCES clusters (scope) ON DELETE CASCADE,
    body TEXT NOT NULL, pinned INTEGER NOT NULL, weight REAL, seen_at TEXT, blob BLOB
)"""
POSTGRES_EXTRA = """
CREATE TABLE notes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scope text NOT NULL REFERENCES clusters (scope) ON DELETE CASCADE,
    body text NOT NULL, pinned boolean NOT NULL, weight double precision, seen_at timestamptz,
    blob bytea
)"""


async def test_a_table_a_later_migration_adds_is_copied_without_a_change(
    tmp_path: Path, content: Content
) -> None:
    """Copy reads the schema from the database: a new table (with a foreign key, a flag, an
    instant, a number and bytes) moves both ways, and a table on one side only is refused."""
    asyncpg = pytest.importorskip("asyncpg")
    source = f"sqlite:///{tmp_path / 'source.db'}"
    await play_community(source, content, FixedClock(START))
    rows = [
        ("slack:T1:ch:study", "first", 1, 0.5, "2026-11-28T09:00:00.250000+00:00", b"\x00\xff"),
        ("slack:T1:ch:study", "second", 0, None, None, None),
    ]
    with sqlite3.connect(sqlite_path(source)) as db:
        db.execute(SQLITE_EXTRA)
        db.executemany(
            "INSERT INTO notes (scope, body, pinned, weight, seen_at, blob) VALUES (?,?,?,?,?,?)",
            rows,
        )
    async with postgres_schema() as target:
        with pytest.raises(TransferError, match="only in the source: notes"):
            await copy_database(source, target)
        connection = await asyncpg.connect(target)
        try:
            await connection.execute(POSTGRES_EXTRA)
        finally:
            await connection.close()
        report = await copy_database(source, target)
        assert {t.name: t.rows for t in report.tables}["notes"] == 2

        back = tmp_path / "back.db"
        store = await open_store(f"sqlite:///{back}")
        await store.close()
        with sqlite3.connect(back) as db:
            db.execute(SQLITE_EXTRA)
        await copy_database(target, f"sqlite:///{back}")
    with sqlite3.connect(back) as db:
        copied = db.execute(
            "SELECT scope, body, pinned, weight, seen_at, blob FROM notes ORDER BY id"
        ).fetchall()
    assert copied == rows


async def test_rows_move_in_batches(tmp_path: Path, content: Content) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    await play_community(source, content, FixedClock(START))
    store = await open_store(source)
    try:
        for n in range(50):
            await store.save_cluster(
                channel(f"c{n}"),
                "{}",
                0,
                START + timedelta(seconds=n),
            )
    finally:
        await store.close()
    report = await copy_database(source, f"sqlite:///{tmp_path / 'target.db'}", batch=7)
    assert {t.name: t.rows for t in report.tables}["clusters"] == 51
