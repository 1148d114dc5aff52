"""The sweeper on real SQLite files: exactly once across racing nodes, retries after a failed
delivery, poison jobs, and the run loop."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from engine.content.loader import Content
from engine.ports import ChallengeReveal, FixedClock, NewChallenge, NewJob, Target
from engine.scheduling import Delivery, Sweeper, node_id
from engine.scheduling.sweeper import LEASE, MAX_ATTEMPTS
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor


class Collector:
    def __init__(self, failures: int = 0) -> None:
        self.delivered: list[Delivery] = []
        self.failures = failures
        self.arrived = asyncio.Event()

    async def __call__(self, delivery: Delivery) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("the platform refused the post")
        self.delivered.append(delivery)
        self.arrived.set()


class CountingSweeper(Sweeper):
    """A sweeper that says when each of its sweeps has run, so a test can wait for one."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.swept = 0
        self.sweep_done = asyncio.Event()

    async def sweep_once(self) -> int:
        finished = await super().sweep_once()
        self.swept += 1
        self.sweep_done.set()
        return finished


def alice(channel: str = "study") -> Actor:
    return Actor("console", "local", "alice", "alice", channel)


async def test_racing_nodes_deliver_each_job_exactly_once(
    tmp_path: Path, content: Content, clock: FixedClock
) -> None:
    stores = [await SqliteStore.open(tmp_path / "race.db") for _ in range(3)]
    tutors = [Tutor(store, content, clock) for store in stores]
    for n in range(6):
        await tutors[0].handle_text(alice(f"room-{n}"), "/challenge start a-cpu-at-80 30s")
        await tutors[0].handle_text(Actor("console", "local", f"u{n}", f"u{n}"), "/drill c-lb-ha")
    clock.set(clock.now() + timedelta(minutes=8))
    collectors = [Collector() for _ in tutors]
    sweepers = [
        t.sweeper("console", f"node-{i}", c)
        for i, (t, c) in enumerate(zip(tutors, collectors, strict=True))
    ]
    await asyncio.gather(*(s.sweep_once() for s in sweepers for _ in range(3)))
    keys = [d.job_key for c in collectors for d in c.delivered]
    for store in stores:
        await store.close()
    assert len(keys) == 12
    assert len(set(keys)) == 12


async def test_a_failed_delivery_is_retried_after_the_lease(
    tutor: Tutor, clock: FixedClock, sqlite_store: SqliteStore, caplog: pytest.LogCaptureFixture
) -> None:
    await tutor.handle_text(alice(), "/challenge start a-cpu-at-80 30s")
    await tutor.handle_text(alice(), "/answer scale up to a bigger instance")
    clock.set(clock.now() + timedelta(seconds=30))
    collector = Collector(failures=1)
    sweeper = tutor.sweeper("console", "node-a", collector)
    with caplog.at_level(logging.ERROR):
        assert await sweeper.sweep_once() == 0
    assert "delivery of job challenge:console:local:ch:study:" in caplog.text
    assert "failed; it is retried after the lease" in caplog.text
    assert await sweeper.sweep_once() == 0  # still held: nobody retries before the lease ends
    clock.set(clock.now() + LEASE)
    assert await tutor.sweeper("console", "node-b", collector).sweep_once() == 1
    [reveal] = collector.delivered
    assert reveal.late  # retried a minute after its deadline
    assert await sqlite_store.next_job_due("console") is None


async def test_a_job_whose_run_keeps_failing_is_dropped(
    tutor: Tutor, clock: FixedClock, sqlite_store: SqliteStore, caplog: pytest.LogCaptureFixture
) -> None:
    study = alice().cluster_scope
    now = clock.now()
    gone = NewChallenge(study, "no-such-drill", {}, alice().user_key, now, now, Target("local"))
    await sqlite_store.start_challenge(
        gone, NewJob("broken", "console", Target("local"), ChallengeReveal(), now)
    )
    sweeper = tutor.sweeper("console", "node-a", Collector())
    with caplog.at_level(logging.WARNING):
        for _ in range(MAX_ATTEMPTS - 1):  # attempts 1 to 4 fail: its drill is not in content
            assert await sweeper.sweep_once() == 0
            clock.set(clock.now() + LEASE)
        assert await sweeper.sweep_once() == 1
    assert "job broken dropped after 5 attempts" in caplog.text
    assert await sqlite_store.next_job_due("console") is None


async def test_jobs_this_version_cannot_read_are_dropped_at_once(
    tutor: Tutor,
    clock: FixedClock,
    sqlite_store: SqliteStore,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Rows a newer version (or a bad hand) wrote: a kind nobody here knows, a payload or a target
    that does not read. None of them stops the sweep."""
    due = clock.now().isoformat()
    with sqlite3.connect(tmp_path / "rungs.db") as db:
        for key, kind, target, payload in (
            ("odd", "no_such_kind", '{"workspace": "local"}', "{}"),
            ("broken", "daily_drill", '{"workspace": "local"}', "not json"),
            ("lost", "challenge_reveal", "[]", "{}"),
        ):
            db.execute(
                "INSERT INTO jobs (key, kind, platform, target, payload, due_at) "
                "VALUES (?, ?, 'console', ?, ?, ?)",
                (key, kind, target, payload, due),
            )
    collector = Collector()
    with caplog.at_level(logging.WARNING):
        assert await tutor.sweeper("console", "node-a", collector).sweep_once() == 3
    assert collector.delivered == []
    assert "job odd (no_such_kind) is dropped: a kind this version does not know" in caplog.text
    assert "job broken (daily_drill) is dropped: unreadable payload" in caplog.text
    assert "job lost (challenge_reveal) is dropped: unreadable target" in caplog.text
    assert await sqlite_store.next_job_due("console") is None


async def test_run_delivers_what_falls_due_and_stops_when_told(
    tutor: Tutor, clock: FixedClock, sqlite_store: SqliteStore
) -> None:
    collector = Collector()
    stop = asyncio.Event()
    sweeper = CountingSweeper(
        sqlite_store, tutor, clock, "console", node_id(), collector, poll_s=0.02
    )
    running = asyncio.create_task(sweeper.run(stop))
    await tutor.handle_text(alice(), "/challenge start a-cpu-at-80 30s")
    sweeper.sweep_done.clear()
    await asyncio.wait_for(sweeper.sweep_done.wait(), 5)  # a whole sweep after the start
    assert collector.delivered == []  # not due yet
    clock.set(clock.now() + timedelta(seconds=30))
    await asyncio.wait_for(collector.arrived.wait(), 5)
    [reveal] = collector.delivered
    assert reveal.job_key.startswith("challenge:console:local:ch:study:")
    stop.set()
    await asyncio.wait_for(running, 1)


def test_node_ids_differ_within_one_process() -> None:
    first, second = node_id(), node_id()
    assert first != second
    assert first.split(":")[:2] == second.split(":")[:2]
