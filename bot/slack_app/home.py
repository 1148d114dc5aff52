"""The App Home tab: the user's progress, the reviews due and a Start drill button."""

from __future__ import annotations

from typing import Any

from bot.slack_app.render import SlackMessage
from engine.commands import buttons

HOME_BLOCK_LIMIT = 100  # Slack's limit for a Home tab
_START_BLOCKS = 3


def home_view(progress: SlackMessage) -> dict[str, Any]:
    """The progress reply's own blocks (it lists reviews due) under a header and the buttons."""
    start = [
        {"type": "header", "text": {"type": "plain_text", "text": "Rungs: your practice"}},
        {
            "type": "actions",
            "block_id": "home-start",
            "elements": [
                _button("Start a drill", buttons.drill_start("random"), primary=True),
                _button("Review what is due", buttons.drill_start("due")),
            ],
        },
        {"type": "divider"},
    ]
    room = HOME_BLOCK_LIMIT - _START_BLOCKS
    return {"type": "home", "blocks": start + progress.blocks[:room]}


def _button(text: str, engine_id: str, primary: bool = False) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": engine_id,
        "value": engine_id,
    }
    if primary:
        button["style"] = "primary"
    return button
