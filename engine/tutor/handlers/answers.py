"""The answer family: an /answer (typed, or from a form) goes to a team challenge or to the
caller's own drill, as `ChallengeHandler.route_answer` decides."""

from __future__ import annotations

from engine.commands import types as t
from engine.replies import Notice, Reply
from engine.tutor.actor import Actor
from engine.tutor.handlers.challenges import ChallengeHandler
from engine.tutor.handlers.drills import DrillHandler

SKIPPED = "That went to your own drill; /challenge join to answer the team challenge."


class AnswerHandler:
    def __init__(self, challenges: ChallengeHandler, drills: DrillHandler) -> None:
        self._challenges = challenges
        self._drills = drills

    async def handle(self, actor: Actor, command: t.AnswerCommand) -> Reply:
        route = await self._challenges.route_answer(actor, command)
        if route.challenge is not None:
            return await self._challenges.answer(actor, route.challenge, command.text)
        reply = await self._drills.answer(actor.user_key, command.text)
        if not route.challenge_here:
            return reply
        return Reply((*reply.blocks, Notice(SKIPPED)), reply.visibility)
