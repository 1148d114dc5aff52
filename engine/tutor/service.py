"""`Tutor.handle(actor, command) -> Reply`: the single entry point of every adapter.

Commands of one user, and of one cluster scope, run one at a time in this process; across
processes the store's optimistic versioning keeps concurrent saves from losing each other's
changes. Domain errors become friendly replies; anything else is logged with a correlation id
and answered generically, and the Tutor keeps serving. Every command is saved before it is
answered, except cluster changes inside `save_after_reply()` (an adapter's opt-in).
"""

from __future__ import annotations

import difflib
import logging
import secrets
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from functools import partial

from engine.commands import types as t
from engine.commands.buttons import parse_button
from engine.commands.help import help_reply
from engine.commands.parser import parse_options, parse_text
from engine.commands.specs import CLUSTER, Raw, usage_line
from engine.content.loader import Content
from engine.errors import NotFoundError, RungsError, UsageError
from engine.ports import ClaimedJob, Clock, Store
from engine.replies import Notice, Reply, Visibility
from engine.scheduling import Deliver, Delivery, Sweeper
from engine.scheduling.sweeper import POLL_S
from engine.sim import failover, faults, operations
from engine.sim.diagram import draw
from engine.sim.request import Request
from engine.sim.state import ClusterState
from engine.sim.trace import Trace, run_request
from engine.tutor import after_reply, views
from engine.tutor.actor import Actor
from engine.tutor.after_reply import PendingSaves
from engine.tutor.challenge_desk import ChallengeDesk
from engine.tutor.cluster_desk import ClusterDesk, UnsavedUpdates, Updates
from engine.tutor.drill_desk import DrillDesk
from engine.tutor.job_desk import JobDesk
from engine.tutor.locks import Held, KeyedLocks
from engine.tutor.schedule_desk import ScheduleDesk

log = logging.getLogger(__name__)


