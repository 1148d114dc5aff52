"""The Tutor's own machinery: per-key locks (their fast path, their order, cancellation) and
cluster saves gathered per turn of the event loop, on the tests' in-memory store."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from fakes.memory_store import MemoryStore

from engine.content.loader import Content
from engine.drills.sketch import MAX_SKETCH, extended
from engine.ports import ClusterSave, FixedClock, Scope, ScopeKind
from engine.tutor import Actor, Tutor
from engine.tutor.locks import KeyedLocks
from engine.tutor.repositories.save_batch import SaveBatch

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


class CountingStore(MemoryStore):
    """The in-memory store, counting the batches it was asked to write (and failing on demand).
    Like a real store, a write gives the loop a turn (the real ones wait for a thread or a
    socket), which is when the next saves queue up."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[int] = []
        self.fail_next = False

    async def save_clusters(self, saves: Sequence[ClusterSave]) -> list[bool]:
        self.batches.append(len(saves))
        await asyncio.sleep(0)
        if self.fail_next:
            self.fail_next = False
            raise ConnectionError("the database went away")
        return await super().save_clusters(saves)


def scope(n: int) -> Scope:
    return Scope("console", "local", ScopeKind.CHANNEL, f"room{n}")


# --- locks -----------------------------------------------------------------------------------


async def test_a_free_key_is_taken_without_waiting_and_freed_for_good() -> None:
    locks = KeyedLocks()
    assert locks.try_acquire("a")
    assert not locks.try_acquire("a")
    assert locks.try_acquire("b")  # other keys are independent
    locks.release("a")
    locks.release("b")
    assert len(locks) == 0  # nothing kept for keys nobody holds


async def test_waiters_get_the_key_in_the_order_they_came() -> None:
    locks = KeyedLocks()
    order: list[int] = []
    assert locks.try_acquire("k")

    async def take(n: int) -> None:
        await locks.acquire("k")
        order.append(n)
        locks.release("k")

    waiting = [asyncio.create_task(take(n)) for n in range(5)]
    await asyncio.sleep(0)  # all five are queued now
    locks.release("k")
    await asyncio.gather(*waiting)
    assert order == [0, 1, 2, 3, 4]
    assert len(locks) == 0


async def test_a_cancelled_waiter_leaves_the_queue_and_never_holds_the_key() -> None:
    locks = KeyedLocks()
    assert locks.try_acquire("k")
    gives_up = asyncio.create_task(locks.acquire("k"))
    then = asyncio.create_task(locks.acquire("k"))
    await asyncio.sleep(0)
    gives_up.cancel()
    await asyncio.gather(gives_up, return_exceptions=True)
    locks.release("k")
    await asyncio.wait_for(then, 1)  # the next in line has it
    locks.release("k")
    assert len(locks) == 0


async def test_a_waiter_cancelled_as_it_is_handed_the_key_passes_it_on() -> None:
    locks = KeyedLocks()
    assert locks.try_acquire("k")
    first = asyncio.create_task(locks.acquire("k"))
    second = asyncio.create_task(locks.acquire("k"))
    await asyncio.sleep(0)
    locks.release("k")  # `first` is handed the key …
    first.cancel()  # … and cancelled before it runs again
    await asyncio.gather(first, return_exceptions=True)
    await asyncio.wait_for(second, 1)  # so the key went on to `second`
    locks.release("k")
    assert len(locks) == 0


# --- saves of one turn, together ----------------------------------------------------------


async def test_saves_of_one_turn_go_together_and_later_ones_queue_for_the_next() -> None:
    store = CountingStore()
    batch = SaveBatch(store)

    together = [batch.save(ClusterSave(scope(n), f"state {n}", 0, NOW)) for n in range(20)]
    results = await asyncio.gather(*together)

    assert results == [True] * 20
    assert store.batches == [20]  # all asked for in one turn of the loop: one write

    async def later(n: int) -> bool:
        await asyncio.sleep(0)
        await asyncio.sleep(0)  # past the first write's start: it queues for the next
        return await batch.save(ClusterSave(scope(n), "later", 1, NOW))

    first = batch.save(ClusterSave(scope(0), "first", 1, NOW))
    assert await asyncio.gather(first, *(later(n) for n in range(1, 6))) == [True] * 6
    assert store.batches == [20, 1, 5]
    stale = await batch.save(ClusterSave(scope(0), "stale", 0, NOW))
    assert stale is False  # a conflict is the saver's answer, not the batch's


async def test_a_failed_write_is_raised_to_its_savers_and_the_queue_goes_on() -> None:
    store = CountingStore()
    store.fail_next = True
    batch = SaveBatch(store)

    results = await asyncio.gather(
        *(batch.save(ClusterSave(scope(n), "s", 0, NOW)) for n in range(3)),
        return_exceptions=True,
    )

    assert [type(r) for r in results] == [ConnectionError] * 3  # each saver of the write
    assert store.batches == [3]
    assert await batch.save(ClusterSave(scope(0), "s", 0, NOW)) is True


async def test_a_busy_channel_and_many_channels_save_in_few_batches(
    content: Content, clock: FixedClock
) -> None:
    store = CountingStore()
    tutor = Tutor(store, content, clock)
    people = [Actor("console", "local", f"u{n}", f"u{n}", f"room{n % 10}") for n in range(40)]

    replies = await asyncio.gather(*(tutor.handle_text(p, "/trace GET /u/7") for p in people))

    assert all(not r.is_error for r in replies)
    assert sum(store.batches) == 40  # every trace saved …
    assert len(store.batches) < 20  # … most of them together with others
    for n in range(10):
        stored = await store.load_cluster(people[n].cluster_scope)
        assert stored is not None
        assert stored.version == 4  # the four people of each room, one after another


# --- the sketch's length rule -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sketch", "piece", "result"),
    [
        ("", "first", "first"),
        ("first", "second", "first\nsecond"),
        ("first", "", "first\n"),
        ("ü" * (MAX_SKETCH - 2), "ab", None),  # the newline would pass it
        ("ü" * (MAX_SKETCH - 3), "ab", "ü" * (MAX_SKETCH - 3) + "\nab"),  # exactly the maximum
        ("", "ü" * MAX_SKETCH, "ü" * MAX_SKETCH),  # characters, not bytes
        ("", "ü" * (MAX_SKETCH + 1), None),
    ],
)
def test_a_sketch_grows_line_by_line_up_to_its_maximum(
    sketch: str, piece: str, result: str | None
) -> None:
    assert extended(sketch, piece) == result


async def test_a_cancelled_saver_neither_blocks_the_queue_nor_loses_the_others() -> None:
    store = CountingStore()
    batch = SaveBatch(store)
    first = asyncio.create_task(batch.save(ClusterSave(scope(0), "s", 0, NOW)))
    await asyncio.sleep(0)  # the first is writing
    queued = [asyncio.create_task(batch.save(ClusterSave(scope(n), "s", 0, NOW))) for n in (1, 2)]
    await asyncio.sleep(0)
    queued[0].cancel()  # the head of the queue, which is to write it next, goes away

    results = await asyncio.gather(first, *queued, return_exceptions=True)

    assert results[0] is True
    assert isinstance(results[1], asyncio.CancelledError)
    assert results[2] is True  # written all the same, by the next in line
    assert await batch.save(ClusterSave(scope(3), "s", 0, NOW)) is True  # not stuck
