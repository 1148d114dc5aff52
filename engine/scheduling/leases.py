"""Keeping a node's claims alive while it delivers them: a slow platform (a post that takes
seconds, a Retry-After) must not let a claim run out under a node that is still working on it,
or another node would claim the job and post it again."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable
from datetime import timedelta

from engine.ports import Clock, JobStore

log = logging.getLogger(__name__)

RENEWALS_PER_LEASE = 3  # renew a third of the way into a lease: two renewals may fail in a row


class HeldJobs:
    """The ids of a batch of jobs this node claimed and works on, renewed in the background
    every `lease / RENEWALS_PER_LEASE` until each is let go (finished, or failed and left for
    its lease to run out)."""

    def __init__(
        self, store: JobStore, clock: Clock, node: str, lease: timedelta, job_ids: Iterable[int]
    ) -> None:
        self._store = store
        self._clock = clock
        self._node = node
        self._lease = lease
        self._ids = set(job_ids)

    def holds(self, job_id: int) -> bool:
        """False once a renewal found that another node has the job."""
        return job_id in self._ids

    def let_go(self, job_id: int) -> None:
        self._ids.discard(job_id)

    @contextlib.asynccontextmanager
    async def renewing(self) -> AsyncIterator[HeldJobs]:
        """Renew the jobs for as long as the block runs (the block lets each go when done)."""
        task = asyncio.create_task(self._renew_until_cancelled())
        try:
            yield self
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            self._ids.clear()

    async def _renew_until_cancelled(self) -> None:
        every_s = self._lease.total_seconds() / RENEWALS_PER_LEASE
        while True:
            await asyncio.sleep(every_s)
            await self.renew()

    async def renew(self) -> None:
        """One renewal of every held job; a failure is logged, and the next one tries again
        (the lease is three renewals long)."""
        ids = sorted(self._ids)
        if not ids:
            return
        try:
            kept = set(
                await self._store.renew_jobs(ids, self._node, self._clock.now() + self._lease)
            )
        except Exception:
            log.exception("renewing the leases of %d jobs failed; trying again", len(ids))
            return
        for job_id in set(ids) - kept:
            if job_id in self._ids:  # not let go meanwhile: another node has taken it
                log.warning("job %d was taken over by another node while this one held it", job_id)
                self._ids.discard(job_id)
