"""Interaction answers as Discord's JSON, sent with discord.py's own HTTP layer.

The renderer already produces Discord's JSON (`DiscordMessage`), so the answer is built from it
directly and sent through discord.py's webhook adapter (see internals.py): the same route,
rate-limit handling (429 with `Retry-After` is waited out and retried) and errors (`NotFound`
10062, `HTTPException` 40060) as `interaction.response.send_message` and friends, minus the objects
those build and
throw away on every answer: `discord.ui.View` and `Button`s, `Embed`s and their `to_dict()`, the
`InteractionCallbackResponse` and `Message` parsed from Discord's answer, and a view registered
in discord.py's view store. The JSON matches what discord.py sends for the same message, except
for fields it spells out at their defaults (`tts`, `disabled`, an embed's `flags`).
"""

from __future__ import annotations

from typing import Any

import discord

from bot.discord_app import internals, routing
from bot.discord_app.http_response import answered_in_body
from bot.discord_app.incoming import Incoming
from bot.discord_app.render import DiscordMessage
from engine.drills.sketch import MAX_PIECE

JSON = dict[str, Any]

EPHEMERAL = 1 << 6
# Interaction callback types.
CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9

SKETCH_INPUT_ID = routing.SKETCH_INPUT_ID


def answer_modal(form: str) -> JSON:
    """The answer form; its custom_id is the engine id of what it answers (a drill, or a
    challenge), so whichever process receives the submission can route it."""
    return {
        "custom_id": form,
        "title": "Your sketch",
        "components": [
            {
                "type": 1,
                "components": [
                    {
                        "type": 4,
                        "style": 2,  # paragraph
                        "label": "Your answer",
                        "custom_id": SKETCH_INPUT_ID,
                        "required": True,
                        "max_length": MAX_PIECE,
                    }
                ],
            }
        ],
    }


def message_data(message: DiscordMessage, *, edit: bool) -> JSON:
    """The `data` of a new message (type 4) or of an edit (type 7, or an `@original` PATCH).

    An edit always names its components, so that buttons the new reply does not have go away;
    a message's visibility is fixed when it is created, so only a new one carries the flag.
    """
    data: JSON = {
        "content": message.content or None,
        "embeds": message.embeds,
        "allowed_mentions": message.allowed_mentions,
    }
    if edit or message.components:
        data["components"] = message.components
    if message.ephemeral and not edit:
        data["flags"] = EPHEMERAL
    return data


async def callback(
    http: discord.http.HTTPClient, interaction: Incoming, kind: int, data: JSON | None = None
) -> None:
    """The interaction's one callback (`POST /interactions/{id}/{token}/callback`), or in
    HTTP mode the body of the HTTP response (http_response.py)."""
    payload: JSON = {"type": kind} if data is None else {"type": kind, "data": data}
    if await answered_in_body(interaction.id, payload):
        return
    await internals.create_interaction_response(http, interaction.id, interaction.token, payload)


async def edit_original(http: discord.http.HTTPClient, interaction: Incoming, data: JSON) -> None:
    """Replace the message a deferred callback left loading (`PATCH …/messages/@original`)."""
    await internals.edit_original_response(
        http, interaction.application_id, interaction.token, data
    )


def deferral(*, private: bool, edit: bool) -> tuple[int, JSON | None]:
    """The deferred callback: "thinking…" for a new message (ephemeral when private), or a
    silent acknowledgement for a message that will be edited in place."""
    if edit:
        return DEFERRED_UPDATE, None
    return DEFERRED_MESSAGE, {"flags": EPHEMERAL} if private else None


def choices(names: list[str]) -> JSON:
    """Autocomplete suggestions (at most 25), each offered under its own name."""
    return {"choices": [{"name": name, "value": name} for name in names[:25]]}
