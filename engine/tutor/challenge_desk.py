"""Timed team challenges in a channel: start, join, answer privately, status, end, the reveal
(by hand or by the deadline's job), and the leaderboard the points go to.

The store holds every piece of state, so a challenge survives restarts and works on any node:
the deadline is a "challenge_reveal" job, and ending a challenge is a once-only write, so two
nodes (or a node and someone typing /challenge end) can never reveal it twice.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from engine.commands import types as t
from engine.content.loader import Content
from engine.content.models import Drill
from engine.drills.params import draw
from engine.drills.scoring import score
from engine.errors import ConflictError, NotFoundError, RungsError, UsageError
from engine.ports import ClaimedJob, Clock, EntryScore, Store, StoredChallenge, StoredEntry
from engine.replies import Notice, Reply, Visibility
from engine.scheduling import Delivery
from engine.team.scores import Participant, TeamResult, team_result
from engine.tutor import challenge_views as views
from engine.tutor import jobs
from engine.tutor.actor import Actor
from engine.tutor.drill_pick import pick_drill

MAX_ANSWER = 16_000  # characters across all /answer messages of one participant
BOARD_ROWS = 10
WEEK = timedelta(days=7)
START_USAGE = "Usage: /challenge start [id | topic | random] [duration]"
ENDED = "That challenge has ended: its reveal is in the channel."


@dataclass(frozen=True, slots=True)
class AnswerRoute:
    """Where an /answer goes: a challenge, or (None) the user's own drill."""

    challenge: StoredChallenge | None
    challenge_here: bool = False  # a challenge runs in the channel that this answer skipped


