"""Due jobs: what each kind delivers when it falls due, and how it is finished."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import assert_never

from engine.ports import (
    ChallengeReveal,
    ClaimedJob,
    DailyDrill,
    DrillNudge,
    JobStore,
    ReviewReminder,
    UnreadableJob,
)
from engine.scheduling import Delivery, Refusal
from engine.tutor.handlers.challenges import ChallengeHandler
from engine.tutor.handlers.drills import DrillHandler
from engine.tutor.handlers.reminders import ReminderHandler
from engine.tutor.handlers.schedules import ScheduleHandler

log = logging.getLogger(__name__)


class JobHandler:
    def __init__(
        self,
        jobs: JobStore,
        drills: DrillHandler,
        challenges: ChallengeHandler,
        schedules: ScheduleHandler,
        reminders: ReminderHandler,
    ) -> None:
        self._jobs = jobs
        self._drills = drills
        self._challenges = challenges
        self._schedules = schedules
        self._reminders = reminders

    async def run_job(self, job: ClaimedJob) -> list[Delivery]:
        payload = job.payload
        match payload:
            case DrillNudge():
                return await self._drills.nudge(job, payload)
            case ChallengeReveal():
                return await self._challenges.reveal_job(job)
            case DailyDrill():
                return await self._schedules.daily_job(job, payload)
            case ReviewReminder():
                return await self._reminders.run(job, payload)
            case UnreadableJob(kind, problem):
                log.warning("job %s (%s) is dropped: %s", job.key, kind, problem)
                return []
            case _:
                assert_never(payload)

    async def finish_job(self, job: ClaimedJob, node: str, now: datetime) -> bool:
        if isinstance(job.payload, DailyDrill):
            return await self._schedules.finish_daily(job, job.payload, node, now)
        if isinstance(job.payload, ReviewReminder):
            return await self._reminders.finish(job, job.payload, node, now)
        return await self._jobs.finish_job(job.id, node, now)

    async def post_failed(
        self, job: ClaimedJob, refusal: Refusal, node: str, now: datetime
    ) -> bool:
        """A post that will not go out. A scheduled one (daily drill, reminder) keeps why, for
        its channel or learner to be told, and plans its next run; the others (a nudge, a
        challenge's reveal) are one-offs whose moment has passed: logged by the sweeper, done."""
        payload = job.payload
        if isinstance(payload, DailyDrill):
            return await self._schedules.fail_daily(job, payload, refusal, node, now)
        if isinstance(payload, ReviewReminder):
            return await self._reminders.fail(job, payload, refusal, node, now)
        return await self._jobs.finish_job(job.id, node, now)
