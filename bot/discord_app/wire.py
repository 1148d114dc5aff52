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

from collections.abc import Sequence
from typing import Any

import discord

from bot.discord_app import internals, routing
from bot.discord_app.http_response import answered_in_body, answers_in_body
from bot.discord_app.incoming import Incoming
from bot.discord_app.internals import Upload
from bot.discord_app.render import DiscordMessage
from bot.figures import Drawn
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
    if message.attachments or edit:
        # An edit lists the attachments to keep: a picture the new reply lacks goes away.
        data["attachments"] = message.attachments_json()
    if message.ephemeral and not edit:
        data["flags"] = EPHEMERAL
    return data


def uploads(message: DiscordMessage, drawn: Sequence[Drawn]) -> list[Upload]:
    """The files of the message's attachments, in their order (`files[0]`, `files[1]`…)."""
    by_figure = {id(d.figure): d for d in drawn}
    files = []
    for a in message.attachments:
        if a.document is not None:  # the reply's own bytes
            files.append(Upload(a.filename, a.document.data, a.document.media_type))
        elif id(a.figure) in by_figure:
            drawn_one = by_figure[id(a.figure)]
            files.append(Upload(a.filename, drawn_one.data, drawn_one.media_type))
    return files


async def answer(
    http: discord.http.HTTPClient,
    interaction: Incoming,
    message: DiscordMessage,
    files: Sequence[Upload],
    *,
    edit: bool,
) -> None:
    """A new message (type 4) or the edit of the one a button sits on (type 7), with its
    pictures. In HTTP mode the first answer is the body of Discord's request, which cannot
    carry files (Discord fails the interaction): there the words go first, in the body, and
    the pictures follow at once as an edit of `@original`, files and all."""
    kind = UPDATE_MESSAGE if edit else CHANNEL_MESSAGE
    if files and answers_in_body(interaction.id):
        words = message_data(message.without_pictures(), edit=edit)
        words.pop("attachments", None)  # an edited message keeps its picture until the next
        await callback(http, interaction, kind, words)
        await edit_original(http, interaction, message_data(message, edit=True), files)
        return
    await callback(http, interaction, kind, message_data(message, edit=edit), files)


async def callback(
    http: discord.http.HTTPClient,
    interaction: Incoming,
    kind: int,
    data: JSON | None = None,
    files: Sequence[Upload] = (),
) -> None:
    """The interaction's one callback (`POST /interactions/{id}/{token}/callback`, multipart
    when it has files), or in HTTP mode the body of the HTTP response (http_response.py)."""
    payload: JSON = {"type": kind} if data is None else {"type": kind, "data": data}
    if not files and await answered_in_body(interaction.id, payload):
        return
    await internals.create_interaction_response(
        http, interaction.id, interaction.token, payload, files
    )


async def edit_original(
    http: discord.http.HTTPClient,
    interaction: Incoming,
    data: JSON,
    files: Sequence[Upload] = (),
) -> None:
    """Replace the message a deferred callback left loading, or the one a button sits on
    (`PATCH …/messages/@original`, multipart when it has files)."""
    await internals.edit_original_response(
        http, interaction.application_id, interaction.token, data, files
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
