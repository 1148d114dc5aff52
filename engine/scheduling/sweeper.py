"""The sweeper: each running node claims its platform's due jobs, delivers them, finishes them.

Timers are rows in the store, never sleeping tasks, so a restart loses nothing: the first sweep
of a node that starts delivers whatever fell due while nothing ran, marked late.

Delivery is exactly once while nodes stay up: a claim is atomic, so one node holds a job, and
only the holder can finish it. Across a crash it is at least once: a node that dies between
posting a delivery and finishing its job leaves the claim to run out, and the job is delivered
again by whichever node claims it next. A delivery that fails (the platform refused it, say)
also leaves its job claimed, so that it is retried once the lease has run out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Protocol

from engine.ports import ClaimedJob, Clock, JobStore
from engine.scheduling.delivery import Deliver, Delivery

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)  # a claim outlives any sane delivery; a dead node's is retaken
GRACE = timedelta(seconds=5)  # later than this past its due time, a delivery says it is late
POLL_S = 1.0  # idle nodes look again this often: another node may have added a job
BATCH = 20  # jobs claimed at a time, so a backlog cannot hold a lease past its end
MAX_ATTEMPTS = 5  # a job that fails to run this often is dropped, so it cannot loop for ever
MIN_SLEEP_S = 0.02


class JobRunner(Protocol):
    """What turns a job into deliveries (the Tutor)."""

    async def run_job(self, job: ClaimedJob) -> list[Delivery]:
        """The deliveries a job makes now; none if it no longer applies (a revealed drill)."""
        ...

    async def finish_job(self, job: ClaimedJob, node: str, now: datetime) -> bool:
        """Mark the job done once delivered (a daily job also schedules its next run)."""
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
            except Exception:  # the database may be busy or briefly gone; keep the node up
                log.exception("sweep on node %s failed; trying again shortly", self._node)
                delay = self._poll_s
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)

    async def sweep_once(self) -> int:
        """Claim and deliver everything due now; returns how many jobs were finished."""
        finished = 0
        while True:
            now = self._clock.now()
            jobs = await self._store.claim_due_jobs(
                self._platform, self._node, now, self._lease, BATCH
            )
            for job in jobs:
                finished += await self._process(job, now)
            if len(jobs) < BATCH:
                return finished

    async def _process(self, job: ClaimedJob, claimed_at: datetime) -> int:
        try:
            deliveries = await self._runner.run_job(job)
        except Exception:
            log.exception("job %s (%s) failed to run, attempt %d", job.key, job.kind, job.attempts)
            if job.attempts < MAX_ATTEMPTS:
                return 0  # claimed still: retried after the lease
            log.error("job %s dropped after %d attempts", job.key, job.attempts)
            return int(await self._store.finish_job(job.id, self._node, self._clock.now()))
        late_by = claimed_at - job.due_at
        for made in deliveries:
            delivery = made.marked_late(late_by) if late_by > self._grace else made
            try:
                await self._deliver(delivery)
            except Exception:
                log.exception(
                    "delivery of job %s failed; it is retried after the lease", delivery.job_key
                )
                return 0
        if not await self._runner.finish_job(job, self._node, self._clock.now()):
            # Its lease ran out and another node took it over (or its schedule changed).
            log.warning("job %s was delivered but is no longer held by this node", job.key)
            return 0
        return 1

    async def _idle_delay(self) -> float:
        due = await self._store.next_job_due(self._platform)
        if due is None:
            return self._poll_s
        wait = (due - self._clock.now()).total_seconds()
        return min(max(wait, MIN_SLEEP_S), self._poll_s)
