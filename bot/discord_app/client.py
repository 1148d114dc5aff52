"""The Discord adapter: interactions in, Tutor replies out. No rules and no state here.

Every slash command, button and modal arrives through `on_interaction` and is handed to the
Tutor as structured options or a button id; the state lives in the store, so buttons work after
a restart and on any process. The first response goes out within Discord's 3 seconds: if the
Tutor is slow, the interaction is deferred and the reply follows.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable
from typing import Any

import discord

from bot.discord_app.render import DiscordMessage, render
from engine.commands import buttons
from engine.commands.types import TraceViewCommand
from engine.errors import UsageError
from engine.ports import Clock
from engine.replies import Reply
from engine.tutor import Actor, Tutor

log = logging.getLogger(__name__)

DEFER_AFTER_S = 2.0  # answer within Discord's 3 s: past this, defer and follow up
ANSWER_MODAL = "r1:am"
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

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if self._already_seen(interaction.id):
            log.info("interaction %s delivered twice; handled once", interaction.id)
            return
        try:
            await self._route(interaction)
        except discord.HTTPException as exc:  # e.g. 10062 too late, 40060 already acknowledged
            log.warning(
                "Discord refused the response to interaction %s: %s", interaction.id, exc.code
            )
        except Exception:
            log.exception("interaction %s failed", interaction.id)

    def _already_seen(self, interaction_id: int) -> bool:
        if interaction_id in self._seen:
            return True
        self._seen[interaction_id] = None
        while len(self._seen) > SEEN_CAPACITY:
            self._seen.popitem(last=False)
        return False

    async def _route(self, interaction: discord.Interaction) -> None:
        data: dict[str, Any] = dict(interaction.data or {})
        kind = interaction.type
        if kind is discord.InteractionType.autocomplete:
            await self._autocomplete(interaction, data)
            return
        actor = actor_of(interaction)
        if kind is discord.InteractionType.application_command:
            name, sub, options = flatten(data)
            if name == "answer" and "text" not in options:
                await interaction.response.send_modal(AnswerModal())
                return
            work = self._tutor.handle_options(actor, name, sub, options)
            await self._respond(interaction, work, private=name in PERSONAL, edit=False)
        elif kind is discord.InteractionType.component:
            custom_id = str(data.get("custom_id", ""))
            if custom_id == buttons.drill_answer():
                await interaction.response.send_modal(AnswerModal())
                return
            edit = _is_trace_view(custom_id)
            work = self._tutor.handle_button(actor, custom_id)
            await self._respond(interaction, work, private=not edit, edit=edit)
        elif kind is discord.InteractionType.modal_submit:
            text = modal_text(data)
            work = self._tutor.handle_options(actor, "answer", None, {"text": text})
            await self._respond(interaction, work, private=True, edit=False)

    async def _respond(
        self, interaction: discord.Interaction, work: Awaitable[Reply], private: bool, edit: bool
    ) -> None:
        task = asyncio.ensure_future(work)
        done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER_S)
        if not done:
            if edit:
                await interaction.response.defer()
            else:
                await interaction.response.defer(ephemeral=private, thinking=True)
            message = render(await task, self._clock.now())
            kwargs = _edit_kwargs(message)
            await interaction.edit_original_response(**kwargs)
            _forget_view(kwargs)
            return
        message = render(task.result(), self._clock.now())
        kwargs = _edit_kwargs(message) if edit else _send_kwargs(message)
        if edit:
            await interaction.response.edit_message(**kwargs)
        else:
            await interaction.response.send_message(**kwargs)
        _forget_view(kwargs)

    async def _autocomplete(self, interaction: discord.Interaction, data: dict[str, Any]) -> None:
        name, _, options = flatten(data)
        typed = str(next(iter(options.values()), "")).lower()
        choices = self._tutor.suggestions(name, typed)
        await interaction.response.autocomplete(
            [discord.app_commands.Choice(name=c, value=c) for c in choices[:25]]
        )


class AnswerModal(discord.ui.Modal, title="Your sketch"):
    sketch: discord.ui.TextInput[AnswerModal] = discord.ui.TextInput(
        label="Your answer",
        style=discord.TextStyle.paragraph,
        max_length=4000,
        custom_id="sketch",
    )

    def __init__(self) -> None:
        super().__init__(custom_id=ANSWER_MODAL, timeout=None)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Handled in RungsDiscord.on_interaction, like every interaction."""


def actor_of(interaction: discord.Interaction) -> Actor:
    user = interaction.user
    in_dm = interaction.guild_id is None
    return Actor(
        platform="discord",
        workspace=str(interaction.guild_id) if not in_dm else "dm",
        user_id=str(user.id),
        display_name=user.display_name[:40],
        channel_id=None if in_dm else str(interaction.channel_id),
    )


def flatten(data: dict[str, Any]) -> tuple[str, str | None, dict[str, str | int | float | bool]]:
    """(command, subcommand, options) from an application command's data."""
    name = str(data.get("name", ""))
    options: list[dict[str, Any]] = list(data.get("options", []))
    sub = None
    if options and options[0].get("type") == 1:  # a subcommand
        sub = str(options[0]["name"])
        options = list(options[0].get("options", []))
    return name, sub, {str(o["name"]): o["value"] for o in options if "value" in o}


def modal_text(data: dict[str, Any]) -> str:
    for row in data.get("components", []):
        for component in row.get("components", [row.get("component", {})]):
            if component.get("custom_id") == "sketch":
                return str(component.get("value", ""))
    return ""


def _is_trace_view(custom_id: str) -> bool:
    """Trace steps edit their own message; every other button answers with a new one."""
    try:
        return isinstance(buttons.parse_button(custom_id), TraceViewCommand)
    except UsageError:  # the Tutor answers an unreadable id
        return False


def _view(message: DiscordMessage) -> discord.ui.View | None:
    if not message.components:
        return None
    view = discord.ui.View(timeout=None)
    for row_index, row in enumerate(message.components):
        for button in row["components"]:
            view.add_item(
                discord.ui.Button(
                    style=discord.ButtonStyle(button["style"]),
                    label=button["label"],
                    custom_id=button["custom_id"],
                    row=row_index,
                )
            )
    return view


def _forget_view(kwargs: dict[str, Any]) -> None:
    """Buttons are answered in on_interaction from their ids, so discord.py need not keep the
    view in memory (it would keep one per message, forever)."""
    view = kwargs.get("view")
    if view is not None:
        view.stop()


def _send_kwargs(message: DiscordMessage) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "content": message.content or None,
        "embeds": [discord.Embed.from_dict(e) for e in message.embeds],
        "ephemeral": message.ephemeral,
        "allowed_mentions": discord.AllowedMentions.none(),
    }
    view = _view(message)
    if view is not None:
        kwargs["view"] = view
    return kwargs


def _edit_kwargs(message: DiscordMessage) -> dict[str, Any]:
    return {
        "content": message.content or None,
        "embeds": [discord.Embed.from_dict(e) for e in message.embeds],
        "view": _view(message),
        "allowed_mentions": discord.AllowedMentions.none(),
    }
