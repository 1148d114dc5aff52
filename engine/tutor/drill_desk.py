"""The drill flow: /drill, /answer, /reveal, /rate, /progress, /settings, /forget-me.

Rules live here and in engine/drills; state lives in the store, keyed by the user, so every
step works after a restart and on any node. The Tutor serialises each user's commands.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from engine.commands import buttons
from engine.commands import types as t
from engine.content.loader import Content
from engine.content.models import Drill
from engine.drills.params import draw
from engine.drills.reviews import next_review
from engine.drills.scoring import score
from engine.errors import NotFoundError, RungsError
from engine.ports import ClaimedJob, Clock, Store, StoredSession
from engine.progress.summary import Attempt, summarise
from engine.replies import Button, Buttons, ButtonStyle, Fields, Notice, NoticeLevel, Reply
from engine.scheduling import Delivery
from engine.tutor import drill_views as views
from engine.tutor import jobs
from engine.tutor.actor import Actor
from engine.tutor.drill_pick import pick_drill

MAX_SKETCH = 16_000  # characters across all /answer messages of one drill
DOUBLE_REVEAL_WINDOW = timedelta(seconds=60)
PROGRESS_WINDOW = 500  # ended drills considered by /progress


class DrillDesk:
    def __init__(self, store: Store, content: Content, clock: Clock) -> None:
        self._store = store
        self._content = content
        self._clock = clock

    async def handle(self, actor: Actor, command: t.DrillFlowCommand) -> Reply:
        user = actor.user_key
        match command:
            case t.DrillCommand(which, confirm):
                return await self._start(actor, which, confirm)
            case t.AnswerCommand(text):
                return await self._answer(user, text)
            case t.RevealCommand(session_id):
                return await self._reveal(user, session_id)
            case t.RateCommand(rating, session_id):
                return await self._rate(user, rating, session_id)
            case t.ProgressCommand():
                return await self._progress(user)
            case t.SettingsCommand(changes):
                return await self._settings(user, dict(changes))
            case t.ForgetMeCommand(confirm):
                return await self._forget(user, confirm)
        raise RungsError("That is not a drill command.")

    # --- /drill ---------------------------------------------------------------------------------

    async def _start(self, actor: Actor, which: str | None, confirm: bool) -> Reply:
        user = actor.user_key
        now = self._clock.now()
        drill = await self._choose(user, which, now)
        running = await self._store.running_session(user)
        if running is not None:
            if not confirm:
                current = self._content.drills.get(running.drill_id)
                if current is not None:
                    return views.drill_running(current, running.deadline, which, running.id)
            await self._store.abandon_session(user, now)
            await self._store.cancel_job(jobs.nudge_key(running.id))
        params = draw(drill, f"{user}:{drill.id}:{now.isoformat()}")
        deadline = now + timedelta(minutes=drill.minutes)
        started = await self._store.start_session(user, drill.id, json.dumps(params), now, deadline)
        if started is None:
            raise RungsError("Another drill of yours started at the same moment; /reveal it first.")
        await self._store.schedule_job(jobs.nudge_job(actor, started, deadline))
        return views.drill_started(drill, params, deadline, started)

    async def nudge(self, job: ClaimedJob) -> list[Delivery]:
        """The time's-up nudge of a drill, unless it has been revealed or dropped meanwhile."""
        payload = json.loads(job.payload)
        running = await self._store.running_session(str(payload["user"]))
        if running is None or running.id != payload["session_id"]:
            return []
        drill = self._drill(running.drill_id)
        return [jobs.delivery(job, views.times_up(drill, running.id))]

    async def _choose(self, user: str, which: str | None, now: datetime) -> Drill:
        if which == "due":
            due = [r for r in await self._store.reviews(user) if r.due <= now]
            if not due:
                raise NotFoundError("No review is due. /progress shows when the next one is.")
            return self._drill(due[0].drill_id)
        rng = random.Random(f"{user}:{now.isoformat()}")  # noqa: S311 - not a secret
        usage = "Usage: /drill [id | topic | random | due]; /help drill"
        return pick_drill(self._content, which, rng, "/drill", usage)

    # --- /answer, /reveal -------------------------------------------------------------------------

    async def _answer(self, user: str, text: str) -> Reply:
        running = await self._running(user)
        if not await self._store.append_answer(running.id, text.strip(), MAX_SKETCH):
            raise RungsError(f"Your sketch would pass {MAX_SKETCH:,} characters; /reveal it now.")
        length = len(running.answer) + len(text.strip()) + (1 if running.answer else 0)
        return views.answer_added(length, running.deadline)

    async def _reveal(self, user: str, session_id: int | None) -> Reply:
        """Reveal the running drill; a button names its drill, so an old button cannot reveal
        a newer one."""
        now = self._clock.now()
        running = await self._store.running_session(user)
        if running is not None and session_id is not None and running.id != session_id:
            raise NotFoundError(
                "That button belongs to an earlier drill; /reveal reveals the running one."
            )
        if running is None:
            latest = await self._store.latest_session(user)
            if latest and latest.ended_at and now - latest.ended_at <= DOUBLE_REVEAL_WINDOW:
                return Reply((Notice("That drill is already revealed: its result is just above."),))
            raise NotFoundError("No drill is running. Start one with /drill.")
        drill = self._drill(running.drill_id)
        params = json.loads(running.params)
        verdict = score(drill, params, running.answer)
        missed = json.dumps([item.id for item in verdict.missed])
        if not await self._store.finish_session(
            running.id, now, verdict.covered, verdict.total, missed
        ):
            return Reply((Notice("That drill is already revealed: its result is just above."),))
        await self._store.cancel_job(jobs.nudge_key(running.id))
        timing = views.timing(running.deadline, now)
        return views.revealed(drill, params, verdict, timing, running.answer, running.id)

    async def _running(self, user: str) -> StoredSession:
        running = await self._store.running_session(user)
        if running is None:
            raise NotFoundError("No drill is running. Start one with /drill.")
        return running

    # --- /rate, /progress ------------------------------------------------------------------------

    async def _rate(self, user: str, rating: str, session_id: int | None) -> Reply:
        latest = await self._store.latest_session(user)
        if latest is None or latest.outcome != "revealed" or latest.rating is not None:
            raise NotFoundError("Rate a drill right after its /reveal (each drill once).")
        if session_id is not None and latest.id != session_id:
            raise NotFoundError(
                "That button belongs to an earlier drill; only the latest "
                "revealed drill can be rated."
            )
        now = self._clock.now()
        existing = next(
            (r.card for r in await self._store.reviews(user) if r.drill_id == latest.drill_id),
            None,
        )
        card, due = next_review(existing, rating, now)
        if not await self._store.rate_session(user, latest.id, rating, latest.drill_id, card, due):
            raise NotFoundError("That drill is already rated.")
        zone = await self._zone(user)
        return views.scheduled(self._drill(latest.drill_id), due, now, zone)

    async def _progress(self, user: str) -> Reply:
        now = self._clock.now()
        ended = await self._store.sessions(user, PROGRESS_WINDOW)
        attempts = [
            Attempt(
                s.drill_id,
                s.ended_at,
                s.covered or 0,
                s.total or 0,
                tuple(json.loads(s.missed or "[]")),
            )
            for s in ended
            if s.outcome == "revealed" and s.ended_at is not None
        ]
        due = [(r.drill_id, r.due) for r in await self._store.reviews(user)]
        zone = await self._zone(user)
        progress = summarise(attempts, due, now, zone)
        drills = self._content.drills
        titles = {d.id: d.title for d in drills.values()}
        labels = {i.id: i.label for d in drills.values() for i in d.checklist}
        return views.progress_reply(progress, titles, labels, now, zone)

    # --- /settings, /forget-me -------------------------------------------------------------------

    async def _settings(self, user: str, changes: dict[str, str]) -> Reply:
        settings = json.loads(await self._store.load_settings(user) or "{}")
        if changes:
            settings.update(changes)
            await self._store.save_settings(user, json.dumps(settings, sort_keys=True))
        shown = settings.get("leaderboard", "on") != "off"
        rows = (
            ("tz", settings.get("tz", "UTC (the default)")),
            ("leaderboard", "on: you are shown" if shown else "off: you are hidden"),
        )
        verb = (
            "Saved."
            if changes
            else "Your settings (change one with /settings tz=Area/City or leaderboard=off):"
        )
        return Reply((Notice(verb), Fields(rows)))

    async def _zone(self, user: str) -> ZoneInfo:
        settings = json.loads(await self._store.load_settings(user) or "{}")
        return ZoneInfo(settings.get("tz", "UTC"))

    async def _forget(self, user: str, confirm: bool) -> Reply:
        if not confirm:
            return Reply(
                (
                    Notice(
                        "This deletes your drills, answers, ratings, reviews and settings, for "
                        "good. To go ahead: /forget-me confirm",
                        NoticeLevel.WARNING,
                    ),
                    Buttons(
                        (
                            Button(
                                "Delete everything", buttons.forget_me_confirm(), ButtonStyle.DANGER
                            ),
                        )
                    ),
                )
            )
        running = await self._store.running_session(user)
        if running is not None:  # its nudge names the user; nothing should wait to deliver it
            await self._store.cancel_job(jobs.nudge_key(running.id))
        deleted = await self._store.forget_user(user)
        return Reply(
            (Notice(f"Done: {deleted} record(s) about you deleted. /progress is empty now."),)
        )

    def _drill(self, drill_id: str) -> Drill:
        drill = self._content.drills.get(drill_id)
        if drill is None:  # content removed a drill that a stored session still names
            raise NotFoundError(f"The drill '{drill_id}' is no longer in the content.")
        return drill
