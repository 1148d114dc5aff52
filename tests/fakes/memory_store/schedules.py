"""The schedules port in memory: a schedule and the pending job of its next post."""

from __future__ import annotations

from datetime import datetime

from engine.ports import NewJob, PostFailure, ScheduleSpec, Scope, StoredSchedule

from .data import MemoryData
from .jobs import MemoryJobs


class MemorySchedules(MemoryJobs):
    _data: MemoryData

    async def set_schedule(self, scope: Scope, spec: ScheduleSpec, first: NewJob) -> None:
        old = self._data.schedules.get(scope)
        if old is not None:  # cancel first: its key may be the new job's
            self._cancel(old[1])
        self._schedule(first)
        self._data.schedules[scope] = (spec, first.key, old[2] if old else None)

    async def load_schedule(self, scope: Scope) -> StoredSchedule | None:
        stored = self._data.schedules.get(scope)
        return None if stored is None else StoredSchedule(scope, *stored)

    async def clear_schedule(self, scope: Scope) -> bool:
        stored = self._data.schedules.pop(scope, None)
        if stored is None:
            return False
        self._cancel(stored[1])
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
        if not self._finish(job_id, node, now):
            return False
        stored = self._data.schedules.get(scope)
        if stored is None or stored[1] != job_key:
            return False
        finished = self.job_by_id(job_id)
        if finished is not None:
            finished.next_key = then.key
        self._schedule(then)
        self._data.schedules[scope] = (stored[0], then.key, failure)
        return True
