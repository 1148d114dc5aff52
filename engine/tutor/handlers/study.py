"""The study family: the path up the ladder (`/path`, `/drill list`), hints during a drill,
reviews of misses (handlers/misses), the buttons of review reminders (handlers/reminders).

The rules are in engine/study (pure); this reads the learner's record from the drill port and
hands it to them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import assert_never

from engine.commands import types as t
from engine.content.loader import Content
from engine.drills.scoring import score
from engine.errors import ConflictError, NotFoundError, RungsError
from engine.ports import Clock, DrillStore, StudyStore
from engine.replies import Reply
from engine.study.catalogue import build_catalogue
from engine.study.hints import NoHint, next_hint
from engine.study.recommend import recommend
from engine.tutor.acting import for_learner
from engine.tutor.actor import Actor
from engine.tutor.handlers.drills import DrillHandler
from engine.tutor.handlers.misses import MissReviewHandler
from engine.tutor.handlers.reminders import ReminderHandler
from engine.tutor.presenters import study as present
from engine.tutor.record import load_record


class StudyHandler:
    def __init__(
        self,
        drills: DrillStore,
        study: StudyStore,
        content: Content,
        clock: Clock,
        reminders: ReminderHandler,
        drill_flow: DrillHandler,
    ) -> None:
        self._drills = drills
        self._content = content
        self._clock = clock
        self.misses = MissReviewHandler(drills, study, content, clock)
        self._reminders = reminders
        self._drill_flow = drill_flow  # "review now" on a reminder is /drill due

    async def handle(self, actor: Actor, command: t.StudyCommand) -> Reply:
        match command:
            case t.PathCommand():
                return await self._path(actor)
            case t.HintCommand():
                return await self._hint(actor)
            case t.ReviewMissesCommand(action):
                return await self.misses.handle(actor.user_key, action)
            case t.ReminderButtonCommand(action, workspace, user_id):
                return await self._reminder_button(actor, action, workspace, user_id)
            case _:
                assert_never(command)

    async def _path(self, actor: Actor) -> Reply:
        now = self._clock.now()
        record = await load_record(self._drills, actor.user_key)
        catalogue = build_catalogue(self._content, record.attempts, record.due, now)
        pick = recommend(self._content, record.attempts, record.due, now, record.zone)
        return present.path_reply(self._content, catalogue, pick, record.zone)

    async def _hint(self, actor: Actor) -> Reply:
        """The next nudge, towards an item the sketch does not cover yet; recorded on the
        attempt (only over the hints read, so two at once cannot both count)."""
        running = await self._drills.running_session(actor.user_key)
        if running is None:
            raise NotFoundError("No drill is running: /hint nudges you during one. Try /drill.")
        drill = self._content.drills.get(running.drill_id)
        if drill is None:
            raise NotFoundError(f"The drill '{running.drill_id}' is no longer in the content.")
        verdict = score(drill, running.params, running.answer)
        covered = {v.item.id for v in verdict.items if v.covered}
        found = next_hint(self._content, drill.id, covered, running.hints)
        if isinstance(found, NoHint):
            return present.no_hint(found)
        if not await self._drills.record_hints(
            running.id, running.hints, (*running.hints, found.item_id)
        ):
            raise ConflictError("Another hint was just given for this drill; /hint again.")
        return present.hint_reply(found, bool(running.answer.strip()))

    async def _reminder_button(
        self, actor: Actor, action: str, workspace: str, user_id: str
    ) -> Reply:
        """A reminder's buttons act only for the learner it was sent to, on the reviews of the
        workspace it was about (a Discord DM is outside the server)."""
        if actor.user_id != user_id:
            raise RungsError("That reminder was sent to someone else; its buttons are theirs.")
        pressed_in = actor.workspace
        actor = replace(actor, workspace=workspace)
        if action == "review":
            started = await self._drill_flow.handle(actor, t.DrillCommand("due"))
            if pressed_in == workspace:
                return started
            # Pressed outside the workspace (a Discord DM): the drill's buttons say whose it is.
            return for_learner(started, workspace, user_id)
        if action == "snooze":
            return await self._reminders.snooze(actor)
        return await self._reminders.stop(actor)
