"""A channel's daily drill: /schedule daily|off|show, and the "daily_drill" job that posts it.

A schedule is one row plus one pending job, the next post. Each post, once delivered, is
finished together with scheduling the next (`advance_schedule`), computed from the local time
in the schedule's zone, so it stays at 09:00 local time across daylight-saving changes. A post
that fell due while nothing ran is delivered late, once, and the next one is the next local
09:00 after that, not one for every day missed.
"""

from __future__ import annotations

import json
import random
import secrets
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from engine.commands import types as t
from engine.content.loader import Content
from engine.drills.params import draw
from engine.errors import NotFoundError, RungsError, UsageError
from engine.ports import ClaimedJob, Clock, NewJob, Store
from engine.replies import Reply
from engine.scheduling import Delivery
from engine.team.daily import next_daily_run, parse_clock_time
from engine.tutor import jobs
from engine.tutor import schedule_views as views
from engine.tutor.actor import Actor
from engine.tutor.drill_pick import exists, pick_drill

USAGE = "Usage: /schedule daily <HH:MM> <Area/City> [topic] | off | show"


class ScheduleDesk:
    def __init__(self, store: Store, content: Content, clock: Clock) -> None:
        self._store = store
        self._content = content
        self._clock = clock

    async def handle(self, actor: Actor, command: t.ScheduleCommand) -> Reply:
        if not actor.in_channel:
            raise UsageError("A daily drill is posted to a channel; run this in one.", USAGE)
        match command:
            case t.ScheduleDailyCommand(at, zone, topic):
                return await self._set(actor, at, zone, topic)
            case t.ScheduleOffCommand():
                _require_admin(actor)
                if not await self._store.clear_schedule(actor.cluster_scope):
                    raise NotFoundError("No daily drill is set here.")
                return views.schedule_off()
            case t.ScheduleShowCommand():
                return await self._show(actor)
        raise RungsError("That is not a schedule command.")

    async def _set(self, actor: Actor, at: time, zone: str, topic: str | None) -> Reply:
        _require_admin(actor)
        if topic is not None and not exists(self._content, topic):
            raise UsageError(f"There is no drill or topic '{topic[:40]}'.", USAGE)
        scope = actor.cluster_scope
        local_time = f"{at:%H:%M}"
        spec = {
            "time": local_time,
            "tz": zone,
            "topic": topic,
            "nonce": secrets.token_hex(4),  # keeps job keys unique if the same time is set again
        }
        first = next_daily_run(self._clock.now(), at, ZoneInfo(zone))
        job = _job(actor.platform, scope, jobs.channel_target(actor), spec, first)
        await self._store.set_schedule(scope, json.dumps(spec), job)
        return views.schedule_set(local_time, zone, topic, first)

    async def _show(self, actor: Actor) -> Reply:
        stored = await self._store.load_schedule(actor.cluster_scope)
        if stored is None:
            return views.no_schedule()
        spec = json.loads(stored.spec)
        upcoming = _next(spec, self._clock.now())
        return views.schedule_shown(spec["time"], spec["tz"], spec["topic"], upcoming)

    # --- the job ---------------------------------------------------------------------------------

    async def daily_job(self, job: ClaimedJob) -> list[Delivery]:
        """Today's post, unless the schedule was changed or removed since the job was made."""
        scope = json.loads(job.payload)["scope"]
        stored = await self._store.load_schedule(scope)
        if stored is None or stored.job_key != job.key:
            return []
        spec = json.loads(stored.spec)
        day = job.due_at.astimezone(ZoneInfo(spec["tz"])).date().isoformat()
        rng = random.Random(f"{scope}:{day}")  # noqa: S311 - the same drill on every retry
        topic = spec["topic"] if spec["topic"] and exists(self._content, spec["topic"]) else None
        drill = pick_drill(self._content, topic, rng, "/schedule daily", USAGE)
        params = draw(drill, f"{scope}:{drill.id}:{day}")
        return [jobs.delivery(job, views.daily_post(drill, params))]

    async def finish_daily(self, job: ClaimedJob, node: str, now: datetime) -> bool:
        """Finish a delivered post and schedule the next, in one transaction."""
        scope = json.loads(job.payload)["scope"]
        stored = await self._store.load_schedule(scope)
        if stored is None or stored.job_key != job.key:
            return await self._store.finish_job(job.id, node, now)
        spec = json.loads(stored.spec)
        then = _job(job.platform, scope, job.target, spec, _next(spec, max(now, job.due_at)))
        return await self._store.advance_schedule(scope, job.key, job.id, node, now, then)


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise RungsError(
            "Only a channel admin can change the daily drill (Manage Server on Discord, "
            "a workspace admin on Slack)."
        )


def _next(spec: dict[str, Any], after: datetime) -> datetime:
    return next_daily_run(after, parse_clock_time(spec["time"]), ZoneInfo(spec["tz"]))


def _job(platform: str, scope: str, target: str, spec: dict[str, Any], due: datetime) -> NewJob:
    key = f"daily:{scope}:{spec['nonce']}:{int(due.timestamp())}"
    payload = json.dumps({"scope": scope})
    return NewJob(key, jobs.DAILY_DRILL, platform, target, payload, due)
