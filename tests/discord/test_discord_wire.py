"""The answers Rungs builds as JSON (`bot.discord_app.wire`) are the ones discord.py would build
from its own objects (`discord.ui.View`, `discord.Embed`) for every reply of the shared corpus,
but for the fields discord.py spells out at their defaults."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

pytest.importorskip(
    "discord.app_commands", reason="discord.py (the discord extra) is not installed"
)

import discord
from discord.webhook.async_ import handle_message_parameters, interaction_message_response_params
from fakes.fake_discord import FakeDiscord
from replies.sample_replies import NOW, SAMPLES

from bot.discord_app import wire
from bot.discord_app.incoming import Incoming
from bot.discord_app.render import DiscordMessage, render

JSON = dict[str, Any]


def view_of(message: DiscordMessage) -> discord.ui.View | None:
    """The buttons as discord.py objects, as the adapter built them before it sent JSON."""
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


def without_defaults(data: JSON) -> JSON:
    """discord.py's JSON without `tts: false`, buttons' `disabled: false` and embeds'
    `flags: 0`, which are Discord's defaults."""
    data = {k: v for k, v in data.items() if not (k == "tts" and v is False)}
    data["embeds"] = [
        {k: v for k, v in e.items() if not (k == "flags" and v == 0)} for e in data["embeds"]
    ]
    if "components" in data:
        data["components"] = [
            {
                **row,
                "components": [
                    {k: v for k, v in c.items() if not (k == "disabled" and v is False)}
                    for c in row["components"]
                ],
            }
            for row in data["components"]
        ]
    return data


def files_of(message: DiscordMessage) -> list[discord.File]:
    """The pictures as discord.py would upload them (the bytes do not change the JSON)."""
    return [
        discord.File(io.BytesIO(b"x"), a.filename, description=a.description)
        for a in message.attachments
    ]


def payload_of(params: Any) -> JSON:
    """The JSON discord.py sends: the body, or a multipart body's `payload_json`."""
    if params.payload is not None:
        return dict(params.payload)
    return dict(json.loads(params.multipart[0]["value"]))


def as_sent(data: JSON) -> JSON:
    """Tuples become lists on the wire."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


@pytest.mark.parametrize("name", sorted(SAMPLES))
async def test_a_new_message_is_what_send_message_would_send(name: str) -> None:
    message = render(SAMPLES[name], NOW)
    view = view_of(message)
    expected = interaction_message_response_params(
        type=wire.CHANNEL_MESSAGE,
        content=message.content or None,
        embeds=[discord.Embed.from_dict(e) for e in message.embeds],
        view=view if view is not None else discord.utils.MISSING,
        flags=discord.MessageFlags(ephemeral=True) if message.ephemeral else discord.utils.MISSING,
        allowed_mentions=discord.AllowedMentions.none(),
        previous_allowed_mentions=discord.AllowedMentions.none(),
        files=files_of(message) or discord.utils.MISSING,
    )
    expected = payload_of(expected)
    sent = as_sent(wire.message_data(message, edit=False))
    assert sent == without_defaults(expected["data"])


@pytest.mark.parametrize("name", sorted(SAMPLES))
async def test_an_edit_is_what_edit_message_would_send(name: str) -> None:
    message = render(SAMPLES[name], NOW)
    embeds = [discord.Embed.from_dict(e) for e in message.embeds]
    mentions = discord.AllowedMentions.none()
    # An edit names the attachments it keeps: the new pictures, or none.
    update = interaction_message_response_params(
        type=wire.UPDATE_MESSAGE,
        content=message.content or None,
        embeds=embeds,
        view=view_of(message),
        allowed_mentions=mentions,
        previous_allowed_mentions=mentions,
        attachments=files_of(message),
    )
    original = handle_message_parameters(
        content=message.content or None,
        embeds=embeds,
        view=view_of(message),
        allowed_mentions=mentions,
        previous_allowed_mentions=mentions,
        attachments=files_of(message),
    )
    update, original = payload_of(update), payload_of(original)
    sent = as_sent(wire.message_data(message, edit=True))
    assert sent == without_defaults(update["data"]) == without_defaults(original)


async def test_the_answer_modal_is_what_discord_py_would_send() -> None:
    class AnswerModal(discord.ui.Modal, title="Your sketch"):
        sketch: discord.ui.TextInput[AnswerModal] = discord.ui.TextInput(
            label="Your answer",
            style=discord.TextStyle.paragraph,
            max_length=4000,
            custom_id=wire.SKETCH_INPUT_ID,
        )

    for form in ("r1:an", "r1:ca:42"):  # a drill's and a challenge's
        assert AnswerModal(custom_id=form).to_dict() == wire.answer_modal(form)


@pytest.mark.parametrize("where", ["guild", "guild-nickname", "dm", "dm-no-global-name"])
async def test_an_interaction_is_read_as_discord_py_reads_it(where: str) -> None:
    fake = FakeDiscord()  # its payload builders: the server need not run
    user = fake.new_user("ada")
    if where.startswith("dm"):
        payload = fake.slash("trace", {"method": "GET", "path": "/u/7"}, user)
        payload["user"]["global_name"] = None if where == "dm-no-global-name" else "Ada L."
    else:
        payload = fake.slash("trace", {"method": "GET", "path": "/u/7"}, user, fake.guilds[0].id)
        payload["member"]["nick"] = "ada here" if where == "guild-nickname" else None
    payload |= {"id": fake.snowflake(), "token": "t"}
    state = discord.Client(intents=discord.Intents.none())._connection
    state.user = discord.ClientUser(state=state, data=fake.bot_user)
    theirs = discord.Interaction(data=payload, state=state)  # type: ignore[arg-type]

    ours = Incoming.parse(payload)
    assert (ours.id, ours.token, ours.application_id) == (theirs.id, "t", theirs.application_id)
    assert (ours.type, ours.data) == (theirs.type.value, theirs.data)
    actor = ours.actor()
    assert actor.user_id == str(theirs.user.id)
    assert actor.display_name == theirs.user.display_name
    if theirs.guild_id is None:
        assert (actor.workspace, actor.channel_id) == ("dm", None)
    else:
        assert (actor.workspace, actor.channel_id) == (str(theirs.guild_id), str(theirs.channel_id))
