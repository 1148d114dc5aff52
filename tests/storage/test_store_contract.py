"""One contract for every `Store`: the same tests on a real SQLite file and, when
RUNGS_TEST_POSTGRES_URL names one, on a real PostgreSQL server (each test in a schema of its own,
dropped afterwards). Never a mock of the database.
"""

from __future__ import annotations

import asyncio
import os
import sys
import urllib.parse
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import aiosqlite
import pytest

from engine.ports import Store, StoredCluster, StoredTrace
from engine.storage import UnsupportedDatabaseError, open_store

POSTGRES_URL_VARIABLE = "RUNGS_TEST_POSTGRES_URL"
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
SCOPE = "discord:guild-1:channel-7"
RING = 16


@dataclass
class Database:
    """One real database, and every store opened on it (each its own connection or pool, as a
    separate process would have)."""

    url: str
    applied_migrations: Callable[[], Awaitable[list[int]]]
    dialect: str
    stores: list[Store] = field(default_factory=list)

    async def open(self) -> Store:
        store = await open_store(self.url)
        self.stores.append(store)
        return store

    async def close(self, store: Store) -> None:
        self.stores.remove(store)
        await store.close()

    async def close_all(self) -> None:
        for store in list(self.stores):
            await self.close(store)


def migration_numbers(dialect: str) -> list[int]:
    folder = resources.files("engine.storage.migrations") / dialect
    return sorted(int(f.name.split("_", 1)[0]) for f in folder.iterdir() if f.name.endswith(".sql"))


@pytest.fixture(params=["sqlite", "postgres"])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        db = sqlite_database(tmp_path / "rungs.db")
        yield db
        await db.close_all()
    else:
        async for db in postgres_database():
            yield db


def sqlite_database(path: Path) -> Database:
    async def applied() -> list[int]:
        async with aiosqlite.connect(path) as connection:
            rows = await connection.execute_fetchall(
                "SELECT version FROM schema_migrations ORDER BY version"
            )
        return [int(version) for (version,) in rows]

    return Database(f"sqlite:///{path}", applied, "sqlite")


async def postgres_database() -> AsyncIterator[Database]:
    base_url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not base_url:
        pytest.skip(
            f"{POSTGRES_URL_VARIABLE} is not set: set it to a PostgreSQL URL "
            "(e.g. postgresql://root@127.0.0.1:5432/test) to run the contract on PostgreSQL"
        )
    asyncpg = pytest.importorskip("asyncpg", reason="asyncpg (the postgres extra) is missing")
    schema = f"rungs_test_{uuid.uuid4().hex[:12]}"  # a schema per test: runs cannot interfere
    admin = await asyncpg.connect(base_url)
    try:
        await admin.execute(f'CREATE SCHEMA "{schema}"')

        async def applied() -> list[int]:
            rows = await admin.fetch(f'SELECT version FROM "{schema}".schema_migrations ORDER BY 1')
            return [int(row["version"]) for row in rows]

        db = Database(with_search_path(base_url, schema), applied, "postgres")
        try:
            yield db
        finally:
            await db.close_all()
    finally:
        await admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await admin.close()


def with_search_path(url: str, schema: str) -> str:
    """The URL with `search_path` set: asyncpg turns unknown query parameters into settings."""
    parts = urllib.parse.urlsplit(url)
    query = [*urllib.parse.parse_qsl(parts.query), ("search_path", schema)]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


@pytest.fixture
async def store(database: Database) -> Store:
    return await database.open()


def trace(trace_no: int) -> StoredTrace:
    return StoredTrace(trace_no, f"trace {trace_no}: GET /u/{trace_no} → cache hit")


async def save_versions(store: Store, count: int) -> None:
    """Versions 1 to `count` of SCOPE, version n saved with trace n."""
    for n in range(1, count + 1):
        saved = await store.save_cluster(SCOPE, f"state {n}", n - 1, NOW, trace(n))
        assert saved, f"version {n} lost against no one"


# --- the contract ---------------------------------------------------------------------------


async def test_an_empty_scope_has_no_cluster_and_no_trace(store: Store) -> None:
    assert await store.load_cluster(SCOPE) is None
    assert await store.load_trace(SCOPE, 1) is None


