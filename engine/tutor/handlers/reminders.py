"""Review reminders that are not spam: `/settings reminders=daily HH:MM|off`, the daily job that
sends a direct message only when reviews are due, and its buttons (review now, snooze a day,
stop), which act only for the learner they were sent to.

A reminder is the daily schedule of the learner's own scope (the schedules port): one row and
one pending job, set and advanced atomically like a channel's daily drill, so it survives
restarts and runs once across nodes. The job checks every day at the chosen local time; the
rules of sending (engine/study/reminders.py: nothing due, snoozed, stale after downtime) decide
whether that day's check writes. The message never mentions anyone.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from engine.content.loader import Content
from engine.errors import NotFoundError, RungsError
from engine.ports import (
    ClaimedJob,
    Clock,
    DrillStore,
    JobStore,
    NewJob,
    ReviewReminder,
    ScheduleSpec,
    ScheduleStore,
    Scope,
    ScopeKind,
    StoredSchedule,
    Target,
    UserKey,
)
from engine.replies import Reply
from engine.scheduling import Delivery, Refusal
from engine.scheduling.failures import next_failure
from engine.study.daily import next_run_skipping
from engine.study.reminders import ReminderSetting, ReminderState, decide, reminder_text
from engine.team.daily import local_run
from engine.tutor import jobs
from engine.tutor.actor import Actor
from engine.tutor.presenters import failures
from engine.tutor.presenters import reminders as present


def own_scope(user: UserKey) -> Scope:
    return Scope(user.platform, user.workspace, ScopeKind.OWN, user.user_id)


def reminder_job(user: UserKey, spec: ScheduleSpec, due: datetime) -> NewJob:
    key = f"reminder:{user}:{spec.nonce}:{int(due.timestamp())}"
    target = Target(user.workspace, None, user.user_id)  # a direct message, for them only
    return NewJob(key, user.platform, target, ReviewReminder(user), due)


class ReminderHandler:
    def __init__(
        self,
        schedules: ScheduleStore,
        jobs: JobStore,
        drills: DrillStore,
        content: Content,
        clock: Clock,
    ) -> None:
        self._schedules = schedules
        self._jobs = jobs
        self._drills = drills
        self._content = content
        self._clock = clock

    async def setting(self, user: UserKey) -> ReminderSetting | None:
        stored = await self._schedules.load_schedule(own_scope(user))
        return None if stored is None else ReminderSetting(stored.spec.at)

    async def failure_note(self, user: UserKey) -> str | None:
        """Why the learner's last reminder did not reach them, if it did not."""
        stored = await self._schedules.load_schedule(own_scope(user))
        if stored is None or stored.failure is None:
            return None
        return failures.failure_text(stored.failure, failures.REMINDER, stored.spec.tz)

    async def set(self, user: UserKey, setting: ReminderSetting | None, zone: ZoneInfo) -> None:
        """Turn reminders on at a local time (or move them, or follow a new time zone), or off."""
        scope = own_scope(user)
        old = await self._schedules.load_schedule(scope)
        if setting is None:
            if old is not None:
                await self._schedules.clear_schedule(scope)
            return
        now = self._clock.now()
        after = now
        if old is not None and _passed_today(old.spec, now):
            # Today's check may have written already; at most one a day, so a moved time (or
            # zone) starts tomorrow.
            tomorrow = now.astimezone(zone).date() + timedelta(days=1)
            after = local_run(tomorrow, time.min, zone) - timedelta(microseconds=1)
        kept = old.spec.skipped if old is not None else frozenset()
        spec = ScheduleSpec(setting.at, zone.key, None, secrets.token_hex(4), kept)
        first = next_run_skipping(after, spec.at, zone, spec.skipped)
        await self._schedules.set_schedule(scope, spec, reminder_job(user, spec, first))

    # --- the job ---------------------------------------------------------------------------------

    async def run(self, job: ClaimedJob, payload: ReviewReminder) -> list[Delivery]:
        stored = await self._schedules.load_schedule(own_scope(payload.user))
        if stored is None or stored.job_key != job.key:
            return []  # turned off or moved since this job was planned
        now = self._clock.now()
        zone = ZoneInfo(stored.spec.tz)
        reviews = await self._drills.reviews(payload.user)
        earliest = reviews[0].due if reviews else None
        today = now.astimezone(zone).date()
        snoozed = today if today in stored.spec.skipped else None
        state = ReminderState(None, snoozed)
        setting = ReminderSetting(stored.spec.at)
        verdict = decide(job.due_at, now, setting, zone, state, earliest)
        if not verdict.send:
            return []
        titles = [self._title(r.drill_id) for r in reviews if r.due <= now]
        reply = present.reminder(
            reminder_text(titles), payload.user.workspace, payload.user.user_id
        )
        if stored.failure is not None:
            notice = failures.recovered_notice(stored.failure, failures.REMINDER, stored.spec.tz)
            reply = replace(reply, blocks=(notice, *reply.blocks))
        return [jobs.delivery(job, reply)]

    async def finish(
        self, job: ClaimedJob, payload: ReviewReminder, node: str, now: datetime
    ) -> bool:
        """Finish today's check and plan tomorrow's, in one transaction."""
        scope = own_scope(payload.user)
        stored = await self._schedules.load_schedule(scope)
        if stored is None or stored.job_key != job.key:
            return await self._jobs.finish_job(job.id, node, now)
        spec = stored.spec
        due = next_run_skipping(max(now, job.due_at), spec.at, ZoneInfo(spec.tz), spec.skipped)
        then = reminder_job(payload.user, spec, due)
        return await self._schedules.advance_schedule(scope, job.key, job.id, node, now, then)

    async def fail(
        self, job: ClaimedJob, payload: ReviewReminder, refusal: Refusal, node: str, now: datetime
    ) -> bool:
        """A reminder that could not reach its learner: kept with their reminder (their
        /settings shows it) and tomorrow's check planned, in one transaction."""
        scope = own_scope(payload.user)
        stored = await self._schedules.load_schedule(scope)
        if stored is None or stored.job_key != job.key:
            return await self._jobs.finish_job(job.id, node, now)
        spec = stored.spec
        failure = next_failure(stored.failure, refusal, job.due_at)
        due = next_run_skipping(max(now, job.due_at), spec.at, ZoneInfo(spec.tz), spec.skipped)
        then = reminder_job(payload.user, spec, due)
        return await self._schedules.advance_schedule(
            scope, job.key, job.id, node, now, then, failure
        )

    # --- its buttons -----------------------------------------------------------------------------

    async def snooze(self, actor: Actor) -> Reply:
        """No reminder on the next day one would come; the one after comes as usual."""
        scope = own_scope(actor.user_key)
        stored = await self._require(scope)
        spec, zone, now = stored.spec, ZoneInfo(stored.spec.tz), self._clock.now()
        upcoming = next_run_skipping(now, spec.at, zone, spec.skipped)
        skipped_day = upcoming.astimezone(zone).date()
        today = now.astimezone(zone).date()
        skipped = frozenset(d for d in spec.skipped if d >= today) | {skipped_day}
        snoozed = ScheduleSpec(spec.at, spec.tz, None, secrets.token_hex(4), skipped)
        following = next_run_skipping(now, spec.at, zone, skipped)
        job = reminder_job(actor.user_key, snoozed, following)
        await self._schedules.set_schedule(scope, snoozed, job)
        return present.snoozed(skipped_day, following, zone)

    async def stop(self, actor: Actor) -> Reply:
        if not await self._schedules.clear_schedule(own_scope(actor.user_key)):
            raise NotFoundError(
                "Reminders are already off. /settings reminders=daily 08:30 turns them on."
            )
        return present.stopped()

    async def _require(self, scope: Scope) -> StoredSchedule:
        stored = await self._schedules.load_schedule(scope)
        if stored is None:
            raise RungsError("Reminders are off. /settings reminders=daily 08:30 turns them on.")
        return stored

    def _title(self, drill_id: str) -> str:
        drill = self._content.drills.get(drill_id)
        return drill.title if drill is not None else drill_id


def _passed_today(spec: ScheduleSpec, now: datetime) -> bool:
    zone = ZoneInfo(spec.tz)
    return local_run(now.astimezone(zone).date(), spec.at, zone) <= now
