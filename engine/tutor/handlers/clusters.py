"""The cluster family: /trace, the trace buttons, /cluster show and every /cluster change.

A change either saves before the reply (`update`) or, for an adapter that answers first
(`Tutor.reply_then_save`), comes back unsaved with its reply, for the Tutor to save after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar, assert_never

from engine.commands import types as t
from engine.commands.parser import sentence
from engine.commands.specs import CLUSTER, usage_line
from engine.errors import NotFoundError, UsageError
from engine.pictures.from_cluster import cluster_diagram, trace_animation
from engine.ports import ClusterStore, DrillStore
from engine.replies import Reply, Visibility
from engine.sim import failover, faults, operations
from engine.sim.diagram import draw
from engine.sim.latency import Latencies
from engine.sim.request import Request
from engine.sim.state import ClusterState
from engine.sim.trace import run_request
from engine.text.cluster_set import check_cluster_changes
from engine.tutor import names, trace_codec
from engine.tutor.actor import Actor
from engine.tutor.handlers.cluster_history import ClusterHistoryHandler, noted
from engine.tutor.pictures import PicturePreference
from engine.tutor.presenters import traces as present
from engine.tutor.presenters.traces import TracePicture
from engine.tutor.repositories.clusters import Change, ClusterRepository, Noted, Unsaved
from engine.tutor.trace_codec import KeptTrace

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Handled:
    reply: Reply
    unsaved: Unsaved | None = None  # a change answered before it was saved


@dataclass(frozen=True, slots=True)
class _Changed(Generic[T]):
    result: T
    unsaved: Unsaved | None = None


class ClusterHandler:
    def __init__(
        self,
        clusters: ClusterRepository,
        traces: ClusterStore,
        latencies: Latencies,
        pictures: PicturePreference,
        settings: DrillStore,
    ) -> None:
        self._clusters = clusters
        self._traces = traces
        self._latencies = latencies
        self._pictures = pictures
        self._history = ClusterHistoryHandler(clusters, traces, settings)

    async def handle(
        self, actor: Actor, command: t.ClusterCommand, *, answer_first: bool
    ) -> Handled:
        """Run a cluster command; with `answer_first`, a change is made but not saved."""
        visibility = Visibility.PUBLIC if actor.in_channel else Visibility.PRIVATE
        match command:
            case t.TraceCommand(method, path):
                request = Request(method, path)
                images = await self._pictures.wanted(actor)
                tracer = self._tracer(actor, request, images)
                traced = await self._change(actor, answer_first, tracer)
                picture = TracePicture.PATH if images else None
                reply = present.trace_reply(traced.result, 0, visibility, picture)
                return Handled(reply, traced.unsaved)
            case t.TraceViewCommand(trace_no, cursor, animate):
                reply = await self._stored_trace(actor, trace_no, cursor, animate, visibility)
                return Handled(reply)
            case t.ClusterShowCommand():
                state = await self._clusters.load(actor.cluster_scope)
                title = _cluster_title(actor)
                shown = cluster_diagram(state) if await self._pictures.wanted(actor) else None
                return Handled(present.cluster_reply(title, draw(state), visibility, shown))
            case (
                t.ClusterResetCommand()
                | t.ClusterSetCommand()
                | t.ClusterKillCommand()
                | t.ClusterReviveCommand()
                | t.ClusterSlowCommand()
                | t.ClusterWaitCommand()
                | t.ClusterAddCommand()
                | t.ClusterPromoteCommand()
            ):
                changed = await self._change_cluster(actor, command, answer_first)
                return Handled(present.change_reply(changed.result, visibility), changed.unsaved)
            case t.ClusterHistoryCommand():
                return Handled(await self._history.history(actor))
            case t.ClusterUndoCommand():  # saved before it answers: it may not apply
                return Handled(await self._history.undo(actor))
            case _:
                assert_never(command)

    def _tracer(self, actor: Actor, request: Request, images: bool) -> Change[KeptTrace]:
        # The shared cluster and the stored trace know the user by id (engine/tutor/names.py);
        # only the reply shows their name.
        latencies, user = self._latencies, names.ref(actor.user_id)

        def step(state: ClusterState) -> tuple[KeptTrace, KeptTrace]:
            trace = run_request(state, request, user, latencies)
            # The picture is of the cluster just after the request, so it is taken now (and
            # kept with the trace: Next and Previous draw their frames from it later). It
            # costs about a third of the trace itself: not for someone who turned them off.
            animation = trace_animation(state, trace, latencies) if images else None
            block = present.trace_block(trace)
            shown = names.resolve_trace(block, actor.user_id, actor.display_name)
            drawn = names.resolve_animation(animation, actor.user_id, actor.display_name)
            return KeptTrace(shown, drawn), KeptTrace(block, animation)

        return step

    async def _stored_trace(
        self,
        actor: Actor,
        trace_no: int,
        cursor: int | None,
        animate: bool,
        visibility: Visibility,
    ) -> Reply:
        document = await self._traces.load_trace(actor.cluster_scope, trace_no)
        if document is None:
            raise NotFoundError(
                f"Trace #{trace_no} is no longer kept here; run /trace again for a fresh one."
            )
        picture: TracePicture | None = None
        if await self._pictures.wanted(actor):
            picture = TracePicture.ANIMATION if animate else TracePicture.STEP
            picture = TracePicture.PATH if cursor is None and not animate else picture
        kept = trace_codec.decode(trace_no, document)
        shown = names.resolve_trace(kept.block, actor.user_id, actor.display_name)
        drawn = names.resolve_animation(kept.animation, actor.user_id, actor.display_name)
        kept = KeptTrace(shown, drawn)
        return present.trace_reply(kept, None if animate else cursor, visibility, picture)

    async def _change_cluster(
        self, actor: Actor, command: t.ClusterChangeCommand, answer_first: bool
    ) -> _Changed[str]:
        def change(state: ClusterState) -> tuple[str, None]:
            return apply(state, command), None

        try:
            return await self._change(actor, answer_first, change, noted(actor, command))
        except NotFoundError as exc:
            usage = _NODE_USAGE.get(type(command))
            if usage is None:
                raise
            raise UsageError(exc.message, usage) from None

    async def _change(
        self, actor: Actor, answer_first: bool, change: Change[T], note: Noted | None = None
    ) -> _Changed[T]:
        """`note`: the history row of a /cluster change (a trace has none: its save stays the
        one write it always was)."""
        scope = actor.cluster_scope
        if answer_first:
            result, unsaved = await self._clusters.change(scope, change, noted=note)
            return _Changed(result, unsaved)
        return _Changed(await self._clusters.update(scope, change, note))


def apply(state: ClusterState, command: t.ClusterChangeCommand) -> str:
    """Make a /cluster change on the state; what it did, in a sentence."""
    match command:
        case t.ClusterResetCommand(seed):
            return operations.reset(state, seed)
        case t.ClusterSetCommand(changes):
            _check_against(state, changes)
            return operations.apply_settings(state, dict(changes))
        case t.ClusterKillCommand(node, mode):
            return faults.kill(state, node, mode)
        case t.ClusterReviveCommand(node):
            return faults.revive(state, node)
        case t.ClusterSlowCommand(node, ms):
            return faults.slow(state, node, ms)
        case t.ClusterWaitCommand(seconds):
            return operations.wait(state, seconds)
        case t.ClusterAddCommand(kind):
            return operations.add(state, kind)
        case t.ClusterPromoteCommand(node):
            return failover.promote(state, node)
        case _:
            assert_never(command)


def _check_against(state: ClusterState, changes: tuple[tuple[str, object], ...]) -> None:
    """What the parser could not see: a setting of the other balancer's model, on a line that
    does not name the balancer, contradicts the balancer this cluster models now."""
    try:
        check_cluster_changes(changes, state.config.balancer.value)
    except ValueError as exc:
        raise UsageError(sentence(str(exc), _SET_KEYS), _SET_USAGE) from None


def _cluster_title(actor: Actor) -> str:
    where = f"#{actor.channel_id}" if actor.channel_id else f"{actor.display_name}'s own"
    return f"Cluster ({where})"


_SET = CLUSTER.sub("set")
_SET_USAGE = "Usage: " + usage_line(_SET, CLUSTER) if _SET is not None else ""
_SET_KEYS = frozenset(o.name for o in _SET.options) if _SET is not None else frozenset()
# The commands that name a node, and the usage to show when the node does not exist.
_NODE_USAGE: dict[type, str] = {
    kind: "Usage: " + usage_line(sub, CLUSTER)
    for kind, sub in (
        (t.ClusterKillCommand, CLUSTER.sub("kill")),
        (t.ClusterReviveCommand, CLUSTER.sub("revive")),
        (t.ClusterSlowCommand, CLUSTER.sub("slow")),
        (t.ClusterPromoteCommand, CLUSTER.sub("promote")),
    )
    if sub is not None
}
