"""The Discord adapter: interactions in, Tutor replies out. No rules and no state here.

Every slash command, button and modal arrives as an INTERACTION_CREATE on a gateway shard and
is handed to the Tutor as structured options or a button id; the state lives in the store, so
buttons work after a restart and on any process. The first response goes out within Discord's
3 seconds: if the Tutor is slow, the interaction is deferred and the reply follows.

discord.py runs the gateway (shards, heartbeats, resumes) and the HTTP layer (sessions, rate
limits, retries); the interactions are read from Discord's JSON (`incoming`) and answered with
JSON (`wire`), since Rungs uses none of the objects discord.py would build for them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable
from typing import Any

import discord

from bot.discord_app import wire
from bot.discord_app.deliveries import PLATFORM, DiscordDeliverer
from bot.discord_app.incoming import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    JSON,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    Incoming,
    flatten,
    modal_text,
)
from bot.discord_app.render import render
from engine.commands import buttons
from engine.ports import Clock
from engine.replies import Reply
from engine.scheduling.delivery import node_id
from engine.tutor import Tutor

log = logging.getLogger(__name__)

DEFER_AFTER_S = 2.0  # answer within Discord's 3 s: past this, defer and follow up
PERSONAL = {
    "drill",
    "answer",
    "reveal",
    "rate",
    "progress",
    "settings",
    "forget-me",
    "help",
    "learn",
}
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
        self._connection.parsers["INTERACTION_CREATE"] = self._interaction_created

    async def setup_hook(self) -> None:
        """After login, before the gateway: start posting what falls due (reveals, daily
        drills, nudges), beginning with whatever fell due while no process was running."""
        deliver = DiscordDeliverer(self.http, self._clock)
        sweeper = self._tutor.sweeper(PLATFORM, node_id(), deliver)  # one per process
        await self._jobs.enter_async_context(sweeper.running())

    async def close(self) -> None:
        await self._jobs.aclose()
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
        actor = interaction.actor()
        if kind == APPLICATION_COMMAND:
            name, sub, options = flatten(data)
            if name == "answer" and "text" not in options:
                modal = wire.answer_modal(buttons.drill_answer())
                await wire.callback(self.http, interaction, wire.MODAL, modal)
                return
            work = self._tutor.handle_options(actor, name, sub, options)
            await self._respond(interaction, work, private=name in PERSONAL, edit=False)
        elif kind == MESSAGE_COMPONENT:
            custom_id = str(data.get("custom_id", ""))
            if buttons.answer_form(custom_id) is not None:  # a drill's or a challenge's Answer
                modal = wire.answer_modal(custom_id)
                await wire.callback(self.http, interaction, wire.MODAL, modal)
                return
            edit = buttons.edits_its_message(custom_id)
            work = self._tutor.handle_button(actor, custom_id)
            await self._respond(interaction, work, private=not edit, edit=edit)
        elif kind == MODAL_SUBMIT:
            text = modal_text(data, wire.SKETCH_INPUT_ID)
            form = buttons.answer_form(str(data.get("custom_id", ""))) or buttons.AnswerForm(None)
            options = {"text": text, **form.options}
            work = self._tutor.handle_options(actor, "answer", None, options)
            await self._respond(interaction, work, private=True, edit=False)

    async def _respond(
        self, interaction: Incoming, work: Awaitable[Reply], private: bool, edit: bool
    ) -> None:
        """Answer with the Tutor's reply; if it is not ready within `DEFER_AFTER_S`, defer
        first and replace the loading message once it is.

        A trace or a /cluster change is answered before its cluster is saved: the Tutor saves
        it in a task of its own, awaited here once the answer is sent (it never raises)."""
        deferring: asyncio.Task[None] | None = None

        def defer() -> None:
            nonlocal deferring
            kind, data = wire.deferral(private=private, edit=edit)
            deferring = asyncio.ensure_future(wire.callback(self.http, interaction, kind, data))

        timer = asyncio.get_running_loop().call_later(DEFER_AFTER_S, defer)
        try:
            with self._tutor.save_after_reply() as saved:
                reply = await work
        finally:
            timer.cancel()
        try:
            message = render(reply, self._clock.now())
            if deferring is not None:
                await deferring
                data = wire.message_data(message, edit=True)
                await wire.edit_original(self.http, interaction, data)
                return
            kind = wire.UPDATE_MESSAGE if edit else wire.CHANNEL_MESSAGE
            await wire.callback(self.http, interaction, kind, wire.message_data(message, edit=edit))
        finally:
            await saved

    async def _autocomplete(self, interaction: Incoming) -> None:
        name, _, options = flatten(interaction.data)
        typed = str(next(iter(options.values()), "")).lower()
        choices = self._tutor.suggestions(name, typed)
        await wire.callback(self.http, interaction, wire.AUTOCOMPLETE_RESULT, wire.choices(choices))
