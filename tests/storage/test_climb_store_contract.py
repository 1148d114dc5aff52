"""The climbs' half of the store contract: the same tests on a real SQLite file, on a real
PostgreSQL (when RUNGS_TEST_POSTGRES_URL names one) and on the in-memory fake."""

from __future__ import annotations

import asyncio

from store_databases import NOW, Database

from engine.ports import Scope, ScopeKind, Store, StoredClimb

SCOPE = Scope("discord", "guild-1", ScopeKind.CHANNEL, "channel-7")
OTHER = Scope("slack", "T1", ScopeKind.CHANNEL, "C9")


async def test_a_scope_that_never_climbed_has_no_climb(store: Store) -> None:
    assert await store.load_climb(SCOPE) is None


async def test_saves_bump_the_version_and_keep_the_game(store: Store) -> None:
    assert await store.save_climb(SCOPE, 1, "step 0", 0, NOW) is True
    assert await store.save_climb(SCOPE, 1, "step 1", 1, NOW) is True
    assert await store.load_climb(SCOPE) == StoredClimb(1, "step 1", 2)
    assert await store.save_climb(SCOPE, 2, "new game", 2, NOW) is True
    assert await store.load_climb(SCOPE) == StoredClimb(2, "new game", 3)


async def test_a_stale_save_changes_nothing(store: Store) -> None:
    await store.save_climb(SCOPE, 1, "mine", 0, NOW)
    assert await store.save_climb(SCOPE, 1, "a racing first save", 0, NOW) is False
    assert await store.save_climb(SCOPE, 1, "from an old read", 5, NOW) is False
    assert await store.load_climb(SCOPE) == StoredClimb(1, "mine", 1)


async def test_of_two_racing_saves_exactly_one_wins(store: Store) -> None:
    await store.save_climb(SCOPE, 1, "start", 0, NOW)
    results = await asyncio.gather(
        store.save_climb(SCOPE, 1, "a", 1, NOW), store.save_climb(SCOPE, 1, "b", 1, NOW)
    )
    assert sorted(results) == [False, True]


async def test_scopes_are_isolated_and_deleting_a_scope_takes_its_climb(store: Store) -> None:
    await store.save_climb(SCOPE, 1, "here", 0, NOW)
    await store.save_climb(OTHER, 4, "there", 0, NOW)
    await store.save_cluster(SCOPE, "cluster", 0, NOW)

    assert await store.delete_cluster(SCOPE) == 2  # the cluster and the climb

    assert await store.load_climb(SCOPE) is None
    assert await store.load_cluster(SCOPE) is None
    assert await store.load_climb(OTHER) == StoredClimb(4, "there", 1)
    await store.save_climb(OTHER, 4, "x", 1, NOW)
    assert await store.delete_cluster(OTHER) == 1  # a climb without a cluster goes too


async def test_a_climb_survives_a_restart(database: Database) -> None:
    first = await database.open()
    await first.save_climb(SCOPE, 3, "held 5k", 0, NOW)
    await database.close(first)

    second = await database.open()

    assert await second.load_climb(SCOPE) == StoredClimb(3, "held 5k", 1)
