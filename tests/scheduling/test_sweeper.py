"""The sweeper on real SQLite files: exactly once across racing nodes, retries after a failed
delivery, poison jobs, and the run loop."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest

from engine.content.loader import Content
from engine.ports import FixedClock, NewJob
from engine.scheduling import Delivery, node_id
from engine.scheduling.sweeper import LEASE, MAX_ATTEMPTS
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor


class Collector:
    def __init__(self, failures: int = 0) -> None:
        self.delivered: list[Delivery] = []
        self.failures = failures

    async def __call__(self, delivery: Delivery) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("the platform refused the post")
        self.delivered.append(delivery)


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
    assert "delivery of job challenge:1 failed" in caplog.text
    assert await sweeper.sweep_once() == 0  # still held: nobody retries before the lease ends
    clock.set(clock.now() + LEASE)
    assert await tutor.sweeper("console", "node-b", collector).sweep_once() == 1
    [reveal] = collector.delivered
    assert reveal.late  # retried a minute after its deadline
    assert await sqlite_store.next_job_due("console") is None


async def test_a_job_that_keeps_failing_is_dropped(
    tutor: Tutor, clock: FixedClock, sqlite_store: SqliteStore, caplog: pytest.LogCaptureFixture
) -> None:
    target = json.dumps({"workspace": "local", "channel": "study"})
    await sqlite_store.schedule_job(
        NewJob("broken", "challenge_reveal", "console", target, "not json", clock.now())
    )
    await sqlite_store.schedule_job(
        NewJob("odd", "no_such_kind", "console", target, "{}", clock.now())
    )
    sweeper = tutor.sweeper("console", "node-a", Collector())
    with caplog.at_level(logging.WARNING):
        assert await sweeper.sweep_once() == 1  # the unknown kind is finished at once
        for _ in range(MAX_ATTEMPTS - 2):  # attempts 2, 3, 4
            clock.set(clock.now() + LEASE)
            assert await sweeper.sweep_once() == 0
        clock.set(clock.now() + LEASE)
        assert await sweeper.sweep_once() == 1
    assert "job broken dropped after 5 attempts" in caplog.text
    assert await sqlite_store.next_job_due("console") is None


async def test_run_delivers_what_falls_due_and_stops_when_told(
    tutor: Tutor, clock: FixedClock, sqlite_store: SqliteStore
) -> None:
    collector = Collector()
    stop = asyncio.Event()
    running = asyncio.create_task(
        tutor.sweeper("console", node_id(), collector, poll_s=0.02).run(stop)
    )
    await tutor.handle_text(alice(), "/challenge start a-cpu-at-80 30s")
    await asyncio.sleep(0.1)
    assert collector.delivered == []
    clock.set(clock.now() + timedelta(seconds=30))
    for _ in range(100):
        if collector.delivered:
            break
        await asyncio.sleep(0.02)
    assert [d.job_key for d in collector.delivered] == ["challenge:1"]
    stop.set()
    await asyncio.wait_for(running, 1)


def test_node_ids_differ_within_one_process() -> None:
    first, second = node_id(), node_id()
    assert first != second
    assert first.split(":")[:2] == second.split(":")[:2]
