"""`Tutor.handle(actor, command) -> Reply`: the single entry point of every adapter.

Commands on one cluster scope, and the other commands of one user, run one at a time in this
process; across processes the store keeps concurrent writes from losing each other's changes.
Domain errors become friendly replies; anything else is logged with a correlation id and
answered generically, and the Tutor keeps serving. Every command is saved before it is
answered, except cluster changes handled through `reply_then_save` (an adapter's choice).
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import secrets
import time
from collections.abc import Hashable, Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import assert_never

from engine.commands import types as t
from engine.commands.incoming import Incoming, Options, Pressed, Typed, parse
from engine.commands.specs import Raw
from engine.content.loader import Content
from engine.errors import RungsError, UsageError
from engine.observer import NO_OBSERVER, CommandOutcome, Observer
from engine.ports import ClaimedJob, Clock, Store
from engine.replies import Reply
from engine.scheduling import Deliver, Delivery, Refusal, Sweeper
from engine.scheduling.sweeper import LEASE, POLL_S
from engine.tutor.acting import acting_actor, for_learner
from engine.tutor.actor import Actor
from engine.tutor.exporting import Exporting
from engine.tutor.forgetting import SharedForgetting
from engine.tutor.handlers.answers import AnswerHandler
from engine.tutor.handlers.challenges import ChallengeHandler
from engine.tutor.handlers.climbs import ClimbHandler
from engine.tutor.handlers.clusters import ClusterHandler
from engine.tutor.handlers.drills import DrillHandler
from engine.tutor.handlers.jobs import JobHandler
from engine.tutor.handlers.lessons import LessonHandler
from engine.tutor.handlers.load import LoadHandler
from engine.tutor.handlers.reminders import ReminderHandler
from engine.tutor.handlers.schedules import ScheduleHandler
from engine.tutor.handlers.study import StudyHandler
from engine.tutor.handlers.users import UserHandler
from engine.tutor.locks import KeyedLocks
from engine.tutor.observed import command_label
from engine.tutor.pictures import PicturePreference, load_figure
from engine.tutor.presenters.errors import error_reply, internal_error_reply
from engine.tutor.repositories.clusters import ClusterRepository, Unsaved
from engine.tutor.saving import ReplyThenSave, SaveTasks
from engine.tutor.suggestions import MAX_SUGGESTIONS, suggestions

log = logging.getLogger(__name__)

READY_TIMEOUT_S = 2.0  # a readiness probe's own timeout is usually a few seconds
REQUEST_KEEP = timedelta(hours=1)  # past Slack's 5-minute replay window and its event retries


class Tutor:
    def __init__(
        self,
        store: Store,
        content: Content,
        clock: Clock,
        observer: Observer = NO_OBSERVER,
        job_lease: timedelta = LEASE,
    ) -> None:
        self._store = store
        self._observer = observer
        self._job_lease = job_lease
        self._content = content
        self._clock = clock
        self._locks = KeyedLocks()
        self._saves = SaveTasks()
        self._repository = ClusterRepository(store, clock)
        pictures = PicturePreference(store, store, clock)
        self._pictures = pictures
        self._clusters = ClusterHandler(self._repository, store, content.latencies, pictures, store)
        self._lessons = LessonHandler(content)
        self._drills = DrillHandler(store, store, content, clock, store)
        self._challenges = ChallengeHandler(store, store, content, clock)
        reminders = ReminderHandler(store, store, store, content, clock)
        shared = SharedForgetting(store, self._repository, self._locks)
        self._users = UserHandler(
            store,
            store,
            self._repository,
            store,
            pictures,
            content,
            clock,
            reminders,
            shared,
            Exporting(store, clock),
        )
        self._schedules = ScheduleHandler(store, store, content, clock)
        self._jobs = JobHandler(store, self._drills, self._challenges, self._schedules, reminders)
        self._study = StudyHandler(store, store, content, clock, reminders, self._drills)
        self._answers = AnswerHandler(self._challenges, self._drills, self._study.misses)
        climbs = ClimbHandler(store, self._repository, content, clock)
        self._load = LoadHandler(self._repository, store, climbs, content)

    async def handle(self, actor: Actor, command: Incoming) -> Reply:
        """Answer a command (or a line, options, a button: see engine.commands.incoming),
        saving whatever it changed first."""
        return (await self._answer(actor, command, answer_first=False)).reply

    async def handle_text(self, actor: Actor, line: str) -> Reply:
        """Parse a typed line and handle it; bad input gets a usage reply and changes nothing."""
        return await self.handle(actor, Typed(line))

    async def handle_button(self, actor: Actor, action_id: str) -> Reply:
        return await self.handle(actor, Pressed(action_id))

    async def handle_options(
        self, actor: Actor, name: str, subcommand: str | None, options: Mapping[str, Raw]
    ) -> Reply:
        """Structured options, as Discord slash commands and modals deliver them."""
        return await self.handle(actor, Options(name, subcommand, options))

    async def reply_then_save(self, actor: Actor, command: Incoming) -> ReplyThenSave:
        """Answer a cluster change before saving it: for an adapter that must answer fast
        (Discord). Other commands (drills, progress, settings, challenges, /cluster show) are
        saved before they are answered, as in `handle`.

            answered = await tutor.reply_then_save(actor, Options("trace", None, options))
            await send(answered.reply)
            await answered.saved  # optional: the save runs anyway; this waits, never raises

        A /trace or /cluster change returns its reply once the change is made; its save runs
        in a task that holds the scope's lock until it is done, so the scope's commands and
        saves stay in order and the next one starts from the saved cluster. The trade-off is
        durability: a crash between the reply and the save loses that change (a trace that
        was shown is not kept). If another process saved the scope first (two processes serve
        one channel only during a shard handover), the reply has already gone out: the save is
        logged with a reference and dropped, and the next command reloads the cluster. Either
        way the lost trace's buttons find no trace, or a later one that took its number.
        """
        return await self._answer(actor, command, answer_first=True)

    async def ready(self, timeout_s: float = READY_TIMEOUT_S) -> bool:
        """Whether the store answers within `timeout_s`: what a readiness check (/healthz)
        reports, so a load balancer stops sending commands to a node whose database is gone."""
        try:
            async with asyncio.timeout(timeout_s):
                await self._store.ping()
        except Exception as exc:  # noqa: BLE001 - any failure to answer means not ready
            log.warning("not ready: the store did not answer (%s)", type(exc).__name__)
            return False
        return True

    async def saved(self) -> None:
        """Wait for the saves still running after their replies (see reply_then_save); a
        runner awaits this before it closes the store."""
        await self._saves.all_done()

    def suggestions(
        self,
        command: str,
        subcommand: str | None,
        option: str | None,
        typed: str,
        limit: int | None = MAX_SUGGESTIONS,
    ) -> list[str]:
        """Completions for a command's option, as its spec says (drill ids and topics, lesson
        topics); none for an option that suggests nothing; at most `limit` (None: all)."""
        return suggestions(self._content, command, subcommand, option, typed, limit)

    # --- platform requests ------------------------------------------------------------------------

    async def first_sighting(self, key: str) -> bool:
        """Whether a platform request (its key: an event id, a trigger id) is new: True once,
        on whichever node sees it first; False for a retry or a replay within REQUEST_KEEP,
        which the adapter acknowledges without handling again. The store keeps a digest of the
        key: a key may carry a user's id (a Slack action's), and /forget-me cannot find those."""
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        return await self._store.first_sighting(digest, self._clock.now(), REQUEST_KEEP)

    # --- durable jobs ----------------------------------------------------------------------------

    def sweeper(
        self,
        platform: str,
        node: str,
        deliver: Deliver,
        *,
        poll_s: float = POLL_S,
        lease: timedelta | None = None,
    ) -> Sweeper:
        """The sweeper an adapter runs for its platform: it claims this platform's due jobs,
        hands each Delivery to `deliver` (which posts it), and finishes the job."""
        return Sweeper(
            self._store,
            self,
            self._clock,
            platform,
            node,
            deliver,
            poll_s=poll_s,
            lease=lease or self._job_lease,
            observer=self._observer,
        )

    async def run_job(self, job: ClaimedJob) -> list[Delivery]:
        """What a due job delivers now; nothing if it no longer applies (a revealed drill)."""
        return await self._jobs.run_job(job)

    async def finish_job(self, job: ClaimedJob, node: str, now: datetime) -> bool:
        """Mark a delivered job done; a daily post also schedules the next one."""
        return await self._jobs.finish_job(job, node, now)

    async def post_failed(
        self, job: ClaimedJob, refusal: Refusal, node: str, now: datetime
    ) -> bool:
        """Record a post the platform refused (kept with its schedule) and finish its job."""
        return await self._jobs.post_failed(job, refusal, node, now)

    # --- one command -----------------------------------------------------------------------------

    async def _answer(
        self, actor: Actor, incoming: Incoming, *, answer_first: bool
    ) -> ReplyThenSave:
        """Parse and run one command and answer it, whatever goes wrong: parsing too fails
        inside this net, so no input can take the caller down. The observer hears of each."""
        command: t.Command | None = None
        actor = readable_names(actor)
        outcome: CommandOutcome = "ok"
        started = time.perf_counter()
        try:
            command = parse(incoming)
            return await self._locked(actor, command, answer_first)
        except UsageError as exc:
            outcome = "refused"
            return ReplyThenSave(error_reply(exc.message, exc.usage))
        except RungsError as exc:
            outcome = "refused"
            return ReplyThenSave(error_reply(exc.message))
        except Exception:
            outcome = "failed"
            correlation_id = secrets.token_hex(4)
            kind = type(command).__name__ if command is not None else "parsing"
            log.exception("command %s failed [ref %s]", kind, correlation_id)
            return ReplyThenSave(internal_error_reply(correlation_id))
        finally:
            elapsed = time.perf_counter() - started
            self._observer.command_handled(actor.platform, command_label(command), outcome, elapsed)

    async def _load_reply(self, actor: Actor, command: t.LoadFamilyCommand) -> Reply:
        """A load command's reply, with the chart of its figures for those who see pictures."""
        outcome = await self._load.handle(actor, command)
        if not await self._pictures.wanted(actor):
            return outcome.reply
        figure = load_figure(outcome.result, self._content.load)
        if figure is None:
            return outcome.reply
        return Reply((*outcome.reply.blocks, figure), outcome.reply.visibility)

    async def _locked(self, actor: Actor, command: t.Command, answer_first: bool) -> ReplyThenSave:
        """Run the command holding the lock of what it works on: its cluster's scope, or its
        user. Without a wait when nobody else holds it (the usual case)."""
        keys = _lock_keys(actor, command)
        taken: list[Hashable] = []
        try:
            for key in keys:
                if not self._locks.try_acquire(key):
                    await self._locks.acquire(key)
                taken.append(key)
            reply, unsaved = await self._run(actor, command, answer_first)
            if unsaved is None:
                return ReplyThenSave(reply)
            # The save takes the scope's lock over and releases it once it is done.
            scope = taken.pop()
            save = partial(self._save_later, actor.platform, unsaved)
            return ReplyThenSave(
                reply, self._saves.start(save, partial(self._locks.release, scope))
            )
        finally:
            for key in reversed(taken):
                self._locks.release(key)

    async def _save_later(self, platform: str, unsaved: Unsaved) -> None:
        self._observer.deferred_save(platform, await self._repository.save_later(unsaved))

    async def _run(
        self, actor: Actor, command: t.Command, answer_first: bool
    ) -> tuple[Reply, Unsaved | None]:
        """Hand the command to its family's handler."""
        match command:
            case t.ActingForCommand(workspace, user_id, inner):
                acting = acting_actor(actor, command)
                reply, unsaved = await self._run(acting, inner, answer_first)
                return for_learner(reply, workspace, user_id), unsaved
            case t.ClusterFamily():
                handled = await self._clusters.handle(actor, command, answer_first=answer_first)
                return handled.reply, handled.unsaved
            case t.LessonFamily():
                return self._lessons.handle(command), None
            case t.DrillFamily():
                return await self._drills.handle(actor, command), None
            case t.AnswerFamily():
                return await self._answers.handle(actor, command), None
            case t.UserFamily():
                return await self._users.handle(actor, command), None
            case t.ChallengeFamily():
                return await self._challenges.handle(actor, command), None
            case t.ScheduleFamily():
                return await self._schedules.handle(actor, command), None
            case t.LoadFamily():
                return await self._load_reply(actor, command), None
            case t.StudyFamily():
                return await self._study.handle(actor, command), None
            case _:
                assert_never(command)


def readable_names(actor: Actor) -> Actor:
    """The actor with a display name every store can keep: a lone surrogate (a platform's JSON
    escape can deliver one) is replaced by U+FFFD, so it cannot fail a join halfway."""
    name = actor.display_name
    if name.isascii():
        return actor
    clean = "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in name)
    return actor if clean == name else dataclasses.replace(actor, display_name=clean)


def _lock_keys(actor: Actor, command: t.Command) -> tuple[Hashable, ...]:
    """What a command must hold while it runs. Cluster commands hold their scope's cluster (so
    a study channel's traces run in turn), and so do the load commands, which read it and play
    the scope's climb; the others hold their user, whose drills, answers
    and settings they change (so a channel's reveals never queue behind its traces); lessons
    and help touch nothing. /forget-me also deletes the user's own cluster."""
    match command:
        case t.ActingForCommand(workspace, _, inner):
            return _lock_keys(dataclasses.replace(actor, workspace=workspace), inner)
        case t.ClusterFamily() | t.LoadFamily():
            return (actor.cluster_scope,)
        case t.LessonFamily():
            return ()
        case t.ForgetMeCommand(confirm=True):
            return (actor.user_key, actor.own_scope)
        case _:
            return (actor.user_key,)