async def test_the_first_save_expects_version_0_and_creates_version_1(store: Store) -> None:
    document = '{"servers": 3, "note": "naïve \\"quotes\\" and ünïcödé ✓"}'

    assert await store.save_cluster(SCOPE, document, 0, NOW) is True

    assert await store.load_cluster(SCOPE) == StoredCluster(document, 1)


async def test_each_save_bumps_the_version_by_one(store: Store) -> None:
    await store.save_cluster(SCOPE, "one", 0, NOW)

    assert await store.save_cluster(SCOPE, "two", 1, NOW + timedelta(seconds=1)) is True
    assert await store.save_cluster(SCOPE, "three", 2, NOW + timedelta(seconds=2)) is True

    assert await store.load_cluster(SCOPE) == StoredCluster("three", 3)


async def test_a_save_expecting_a_version_that_was_never_stored_changes_nothing(
    store: Store,
) -> None:
    assert await store.save_cluster(SCOPE, "from nowhere", 1, NOW, trace(1)) is False

    assert await store.load_cluster(SCOPE) is None
    assert await store.load_trace(SCOPE, 1) is None


@pytest.mark.parametrize("stale_version", [0, 1, 3], ids=["behind-0", "behind-1", "ahead"])
async def test_a_stale_save_returns_false_and_changes_neither_cluster_nor_traces(
    store: Store, stale_version: int
) -> None:
    await save_versions(store, 2)  # version 2, traces 1 and 2

    saved = await store.save_cluster(SCOPE, "stale", stale_version, NOW, StoredTrace(2, "other"))
    saved_new_slot = await store.save_cluster(SCOPE, "stale", stale_version, NOW, trace(3))

    assert (saved, saved_new_slot) == (False, False)
    assert await store.load_cluster(SCOPE) == StoredCluster("state 2", 2)
    assert await store.load_trace(SCOPE, 2) == trace(2).document
    assert await store.load_trace(SCOPE, 3) is None


async def test_a_saved_trace_can_be_loaded_by_its_number_only(store: Store) -> None:
    assert await store.save_cluster(SCOPE, "state", 0, NOW, trace(3)) is True

    assert await store.load_trace(SCOPE, 3) == trace(3).document
    assert await store.load_trace(SCOPE, 3 + RING) is None  # same slot, other number
    assert await store.load_trace(SCOPE, 4) is None


async def test_a_save_without_a_trace_keeps_the_earlier_traces(store: Store) -> None:
    await store.save_cluster(SCOPE, "with trace", 0, NOW, trace(1))

    assert await store.save_cluster(SCOPE, "without", 1, NOW) is True

    assert await store.load_cluster(SCOPE) == StoredCluster("without", 2)
    assert await store.load_trace(SCOPE, 1) == trace(1).document


async def test_the_ring_keeps_only_the_latest_16_traces(store: Store) -> None:
    await save_versions(store, RING + 1)  # traces 1..17: 17 lands in the slot of 1

    assert await store.load_trace(SCOPE, 1) is None
    assert await store.load_trace(SCOPE, RING + 1) == trace(RING + 1).document
    for trace_no in range(2, RING + 1):
        assert await store.load_trace(SCOPE, trace_no) == trace(trace_no).document


async def test_deleting_a_cluster_takes_its_traces_and_nothing_else(store: Store) -> None:
    other = "slack:T1:C9"
    await save_versions(store, 3)
    await store.save_cluster(other, "there", 0, NOW, StoredTrace(1, "trace there"))

    assert await store.delete_cluster(SCOPE) == 1 + 3  # the cluster and its three traces
    assert await store.load_cluster(SCOPE) is None
    assert await store.load_trace(SCOPE, 3) is None
    assert await store.load_cluster(other) == StoredCluster("there", 1)
    assert await store.delete_cluster(SCOPE) == 0
    assert await store.save_cluster(SCOPE, "fresh", 0, NOW) is True  # starts again at 0


