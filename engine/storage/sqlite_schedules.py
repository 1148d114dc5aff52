"""Daily schedules on SQLite: the schedule half of `SqliteStore` (a mixin sharing its connection).

Setting and advancing a schedule are INSERTs into views whose INSTEAD OF triggers (migration
0006) cancel, schedule and re-point in one statement; clearing is one DELETE whose trigger
cancels the pending job.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

import aiosqlite

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
from engine.storage.sqlite_times import iso

_CLAIM_LOST = "rungs: claim lost"


class SqliteSchedules:
    _db: aiosqlite.Connection

    async def set_schedule(self, scope: Scope, spec: ScheduleSpec, first: NewJob) -> None:
        await self._db.execute(
            "INSERT INTO schedule_sets (scope, spec, key, kind, platform, target, payload, "
            "due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (scope_text(scope), spec_json(spec), *job_values(first), iso(first.due_at)),
        )

    async def load_schedule(self, scope: Scope) -> StoredSchedule | None:
        rows = await self._db.execute_fetchall(
            "SELECT scope, spec, job_key, failure FROM schedules WHERE scope = ?",
            (scope_text(scope),),
        )
        return next(
            (
                StoredSchedule(scope_of(s), spec_of(spec), str(key), failure_of(failure))
                for s, spec, key, failure in rows
            ),
            None,
        )

    async def clear_schedule(self, scope: Scope) -> bool:
        # The trigger schedule_cleared cancels the pending job within this statement.
        cursor = await self._db.execute(
            "DELETE FROM schedules WHERE scope = ?", (scope_text(scope),)
        )
        return cursor.rowcount > 0

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
        try:
            await self._db.execute(
                "INSERT INTO schedule_advances (scope, job_key, job_id, node, now, key, kind, "
                "platform, target, payload, due_at, failure) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    scope_text(scope),
                    job_key,
                    job_id,
                    node,
                    iso(now),
                    *job_values(then),
                    iso(then.due_at),
                    failure_json(failure),
                ),
            )
        except sqlite3.IntegrityError as exc:
            if _CLAIM_LOST in str(exc):
                return False
            raise
        # Which way it went is on the finished job's row, which never changes again: reading it
        # in a second statement cannot see anyone else's write.
        rows = await self._db.execute_fetchall(
            "SELECT next_key IS NOT NULL FROM jobs WHERE id = ?", (job_id,)
        )
        return any(bool(advanced) for (advanced,) in rows)
