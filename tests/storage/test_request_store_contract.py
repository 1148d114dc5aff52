"""The requests port on every database: a key is applied once within its keep, by whichever
store (node) sees it first, and forgotten after it."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from store_databases import NOW, Database

from engine.ports import Store

KEEP = timedelta(hours=1)


async def test_a_key_is_seen_first_once_until_it_is_forgotten(store: Store) -> None:
    assert await store.first_sighting("slack:T1:trigger:1", NOW, KEEP) is True
    assert await store.first_sighting("slack:T1:trigger:1", NOW + KEEP / 2, KEEP) is False
    assert await store.first_sighting("slack:T1:trigger:2", NOW, KEEP) is True  # another key
    later = NOW + KEEP + timedelta(seconds=1)
    assert await store.first_sighting("slack:T1:trigger:3", later, KEEP) is True  # prunes 1
    assert await store.first_sighting("slack:T1:trigger:1", later, KEEP) is True


async def test_of_nodes_seeing_one_request_together_one_applies_it(database: Database) -> None:
    stores = [await database.open() for _ in range(4)]
    seen = await asyncio.gather(*(s.first_sighting("slack:T1:ev:Ev1", NOW, KEEP) for s in stores))
    assert sorted(seen) == [False, False, False, True]
