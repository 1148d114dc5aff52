"""The few private parts of discord.py Rungs uses are checked before the bot connects: a release
that moved one stops start-up with a message naming it, instead of failing every interaction."""

from __future__ import annotations

from typing import Any

import pytest
from discord.http import Route
from discord.webhook.async_ import AsyncWebhookAdapter

from bot.discord_app import internals
from bot.discord_app.run import point_at
from bot.runtime import StartupError
from bot.settings import Settings


def test_the_installed_discord_py_has_everything_rungs_uses() -> None:
    internals.check()  # raises if not


def test_a_moved_webhook_method_stops_start_up_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    async def renamed(self: Any, interaction_id: int, token: str, *, body: Any) -> None:
        return None

    monkeypatch.setattr(AsyncWebhookAdapter, "create_interaction_response", renamed)

    with pytest.raises(StartupError) as refused:
        point_at(Settings())

    message = str(refused.value)
    assert "AsyncWebhookAdapter.create_interaction_response" in message
    assert "pip install 'discord.py>=2.6,<2.8'" in message


def test_a_missing_class_attribute_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(Route, "BASE")

    with pytest.raises(internals.InternalsMovedError, match=r"discord\.http\.Route\.BASE"):
        internals.check()
