"""Durable jobs on SQLite: the job half of `SqliteStore` (a mixin sharing its connection).

Every method is one statement, atomic in autocommit mode. The claim is one UPDATE whose subselect
picks the due jobs from the partial index `jobs_due` (migration 0005); SQLite has one writer at
a time, so two nodes (processes) claiming together queue on the write lock, and the second one's
subselect sees the first one's claims: a job is held by one node at a time. RETURNING (SQLite
3.35+) hands the claimed rows back from the same statement.

A job is *pending* while nobody holds it: not done, never claimed. A claimed job is being
delivered; if its node dies, the lease runs out and another node claims it again (`attempts`
counts the claims). `cancel_job` drops pending jobs only: a claimed one is already on its way.

A held job's delivery goes through recorded stages (`posting`, `posted`: migration 0009), each
one conditional UPDATE: `start_post` before the platform call, only while this node holds the
job; `record_post` after it, with the platform's message id.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta

import aiosqlite

from engine.ports import ClaimedJob, NewJob
from engine.storage.claims import check_claim
from engine.storage.codecs import claimed_job, job_values
from engine.storage.sqlite_times import instant, iso

SCHEDULE_JOB = """
INSERT INTO jobs (key, kind, platform, target, payload, due_at) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (key) DO NOTHING
"""

CANCEL_JOB = "DELETE FROM jobs WHERE key = ? AND done_at IS NULL AND claimed_by IS NULL"

# The subselect reads the index alone (jobs_due holds platform, due_at, lease_until and done_at):
# with nothing due its range is empty and no table row is touched. bench/jobs_sweep.py prints
# the plan. RETURNING order is unspecified, so the caller sorts.
CLAIM_DUE_JOBS = """
UPDATE jobs SET claimed_by = :node, lease_until = :lease_until, attempts = attempts + 1
WHERE id IN (
    SELECT id FROM jobs
    WHERE platform = :platform AND done_at IS NULL AND due_at <= :now
      AND (lease_until IS NULL OR lease_until <= :now)
    ORDER BY due_at
    LIMIT :limit
)
RETURNING id, key, kind, platform, target, payload, due_at, attempts, posted, posting
"""

RENEW_JOBS = """
UPDATE jobs SET lease_until = :until
WHERE claimed_by = :node AND done_at IS NULL AND id IN (SELECT value FROM json_each(:ids))
RETURNING id
"""

# The fence before a platform call: this node holds the job, its lease has not run out, and
# exactly the deliveries before this one are recorded as out.
START_POST = """
UPDATE jobs SET posting = :index
WHERE id = :id AND claimed_by = :node AND done_at IS NULL AND lease_until > :now
  AND json_array_length(coalesce(posted, '[]')) = :index
"""

RECORD_POST = """
UPDATE jobs SET posted = json_insert(coalesce(posted, '[]'), '$[#]', :message)
WHERE id = :id AND done_at IS NULL AND json_array_length(coalesce(posted, '[]')) = :index
"""

COUNT_DUE_JOBS = """
SELECT count(*) FROM jobs WHERE platform = :platform AND done_at IS NULL AND due_at <= :now
"""

FINISH_JOB = """
UPDATE jobs SET done_at = ? WHERE id = ? AND claimed_by = ? AND done_at IS NULL
"""

# When the sweeper should look again: the soonest of the pending jobs' due times and the held
# jobs' lease ends (a dead node's job becomes claimable then). Each half is answered from an
# index in a step or two: the first unheld entry of jobs_due, the smallest of jobs_leased.
NEXT_JOB_DUE = """
SELECT min(soonest) FROM (
    SELECT * FROM (
        SELECT due_at AS soonest FROM jobs
        WHERE platform = :platform AND done_at IS NULL AND lease_until IS NULL
        ORDER BY due_at LIMIT 1
    )
    UNION ALL
    SELECT min(lease_until) FROM jobs
    WHERE platform = :platform AND done_at IS NULL AND lease_until IS NOT NULL
)
"""


class SqliteJobs:
    _db: aiosqlite.Connection

    async def schedule_job(self, job: NewJob) -> bool:
        cursor = await self._db.execute(SCHEDULE_JOB, (*job_values(job), iso(job.due_at)))
        return cursor.rowcount > 0

    async def cancel_job(self, key: str) -> bool:
        cursor = await self._db.execute(CANCEL_JOB, (key,))
        return cursor.rowcount > 0

    async def claim_due_jobs(
        self, platform: str, node: str, now: datetime, lease: timedelta, limit: int
    ) -> list[ClaimedJob]:
        check_claim(node, lease)
        if limit < 1:  # SQLite reads a negative LIMIT as "no limit"
            return []
        rows = await self._db.execute_fetchall(
            CLAIM_DUE_JOBS,
            {
                "node": node,
                "lease_until": iso(now + lease),
                "platform": platform,
                "now": iso(now),
                "limit": limit,
            },
        )
        claimed = [
            claimed_job(
                id_, key, kind, on, target, payload, instant(due_at), tries, posted, posting
            )
            for id_, key, kind, on, target, payload, due_at, tries, posted, posting in rows
        ]
        return sorted(claimed, key=lambda job: (job.due_at, job.id))

    async def finish_job(self, job_id: int, node: str, now: datetime) -> bool:
        cursor = await self._db.execute(FINISH_JOB, (iso(now), job_id, node))
        return cursor.rowcount > 0

    async def renew_jobs(self, job_ids: Sequence[int], node: str, until: datetime) -> list[int]:
        if not job_ids:
            return []
        params = {"until": iso(until), "node": node, "ids": json.dumps(list(job_ids))}
        rows = await self._db.execute_fetchall(RENEW_JOBS, params)
        return sorted(int(id_) for (id_,) in rows)

    async def start_post(self, job_id: int, node: str, index: int, now: datetime) -> bool:
        params = {"index": index, "id": job_id, "node": node, "now": iso(now)}
        cursor = await self._db.execute(START_POST, params)
        return cursor.rowcount > 0

    async def record_post(self, job_id: int, index: int, message_id: str) -> bool:
        params = {"message": message_id, "id": job_id, "index": index}
        cursor = await self._db.execute(RECORD_POST, params)
        return cursor.rowcount > 0

    async def count_due_jobs(self, platform: str, now: datetime) -> int:
        rows = await self._db.execute_fetchall(
            COUNT_DUE_JOBS, {"platform": platform, "now": iso(now)}
        )
        return next((int(count) for (count,) in rows), 0)

    async def next_job_due(self, platform: str) -> datetime | None:
        rows = await self._db.execute_fetchall(NEXT_JOB_DUE, {"platform": platform})
        soonest = next((value for (value,) in rows), None)
        return None if soonest is None else instant(soonest)
