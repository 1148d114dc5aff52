"""The answer form: a modal opened with the request's trigger_id, before any slow work (a
trigger_id lives about 3 seconds and works once)."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from engine.commands import buttons

ANSWER_CALLBACK = "r1:am"
SKETCH_BLOCK = "sketch"
SKETCH_ACTION = "sketch"
# Slack's plain-text input holds at most 3,000 characters; a longer sketch goes in more than
# one submission, which the Tutor appends (up to its own total limit).
SKETCH_LIMIT = 3000


def answer_view(channel_id: str | None, form: str) -> dict[str, Any]:
    """`form` is the engine id of what is answered (a drill, or a challenge): the submission
    hands it back, so any replica can route it."""
    return {
        "type": "modal",
        "callback_id": ANSWER_CALLBACK,
        "title": {"type": "plain_text", "text": "Your sketch"},
        "submit": {"type": "plain_text", "text": "Add to answer"},
        "close": {"type": "plain_text", "text": "Cancel"},
        # Where the modal was opened, so the reply goes back there (a submission has no channel).
        "private_metadata": json.dumps({"channel": channel_id, "form": form}),
        "blocks": [
            {
                "type": "input",
                "block_id": SKETCH_BLOCK,
                "label": {"type": "plain_text", "text": "Your answer"},
                "hint": {
                    "type": "plain_text",
                    "text": "Tiers, numbers, failure modes. Submit more than once for a longer "
                    "sketch; /reveal when you are done.",
                },
                "element": {
                    "type": "plain_text_input",
                    "action_id": SKETCH_ACTION,
                    "multiline": True,
                    "max_length": SKETCH_LIMIT,
                },
            }
        ],
    }


async def open_answer(
    client: AsyncWebClient, trigger_id: str, channel_id: str | None, form: str
) -> None:
    await client.views_open(trigger_id=trigger_id, view=answer_view(channel_id, form))


def submitted_text(view: dict[str, Any]) -> str:
    values = (view.get("state") or {}).get("values") or {}
    field = (values.get(SKETCH_BLOCK) or {}).get(SKETCH_ACTION) or {}
    return str(field.get("value") or "")


def channel_of(view: dict[str, Any]) -> str | None:
    return _metadata(view, "channel")


def form_of(view: dict[str, Any]) -> str:
    """The answered form's engine id; the personal drill's when the metadata has none."""
    return _metadata(view, "form") or buttons.drill_answer()


def _metadata(view: dict[str, Any], key: str) -> str | None:
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return None
    value = metadata.get(key) if isinstance(metadata, dict) else None
    return value if isinstance(value, str) else None
