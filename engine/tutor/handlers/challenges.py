"""The challenge family: timed team challenges in a channel (start, join, status, end), the reveal
(by hand or by the deadline's job), answers that go to a challenge, and the leaderboard.

The store holds every piece of state, so a challenge survives restarts and works on any node:
the deadline is a reveal job, and ending a challenge is a once-only write, so two nodes (or a
node and someone typing /challenge end) can never reveal it twice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import assert_never
from zoneinfo import ZoneInfo

from engine.commands import types as t
from engine.content.loader import Content
from engine.content.models import Drill
from engine.drills.params import draw
from engine.drills.scoring import score
from engine.drills.sketch import MAX_SKETCH, extended
from engine.errors import ConflictError, NotFoundError, RungsError, UsageError
from engine.load.follow_up import UnderLoad, under_load
from engine.ports import (
    ChallengeStore,
    ClaimedJob,
    Clock,
    DrillParams,
    DrillStore,
    EntryScore,
    NewChallenge,
    StoredChallenge,
    StoredEntry,
    UserKey,
)
from engine.replies import Notice, Reply, Visibility
from engine.scheduling import Delivery
from engine.study.boards import bounds, parse_period
from engine.team.scores import Participant, TeamResult, team_result
from engine.tutor import jobs, retry
from engine.tutor.actor import Actor, is_admin
from engine.tutor.drill_pick import pick_drill
from engine.tutor.presenters import challenges as present

BOARD_ROWS = 10
START_USAGE = "Usage: /challenge start [id | topic | random] [duration]"
ENDED = "That challenge has ended: its reveal is in the channel."
ELSEWHERE = "That challenge runs in another channel: join it there."


@dataclass(frozen=True, slots=True)
class AnswerRoute:
    """Where an /answer goes: a challenge, or (None) the user's own drill."""

    challenge: StoredChallenge | None
    challenge_here: bool = False  # a challenge runs in the channel that this answer skipped


