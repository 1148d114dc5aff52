"""The Discord adapter: interactions in, Tutor replies out. No rules and no state here.

Every slash command, button and modal arrives as an INTERACTION_CREATE on a gateway shard and
is handed to the Tutor as structured options or a button id; the state lives in the store, so
buttons work after a restart and on any process. The first response goes out within Discord's
3 seconds: if the Tutor is slow, the interaction is deferred and the reply follows.

discord.py runs the gateway (shards, heartbeats, resumes) and the HTTP layer (sessions, rate
limits, retries); the interactions are read from Discord's JSON (`incoming`) and answered with
JSON (`wire`), since Rungs uses none of the objects discord.py would build for them; the few
private parts of discord.py this needs are in `internals`, checked at start-up. What to do with
each interaction comes from the engine's command metadata (`routing`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from typing import Any, assert_never

import discord

from bot import figures
from bot.discord_app import internals, routing, wire
from bot.discord_app.deliveries import PLATFORM, DiscordDeliverer
from bot.discord_app.incoming import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    JSON,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    Incoming,
    flatten,
    focused,
)
from bot.discord_app.internals import Upload
from bot.discord_app.render import DiscordMessage, render
from bot.stopping import GRACE_S
from engine.commands.incoming import Incoming as EngineIncoming
from engine.ports import Clock
from engine.replies import Reply
from engine.scheduling.delivery import node_id
from engine.tutor import Tutor

log = logging.getLogger(__name__)

DEFER_AFTER_S = 2.0  # answer within Discord's 3 s: past this, defer and follow up
SEEN_CAPACITY = 4_096


class RungsDiscord(discord.AutoShardedClient):
    def __init__(self, tutor: Tutor, clock: Clock, **options: Any) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(
            intents=intents, allowed_mentions=discord.AllowedMentions.none(), **options
        )
        self._tutor = tutor
        self._clock = clock
        self._seen: OrderedDict[int, None] = OrderedDict()  # interaction ids already handled
        self._answering: set[asyncio.Task[None]] = set()
        self._jobs = contextlib.AsyncExitStack()  # the sweeper, from login to close
        # Every shard's gateway hands INTERACTION_CREATE to this state's parsers: take it as
        # JSON instead of letting discord.py build a `discord.Interaction` nobody reads.
        internals.take_gateway_event(self, "INTERACTION_CREATE", self._interaction_created)

    async def setup_hook(self) -> None:
        """After login, before the gateway: start posting what falls due (reveals, daily
        drills, nudges), beginning with whatever fell due while no process was running."""
        deliver = DiscordDeliverer(self.http, self._clock)
        sweeper = self._tutor.sweeper(PLATFORM, node_id(), deliver)  # one per process
        await self._jobs.enter_async_context(sweeper.running())

    async def close(self) -> None:
        """Stop the sweeper, let the interactions in hand finish (within GRACE_S), then
        disconnect."""
        await self._jobs.aclose()
        if self._answering:
            await asyncio.wait(set(self._answering), timeout=GRACE_S)
        await super().close()

    def _interaction_created(self, payload: JSON) -> None:
        task = asyncio.get_running_loop().create_task(self.answer(payload))
        self._answering.add(task)  # the loop keeps only a weak reference to a running task
        task.add_done_callback(self._answering.discard)

    async def answer(self, payload: JSON) -> None:
        """Answer one interaction; a failure is logged and answered, and the bot carries on."""
        interaction_id = payload.get("id")
        try:
            interaction = Incoming.parse(payload)
            if self._already_seen(interaction.id):
                log.info("interaction %s delivered twice; handled once", interaction.id)
                return
            await self._route(interaction)
        except discord.HTTPException as exc:  # e.g. 10062 too late, 40060 already acknowledged
            log.warning(
                "Discord refused the response to interaction %s: %s", interaction_id, exc.code
            )
        except Exception:
            log.exception("interaction %s failed", interaction_id)

    def _already_seen(self, interaction_id: int) -> bool:
        if interaction_id in self._seen:
            return True
        self._seen[interaction_id] = None
        while len(self._seen) > SEEN_CAPACITY:
            self._seen.popitem(last=False)
        return False

    async def _route(self, interaction: Incoming) -> None:
        data, kind = interaction.data, interaction.type
        if kind == AUTOCOMPLETE:
            await self._autocomplete(interaction)
            return
        if kind == APPLICATION_COMMAND:
            route = routing.slash_command(data)
        elif kind == MESSAGE_COMPONENT:
            route = routing.component(data)
        elif kind == MODAL_SUBMIT:
            route = routing.modal_submit(data)
        else:
            log.info("interaction %s of type %s ignored", interaction.id, kind)
            return
        match route:
            case routing.OpenForm(form):
                await wire.callback(self.http, interaction, wire.MODAL, wire.answer_modal(form))
            case routing.Run(command, private, edit):
                await self._respond(interaction, command, private=private, edit=edit)
            case _:
                assert_never(route)

    async def _respond(
        self, interaction: Incoming, command: EngineIncoming, *, private: bool, edit: bool
    ) -> None:
        """Answer with the Tutor's reply; if it is not ready within `DEFER_AFTER_S`, defer
        first and replace the loading message once it is. The reply's pictures are drawn
        inside the same deadline, in a worker thread.

        A trace or a /cluster change is answered before its cluster is saved
        (`Tutor.reply_then_save`): the save runs on, and is awaited here once the answer is
        sent (it never raises)."""
        deferring: asyncio.Task[None] | None = None

        def defer() -> None:
            nonlocal deferring
            kind, data = wire.deferral(private=private, edit=edit)
            deferring = asyncio.ensure_future(wire.callback(self.http, interaction, kind, data))

        timer = asyncio.get_running_loop().call_later(DEFER_AFTER_S, defer)
        try:
            answered = await self._tutor.reply_then_save(interaction.actor(), command)
        except BaseException:
            timer.cancel()
            raise
        try:
            message, files = await self._drawn(answered.reply)  # the deadline still runs
            timer.cancel()
            # A refusal (a trace no longer kept, a forged id) is the presser's alone: a new
            # private message, never an edit of the channel's message the button sits on.
            # (Past the deferral the edit is already promised: rare, as refusals are quick.)
            edit = edit and not (answered.reply.is_error and deferring is None)
            if deferring is not None:
                await deferring
                data = wire.message_data(message, edit=True)
                await wire.edit_original(self.http, interaction, data, files)
                return
            await wire.answer(self.http, interaction, message, files, edit=edit)
        finally:
            timer.cancel()
            await answered.saved

    async def _drawn(self, reply: Reply) -> tuple[DiscordMessage, list[Upload]]:
        """The message and the files of its pictures (drawn in a worker thread); if they
        cannot be drawn, the message in words alone."""
        message = render(reply, self._clock.now())
        drawn = await figures.draw([a.picture for a in message.attachments if a.picture])
        if drawn is None:
            return render(reply.without_figures(), self._clock.now()), []
        return message, wire.uploads(message, drawn)

    async def _autocomplete(self, interaction: Incoming) -> None:
        name, subcommand, _ = flatten(interaction.data)
        option, typed = focused(interaction.data)
        choices = self._tutor.suggestions(name, subcommand, option, typed)
        await wire.callback(self.http, interaction, wire.AUTOCOMPLETE_RESULT, wire.choices(choices))
