"""The answer family: an /answer (typed, or from a form) goes to a team challenge or to the
caller's own drill, as `ChallengeHandler.route_answer` decides; with no drill running, to the
caller's review of misses if one is running."""

from __future__ import annotations

from engine.commands import types as t
from engine.replies import Notice, Reply
from engine.tutor.actor import Actor
from engine.tutor.handlers.challenges import ChallengeHandler
from engine.tutor.handlers.drills import DrillHandler
from engine.tutor.handlers.misses import MissReviewHandler

SKIPPED = "That went to your own drill; /challenge join to answer the team challenge."


class AnswerHandler:
    def __init__(
        self, challenges: ChallengeHandler, drills: DrillHandler, misses: MissReviewHandler
    ) -> None:
        self._challenges = challenges
        self._drills = drills
        self._misses = misses

    async def handle(self, actor: Actor, command: t.AnswerCommand) -> Reply:
        route = await self._challenges.route_answer(actor, command)
        if route.challenge is not None:
            return await self._challenges.answer(actor, route.challenge, command.text)
        reply = await self._own(actor, command.text)
        if not route.challenge_here:
            return reply
        return Reply((*reply.blocks, Notice(SKIPPED)), reply.visibility)

    async def _own(self, actor: Actor, text: str) -> Reply:
        user = actor.user_key
        running = await self._drills.running(user)
        if running is None:
            reviewed = await self._misses.answer(user, text)
            if reviewed is not None:
                return reviewed
        return await self._drills.answer(user, text, running)
