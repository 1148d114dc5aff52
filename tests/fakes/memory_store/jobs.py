"""The jobs port in memory: keys unique for ever, claims with leases, finishing by the holder."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from engine.ports import ClaimedJob, NewJob
from engine.storage.claims import check_claim

from .data import JobRow, MemoryData, utc


class MemoryJobs:
    _data: MemoryData

    async def schedule_job(self, job: NewJob) -> bool:
        return self._schedule(job)

    def _schedule(self, job: NewJob) -> bool:
        if job.key in self._data.jobs:
            return False
        row = JobRow(
            self._data.next_id(), job.key, job.platform, job.target, job.payload, utc(job.due_at)
        )
        self._data.jobs[job.key] = row
        return True

    async def cancel_job(self, key: str) -> bool:
        return self._cancel(key)

    def _cancel(self, key: str) -> bool:
        row = self._data.jobs.get(key)
        if row is None or not row.pending:
            return False
        del self._data.jobs[key]
        return True

    async def claim_due_jobs(
        self, platform: str, node: str, now: datetime, lease: timedelta, limit: int
    ) -> list[ClaimedJob]:
        check_claim(node, lease)
        due = [
            row
            for row in self._data.jobs.values()
            if row.platform == platform
            and row.done_at is None
            and row.due_at <= now
            and (row.lease_until is None or row.lease_until <= now)
        ]
        due.sort(key=lambda row: (row.due_at, row.id))
        claimed = []
        for row in due[: max(limit, 0)]:
            row.claimed_by, row.lease_until = node, utc(now + lease)
            row.attempts += 1
            claimed.append(
                ClaimedJob(
                    row.id,
                    row.key,
                    row.platform,
                    row.target,
                    row.payload,
                    row.due_at,
                    row.attempts,
                    tuple(row.posted),
                    row.posting,
                )
            )
        return claimed

    async def finish_job(self, job_id: int, node: str, now: datetime) -> bool:
        return self._finish(job_id, node, now)

    def _finish(self, job_id: int, node: str, now: datetime) -> bool:
        row = self.job_by_id(job_id)
        if row is None or row.claimed_by != node or row.done_at is not None:
            return False
        row.done_at = utc(now)
        return True

    async def renew_jobs(self, job_ids: Sequence[int], node: str, until: datetime) -> list[int]:
        renewed = []
        for job_id in job_ids:
            row = self.job_by_id(job_id)
            if row is not None and row.claimed_by == node and row.done_at is None:
                row.lease_until = utc(until)
                renewed.append(job_id)
        return sorted(renewed)

    async def start_post(self, job_id: int, node: str, index: int, now: datetime) -> bool:
        row = self.job_by_id(job_id)
        if (
            row is None
            or row.claimed_by != node
            or row.done_at is not None
            or row.lease_until is None
            or row.lease_until <= now
            or len(row.posted) != index
        ):
            return False
        row.posting = index
        return True

    async def record_post(self, job_id: int, index: int, message_id: str) -> bool:
        row = self.job_by_id(job_id)
        if row is None or row.done_at is not None or len(row.posted) != index:
            return False
        row.posted.append(message_id)
        return True

    async def count_due_jobs(self, platform: str, now: datetime) -> int:
        rows = self._data.jobs.values()
        return sum(1 for r in rows if r.platform == platform and not r.done_at and r.due_at <= now)

    async def next_job_due(self, platform: str) -> datetime | None:
        live = [r for r in self._data.jobs.values() if r.platform == platform and not r.done_at]
        times = [r.due_at for r in live if r.lease_until is None]
        times += [r.lease_until for r in live if r.lease_until is not None]
        return min(times, default=None)

    def job_by_id(self, job_id: int) -> JobRow | None:
        return next((row for row in self._data.jobs.values() if row.id == job_id), None)
