"""The sweeper: each running node claims its platform's due jobs, delivers them, finishes them.

Timers are rows in the store, never sleeping tasks, so a restart loses nothing: the first sweep
of a node that starts delivers whatever fell due while nothing ran, marked late.

Delivery is exactly once while nodes stay up. A claim is atomic, so one node holds a job; the
claim's lease is renewed while the node works on it (engine/scheduling/leases.py), however long
the platform takes or makes it wait (a Retry-After); and each delivery goes through recorded
stages: claimed, then *posting* (written before the platform call, and only while this node
holds the job with a live lease), then *posted* with the platform's message id, then done right
after its post. A node that takes a job over (its holder died, or lost its lease) skips what is
recorded as posted.

Across a crash one case is left: a node that dies after the platform took a post but before it
recorded the message id. The next holder sees the post started and unrecorded (`may_be_out`):
on Discord the same nonce with enforce_nonce makes the platform return the first message
instead of posting again (for a few minutes, longer than a lease); on Slack, which has no such
key, the delivery is posted again. So at least once there, never lost. A delivery that fails
for now (the platform is down, a 500) leaves its job claimed, retried once the lease has run
out. One the platform refuses for good (`PostRefused`: the bot was removed from the channel, the
user takes no direct messages), or one that failed on every attempt, is never a silent skip:
the runner records why with the job (`JobRunner.post_failed`: a scheduled post keeps it for
/schedule show and the next post to say) and finishes it, so it does not loop. A post that fails
for now is retried through an outage, and given up only after MAX_ATTEMPTS and GIVE_UP_AFTER.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

from engine.observer import NO_OBSERVER, JobOutcome, Observer
from engine.ports import ClaimedJob, Clock, FailureReason, JobStore
from engine.scheduling.delivery import Deliver, Delivery, PostRefused, Refusal
from engine.scheduling.leases import HeldJobs
from engine.scheduling.outage import OutageLog

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)  # renewed while held; a dead node's jobs are retaken after it
GRACE = timedelta(seconds=5)  # later than this past its due time, a delivery says it is late
POLL_S = 1.0  # idle nodes look again this often: another node may have added a job
BATCH = 20  # at most this many jobs claimed at a time ...
BATCH_SHARE_OF_LEASE = 0.5  # ... and no more than the posts of half a lease: slow posts, fewer
MAX_ATTEMPTS = 5  # a job that fails to run this often is dropped, so it cannot loop for ever
# A post that fails for now is tried again after each lease while the platform is out (an
# outage of minutes loses nothing); once it has failed MAX_ATTEMPTS times and is this late, it
# is given up and recorded with its reason (a daily post that late is stale anyway).
GIVE_UP_AFTER = timedelta(hours=6)
MIN_SLEEP_S = 0.02
# done for good
FINISHED: frozenset[JobOutcome] = frozenset({"delivered", "skipped", "dropped", "refused"})


class JobRunner(Protocol):
    """What turns a job into deliveries (the Tutor)."""

    async def run_job(self, job: ClaimedJob) -> list[Delivery]:
        """The deliveries a job makes now; none if it no longer applies (a revealed drill)."""
        ...

    async def finish_job(self, job: ClaimedJob, node: str, now: datetime) -> bool:
        """Mark the job done once delivered (a daily job also schedules its next run)."""
        ...

    async def post_failed(
        self, job: ClaimedJob, refusal: Refusal, node: str, now: datetime
    ) -> bool:
        """Record that the job's post will not go out, and why, and finish the job (a daily
        job also schedules its next run); False if this node no longer holds it."""
        ...


class Sweeper:
    def __init__(
        self,
        store: JobStore,
        runner: JobRunner,
        clock: Clock,
        platform: str,
        node: str,
        deliver: Deliver,
        *,
        lease: timedelta = LEASE,
        grace: timedelta = GRACE,
        poll_s: float = POLL_S,
        observer: Observer = NO_OBSERVER,
    ) -> None:
        self._store = store
        self._runner = runner
        self._clock = clock
        self._platform = platform
        self._node = node
        self._deliver = deliver
        self._lease = lease
        self._grace = grace
        self._poll_s = poll_s
        self._observer = observer
        self._post_s = 0.0  # a running mean of how long a post takes here
        self._outage = OutageLog(log, f"sweeps on node {node}")

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Sweep in the background for as long as the block runs (an adapter's whole life);
        the first sweep posts whatever fell due while nothing was running."""
        stop = asyncio.Event()
        task = asyncio.create_task(self.run(stop))
        try:
            yield
        finally:
            stop.set()
            await task

    async def run(self, stop: asyncio.Event) -> None:
        """Sweep until `stop` is set: a sweep, then a sleep until the next job falls due or the
        poll interval ends, whichever is sooner. An idle node costs two indexed queries a poll."""
        while not stop.is_set():
            try:
                await self.sweep_once()
                delay = await self._idle_delay()
            except Exception as exc:  # noqa: BLE001 - reported by OutageLog, once an outage
                # The database may be busy or briefly gone: keep the node up, and say so once.
                self._outage.failed(exc)
                delay = self._poll_s
            else:
                self._outage.succeeded()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)

    async def sweep_once(self) -> int:
        """Claim and deliver everything due now; returns how many jobs were finished."""
        self._observer.jobs_due(
            self._platform, await self._store.count_due_jobs(self._platform, self._clock.now())
        )
        finished = 0
        while True:
            now = self._clock.now()
            limit = self.batch()
            jobs = await self._store.claim_due_jobs(
                self._platform, self._node, now, self._lease, limit
            )
            batch = HeldJobs(
                self._store, self._clock, self._node, self._lease, (j.id for j in jobs)
            )
            async with batch.renewing() as held:
                for job in jobs:
                    late_by = now - job.due_at
                    late = late_by > self._grace
                    self._observer.job_claimed(
                        self._platform, job.kind, late_by.total_seconds(), late=late
                    )
                    outcome = await self._process(job, late_by if late else None, held)
                    held.let_go(job.id)
                    self._observer.job_finished(self._platform, job.kind, outcome)
                    finished += outcome in FINISHED
            if len(jobs) < limit:
                return finished

    async def next_due(self) -> datetime | None:
        """When this platform's next job falls due (or a claim's lease runs out): for a node on
        a stepped clock, which moves time on to each due instant in turn."""
        return await self._store.next_job_due(self._platform)

    def batch(self) -> int:
        """How many jobs to claim at once: BATCH, or fewer when posts are slow, so that a
        claimed batch is posted within half a lease and the other nodes share a backlog."""
        if self._post_s <= 0:
            return BATCH
        fits = int(self._lease.total_seconds() * BATCH_SHARE_OF_LEASE / self._post_s)
        return max(1, min(BATCH, fits))

    async def _process(
        self, job: ClaimedJob, late_by: timedelta | None, held: HeldJobs
    ) -> JobOutcome:
        try:
            deliveries = await self._runner.run_job(job)
        except Exception:
            log.exception("job %s (%s) failed to run, attempt %d", job.key, job.kind, job.attempts)
            if job.attempts < MAX_ATTEMPTS:
                return "failed"  # claimed still: retried after the lease
            log.error("job %s dropped after %d attempts", job.key, job.attempts)
            await self._store.finish_job(job.id, self._node, self._clock.now())
            return "dropped"
        for index, made in enumerate(deliveries):
            if index < len(job.posted):
                continue  # out already: posted by a node that held the job before
            delivery = replace(
                made if late_by is None else made.marked_late(late_by),
                job_id=job.id,
                index=index,
                may_be_out=job.may_be_out(index),
            )
            try:
                outcome = await self._post(delivery, held)
            except PostRefused as refused:
                return await self._give_up(job, refused.refusal, held)
            if outcome == "failed" and self._past_retrying(job):
                hours = int(GIVE_UP_AFTER.total_seconds() // 3600)
                detail = f"every attempt failed for {hours} hours, {job.attempts} attempts"
                return await self._give_up(job, Refusal(FailureReason.PLATFORM_ERROR, detail), held)
            if outcome is not None:
                return outcome
        if not held.holds(job.id) or not await self._runner.finish_job(
            job, self._node, self._clock.now()
        ):
            # Its lease ran out and another node took it over (or its schedule changed).
            log.warning("job %s was delivered but is no longer held by this node", job.key)
            return "lost"
        return "delivered" if deliveries else "skipped"

    def _past_retrying(self, job: ClaimedJob) -> bool:
        return job.attempts >= MAX_ATTEMPTS and self._clock.now() - job.due_at >= GIVE_UP_AFTER

    async def _give_up(self, job: ClaimedJob, refusal: Refusal, held: HeldJobs) -> JobOutcome:
        """A post that will not go out: recorded with its reason by the runner, job finished."""
        log.warning(
            "job %s (%s) was not posted: %s (%s); recorded, not retried",
            job.key,
            job.kind,
            refusal.reason.value,
            refusal.detail,
        )
        if not held.holds(job.id) or not await self._runner.post_failed(
            job, refusal, self._node, self._clock.now()
        ):
            return "lost"
        return "refused"

    async def _post(self, delivery: Delivery, held: HeldJobs) -> JobOutcome | None:
        """Post one delivery between its two records; None when it is out, else how the job
        ends for now."""
        job_id, index = delivery.job_id, delivery.index
        if not held.holds(job_id) or not await self._store.start_post(
            job_id, self._node, index, self._clock.now()
        ):
            log.warning("job %s is no longer held by this node; not posted", delivery.job_key)
            return "lost"
        if delivery.may_be_out:
            log.warning(
                "job %s: a node started this post and stopped before recording it; it may be "
                "out already",
                delivery.job_key,
            )
        started = time.perf_counter()
        try:
            message_id = await self._deliver(delivery)
        except PostRefused:
            raise
        except Exception:
            log.exception(
                "delivery of job %s failed; it is retried after the lease", delivery.job_key
            )
            return "failed"
        self._timed(time.perf_counter() - started)
        if not await self._store.record_post(job_id, index, message_id or ""):
            log.warning("job %s: its post %d was recorded already", delivery.job_key, index)
        return None

    def _timed(self, seconds: float) -> None:
        self._post_s = seconds if self._post_s <= 0 else 0.8 * self._post_s + 0.2 * seconds

    async def _idle_delay(self) -> float:
        due = await self._store.next_job_due(self._platform)
        if due is None:
            return self._poll_s
        wait = (due - self._clock.now()).total_seconds()
        return min(max(wait, MIN_SLEEP_S), self._poll_s)
