"""One contract for every `Store`: the same tests on a real SQLite file, on a real PostgreSQL
server when RUNGS_TEST_POSTGRES_URL names one (each test in a schema of its own, dropped
afterwards), and on the in-memory fake the engine's tests use (store_databases.py). Never a mock
of the database. This file holds the clusters' half; the other aggregates have files of their own.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

import pytest
from store_databases import NOW, Database, migration_numbers

from engine.ports import (
    ChannelSettings,
    ClusterSave,
    Scope,
    ScopeKind,
    Store,
    StoredCluster,
    StoredTrace,
)
from engine.storage import UnsupportedDatabaseError, open_store

SCOPE = Scope("discord", "guild-1", ScopeKind.CHANNEL, "channel-7")
OTHER = Scope("slack", "T1", ScopeKind.CHANNEL, "C9")
RING = 16


def trace(trace_no: int) -> StoredTrace:
    return StoredTrace(trace_no, f"trace {trace_no}: GET /u/{trace_no} → cache hit")


async def save_versions(store: Store, count: int) -> None:
    """Versions 1 to `count` of SCOPE, version n saved with trace n."""
    for n in range(1, count + 1):
        saved = await store.save_cluster(SCOPE, f"state {n}", n - 1, NOW, trace(n))
        assert saved, f"version {n} lost against no one"


# --- the contract ---------------------------------------------------------------------------


async def test_channel_settings_are_each_channels_own(store: Store) -> None:
    assert await store.load_channel_settings(SCOPE) is None
    await store.save_channel_settings(SCOPE, ChannelSettings(images=False))
    assert await store.load_channel_settings(SCOPE) == ChannelSettings(images=False)
    assert await store.load_channel_settings(OTHER) is None
    await store.save_channel_settings(SCOPE, ChannelSettings(images=True))
    assert await store.load_channel_settings(SCOPE) == ChannelSettings()


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


async def test_a_batch_of_saves_lands_each_one_that_is_not_stale(store: Store) -> None:
    third = Scope("console", "local", ScopeKind.OWN, "alice")
    await save_versions(store, 2)  # SCOPE at version 2
    batch = [
        ClusterSave(OTHER, "other 1", 0, NOW, trace(1)),
        ClusterSave(SCOPE, "stale", 1, NOW, trace(9)),  # someone saved version 2 already
        ClusterSave(third, "third 1", 0, NOW),
    ]

    assert await store.save_clusters(batch) == [True, False, True]

    assert await store.load_cluster(OTHER) == StoredCluster("other 1", 1)
    assert await store.load_trace(OTHER, 1) == trace(1).document
    assert await store.load_cluster(SCOPE) == StoredCluster("state 2", 2)
    assert await store.load_trace(SCOPE, 9) is None
    assert await store.load_cluster(third) == StoredCluster("third 1", 1)
    assert await store.save_clusters([]) == []


async def test_a_large_batch_of_saves_lands_whole(store: Store) -> None:
    scopes = [Scope("slack", "T1", ScopeKind.CHANNEL, f"C{n}") for n in range(150)]

    saved = await store.save_clusters([ClusterSave(s, f"state of {s}", 0, NOW) for s in scopes])

    assert saved == [True] * len(scopes)
    for scope in scopes:
        assert await store.load_cluster(scope) == StoredCluster(f"state of {scope}", 1)


async def test_deleting_a_cluster_takes_its_traces_and_nothing_else(store: Store) -> None:
    other = OTHER
    await save_versions(store, 3)
    await store.save_cluster(other, "there", 0, NOW, StoredTrace(1, "trace there"))

    assert await store.delete_cluster(SCOPE) == 1 + 3  # the cluster and its three traces
    assert await store.load_cluster(SCOPE) is None
    assert await store.load_trace(SCOPE, 3) is None
    assert await store.load_cluster(other) == StoredCluster("there", 1)
    assert await store.delete_cluster(SCOPE) == 0
    assert await store.save_cluster(SCOPE, "fresh", 0, NOW) is True  # starts again at 0


async def test_scopes_are_isolated(store: Store) -> None:
    other = OTHER
    await store.save_cluster(SCOPE, "here", 0, NOW, StoredTrace(1, "trace here"))
    await store.save_cluster(other, "there", 0, NOW, StoredTrace(1, "trace there"))

    assert await store.save_cluster(SCOPE, "here again", 1, NOW) is True

    assert await store.load_cluster(SCOPE) == StoredCluster("here again", 2)
    assert await store.load_cluster(other) == StoredCluster("there", 1)
    assert await store.load_trace(SCOPE, 1) == "trace here"
    assert await store.load_trace(other, 1) == "trace there"
    assert await store.load_cluster(Scope("slack", "T1", ScopeKind.CHANNEL, "C10")) is None


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
