"""The durable-job half of the store contract (schedule, cancel, claim, finish, next due), on the
same databases as test_store_contract.py: a SQLite file, a PostgreSQL schema of its own per test
when RUNGS_TEST_POSTGRES_URL names a server, and the in-memory fake.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta, timezone

import pytest
from store_databases import NOW, Database

from engine.ports import (
    ChallengeReveal,
    ClaimedJob,
    DailyDrill,
    DrillNudge,
    JobPayload,
    NewJob,
    Scope,
    ScopeKind,
    Store,
    Target,
    UserKey,
)

LEASE = timedelta(seconds=60)
US = timedelta(microseconds=1)


PAYLOADS: tuple[JobPayload, ...] = (
    DrillNudge(12, UserKey("slack", "T1", "U-ünïcödé ✓")),
    ChallengeReveal(),
    DailyDrill(Scope("slack", "T1", ScopeKind.CHANNEL, "C7")),
)


def job(key: str, minutes: float = 0, platform: str = "slack") -> NewJob:
    """A job of each kind in turn (by the key's length), for a private and a public target."""
    payload = PAYLOADS[len(key) % len(PAYLOADS)]
    user = "U1" if isinstance(payload, DrillNudge) else None
    return NewJob(
        key=key,
        platform=platform,
        target=Target("T1", f"C-{key}", user),
        payload=payload,
        due_at=NOW + timedelta(minutes=minutes),
    )


def claimed(new: NewJob, job_id: int, attempts: int = 1) -> ClaimedJob:
    return ClaimedJob(job_id, new.key, new.platform, new.target, new.payload, new.due_at, attempts)


async def claim(
    store: Store, node: str = "node-a", at: timedelta = timedelta(0), limit: int = 100
) -> list[ClaimedJob]:
    return await store.claim_due_jobs("slack", node, NOW + at, LEASE, limit)


async def test_a_scheduled_job_is_claimed_once_due_with_everything_it_was_given(
    store: Store,
) -> None:
    ist = timezone(timedelta(hours=5, minutes=30))  # any aware time in; UTC out
    new = job("nudge:1", minutes=5)
    assert await store.schedule_job(
        NewJob(new.key, new.platform, new.target, new.payload, new.due_at.astimezone(ist))
    )

    assert await claim(store, at=timedelta(minutes=5) - US) == []  # a microsecond early
    jobs = await claim(store, at=timedelta(minutes=5))  # due exactly now

    assert len(jobs) == 1
    assert jobs == [claimed(new, jobs[0].id)]
    assert jobs[0].due_at.utcoffset() == timedelta(0)


async def test_a_key_is_scheduled_once_whether_pending_or_done(store: Store) -> None:
    first = job("challenge:7", minutes=1)
    assert await store.schedule_job(first) is True

    again = NewJob(first.key, "slack", Target("T2"), ChallengeReveal(), NOW)
    assert await store.schedule_job(again) is False  # pending: nothing changes
    assert await store.next_job_due("slack") == first.due_at
    [taken] = await claim(store, at=timedelta(minutes=1))
    assert taken == claimed(first, taken.id)
    assert await store.finish_job(taken.id, "node-a", NOW + timedelta(minutes=1)) is True

    assert await store.schedule_job(again) is False  # done: still nothing
    assert await claim(store, at=timedelta(days=1)) == []
    assert await store.next_job_due("slack") is None


async def test_jobs_are_claimed_oldest_first_up_to_the_limit_and_per_platform(
    store: Store,
) -> None:
    minutes = {"c": 3, "a": 1, "e": 30, "b": 2, "d": 4}  # scheduled out of order; e not due
    for key, minute in minutes.items():
        assert await store.schedule_job(job(key, minutes=minute))
    assert await store.schedule_job(job("discord-1", minutes=0, platform="discord"))

    first = await claim(store, at=timedelta(minutes=10), limit=2)
    rest = await claim(store, "node-b", at=timedelta(minutes=10))

    assert [j.key for j in first] == ["a", "b"]
    assert [j.key for j in rest] == ["c", "d"]  # not a and b again: node-a holds them
    assert all(j.platform == "slack" and j.attempts == 1 for j in first + rest)
    discord = await store.claim_due_jobs("discord", "node-d", NOW, LEASE, 10)
    assert [j.key for j in discord] == ["discord-1"]


async def test_a_held_job_is_retaken_only_when_its_lease_runs_out(store: Store) -> None:
    new = job("reveal:1")
    await store.schedule_job(new)
    [held] = await claim(store, "dead-node")

    assert await claim(store, "node-b", at=LEASE - US) == []  # the lease still runs
    [retaken] = await claim(store, "node-b", at=LEASE)  # it runs out exactly then

    assert retaken == claimed(new, held.id, attempts=2)
    assert await store.finish_job(held.id, "dead-node", NOW + LEASE) is False  # stolen
    assert await store.finish_job(held.id, "node-b", NOW + LEASE) is True
    assert await claim(store, "node-c", at=LEASE * 10) == []  # done for good
    assert await store.finish_job(held.id, "node-b", NOW + LEASE) is False  # done once


async def test_only_the_holder_finishes_a_job(store: Store) -> None:
    await store.schedule_job(job("one"))
    await store.schedule_job(job("two"))
    one, two = await claim(store)

    assert await store.finish_job(one.id, "node-b", NOW) is False  # another node
    assert await store.finish_job(10_000, "node-a", NOW) is False  # no such job
    assert await store.finish_job(one.id, "node-a", NOW) is True
    # Its lease ran out but nobody took it: the holder may still finish what it delivered.
    assert await store.finish_job(two.id, "node-a", NOW + LEASE * 3) is True
    assert await claim(store, "node-b", at=LEASE * 4) == []


async def test_cancelling_drops_a_pending_job_only(store: Store) -> None:
    await store.schedule_job(job("held", minutes=-2))
    await store.schedule_job(job("done", minutes=-1))
    await store.schedule_job(job("pending", minutes=0.5))
    await store.schedule_job(job("later", minutes=0.75))
    held, done = await claim(store)  # at NOW: the two that are due
    assert (held.key, done.key) == ("held", "done")
    assert await store.finish_job(done.id, "node-a", NOW)

    assert await store.cancel_job("pending") is True
    assert await store.cancel_job("pending") is False  # gone already
    assert await store.cancel_job("held") is False  # on its way: left to its node
    assert await store.cancel_job("done") is False  # done stays done
    assert await store.cancel_job("no-such-key") is False

    # Within held's lease, so only what is still pending and due.
    assert [j.key for j in await claim(store, "node-b", at=timedelta(seconds=50))] == ["later"]
    assert await store.finish_job(held.id, "node-a", NOW) is True  # still held: finishes
    assert await store.schedule_job(job("done")) is False  # a done key stays taken
    assert await store.schedule_job(job("pending")) is True  # a cancelled one is free again


async def test_next_job_due_is_the_soonest_pending_due_time_or_held_lease_end(
    store: Store,
) -> None:
    assert await store.next_job_due("slack") is None
    await store.schedule_job(job("in-10", minutes=10))
    await store.schedule_job(job("in-3", minutes=3))
    await store.schedule_job(job("discord", minutes=1, platform="discord"))
    assert await store.next_job_due("slack") == NOW + timedelta(minutes=3)

    [early] = await claim(store, at=timedelta(minutes=3, seconds=30))
    # The claimed job comes back to the sweepers' attention when its lease runs out: before
    # the other job's due time, so that is the soonest moment.
    assert await store.next_job_due("slack") == NOW + timedelta(minutes=3, seconds=90)
    assert await store.finish_job(early.id, "node-a", NOW + timedelta(minutes=4))
    assert await store.next_job_due("slack") == NOW + timedelta(minutes=10)
    assert await store.cancel_job("in-10")
    assert await store.next_job_due("slack") is None
    assert await store.next_job_due("discord") == NOW + timedelta(minutes=1)


async def test_a_job_that_fell_due_long_ago_is_due_now(store: Store) -> None:
    await store.schedule_job(job("overdue", minutes=-90))

    assert await store.next_job_due("slack") == NOW - timedelta(minutes=90)
    [late] = await claim(store)
    assert NOW - late.due_at == timedelta(minutes=90)  # the sweeper marks it late


async def test_claims_with_no_room_or_no_lease_are_refused(store: Store) -> None:
    await store.schedule_job(job("due"))

    assert await claim(store, limit=0) == []
    assert await claim(store, limit=-1) == []  # not "no limit"
    with pytest.raises(ValueError, match="lease"):
        await store.claim_due_jobs("slack", "node-a", NOW, timedelta(0), 10)
    with pytest.raises(ValueError, match="node"):
        await store.claim_due_jobs("slack", "", NOW, LEASE, 10)
    assert [j.attempts for j in await claim(store)] == [1]  # none of those claimed it


async def test_jobs_survive_a_restart(database: Database) -> None:
    first = await database.open()
    await first.schedule_job(job("held"))
    await first.schedule_job(job("pending", minutes=2))
    [held] = await claim(first, "old-node")
    await database.close(first)

    second = await database.open()

    assert await second.next_job_due("slack") == NOW + timedelta(minutes=1)  # the old lease
    retaken = await claim(second, "new-node", at=timedelta(minutes=2))
    assert [(j.key, j.attempts) for j in retaken] == [("held", 2), ("pending", 1)]
    assert retaken[0].id == held.id


async def test_of_nodes_claiming_together_each_job_goes_to_one(database: Database) -> None:
    nodes = [await database.open() for _ in range(3)]
    keys = {f"job-{n:03}" for n in range(60)}
    for key in sorted(keys):
        await nodes[0].schedule_job(job(key, minutes=-1))

    async def drain(store: Store, node: str) -> list[ClaimedJob]:
        taken: list[ClaimedJob] = []
        for _ in range(len(keys)):  # bounded: a broken claim must fail, not hang
            batch = await store.claim_due_jobs("slack", node, NOW, LEASE, 4)
            if not batch:
                break
            taken += batch
            await asyncio.sleep(0)
        return taken

    results = await asyncio.gather(*(drain(s, f"node-{i}") for i, s in enumerate(nodes)))

    claimed_keys = [j.key for taken in results for j in taken]
    assert sorted(claimed_keys) == sorted(keys)  # every job, none twice
    assert all(j.attempts == 1 for taken in results for j in taken)
    for i, taken in enumerate(results):
        for j in taken:
            assert await nodes[(i + 1) % 3].finish_job(j.id, f"node-{i + 1}", NOW) is False
            assert await nodes[(i + 1) % 3].finish_job(j.id, f"node-{i}", NOW) is True


async def test_a_renewed_lease_keeps_a_job_from_other_nodes(store: Store) -> None:
    new = job("slow-post")
    await store.schedule_job(new)
    [held] = await claim(store, "node-a")

    assert await store.renew_jobs([held.id, 10_000], "node-a", NOW + LEASE * 2) == [held.id]
    assert await claim(store, "node-b", at=LEASE) == []  # renewed: not claimable yet
    assert await store.next_job_due("slack") == NOW + LEASE * 2
    [retaken] = await claim(store, "node-b", at=LEASE * 2)  # the renewal ran out too
    assert retaken.attempts == 2
    assert await store.renew_jobs([held.id], "node-a", NOW + LEASE * 9) == []  # taken over
    assert await store.renew_jobs([], "node-a", NOW) == []
    assert await store.finish_job(held.id, "node-b", NOW + LEASE * 2)
    assert await store.renew_jobs([held.id], "node-b", NOW + LEASE * 9) == []  # done


async def test_a_post_is_started_only_by_the_holder_and_recorded_in_order(store: Store) -> None:
    new = job("staged")
    await store.schedule_job(new)
    [held] = await claim(store, "node-a")
    assert (held.posted, held.posting, held.may_be_out(0)) == ((), None, False)

    assert await store.start_post(held.id, "node-b", 0, NOW) is False  # not the holder
    assert await store.start_post(held.id, "node-a", 1, NOW) is False  # 0 is not out yet
    assert await store.start_post(held.id, "node-a", 0, NOW + LEASE) is False  # lease is over
    assert await store.start_post(held.id, "node-a", 0, NOW) is True
    assert await store.record_post(held.id, 1, "C1/2") is False  # out of order
    assert await store.record_post(held.id, 0, "C1/1.0001") is True
    assert await store.record_post(held.id, 0, "C1/again") is False  # recorded once
    assert await store.start_post(held.id, "node-a", 0, NOW) is False  # 0 is out already
    assert await store.start_post(held.id, "node-a", 1, NOW) is True  # a second delivery ...

    [retaken] = await claim(store, "node-b", at=LEASE)  # ... and its node died meanwhile
    assert (retaken.posted, retaken.posting) == (("C1/1.0001",), 1)
    assert [retaken.may_be_out(index) for index in range(3)] == [False, True, False]
    assert await store.start_post(held.id, "node-a", 1, NOW + LEASE) is False  # not its any more
    assert await store.record_post(held.id, 1, "C1/3") is True  # the ghost's post is out: kept
    assert await store.finish_job(held.id, "node-b", NOW + LEASE)
    assert await store.record_post(held.id, 2, "C1/4") is False  # done
    assert await store.start_post(held.id, "node-b", 2, NOW + LEASE) is False


async def test_due_jobs_are_counted_held_or_not(store: Store) -> None:
    for n in range(3):
        await store.schedule_job(job(f"due-{n}", minutes=-n))
    await store.schedule_job(job("later", minutes=5))
    await store.schedule_job(job("elsewhere", platform="discord"))
    assert await store.count_due_jobs("slack", NOW) == 3
    [first, *_] = await claim(store, limit=1)
    assert await store.count_due_jobs("slack", NOW) == 3  # held: due and undelivered still
    assert await store.finish_job(first.id, "node-a", NOW)
    assert await store.count_due_jobs("slack", NOW) == 2
    assert await store.count_due_jobs("slack", NOW + timedelta(minutes=5)) == 3