class ChallengeHandler:
    def __init__(
        self, challenges: ChallengeStore, drills: DrillStore, content: Content, clock: Clock
    ) -> None:
        self._challenges = challenges
        self._drills = drills  # for a user's running drill and their leaderboard setting
        self._content = content
        self._clock = clock

    async def handle(self, actor: Actor, command: t.ChallengeCommand) -> Reply:
        match command:
            case t.ChallengeStartCommand(which, duration):
                return await self._start(actor, which, duration)
            case t.ChallengeJoinCommand(challenge_id):
                return await self._join(actor, challenge_id)
            case t.ChallengeStatusCommand():
                return await self._status(actor)
            case t.ChallengeEndCommand():
                return await self._end_early(actor)
            case t.LeaderboardCommand(period):
                return await self._leaderboard(actor, period)
            case _:
                assert_never(command)

    # --- start, join, status ---------------------------------------------------------------------

    async def _start(self, actor: Actor, which: str | None, duration: timedelta | None) -> Reply:
        if not actor.in_channel:
            raise UsageError("A team challenge runs in a channel, so start it in one.", START_USAGE)
        now = self._clock.now()
        scope = actor.cluster_scope
        rng = random.Random(f"{scope}:{now.isoformat()}")  # noqa: S311 - not a secret
        drill = pick_drill(self._content, which, rng, "/challenge start", START_USAGE)
        deadline = now + (duration or timedelta(minutes=drill.minutes))
        params = draw(drill, f"{scope}:{drill.id}:{now.isoformat()}")
        new = NewChallenge(
            scope, drill.id, params, actor.user_key, now, deadline, jobs.channel_target(actor)
        )
        started = await self._challenges.start_challenge(new, jobs.reveal_job(actor, deadline))
        if started is None:
            running = await self._challenges.running_challenge(scope)
            if running is None:  # it ended between the two calls
                raise ConflictError("A challenge here just ended; start yours again.")
            title = self._drill(running.drill_id).title
            return present.already_running(title, running.deadline, now)
        return present.started(drill, params, started.id, deadline)

    async def _join(self, actor: Actor, challenge_id: int | None) -> Reply:
        challenge = await self._find(actor, challenge_id)
        now = self._clock.now()
        _check_open(challenge, now)
        if not await self._challenges.join_challenge(
            challenge.id, actor.user_key, actor.display_name, now
        ):
            fresh = await self._challenges.challenge(challenge.id)
            if fresh is None or fresh.ended_at is not None:
                raise NotFoundError(ENDED)
        # Joining twice shows the same reply: the prompt again, privately.
        drill = self._drill(challenge.drill_id)
        return present.joined(drill, challenge.params, challenge.deadline)

    async def _status(self, actor: Actor) -> Reply:
        challenge = await self._find(actor, None)
        entries = await self._challenges.challenge_entries(challenge.id)
        starter = challenge.starter.user_id if challenge.starter else ""  # for a mention
        title = self._drill(challenge.drill_id).title
        return present.status(title, starter, challenge.deadline, entries, self._clock.now())

    async def _find(self, actor: Actor, challenge_id: int | None) -> StoredChallenge:
        """The challenge a button, a form or an option names (still running, in the actor's
        own channel), or the one running in the actor's channel. An id is a number anybody can
        type or forge: it acts only in the channel its challenge runs in, so a member of
        another channel, or of a DM, cannot join or answer it from there."""
        if challenge_id is not None:
            challenge = await self._challenges.challenge(challenge_id)
            if challenge is None or challenge.board != actor.board:
                raise NotFoundError("That challenge is not here any more.")
            if challenge.scope != actor.cluster_scope:
                raise NotFoundError(ELSEWHERE)
            if challenge.ended_at is not None:
                raise NotFoundError(ENDED)
            return challenge
        if not actor.in_channel:
            raise UsageError(
                "Team challenges run in channels; this is your own space.", START_USAGE
            )
        running = await self._challenges.running_challenge(actor.cluster_scope)
        if running is None:
            raise NotFoundError("No team challenge is running here. Start one: /challenge start")
        return running

    # --- answers -------------------------------------------------------------------------------

    async def route_answer(self, actor: Actor, command: t.AnswerCommand) -> AnswerRoute:
        """A form's answer goes to its challenge. A typed one goes to the channel's challenge if
        the user is in it, else to their own drill if one runs, else to the channel's challenge,
        joining it: answering is the friendliest way in."""
        if command.challenge_id is not None:
            return AnswerRoute(await self._find(actor, command.challenge_id))
        if not actor.in_channel:
            return AnswerRoute(None)
        running = await self._challenges.running_challenge(actor.cluster_scope)
        if running is None:
            return AnswerRoute(None)
        entries = await self._challenges.challenge_entries(running.id)
        if any(e.user == actor.user_key for e in entries):
            return AnswerRoute(running)
        if await self._drills.running_session(actor.user_key) is not None:
            return AnswerRoute(None, challenge_here=True)
        return AnswerRoute(running)

    async def answer(self, actor: Actor, challenge: StoredChallenge, text: str) -> Reply:
        now = self._clock.now()
        _check_open(challenge, now)
        user, piece = actor.user_key, text.strip()
        await self._challenges.join_challenge(challenge.id, user, actor.display_name, now)
        for attempt in range(retry.ATTEMPTS):  # another node may add to it meanwhile
            mine = await self._entry(challenge, user)
            answer = extended(mine.answer, piece)
            if answer is None:
                raise RungsError(
                    f"Your answer would pass {MAX_SKETCH:,} characters: that is plenty."
                )
            if await self._challenges.replace_challenge_answer(
                challenge.id, user, mine.answer, answer
            ):
                title = self._drill(challenge.drill_id).title
                return present.answer_added(title, len(answer), challenge.deadline)
            fresh = await self._challenges.challenge(challenge.id)
            if fresh is None or fresh.ended_at is not None:
                raise NotFoundError(ENDED)
            await retry.back_off(attempt)
        raise ConflictError("Your answer is changing elsewhere right now; try again.")

    async def _entry(self, challenge: StoredChallenge, user: UserKey) -> StoredEntry:
        entries = await self._challenges.challenge_entries(challenge.id)
        mine = next((e for e in entries if e.user == user), None)
        if mine is None:  # joining found the challenge ended
            raise NotFoundError(ENDED)
        return mine

    # --- the reveal ----------------------------------------------------------------------------

    async def _end_early(self, actor: Actor) -> Reply:
        challenge = await self._find(actor, None)
        now = self._clock.now()
        overdue = challenge.deadline <= now
        mine = actor.user_key == challenge.starter
        if not (overdue or mine or await is_admin(actor)):
            raise RungsError(
                "Only the one who started it, or an admin, can end it early; it ends by itself "
                "at the deadline (/challenge status)."
            )
        reply = await self._end(challenge, now, None if overdue else actor.display_name)
        if reply is None:
            return Reply((Notice("That challenge has just been revealed."),))
        return reply

    async def reveal_job(self, job: ClaimedJob) -> list[Delivery]:
        """The deadline's reveal. A retry after a crash (the challenge ended at its deadline,
        but the node died before posting) posts the same reveal again, from the stored answers."""
        challenge = await self._challenges.challenge_by_reveal(job.key)
        if challenge is None:
            return []
        if challenge.ended_at is None:
            reply = await self._end(challenge, self._clock.now(), None)
        elif job.attempts > 1 and challenge.ended_at >= challenge.deadline:
            drill, result = await self._result(challenge)
            reply = present.revealed(drill, challenge.params, result, None, self._follow(challenge))
        else:  # revealed early by /challenge end, which posted it
            reply = None
        return [] if reply is None else [jobs.delivery(job, reply)]

    async def _end(
        self, challenge: StoredChallenge, now: datetime, ended_by: str | None
    ) -> Reply | None:
        """End the challenge and record the points; None if it had already ended."""
        drill, result = await self._result(challenge)
        scores = [EntryScore(s.user, s.covered, s.total, s.points) for s in result.standings]
        if not await self._challenges.end_challenge(challenge.id, now, scores):
            return None
        return present.revealed(drill, challenge.params, result, ended_by, self._follow(challenge))

    def _follow(self, challenge: StoredChallenge) -> UnderLoad | None:
        """The drill's "see it under load", with the numbers the challenge drew."""
        return under_load(challenge.drill_id, dict(challenge.params), self._content.load)

    async def _result(self, challenge: StoredChallenge) -> tuple[Drill, TeamResult]:
        drill = self._drill(challenge.drill_id)
        entries = await self._challenges.challenge_entries(challenge.id)
        participants = [_participant(drill, challenge.params, entry) for entry in entries]
        return drill, team_result([i.id for i in drill.checklist], participants)

    # --- the leaderboard -----------------------------------------------------------------------

    async def _leaderboard(self, actor: Actor, period: str) -> Reply:
        """The board of a calendar period (today, this week from Monday, this month, all
        time), in the caller's time zone."""
        settings = await self._drills.load_settings(actor.user_key)
        zone = ZoneInfo(settings.tz if settings is not None and settings.tz else "UTC")
        span = bounds(parse_period(period), self._clock.now(), zone)
        rows = await self._challenges.leaderboard(actor.board, span.start, BOARD_ROWS)
        hidden = settings is not None and not settings.leaderboard_visible
        reply = present.leaderboard(rows, span.label, hidden)
        return reply if actor.in_channel else Reply(reply.blocks, Visibility.PRIVATE)

    def _drill(self, drill_id: str) -> Drill:
        drill = self._content.drills.get(drill_id)
        if drill is None:  # content removed a drill that a stored challenge still names
            raise NotFoundError(f"The drill '{drill_id}' is no longer in the content.")
        return drill


def _check_open(challenge: StoredChallenge, now: datetime) -> None:
    if now >= challenge.deadline:
        raise RungsError("Time is up: answers closed at the deadline, and the reveal is coming.")


def _participant(drill: Drill, params: DrillParams, entry: StoredEntry) -> Participant:
    """The participant's verdict, as the reveal reads it: points follow claims, not words."""
    verdict = score(drill, params, entry.answer)
    return Participant(
        entry.user,
        entry.display_name,
        frozenset(v.item.id for v in verdict.items if v.covered),
        bool(entry.answer.strip()),
        frozenset(item.id for item in verdict.contradicted),
        len(verdict.traps),
        verdict.bare_list,
    )