async def test_scopes_are_isolated(store: Store) -> None:
    other = "slack:T1:C9"
    await store.save_cluster(SCOPE, "here", 0, NOW, StoredTrace(1, "trace here"))
    await store.save_cluster(other, "there", 0, NOW, StoredTrace(1, "trace there"))

    assert await store.save_cluster(SCOPE, "here again", 1, NOW) is True

    assert await store.load_cluster(SCOPE) == StoredCluster("here again", 2)
    assert await store.load_cluster(other) == StoredCluster("there", 1)
    assert await store.load_trace(SCOPE, 1) == "trace here"
    assert await store.load_trace(other, 1) == "trace there"
    assert await store.load_cluster("slack:T1:C10") is None


async def test_data_survives_a_restart(database: Database) -> None:
    first = await database.open()
    await save_versions(first, 3)
    await database.close(first)

    second = await database.open()

    assert await second.load_cluster(SCOPE) == StoredCluster("state 3", 3)
    assert await second.load_trace(SCOPE, 3) == trace(3).document
    assert await second.save_cluster(SCOPE, "after restart", 3, NOW) is True
    assert await second.load_cluster(SCOPE) == StoredCluster("after restart", 4)


async def test_migrations_are_applied_once_however_often_the_store_opens(
    database: Database,
) -> None:
    first = await database.open()
    await first.save_cluster(SCOPE, "kept", 0, NOW)
    await database.close(first)

    again = await database.open()

    assert await database.applied_migrations() == migration_numbers(database.dialect)
    assert await again.load_cluster(SCOPE) == StoredCluster("kept", 1)


async def test_two_nodes_starting_at_once_apply_each_migration_once(database: Database) -> None:
    stores = await asyncio.gather(database.open(), database.open(), database.open())

    assert await database.applied_migrations() == migration_numbers(database.dialect)
    for store in stores:
        assert await store.load_cluster(SCOPE) is None


async def test_of_two_racing_saves_of_the_same_version_exactly_one_wins(
    database: Database,
) -> None:
    left, right = await database.open(), await database.open()
    # Several rounds, so that the race covers both the first save (insert) and updates.
    for version in range(5):
        left_trace, right_trace = trace(100 + 2 * version), trace(101 + 2 * version)
        results = await asyncio.gather(
            left.save_cluster(SCOPE, f"left {version}", version, NOW, left_trace),
            right.save_cluster(SCOPE, f"right {version}", version, NOW, right_trace),
        )

        assert sorted(results) == [False, True], f"round {version}: {results}"
        winner = "left" if results[0] else "right"
        won, lost = (left_trace, right_trace) if results[0] else (right_trace, left_trace)
        assert await right.load_cluster(SCOPE) == StoredCluster(f"{winner} {version}", version + 1)
        assert await left.load_trace(SCOPE, won.trace_no) == won.document
        assert await left.load_trace(SCOPE, lost.trace_no) is None


# --- choosing a store by URL ----------------------------------------------------------------


async def test_an_unknown_scheme_is_refused_without_echoing_the_url() -> None:
    with pytest.raises(UnsupportedDatabaseError, match="mysql") as caught:
        await open_store("mysql://admin:hunter2@db.example/rungs")

    assert "hunter2" not in str(caught.value)


async def test_a_postgres_url_without_asyncpg_asks_for_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A None entry in sys.modules makes `import asyncpg` fail as if it were not installed.
    monkeypatch.setitem(sys.modules, "asyncpg", None)
    monkeypatch.delitem(sys.modules, "engine.storage.postgres", raising=False)

    with pytest.raises(UnsupportedDatabaseError, match=r"pip install 'rungs\[postgres\]'") as e:
        await open_store("postgres://rungs:hunter2@127.0.0.1:1/rungs")

    assert "hunter2" not in str(e.value)


def test_a_postgres_url_is_redacted_before_it_is_shown() -> None:
    postgres = pytest.importorskip("engine.storage.postgres")

    shown = postgres.redact_url("postgresql://rungs:s3cr%40t@db:5432/rungs?password=two&x=1")

    assert "s3cr" not in shown
    assert "two" not in shown
    assert shown == "postgresql://rungs:***@db:5432/rungs?password=***&x=1"
