"""Durable jobs on PostgreSQL: the job half of `PostgresStore` (a mixin sharing its pool).

Each method is one statement, so one implicit transaction. The claim locks the due rows it picks
with FOR UPDATE SKIP LOCKED: nodes claiming together each take different rows instead of
queueing behind one another, and a row another node has just claimed is re-checked on its new
version (READ COMMITTED) and left out, since its lease now runs into the future. A job is held by
one node at a time; only that node can finish it.

A job is *pending* while nobody holds it: not done, never claimed. `cancel_job` drops pending jobs
only; it waits for a racing claim's row lock and then finds the job claimed.

A held job's delivery goes through recorded stages (`posting`, `posted`: migration 0007), each
one conditional UPDATE: `start_post` before the platform call, only while this node holds the
job; `record_post` after it, with the platform's message id.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from engine.ports import ClaimedJob, NewJob
from engine.storage.claims import check_claim
from engine.storage.codecs import claimed_job, job_values

SCHEDULE_JOB = """
INSERT INTO jobs (key, kind, platform, target, payload, due_at)
VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::timestamptz)
ON CONFLICT (key) DO NOTHING
"""

CANCEL_JOB = """
DELETE FROM jobs WHERE key = $1::text AND done_at IS NULL AND claimed_by IS NULL
"""

# $1 platform, $2 node, $3 now, $4 lease end, $5 limit. The CTE is MATERIALIZED so that the
# locking subselect runs exactly once; the UPDATE then writes the rows it locked. RETURNING
# order is unspecified, so the caller sorts.
CLAIM_DUE_JOBS = """
WITH due AS MATERIALIZED (
    SELECT id FROM jobs
    WHERE platform = $1::text AND done_at IS NULL AND due_at <= $3::timestamptz
      AND (lease_until IS NULL OR lease_until <= $3::timestamptz)
    ORDER BY due_at
    LIMIT $5::integer
    FOR UPDATE SKIP LOCKED
)
UPDATE jobs SET claimed_by = $2::text, lease_until = $4::timestamptz, attempts = attempts + 1
FROM due WHERE jobs.id = due.id
RETURNING jobs.id, jobs.key, jobs.kind, jobs.platform, jobs.target, jobs.payload, jobs.due_at,
          jobs.attempts, jobs.posted, jobs.posting
"""

RENEW_JOBS = """
UPDATE jobs SET lease_until = $3::timestamptz
WHERE id = ANY($1::bigint[]) AND claimed_by = $2::text AND done_at IS NULL
RETURNING id
"""

# The fence before a platform call: this node holds the job, its lease has not run out, and
# exactly the deliveries before this one are recorded as out.
START_POST = """
UPDATE jobs SET posting = $3::integer
WHERE id = $1::bigint AND claimed_by = $2::text AND done_at IS NULL
  AND lease_until > $4::timestamptz
  AND json_array_length(coalesce(posted, '[]')::json) = $3::integer
"""

RECORD_POST = """
UPDATE jobs SET posted = (coalesce(posted, '[]')::jsonb || to_jsonb($3::text))::text
WHERE id = $1::bigint AND done_at IS NULL
  AND json_array_length(coalesce(posted, '[]')::json) = $2::integer
"""

COUNT_DUE_JOBS = """
SELECT count(*) FROM jobs
WHERE platform = $1::text AND done_at IS NULL AND due_at <= $2::timestamptz
"""

FINISH_JOB = """
UPDATE jobs SET done_at = $3::timestamptz
WHERE id = $1::bigint AND claimed_by = $2::text AND done_at IS NULL
"""

# The soonest of the pending jobs' due times and the held jobs' lease ends (a dead node's job
# becomes claimable then); each half is a step or two down an index (jobs_due, jobs_leased).
NEXT_JOB_DUE = """
SELECT min(soonest) FROM (
    (SELECT due_at AS soonest FROM jobs
     WHERE platform = $1::text AND done_at IS NULL AND lease_until IS NULL
     ORDER BY due_at LIMIT 1)
    UNION ALL
    (SELECT min(lease_until) FROM jobs
     WHERE platform = $1::text AND done_at IS NULL AND lease_until IS NOT NULL)
) AS candidates
"""


class PostgresJobs:
    _pool: Any  # asyncpg ships no type hints

    async def schedule_job(self, job: NewJob) -> bool:
        status = await self._pool.execute(SCHEDULE_JOB, *job_values(job), job.due_at)
        return changed(status)

    async def cancel_job(self, key: str) -> bool:
        return changed(await self._pool.execute(CANCEL_JOB, key))

    async def claim_due_jobs(
        self, platform: str, node: str, now: datetime, lease: timedelta, limit: int
    ) -> list[ClaimedJob]:
        check_claim(node, lease)
        if limit < 1:
            return []
        rows = await self._pool.fetch(CLAIM_DUE_JOBS, platform, node, now, now + lease, limit)
        claimed = [
            claimed_job(
                row["id"],
                row["key"],
                row["kind"],
                row["platform"],
                row["target"],
                row["payload"],
                row["due_at"],
                row["attempts"],
                row["posted"],
                row["posting"],
            )
            for row in rows
        ]
        return sorted(claimed, key=lambda job: (job.due_at, job.id))

    async def finish_job(self, job_id: int, node: str, now: datetime) -> bool:
        return changed(await self._pool.execute(FINISH_JOB, job_id, node, now))

    async def renew_jobs(self, job_ids: Sequence[int], node: str, until: datetime) -> list[int]:
        if not job_ids:
            return []
        rows = await self._pool.fetch(RENEW_JOBS, list(job_ids), node, until)
        return sorted(int(row["id"]) for row in rows)

    async def start_post(self, job_id: int, node: str, index: int, now: datetime) -> bool:
        return changed(await self._pool.execute(START_POST, job_id, node, index, now))

    async def record_post(self, job_id: int, index: int, message_id: str) -> bool:
        return changed(await self._pool.execute(RECORD_POST, job_id, index, message_id))

    async def count_due_jobs(self, platform: str, now: datetime) -> int:
        return int(await self._pool.fetchval(COUNT_DUE_JOBS, platform, now))

    async def next_job_due(self, platform: str) -> datetime | None:
        soonest: datetime | None = await self._pool.fetchval(NEXT_JOB_DUE, platform)
        return soonest


def changed(status: str) -> bool:
    """Whether a command changed any row, from its status tag (`UPDATE 1`, `INSERT 0 1`)."""
    return int(status.rpartition(" ")[2]) > 0
