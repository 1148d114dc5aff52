"""Where a delivery stands, on a real SQLite file: a node taking over a job skips what its dead
holder recorded as posted, flags what it started and never recorded, and a slow post keeps its
claim by renewal (a second node sweeping meanwhile posts nothing)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from engine.content.loader import Content
from engine.ports import FixedClock
from engine.scheduling import Delivery
from engine.scheduling.sweeper import LEASE
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor

STUDY = Actor("console", "local", "alice", "alice", "study")


class Platform:
    """A platform that takes `post_s` to answer each post, and counts the posts."""

    def __init__(self, post_s: float = 0.0) -> None:
        self.post_s = post_s
        self.posts: list[Delivery] = []

    async def __call__(self, delivery: Delivery) -> str:
        self.posts.append(delivery)
        await asyncio.sleep(self.post_s)
        return f"study/{len(self.posts)}"


async def due_reveal(tutor: Tutor, clock: FixedClock) -> None:
    await tutor.handle_text(STUDY, "/challenge start a-cpu-at-80 30s")
    clock.set(clock.now() + timedelta(seconds=31))


async def test_a_post_its_dead_holder_recorded_is_not_posted_again(
    tutor: Tutor, clock: FixedClock, sqlite_store: SqliteStore
) -> None:
    await due_reveal(tutor, clock)
    [job] = await sqlite_store.claim_due_jobs("console", "dead", clock.now(), LEASE, 5)
    assert await sqlite_store.start_post(job.id, "dead", 0, clock.now())
    assert await sqlite_store.record_post(job.id, 0, "study/1")  # and then it died
    clock.set(clock.now() + LEASE)
    platform = Platform()
    assert await tutor.sweeper("console", "live", platform).sweep_once() == 1
    assert platform.posts == []
    assert await sqlite_store.count_due_jobs("console", clock.now()) == 0  # done


async def test_a_post_its_dead_holder_started_is_posted_once_and_flagged(
    tutor: Tutor, clock: FixedClock, sqlite_store: SqliteStore
) -> None:
    await due_reveal(tutor, clock)
    [job] = await sqlite_store.claim_due_jobs("console", "dead", clock.now(), LEASE, 5)
    assert await sqlite_store.start_post(job.id, "dead", 0, clock.now())  # died mid-post
    assert await tutor.sweeper("console", "live", Platform()).sweep_once() == 0  # lease runs
    clock.set(clock.now() + LEASE)
    platform = Platform()
    assert await tutor.sweeper("console", "live", platform).sweep_once() == 1
    [post] = platform.posts
    assert post.may_be_out
    assert (post.job_id, post.index, post.post_key) == (job.id, 0, f"r{job.id}.0")
    assert "covered" in str(post.reply).lower()  # the reveal, rebuilt from the stored answers


async def test_a_post_slower_than_the_lease_keeps_its_claim(
    tmp_path: Path, content: Content, clock: FixedClock, sqlite_store: SqliteStore
) -> None:
    """Lease 0.6 s, a post that takes 1.5 s on a clock that moves with it: the holder renews
    while it waits, so the other node's sweeps find nothing to claim."""
    tutor = Tutor(sqlite_store, content, clock, job_lease=timedelta(seconds=0.6))
    await due_reveal(tutor, clock)
    other_store = await SqliteStore.open(tmp_path / "rungs.db")  # the conftest's file
    other = Tutor(other_store, content, clock, job_lease=timedelta(seconds=0.6))
    slow, fast = Platform(post_s=1.5), Platform()

    async def time_passes() -> None:
        for _ in range(30):
            await asyncio.sleep(0.05)
            clock.set(clock.now() + timedelta(seconds=0.05))
            await other.sweeper("console", "other", fast).sweep_once()

    finished, _ = await asyncio.gather(
        tutor.sweeper("console", "holder", slow).sweep_once(), time_passes()
    )
    await other_store.close()
    assert finished == 1
    assert len(slow.posts) == 1
    assert fast.posts == []


async def test_slow_posts_shrink_the_claim_batch(
    tutor: Tutor, clock: FixedClock, sqlite_store: SqliteStore
) -> None:
    sweeper = tutor.sweeper("console", "node", Platform(), lease=timedelta(seconds=10))
    assert sweeper.batch() == 20
    sweeper._timed(2.0)  # a post took 2 s: half a 10-s lease holds two of them
    assert sweeper.batch() == 2
    sweeper._timed(60.0)
    assert sweeper.batch() == 1
