"""The schedule family: /schedule daily|off|show, and the daily-drill job that posts it.

A schedule is one row plus one pending job, the next post. Each post, once delivered, is
finished together with scheduling the next (`advance_schedule`), computed from the local time
in the schedule's zone, so it stays at 09:00 local time across daylight-saving changes. A post
that fell due while nothing ran is delivered late, once, and the next one is the next local
09:00 after that, not one for every day missed.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import assert_never
from zoneinfo import ZoneInfo

from engine.commands import types as t
from engine.content.loader import Content
from engine.drills.params import draw
from engine.errors import NotFoundError, RungsError, UsageError
from engine.ports import ClaimedJob, Clock, DailyDrill, JobStore, ScheduleSpec, ScheduleStore
from engine.replies import Reply
from engine.scheduling import Delivery, Refusal
from engine.scheduling.failures import next_failure
from engine.study.daily import daily_pick, next_run_skipping, skip_text, skip_tomorrow
from engine.team.daily import next_daily_run
from engine.tutor import jobs
from engine.tutor.actor import Actor, is_admin
from engine.tutor.drill_pick import exists
from engine.tutor.presenters import failures
from engine.tutor.presenters import schedules as present

USAGE = "Usage: /schedule daily <HH:MM> <Area/City> [topic] | off | skip | show"


class ScheduleHandler:
    def __init__(
        self, schedules: ScheduleStore, jobs: JobStore, content: Content, clock: Clock
    ) -> None:
        self._schedules = schedules
        self._jobs = jobs
        self._content = content
        self._clock = clock

    async def handle(self, actor: Actor, command: t.ScheduleCommand) -> Reply:
        if not actor.in_channel:
            raise UsageError("A daily drill is posted to a channel; run this in one.", USAGE)
        match command:
            case t.ScheduleDailyCommand(at, zone, topic):
                return await self._set(actor, at, zone, topic)
            case t.ScheduleOffCommand():
                await _require_admin(actor)
                if not await self._schedules.clear_schedule(actor.cluster_scope):
                    raise NotFoundError("No daily drill is set here.")
                return present.schedule_off()
            case t.ScheduleShowCommand():
                return await self._show(actor)
            case t.ScheduleSkipCommand():
                await _require_admin(actor)
                return await self._skip_tomorrow(actor)
            case _:
                assert_never(command)

    async def _set(self, actor: Actor, at: time, zone: str, topic: str | None) -> Reply:
        await _require_admin(actor)
        if topic is not None and not exists(self._content, topic):
            raise UsageError(f"There is no drill or topic '{topic[:40]}'.", USAGE)
        scope = actor.cluster_scope
        # The nonce keeps job keys unique if the same time is set again.
        spec = ScheduleSpec(at, zone, topic, secrets.token_hex(4))
        first = next_daily_run(self._clock.now(), at, ZoneInfo(zone))
        job = jobs.daily_job(actor.platform, scope, jobs.channel_target(actor), spec, first)
        await self._schedules.set_schedule(scope, spec, job)
        return present.schedule_set(spec, first)

    async def _show(self, actor: Actor) -> Reply:
        stored = await self._schedules.load_schedule(actor.cluster_scope)
        if stored is None:
            return present.no_schedule()
        now = self._clock.now()
        shown = present.schedule_shown(stored.spec, _next(stored.spec, now), now)
        if stored.failure is None:
            return shown
        notice = failures.failure_notice(stored.failure, failures.DAILY, stored.spec.tz)
        return replace(shown, blocks=(*shown.blocks, notice))

    async def _skip_tomorrow(self, actor: Actor) -> Reply:
        """No post tomorrow (local to the schedule); the one after comes as usual."""
        scope = actor.cluster_scope
        stored = await self._schedules.load_schedule(scope)
        if stored is None:
            raise NotFoundError("No daily drill is set here.")
        now, zone = self._clock.now(), ZoneInfo(stored.spec.tz)
        skipped = skip_tomorrow(now, zone, stored.spec.skipped)
        spec = replace(stored.spec, skipped=skipped, nonce=secrets.token_hex(4))
        upcoming = _next(spec, now)
        job = jobs.daily_job(actor.platform, scope, jobs.channel_target(actor), spec, upcoming)
        await self._schedules.set_schedule(scope, spec, job)
        tomorrow = now.astimezone(zone).date() + timedelta(days=1)
        return present.skipped(skip_text(tomorrow, upcoming, zone))

    # --- the job ---------------------------------------------------------------------------------

    async def daily_job(self, job: ClaimedJob, daily: DailyDrill) -> list[Delivery]:
        """Today's post, unless the schedule was changed or removed since the job was made."""
        scope = daily.scope
        stored = await self._schedules.load_schedule(scope)
        if stored is None or stored.job_key != job.key:
            return []
        spec = stored.spec
        day = job.due_at.astimezone(ZoneInfo(spec.tz)).date()
        topic = spec.topic if spec.topic and exists(self._content, spec.topic) else None
        try:  # the week's climb: the same drill on every node and every retry
            pick = daily_pick(self._content, day, topic)
        except ValueError:  # a topic that matches no drill on the path
            pick = daily_pick(self._content, day, None)
        drill = self._content.drills[pick.drill_id]
        params = draw(drill, f"{scope}:{drill.id}:{day.isoformat()}")
        post = present.daily_post(drill, params, pick.sentence)
        if stored.failure is not None:  # the one that failed is told of in the next that goes out
            notice = failures.recovered_notice(stored.failure, failures.DAILY, spec.tz)
            post = replace(post, blocks=(notice, *post.blocks))
        return [jobs.delivery(job, post)]

    async def finish_daily(
        self, job: ClaimedJob, daily: DailyDrill, node: str, now: datetime
    ) -> bool:
        """Finish a delivered post and schedule the next, in one transaction."""
        scope = daily.scope
        stored = await self._schedules.load_schedule(scope)
        if stored is None or stored.job_key != job.key:
            return await self._jobs.finish_job(job.id, node, now)
        due = _next(stored.spec, max(now, job.due_at))  # past any skipped day
        then = jobs.daily_job(job.platform, scope, job.target, stored.spec, due)
        return await self._schedules.advance_schedule(scope, job.key, job.id, node, now, then)

    async def fail_daily(
        self, job: ClaimedJob, daily: DailyDrill, refusal: Refusal, node: str, now: datetime
    ) -> bool:
        """A post the platform refused: kept with the schedule, for /schedule show and the
        next post to say, and the next post scheduled, in one transaction."""
        scope = daily.scope
        stored = await self._schedules.load_schedule(scope)
        if stored is None or stored.job_key != job.key:
            return await self._jobs.finish_job(job.id, node, now)
        failure = next_failure(stored.failure, refusal, job.due_at)
        due = _next(stored.spec, max(now, job.due_at))
        then = jobs.daily_job(job.platform, scope, job.target, stored.spec, due)
        return await self._schedules.advance_schedule(
            scope, job.key, job.id, node, now, then, failure
        )


async def _require_admin(actor: Actor) -> None:
    if not await is_admin(actor):
        raise RungsError(
            "Only a channel admin can change the daily drill (Manage Server on Discord, "
            "a workspace admin on Slack)."
        )


def _next(spec: ScheduleSpec, after: datetime) -> datetime:
    return next_run_skipping(after, spec.at, ZoneInfo(spec.tz), spec.skipped)
