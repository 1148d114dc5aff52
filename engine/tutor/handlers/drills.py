"""The drill family: /drill, /reveal, /rate, /progress, an answer to one's own drill, and the
time's-up nudge job.

Rules live here and in engine/drills; state lives in the store, keyed by the user, so every
step works after a restart and on any node. The Tutor serialises each user's commands.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta
from typing import assert_never
from zoneinfo import ZoneInfo

from engine.commands import types as t
from engine.content.loader import Content
from engine.content.models import Drill
from engine.drills.explain import rating_looks_inconsistent, suggested_rating
from engine.drills.params import draw
from engine.drills.reviews import next_review
from engine.drills.sketch import MAX_SKETCH, extended
from engine.errors import ConflictError, NotFoundError, RungsError
from engine.load.follow_up import under_load
from engine.pictures.progress import progress_chart
from engine.ports import (
    ClaimedJob,
    Clock,
    DrillNudge,
    DrillStore,
    JobStore,
    StoredSession,
    StudyStore,
    UserKey,
)
from engine.progress.summary import summarise
from engine.replies import Figure, Notice, Reply
from engine.scheduling import Delivery
from engine.study.catalogue import build_catalogue, stage_line
from engine.study.hints import reveal_note
from engine.study.recommend import recommend
from engine.study.streaks import streak, streak_text
from engine.tutor import jobs, retry
from engine.tutor.actor import Actor
from engine.tutor.drill_pick import pick_drill
from engine.tutor.interview import aim_reviews
from engine.tutor.presenters import drills as present
from engine.tutor.presenters import reveal
from engine.tutor.record import load_record
from engine.tutor.verdicts import RecentVerdicts

DOUBLE_REVEAL_WINDOW = timedelta(seconds=60)
REVIEW_WAITS = (
    "Your review of misses waits: /answer goes to this drill until its /reveal, then /review "
    "asks its item again."
)


class DrillHandler:
    def __init__(
        self, drills: DrillStore, jobs: JobStore, content: Content, clock: Clock, study: StudyStore
    ) -> None:
        self._drills = drills
        self._study = study  # whether a review of misses is waiting while a drill runs
        self._jobs = jobs
        self._content = content
        self._clock = clock
        self._verdicts = RecentVerdicts()  # the reveal's verdict, for the /rate that follows

    async def handle(self, actor: Actor, command: t.DrillFlowCommand) -> Reply:
        user = actor.user_key
        match command:
            case t.DrillCommand(which, confirm):
                return await self._start(actor, which, confirm)
            case t.RevealCommand(session_id):
                return await self._reveal(user, session_id)
            case t.RateCommand(rating, session_id, confirm):
                return await self._rate(user, rating, session_id, confirm)
            case t.ProgressCommand():
                return await self._progress(user)
            case _:
                assert_never(command)

    # --- /drill ---------------------------------------------------------------------------------

    async def _start(self, actor: Actor, which: str | None, confirm: bool) -> Reply:
        user = actor.user_key
        now = self._clock.now()
        drill, why = await self._choose(user, which, now)
        running = await self._drills.running_session(user)
        if running is not None:
            if not confirm:
                current = self._content.drills.get(running.drill_id)
                if current is not None:
                    wanted = which or drill.id  # the recommended drill, if none was named
                    return present.drill_running(current, running.deadline, wanted, running.id)
            await self._drills.abandon_session(user, now)
            await self._jobs.cancel_job(jobs.nudge_key(running.id))
        params = draw(drill, f"{user}:{drill.id}:{now.isoformat()}")
        deadline = now + timedelta(minutes=drill.minutes)
        started = await self._drills.start_session(user, drill.id, params, now, deadline)
        if started is None:
            raise RungsError("Another drill of yours started at the same moment; /reveal it first.")
        await self._jobs.schedule_job(jobs.nudge_job(actor, started, deadline))
        reply = present.drill_started(drill, params, deadline, started, why)
        if await self._study.load_miss_review(user) is None:
            return reply
        # /answer goes to a running drill before a review of misses: say so, or the review's
        # item would seem to take answers it never sees.
        return replace(reply, blocks=(*reply.blocks, Notice(REVIEW_WAITS)))

    async def nudge(self, job: ClaimedJob, nudge: DrillNudge) -> list[Delivery]:
        """The time's-up nudge of a drill, unless it has been revealed or dropped meanwhile."""
        running = await self._drills.running_session(nudge.user)
        if running is None or running.id != nudge.session_id:
            return []
        drill = self._drill(running.drill_id)
        return [jobs.delivery(job, present.times_up(drill, running.id))]

    async def _choose(
        self, user: UserKey, which: str | None, now: datetime
    ) -> tuple[Drill, str | None]:
        """The drill asked for, and why when Rungs chose it (plain /drill: the path's next)."""
        if which is None:
            record = await load_record(self._drills, user)
            pick = recommend(self._content, record.attempts, record.due, now, record.zone)
            return self._drill(pick.drill_id), pick.why
        if which == "due":
            due = [r for r in await self._drills.reviews(user) if r.due <= now]
            if not due:
                raise NotFoundError("No review is due. /progress shows when the next one is.")
            return self._drill(due[0].drill_id), None
        rng = random.Random(f"{user}:{now.isoformat()}")  # noqa: S311 - not a secret
        usage = "Usage: /drill [list | id | topic | random | due]; /help drill"
        return pick_drill(self._content, which, rng, "/drill", usage), None

    # --- answers, /reveal -------------------------------------------------------------------------

    async def answer(self, user: UserKey, text: str, running: StoredSession | None = None) -> Reply:
        """Add a piece to the user's running sketch; `running` is the drill as the caller just
        read it (one round trip fewer), read again only if it changed meanwhile."""
        piece = text.strip()
        for attempt in range(retry.ATTEMPTS):  # another node may add to it meanwhile
            if running is None or attempt:
                running = await self._running(user)
            sketch = extended(running.answer, piece)
            if sketch is None:
                raise RungsError(
                    f"Your sketch would pass {MAX_SKETCH:,} characters; /reveal it now."
                )
            if await self._drills.replace_answer(running.id, running.answer, sketch):
                return present.answer_added(len(sketch), running.deadline)
            await retry.back_off(attempt)
        raise ConflictError("Your sketch is changing elsewhere right now; try again.")

    async def running(self, user: UserKey) -> StoredSession | None:
        return await self._drills.running_session(user)

    async def _reveal(self, user: UserKey, session_id: int | None) -> Reply:
        """Reveal the running drill; a button names its drill, so an old button cannot reveal
        a newer one."""
        now = self._clock.now()
        running = await self._drills.running_session(user)
        if running is not None and session_id is not None and running.id != session_id:
            raise NotFoundError(
                "That button belongs to an earlier drill; /reveal reveals the running one."
            )
        if running is None:
            latest = await self._drills.latest_session(user)
            if latest and latest.ended_at and now - latest.ended_at <= DOUBLE_REVEAL_WINDOW:
                return Reply((Notice("That drill is already revealed: its result is just above."),))
            raise NotFoundError("No drill is running. Start one with /drill.")
        drill = self._drill(running.drill_id)
        verdict = self._verdicts.score(running.id, drill, running.params, running.answer)
        missed = [item.id for item in verdict.missed]
        if not await self._drills.finish_session(
            running.id, now, verdict.covered, verdict.total, missed
        ):
            return Reply((Notice("That drill is already revealed: its result is just above."),))
        await self._jobs.cancel_job(jobs.nudge_key(running.id))
        timing = present.timing(running.deadline, now)
        covered = {v.item.id for v in verdict.items if v.covered}
        hinted = reveal_note(running.hints, covered)
        follow = under_load(drill.id, dict(running.params), self._content.load)
        return reveal.revealed(
            drill, running.params, verdict, timing, running.answer, running.id, follow, hinted
        )

    async def _running(self, user: UserKey) -> StoredSession:
        running = await self._drills.running_session(user)
        if running is None:
            raise NotFoundError("No drill is running. Start one with /drill.")
        return running

    # --- /rate, /progress ------------------------------------------------------------------------

    async def _rate(
        self, user: UserKey, rating: str | None, session_id: int | None, confirm: bool
    ) -> Reply:
        """The rating follows the verdict: none given takes the reveal's suggestion, and one
        well above what the sketch covered is asked about once before it schedules anything."""
        latest = await self._drills.latest_session(user)
        if latest is None or latest.outcome != "revealed" or latest.rating is not None:
            raise NotFoundError("Rate a drill right after its /reveal (each drill once).")
        if session_id is not None and latest.id != session_id:
            raise NotFoundError(
                "That button belongs to an earlier drill; only the latest "
                "revealed drill can be rated."
            )
        drill = self._drill(latest.drill_id)
        verdict = self._verdicts.score(latest.id, drill, latest.params, latest.answer)
        suggested = suggested_rating(verdict)
        chosen = rating or suggested
        if not confirm and rating_looks_inconsistent(chosen, verdict):
            covered = f"covered {verdict.covered} of {verdict.total}"
            return present.confirm_rating(drill, chosen, suggested, covered, latest.id)
        now = self._clock.now()
        existing = next(
            (r.card for r in await self._drills.reviews(user) if r.drill_id == latest.drill_id),
            None,
        )
        card, due = next_review(existing, chosen, now)
        if not await self._drills.rate_session(user, latest.id, chosen, latest.drill_id, card, due):
            raise NotFoundError("That drill is already rated.")
        settings = await self._drills.load_settings(user)
        zone = ZoneInfo(settings.tz if settings is not None and settings.tz else "UTC")
        interview = settings.interview if settings is not None else None
        if interview is not None:  # FSRS with a deadline: every drill comes round before it
            moved = await aim_reviews(self._drills, user, interview, now, zone)
            due = next((m.due for m in moved if m.drill_id == latest.drill_id), due)
        return present.scheduled(drill, due, now, zone, chosen, suggested, interview)

    async def _progress(self, user: UserKey) -> Reply:
        now = self._clock.now()
        record = await load_record(self._drills, user)
        zone = record.zone
        progress = summarise(record.attempts, record.due, now, zone)
        catalogue = build_catalogue(self._content, record.attempts, record.due, now)
        drills = self._content.drills
        titles = {d.id: d.title for d in drills.values()}
        labels = {i.id: i.label for d in drills.values() for i in d.checklist}
        topics = tuple(stage_line(stage) for stage in catalogue.stages)
        days = {a.ended_at.astimezone(zone).date() for a in record.attempts}
        current = streak(days, now.astimezone(zone).date())
        reply = present.progress_reply(
            progress, titles, labels, now, zone, topics, streak_text(current)
        )
        scored = [(a.covered, a.total) for a in reversed(record.attempts) if a.total > 0]
        if not scored or not record.settings.images:
            return reply
        chart = progress_chart(scored, "Checklist coverage per attempt")
        return Reply((*reply.blocks, Figure(chart, "progress")), reply.visibility)

    async def zone(self, user: UserKey) -> ZoneInfo:
        """The user's time zone, for streaks and review dates (UTC unless they set one)."""
        settings = await self._drills.load_settings(user)
        return ZoneInfo(settings.tz if settings is not None and settings.tz else "UTC")

    def _drill(self, drill_id: str) -> Drill:
        drill = self._content.drills.get(drill_id)
        if drill is None:  # content removed a drill that a stored session still names
            raise NotFoundError(f"The drill '{drill_id}' is no longer in the content.")
        return drill
