"""/climb: the ladder game on the scope's cluster. In a channel the team plays one game; in a
DM or the console, the user plays their own. The game's state is in the store (ClimbStore), so
it survives restarts and its buttons work on any node; the Tutor runs a scope's commands one at
a time, and the store's version check keeps two processes from losing each other's moves.

A button names its game and turn: pressed after the game moved on, it acts on nothing and the
reply shows where the game stands."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import assert_never

from engine.commands import types as t
from engine.content.loader import Content
from engine.errors import ConflictError, NotFoundError, UsageError
from engine.load.climb import (
    ClimbState,
    ClimbStatus,
    ClimbView,
    choose,
    end,
    new_climb,
    raise_load,
    view,
)
from engine.load.codec import ClimbFormatError, dump_climb, load_climb
from engine.load.topology import topology_of
from engine.ports import ClimbStore, Clock, Scope
from engine.replies import Reply, Visibility
from engine.tutor.actor import Actor
from engine.tutor.presenters import climb as present
from engine.tutor.repositories.clusters import ClusterRepository

log = logging.getLogger(__name__)

ClimbCommand = (
    t.ClimbShowCommand
    | t.ClimbStartCommand
    | t.ClimbPickCommand
    | t.ClimbRaiseCommand
    | t.ClimbEndCommand
)


@dataclass(frozen=True, slots=True)
class _Game:
    number: int  # 0: the scope never played
    state: ClimbState | None  # None: never played, or unreadable
    version: int


class ClimbHandler:
    def __init__(
        self, climbs: ClimbStore, clusters: ClusterRepository, content: Content, clock: Clock
    ) -> None:
        self._climbs = climbs
        self._clusters = clusters
        self._content = content
        self._clock = clock

    async def handle(
        self, actor: Actor, command: ClimbCommand, visibility: Visibility
    ) -> tuple[Reply, ClimbView]:
        scope = actor.cluster_scope
        game = await self._game(scope)
        match command:
            case t.ClimbShowCommand():
                if game.state is None:
                    return await self._start(actor, game, None, visibility)
                return self._reply(game.number, game.state, visibility)
            case t.ClimbStartCommand(reads):
                if game.state is not None and game.state.status is ClimbStatus.PLAYING:
                    note = "A climb is already running here; /climb end ends it."
                    return self._reply(game.number, game.state, visibility, note)
                return await self._start(actor, game, reads, visibility)
            case t.ClimbPickCommand(rung, number, turn):
                state = self._current(game, number, turn)
                after = choose(state, rung, self._content.load)
                note = present.move_note(after.moves[-1], self._content.load)
                return await self._save(scope, game, after, visibility, note)
            case t.ClimbRaiseCommand(number, turn):
                state = self._current(game, number, turn)
                after = raise_load(state, self._content.load)
                note = f"The load rises to {after.rate:,.0f} requests/s."
                return await self._save(scope, game, after, visibility, note)
            case t.ClimbEndCommand():
                state = self._current(game, None, None)
                return await self._save(scope, game, end(state), visibility, "")
            case _:
                assert_never(command)

    async def _game(self, scope: Scope) -> _Game:
        stored = await self._climbs.load_climb(scope)
        if stored is None:
            return _Game(0, None, 0)
        try:
            return _Game(stored.game, load_climb(stored.document), stored.version)
        except ClimbFormatError:
            # A game is a sandbox, not progress: a new one starts rather than fail forever.
            log.warning("unreadable climb of %s replaced by a new one", scope)
            return _Game(stored.game, None, stored.version)

    def _current(self, game: _Game, number: int | None, turn: int | None) -> ClimbState:
        state = game.state
        if state is None and number is not None:  # a button (or a forged id): one line
            raise NotFoundError("No climb here yet: /climb starts one.")
        if state is None:
            raise UsageError("No climb here yet: /climb starts one.", "Usage: /climb")
        if number is not None and (number != game.number or turn != present.turn(state)):
            raise UsageError(
                "That button is from an earlier turn of the climb; /climb shows where it stands."
            )
        return state

    async def _start(
        self, actor: Actor, game: _Game, reads: tuple[int, int] | None, visibility: Visibility
    ) -> tuple[Reply, ClimbView]:
        cluster = await self._clusters.load(actor.cluster_scope)
        top = topology_of(cluster, self._content.load.capacities)
        state = new_climb(top) if reads is None else new_climb(top, reads)
        fresh = _Game(game.number + 1, None, game.version)
        where = "this channel's" if actor.in_channel else "your"
        note = (
            f"A new climb on {where} cluster: hold each load, then raise it, up to "
            f"{state.target:,.0f} requests/s within ${state.budget_usd:,.0f} a month."
        )
        return await self._save(actor.cluster_scope, fresh, state, visibility, note)

    async def _save(
        self, scope: Scope, game: _Game, state: ClimbState, visibility: Visibility, note: str
    ) -> tuple[Reply, ClimbView]:
        saved = await self._climbs.save_climb(
            scope, game.number, dump_climb(state), game.version, self._clock.now()
        )
        if not saved:
            raise ConflictError("Someone else just moved this climb; /climb shows it now.")
        return self._reply(game.number, state, visibility, note)

    def _reply(
        self, number: int, state: ClimbState, visibility: Visibility, note: str = ""
    ) -> tuple[Reply, ClimbView]:
        current = view(state, self._content.load)
        return present.climb_reply(number, current, self._content.load, visibility, note), current