class ChallengeDesk:
    def __init__(self, store: Store, content: Content, clock: Clock) -> None:
        self._store = store
        self._content = content
        self._clock = clock

    async def handle(
        self, actor: Actor, command: t.ChallengeCommand | t.LeaderboardCommand
    ) -> Reply:
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
        raise RungsError("That is not a challenge command.")

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
        started = await self._store.start_challenge(
            scope,
            actor.board,
            drill.id,
            json.dumps(params),
            actor.user_key,
            now,
            deadline,
            jobs.channel_target(actor),
        )
        if started is None:
            running = await self._store.running_challenge(scope)
            if running is None:  # it ended between the two calls
                raise ConflictError("A challenge here just ended; start yours again.")
            title = self._drill(running.drill_id).title
            return views.already_running(title, running.deadline, now)
        return views.started(drill, params, started, deadline)

    async def _join(self, actor: Actor, challenge_id: int | None) -> Reply:
        challenge = await self._find(actor, challenge_id)
        now = self._clock.now()
        _check_open(challenge, now)
        if not await self._store.join_challenge(
            challenge.id, actor.user_key, actor.display_name, now
        ):
            fresh = await self._store.challenge(challenge.id)
            if fresh is None or fresh.ended_at is not None:
                raise NotFoundError(ENDED)
        # Joining twice shows the same reply: the prompt again, privately.
        drill = self._drill(challenge.drill_id)
        return views.joined(drill, json.loads(challenge.params), challenge.deadline)

    async def _status(self, actor: Actor) -> Reply:
        challenge = await self._find(actor, None)
        entries = await self._store.challenge_entries(challenge.id)
        starter = challenge.starter.split(":", 2)[-1]  # the user id, for a mention
        title = self._drill(challenge.drill_id).title
        return views.status(title, starter, challenge.deadline, entries, self._clock.now())

    async def _find(self, actor: Actor, challenge_id: int | None) -> StoredChallenge:
        """The challenge a button names (still running, in this workspace), or the one running
        in the actor's channel."""
        if challenge_id is not None:
            challenge = await self._store.challenge(challenge_id)
            if challenge is None or challenge.board != actor.board:
                raise NotFoundError("That challenge is not here any more.")
            if challenge.ended_at is not None:
                raise NotFoundError(ENDED)
            return challenge
        if not actor.in_channel:
            raise UsageError(
                "Team challenges run in channels; this is your own space.", START_USAGE
            )
        running = await self._store.running_challenge(actor.cluster_scope)
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
        running = await self._store.running_challenge(actor.cluster_scope)
        if running is None:
            return AnswerRoute(None)
        entries = await self._store.challenge_entries(running.id)
        if any(e.user == actor.user_key for e in entries):
            return AnswerRoute(running)
        if await self._store.running_session(actor.user_key) is not None:
            return AnswerRoute(None, challenge_here=True)
        return AnswerRoute(running)

    async def answer(self, actor: Actor, challenge: StoredChallenge, text: str) -> Reply:
        now = self._clock.now()
        _check_open(challenge, now)
        user = actor.user_key
        await self._store.join_challenge(challenge.id, user, actor.display_name, now)
        if not await self._store.append_challenge_answer(
            challenge.id, user, text.strip(), MAX_ANSWER
        ):
            fresh = await self._store.challenge(challenge.id)
            if fresh is None or fresh.ended_at is not None:
                raise NotFoundError(ENDED)
            raise RungsError(f"Your answer would pass {MAX_ANSWER:,} characters: that is plenty.")
        mine = next(e for e in await self._store.challenge_entries(challenge.id) if e.user == user)
        title = self._drill(challenge.drill_id).title
        return views.answer_added(title, len(mine.answer), challenge.deadline)

    # --- the reveal ----------------------------------------------------------------------------

    async def _end_early(self, actor: Actor) -> Reply:
        challenge = await self._find(actor, None)
        now = self._clock.now()
        overdue = challenge.deadline <= now
        if not (overdue or actor.is_admin or actor.user_key == challenge.starter):
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
        challenge = await self._store.challenge(int(json.loads(job.payload)["challenge_id"]))
        if challenge is None:
            return []
        if challenge.ended_at is None:
            reply = await self._end(challenge, self._clock.now(), None)
        elif job.attempts > 1 and challenge.ended_at >= challenge.deadline:
            drill, params, result = await self._result(challenge)
            reply = views.revealed(drill, params, result, None)
        else:  # revealed early by /challenge end, which posted it
            reply = None
        return [] if reply is None else [jobs.delivery(job, reply)]

    async def _end(
        self, challenge: StoredChallenge, now: datetime, ended_by: str | None
    ) -> Reply | None:
        """End the challenge and record the points; None if it had already ended."""
        drill, params, result = await self._result(challenge)
        scores = [EntryScore(s.user, s.covered, s.total, s.points) for s in result.standings]
        if not await self._store.end_challenge(challenge.id, now, scores):
            return None
        return views.revealed(drill, params, result, ended_by)

    async def _result(
        self, challenge: StoredChallenge
    ) -> tuple[Drill, dict[str, float], TeamResult]:
        drill = self._drill(challenge.drill_id)
        params = json.loads(challenge.params)
        entries = await self._store.challenge_entries(challenge.id)
        participants = [_participant(drill, params, entry) for entry in entries]
        return drill, params, team_result([i.id for i in drill.checklist], participants)

    # --- the leaderboard -----------------------------------------------------------------------

    async def _leaderboard(self, actor: Actor, period: str) -> Reply:
        since = self._clock.now() - WEEK if period == "week" else None
        rows = await self._store.leaderboard(actor.board, since, BOARD_ROWS)
        settings = json.loads(await self._store.load_settings(actor.user_key) or "{}")
        reply = views.leaderboard(rows, period, settings.get("leaderboard") == "off")
        return reply if actor.in_channel else Reply(reply.blocks, Visibility.PRIVATE)

    def _drill(self, drill_id: str) -> Drill:
        drill = self._content.drills.get(drill_id)
        if drill is None:  # content removed a drill that a stored challenge still names
            raise NotFoundError(f"The drill '{drill_id}' is no longer in the content.")
        return drill


def _check_open(challenge: StoredChallenge, now: datetime) -> None:
    if now >= challenge.deadline:
        raise RungsError("Time is up: answers closed at the deadline, and the reveal is coming.")


def _participant(drill: Drill, params: dict[str, float], entry: StoredEntry) -> Participant:
    verdict = score(drill, params, entry.answer)
    covered = frozenset(v.item.id for v in verdict.items if v.covered)
    return Participant(entry.user, entry.display_name, covered, bool(entry.answer.strip()))
