"""/export on Discord, end to end: the real client sends the export as a JSON file on an
ephemeral answer (multipart: `payload_json` and `files[0]`), which the fake keeps; only the
caller sees it; its bytes are the stored rows, their answer among them. A slow export defers
and the edit carries the file."""

from __future__ import annotations

import json

import pytest

pytest.importorskip(
    "discord.app_commands", reason="discord.py (the discord extra) is not installed"
)

from discord_harness import Bot, text_of
from fakes.fake_discord import FakeDiscord

from bot.discord_app import client as client_module

EPHEMERAL = 1 << 6
SKETCH = "scale up first, then out behind a load balancer, sessions in redis"


async def answer_a_drill(fake: FakeDiscord, guild: str) -> None:
    for name, options in (("drill", {"which": "a-cpu-at-80"}), ("answer", {"text": SKETCH})):
        done = await fake.dispatch_interaction(fake.slash(name, options, guild_id=guild))
        reply = await fake.wait_for_callback(done)
        assert reply.status == 200, reply.response


async def test_the_export_is_an_ephemeral_json_file(fake: FakeDiscord, bot: Bot) -> None:
    guild = fake.guilds[0].id
    await answer_a_drill(fake, guild)
    interaction = await fake.dispatch_interaction(fake.slash("export", guild_id=guild))
    reply = await fake.wait_for_callback(interaction)
    assert reply.status == 200, reply.response
    assert reply.message is not None
    assert reply.message["flags"] & EPHEMERAL  # only the caller sees it, file and all
    (call,) = [c for c in fake.calls.items if c.path.endswith("/callback")][-1:]
    (upload,) = call.files
    assert upload.content_type == "application/json"
    (attachment,) = reply.message["attachments"]
    assert attachment["filename"] == upload.filename
    assert attachment["filename"].startswith("rungs-export-discord-")
    doc = json.loads(fake.files[attachment["id"]])
    (session,) = doc["yours"]["drill_sessions"]
    assert session["answer"] == SKETCH
    assert "/forget-me" in text_of(reply.message)


async def test_a_slow_export_defers_and_the_edit_carries_the_file(
    fake: FakeDiscord, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client_module, "DEFER_AFTER_S", 0.0)
    interaction = await fake.dispatch_interaction(fake.slash("export"))
    deferred = await fake.wait_for_callback(interaction)
    assert deferred.type == 5
    edit = await fake.wait_for_webhook(interaction, method="PATCH")
    assert edit.status == 200, edit.response
    (upload,) = edit.files
    assert upload.filename.endswith(".json")
    doc = json.loads(fake.files[edit.response["attachments"][0]["id"]])
    assert doc["yours"] == {}  # nothing stored yet about this user
