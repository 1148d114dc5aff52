"""The under-load family: /load and /scenario on the scope's cluster, a reveal's "see it under
load" button, and /climb (handlers/climbs). Reads the scope's cluster, never changes it.

Each command's result is handed back beside its reply (`Outcome.result`: the engine's
LoadAnswer, ScenarioRun or ClimbView), so a picture of the same figures can be attached."""

from __future__ import annotations

from dataclasses import dataclass
from typing import assert_never

from engine.commands import types as t
from engine.content.loader import Content
from engine.errors import NotFoundError
from engine.load.answer import LoadAnswer, run_load
from engine.load.climb import ClimbView
from engine.load.follow_up import under_load
from engine.load.query import LoadQuery, parse_scenario
from engine.load.scenario_story import ScenarioRun, run_scenario
from engine.load.topology import topology_of
from engine.ports import DrillStore
from engine.replies import Reply, Visibility
from engine.tutor.actor import Actor
from engine.tutor.handlers.climbs import ClimbHandler
from engine.tutor.presenters import load as present
from engine.tutor.repositories.clusters import ClusterRepository

SESSIONS_LOOKED_AT = 200  # a reveal's button finds its drill among the user's latest attempts

Result = LoadAnswer | ScenarioRun | ClimbView | None


@dataclass(frozen=True, slots=True)
class Outcome:
    reply: Reply
    result: Result = None  # the engine's values the reply was built from


class LoadHandler:
    def __init__(
        self,
        clusters: ClusterRepository,
        drills: DrillStore,
        climbs: ClimbHandler,
        content: Content,
    ) -> None:
        self._clusters = clusters
        self._drills = drills
        self._climbs = climbs
        self._content = content

    async def handle(self, actor: Actor, command: t.LoadFamilyCommand) -> Outcome:
        visibility = Visibility.PUBLIC if actor.in_channel else Visibility.PRIVATE
        match command:
            case t.LoadCommand(query):
                answer = await self.load(actor, query)
                return Outcome(present.load_reply(answer, visibility), answer)
            case t.ScenarioCommand(name):
                return self._scenario(name, visibility)
            case t.UnderLoadCommand(session_id):
                return await self._under_load(actor, session_id, visibility)
            case (
                t.ClimbShowCommand()
                | t.ClimbStartCommand()
                | t.ClimbPickCommand()
                | t.ClimbRaiseCommand()
                | t.ClimbEndCommand()
            ):
                reply, view = await self._climbs.handle(actor, command, visibility)
                return Outcome(reply, view)
            case _:
                assert_never(command)

    async def load(self, actor: Actor, query: LoadQuery) -> LoadAnswer:
        """The steady state of `query` on the caller's cluster (the one /trace uses)."""
        state = await self._clusters.load(actor.cluster_scope)
        load = self._content.load
        return run_load(query, topology_of(state, load.capacities), load)

    def scenario(self, name: str) -> ScenarioRun:
        load = self._content.load
        return run_scenario(load.scenarios[name], load.capacities)

    def _scenario(self, name: str | None, visibility: Visibility) -> Outcome:
        scenarios = self._content.load.scenarios
        chosen = parse_scenario([name] if name else [], list(scenarios))
        if chosen is None:
            return Outcome(present.scenario_list(scenarios, visibility))
        run = self.scenario(chosen)
        return Outcome(present.scenario_reply(run, self._content.sources, visibility), run)

    async def _under_load(self, actor: Actor, session_id: int, visibility: Visibility) -> Outcome:
        """A reveal's follow-up, with the numbers that attempt drew. Only the presser's own
        attempts are looked at, so another's button (or a made-up id) finds nothing."""
        sessions = await self._drills.sessions(actor.user_key, SESSIONS_LOOKED_AT)
        session = next((s for s in sessions if s.id == session_id), None)
        follow = None
        if session is not None:
            follow = under_load(session.drill_id, dict(session.params), self._content.load)
        if follow is None or (follow.load is None and follow.scenario is None):
            raise NotFoundError("That button is not for one of your drills; run /load yourself.")
        note = present.under_load_note(follow.why)
        if follow.load is not None:
            answer = await self.load(actor, follow.load)
            return Outcome(present.load_reply(answer, visibility, note), answer)
        run = self.scenario(follow.scenario or "")
        reply = present.scenario_reply(run, self._content.sources, visibility)
        return Outcome(present.with_note(reply, note), run)