class Tutor:
    def __init__(self, store: Store, content: Content, clock: Clock) -> None:
        self._store = store
        self._content = content
        self._clock = clock
        self._locks = KeyedLocks()
        self._clusters = ClusterDesk(store, clock)
        self._drills = DrillDesk(store, content, clock)
        self._challenges = ChallengeDesk(store, content, clock)
        self._schedules = ScheduleDesk(store, content, clock)
        self._jobs = JobDesk(store, self._drills, self._challenges, self._schedules)

    async def handle(self, actor: Actor, command: t.Command) -> Reply:
        return await self._answer(actor, lambda: command)

    async def handle_text(self, actor: Actor, line: str) -> Reply:
        """Parse a typed line and handle it; bad input gets a usage reply and changes nothing."""
        return await self._answer(actor, lambda: parse_text(line))

    async def handle_button(self, actor: Actor, action_id: str) -> Reply:
        return await self._answer(actor, lambda: parse_button(action_id))

    async def handle_options(
        self, actor: Actor, name: str, subcommand: str | None, options: Mapping[str, Raw]
    ) -> Reply:
        """Structured options, as Discord slash commands and modals deliver them."""
        return await self._answer(actor, lambda: parse_options(name, subcommand, options))

    def save_after_reply(self) -> AbstractContextManager[PendingSaves]:
        """Answer cluster changes before saving them, for commands handled inside this block:
        an opt-in for an adapter that must answer fast (Discord). Other commands (drills,
        progress, settings, challenges, /cluster show) still save before they answer.

            with tutor.save_after_reply() as saved:
                reply = await tutor.handle_options(actor, "trace", None, options)
            await send(reply)
            await saved  # optional: the saves run anyway; this waits for them and never raises

        A /trace or /cluster change returns its reply once the change is made; its save runs
        in a task that holds the scope's lock until it is done, so the scope's commands and
        saves stay in order and the next one starts from the saved cluster. The trade-off is
        durability: a crash between the reply and the save loses that change (a trace that
        was shown is not kept). If another process saved the scope first (two processes serve
        one channel only during a shard handover), the reply has already gone out: the save is
        logged with a reference and dropped, and the next command reloads the cluster. Either
        way the lost trace's buttons find no trace, or a later one that took its number.
        """
        return after_reply.opened(self)

    async def saved(self) -> None:
        """Wait for the saves still running after their replies (see save_after_reply); a
        runner awaits this before it closes the store."""
        await after_reply.all_saved()

    def suggestions(self, command: str, typed: str) -> list[str]:
        """Completions for a command's free-form option (drill ids and topics, lesson topics)."""
        if command in ("drill", "challenge"):
            drills = self._content.drills.values()
            names = [
                "random",
                "due",
                *sorted({d.topic for d in drills}),
                *sorted(d.id for d in drills),
            ]
        elif command == "learn":
            names = list(self._content.lessons)
        else:
            return []
        typed = typed.lower()
        return [n for n in names if typed in n][:25]

    # --- durable jobs ----------------------------------------------------------------------------

    def sweeper(
        self, platform: str, node: str, deliver: Deliver, *, poll_s: float = POLL_S
    ) -> Sweeper:
        """The sweeper an adapter runs for its platform: it claims this platform's due jobs,
        hands each Delivery to `deliver` (which posts it), and finishes the job."""
        return Sweeper(self._store, self, self._clock, platform, node, deliver, poll_s=poll_s)

    async def run_job(self, job: ClaimedJob) -> list[Delivery]:
        """What a due job delivers now; nothing if it no longer applies (a revealed drill)."""
        return await self._jobs.run_job(job)

    async def finish_job(self, job: ClaimedJob, node: str, now: datetime) -> bool:
        """Mark a delivered job done; a daily post also schedules the next one."""
        return await self._jobs.finish_job(job, node, now)

    async def _answer(self, actor: Actor, parse: Callable[[], t.Command]) -> Reply:
        """Parse and run one command and answer it, whatever goes wrong: parsing too fails
        inside this net, so no input can take the caller down."""
        command: t.Command | None = None
        try:
            command = parse()
            scope = _scope(actor, command)
            async with self._locks.hold(actor.user_key):
                if scope is None:
                    return await self._dispatch(actor, command, self._clusters)
                async with self._locks.hold(scope) as held:
                    return await self._in_scope(actor, command, held)
        except UsageError as exc:
            return views.error_reply(exc.message, exc.usage)
        except RungsError as exc:
            return views.error_reply(exc.message)
        except Exception:
            correlation_id = secrets.token_hex(4)
            kind = type(command).__name__ if command is not None else "parsing"
            log.exception("command %s failed [ref %s]", kind, correlation_id)
            return views.internal_error_reply(correlation_id)

    async def _in_scope(self, actor: Actor, command: t.Command, held: Held) -> Reply:
        """Run a command that holds its scope's lock. Inside `save_after_reply()`, a cluster
        change is answered unsaved and its save takes the lock over (`after_reply`)."""
        pending = after_reply.pending_for(self)
        if pending is None:
            return await self._dispatch(actor, command, self._clusters)
        updates = UnsavedUpdates(self._clusters)
        reply = await self._dispatch(actor, command, updates)
        if updates.unsaved is not None:
            save = partial(self._clusters.save_after_reply, updates.unsaved)
            pending.start(save, held.hand_over())
        return reply

    async def _dispatch(self, actor: Actor, command: t.Command, clusters: Updates) -> Reply:
        visibility = Visibility.PUBLIC if actor.in_channel else Visibility.PRIVATE
        match command:
            case t.TraceCommand(method, path):
                return await self._trace(actor, Request(method, path), visibility, clusters)
            case t.TraceViewCommand(trace_no, cursor):
                document = await self._store.load_trace(actor.cluster_scope, trace_no)
                if document is None:
                    raise NotFoundError(
                        f"Trace #{trace_no} is no longer kept here; run /trace "
                        "again for a fresh one."
                    )
                return views.stored_trace_reply(trace_no, document, cursor, visibility)
            case t.ClusterShowCommand():
                state = await self._clusters.load(actor.cluster_scope)
                return views.cluster_reply(self._cluster_title(actor), draw(state), visibility)
            case t.LearnCommand(topic):
                return self._learn(topic)
            case t.HelpCommand(name):
                return help_reply(name)
            case t.AnswerCommand():
                return await self._route_answer(actor, command)
            case t.ForgetMeCommand(confirm=True):
                # The user's own practice cluster is about them too; channel clusters are shared.
                await self._clusters.delete(actor.own_scope)
                return await self._drills.handle(actor, command)
            case (
                t.DrillCommand()
                | t.AnswerCommand()
                | t.RevealCommand()
                | t.RateCommand()
                | t.ProgressCommand()
                | t.SettingsCommand()
                | t.ForgetMeCommand()
            ):
                return await self._drills.handle(actor, command)
            case (
                t.ChallengeStartCommand()
                | t.ChallengeJoinCommand()
                | t.ChallengeStatusCommand()
                | t.ChallengeEndCommand()
                | t.LeaderboardCommand()
            ):
                return await self._challenges.handle(actor, command)
            case t.ScheduleShowCommand() | t.ScheduleDailyCommand() | t.ScheduleOffCommand():
                return await self._schedules.handle(actor, command)
            case _:
                return await self._change_cluster(actor, command, visibility, clusters)

    async def _route_answer(self, actor: Actor, command: t.AnswerCommand) -> Reply:
        route = await self._challenges.route_answer(actor, command)
        if route.challenge is not None:
            return await self._challenges.answer(actor, route.challenge, command.text)
        reply = await self._drills.handle(actor, command)
        if not route.challenge_here:
            return reply
        hint = Notice("That went to your own drill; /challenge join to answer the team challenge.")
        return Reply((*reply.blocks, hint), reply.visibility)

    async def _trace(
        self, actor: Actor, request: Request, visibility: Visibility, clusters: Updates
    ) -> Reply:
        latencies = self._content.latencies

        def step(state: ClusterState) -> Trace:
            return run_request(state, request, actor.display_name, latencies)

        trace = await clusters.update(actor.cluster_scope, step)
        return views.fresh_trace_reply(trace, visibility)

    async def _change_cluster(
        self, actor: Actor, command: t.Command, visibility: Visibility, clusters: Updates
    ) -> Reply:
        def change(state: ClusterState) -> str:
            return _apply(state, command)

        try:
            text = await clusters.update(actor.cluster_scope, change)
        except NotFoundError as exc:
            usage = _NODE_USAGE.get(type(command))
            if usage is None:
                raise
            raise UsageError(exc.message, usage) from None
        return views.change_reply(text, visibility)

    def _cluster_title(self, actor: Actor) -> str:
        where = f"#{actor.channel_id}" if actor.channel_id else f"{actor.display_name}'s own"
        return f"Cluster ({where})"

    def _learn(self, topic: str | None) -> Reply:
        lessons = list(self._content.lessons.values())
        if topic is None:
            return views.lesson_index_reply(lessons)
        lesson = self._content.find_lesson(topic)
        if lesson is None:
            close = difflib.get_close_matches(topic, list(self._content.topics), n=1, cutoff=0.6)
            hint = f" Did you mean /learn {self._content.topics[close[0]]}?" if close else ""
            raise UsageError(
                f"There is no lesson on '{topic[:30]}'.{hint}", "/learn lists the topics."
            )
        titles = {lesson_id: item.title for lesson_id, item in self._content.lessons.items()}
        return views.lesson_reply(lesson, titles)


def _scope(actor: Actor, command: t.Command) -> str | None:
    """The cluster a command works on, whose commands must run one at a time. Drill commands
    touch none (the user's own lock covers them), so a study channel's reveals never queue
    behind its traces; /forget-me deletes the user's own cluster."""
    if isinstance(command, t.ForgetMeCommand):
        return actor.own_scope
    if isinstance(command, t.DrillFlowCommand | t.TeamCommand | t.LearnCommand | t.HelpCommand):
        return None
    return actor.cluster_scope


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


def _apply(state: ClusterState, command: t.Command) -> str:
    match command:
        case t.ClusterResetCommand(seed):
            return operations.reset(state, seed)
        case t.ClusterSetCommand(changes):
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
    raise RungsError("That command does not change the cluster.")
