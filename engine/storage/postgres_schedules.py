"""Daily schedules on PostgreSQL: the schedule half of `PostgresStore` (a mixin sharing its pool).

These are short explicit transactions: each statement of READ COMMITTED takes a fresh snapshot,
which is what lets `clear_schedule` see (and cancel) a job that a racing `set_schedule` committed
while it waited for the schedule row's lock. A single statement would look for that job in the
snapshot it started with, and leave it behind.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.ports import NewJob, PostFailure, ScheduleSpec, Scope, StoredSchedule
from engine.storage.codecs import (
    failure_json,
    failure_of,
    job_values,
    scope_of,
    scope_text,
    spec_json,
    spec_of,
)
from engine.storage.postgres_jobs import CANCEL_JOB, FINISH_JOB, SCHEDULE_JOB, changed

# Locks the schedule row, creating it if need be, and returns the job key it had ('' if it is
# new: a placeholder that POINT_SCHEDULE replaces before anyone else can see the row). The
# no-op DO UPDATE is there for its lock and its RETURNING; unlike a SELECT ... FOR UPDATE, it
# cannot miss a row that a racing transaction is inserting or deleting.
LOCK_SCHEDULE = """
INSERT INTO schedules (scope, spec, job_key) VALUES ($1::text, $2::text, '')
ON CONFLICT (scope) DO UPDATE SET scope = excluded.scope
RETURNING job_key
"""

POINT_SCHEDULE = """
UPDATE schedules SET spec = coalesce($2::text, spec), job_key = $3::text WHERE scope = $1::text
"""


class PostgresSchedules:
    _pool: Any  # asyncpg ships no type hints

    async def set_schedule(self, scope: Scope, spec: ScheduleSpec, first: NewJob) -> None:
        where, document = scope_text(scope), spec_json(spec)
        async with self._pool.acquire() as connection, connection.transaction():
            old_key = await connection.fetchval(LOCK_SCHEDULE, where, document)
            if old_key:  # cancel first, in its own statement: its key may be the new job's
                await connection.execute(CANCEL_JOB, old_key)
            await connection.execute(SCHEDULE_JOB, *job_values(first), first.due_at)
            await connection.execute(POINT_SCHEDULE, where, document, first.key)

    async def load_schedule(self, scope: Scope) -> StoredSchedule | None:
        row = await self._pool.fetchrow(
            "SELECT scope, spec, job_key, failure FROM schedules WHERE scope = $1::text",
            scope_text(scope),
        )
        if row is None:
            return None
        return StoredSchedule(
            scope_of(row["scope"]),
            spec_of(row["spec"]),
            str(row["job_key"]),
            failure_of(row["failure"]),
        )

    async def clear_schedule(self, scope: Scope) -> bool:
        async with self._pool.acquire() as connection, connection.transaction():
            job_key = await connection.fetchval(
                "DELETE FROM schedules WHERE scope = $1::text RETURNING job_key", scope_text(scope)
            )
            if job_key is None:
                return False
            await connection.execute(CANCEL_JOB, job_key)
            return True

    async def advance_schedule(
        self,
        scope: Scope,
        job_key: str,
        job_id: int,
        node: str,
        now: datetime,
        then: NewJob,
        failure: PostFailure | None = None,
    ) -> bool:
        where = scope_text(scope)
        async with self._pool.acquire() as connection, connection.transaction():
            if not changed(await connection.execute(FINISH_JOB, job_id, node, now)):
                return False  # the claim was lost: nothing written
            current = await connection.fetchval(
                "SELECT job_key FROM schedules WHERE scope = $1::text FOR UPDATE", where
            )
            if current != job_key:
                return False  # changed or removed meanwhile: the job stays done, nothing else
            await connection.execute(SCHEDULE_JOB, *job_values(then), then.due_at)
            await connection.execute(POINT_SCHEDULE, where, None, then.key)
            await connection.execute(
                "UPDATE schedules SET failure = $2::text WHERE scope = $1::text",
                where,
                failure_json(failure),
            )
            await connection.execute(
                "UPDATE jobs SET next_key = $2::text WHERE id = $1::bigint", job_id, then.key
            )
            return True
