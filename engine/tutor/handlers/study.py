"""The study family: the path up the ladder (`/path`, `/drill list`).

The rules are in engine/study (pure); this reads the learner's record from the drill port and
hands it to them.
"""

from __future__ import annotations

from typing import assert_never

from engine.commands import types as t
from engine.content.loader import Content
from engine.ports import Clock, DrillStore
from engine.replies import Reply
from engine.study.catalogue import build_catalogue
from engine.study.recommend import recommend
from engine.tutor.actor import Actor
from engine.tutor.presenters import study as present
from engine.tutor.record import load_record


class StudyHandler:
    def __init__(self, drills: DrillStore, content: Content, clock: Clock) -> None:
        self._drills = drills
        self._content = content
        self._clock = clock

    async def handle(self, actor: Actor, command: t.StudyCommand) -> Reply:
        match command:
            case t.PathCommand():
                return await self._path(actor)
            case _:
                assert_never(command)

    async def _path(self, actor: Actor) -> Reply:
        now = self._clock.now()
        record = await load_record(self._drills, actor.user_key)
        catalogue = build_catalogue(self._content, record.attempts, record.due, now)
        pick = recommend(self._content, record.attempts, record.due, now, record.zone)
        return present.path_reply(self._content, catalogue, pick, record.zone)
