"""What each kind of durable job delivers when it falls due, and how it is finished."""

from __future__ import annotations

import logging
from datetime import datetime

from engine.ports import ClaimedJob, Store
from engine.scheduling import Delivery
from engine.tutor import jobs
from engine.tutor.challenge_desk import ChallengeDesk
from engine.tutor.drill_desk import DrillDesk
from engine.tutor.schedule_desk import ScheduleDesk

log = logging.getLogger(__name__)


class JobDesk:
    def __init__(
        self, store: Store, drills: DrillDesk, challenges: ChallengeDesk, schedules: ScheduleDesk
    ) -> None:
        self._store = store
        self._drills = drills
        self._challenges = challenges
        self._schedules = schedules

    async def run_job(self, job: ClaimedJob) -> list[Delivery]:
        match job.kind:
            case jobs.DRILL_NUDGE:
                return await self._drills.nudge(job)
            case jobs.CHALLENGE_REVEAL:
                return await self._challenges.reveal_job(job)
            case jobs.DAILY_DRILL:
                return await self._schedules.daily_job(job)
        log.warning("job %s is of an unknown kind and is dropped", job.key)
        return []

    async def finish_job(self, job: ClaimedJob, node: str, now: datetime) -> bool:
        if job.kind == jobs.DAILY_DRILL:
            return await self._schedules.finish_daily(job, node, now)
        return await self._store.finish_job(job.id, node, now)
