"""The real `rungs discord` client (discord.py) against a local fake of Discord, over loopback:
slash commands, buttons, the answer modal, a restart, a slow handler, a double delivery and an
echo that must not ping."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

# "discord.app_commands", not "discord": without discord.py, this very folder (tests/discord)
# would be imported as a namespace package called discord.
pytest.importorskip(
    "discord.app_commands", reason="discord.py (the discord extra) is not installed"
)

from discord_harness import EPHEMERAL, Bot, buttons_of, press, start_bot, text_of
from fakes.fake_discord import FakeDiscord

from bot.settings import Settings
from engine.content.loader import Content


async def test_trace_replies_with_steps_and_next_edits_the_message(
    fake: FakeDiscord, bot: Bot
) -> None:
    guild = fake.guilds[0].id
    interaction = await fake.dispatch_interaction(
        fake.slash("trace", {"method": "GET", "path": "/u/7"}, guild_id=guild)
    )
    reply = await fake.wait_for_callback(interaction)
    assert reply.type == 4
    assert reply.elapsed < 3
    assert not reply.data.get("flags", 0) & EPHEMERAL  # the team sees the trace
    assert reply.data["allowed_mentions"] == {"parse": []}
    assert "1/11" in text_of(reply.data)
    assert set(buttons_of(reply.data)) >= {"Next", "All steps"}
    assert reply.message is not None
    step = await press(fake, "Next", reply.message)
    assert step.type == 7  # the message is edited in place
    assert "2/11" in text_of(step.data)
    # In a DM the trace is the caller's own.
    dm = await fake.dispatch_interaction(fake.slash("trace", {"method": "GET", "path": "/u/7"}))
    assert (await fake.wait_for_callback(dm)).data["flags"] & EPHEMERAL


async def test_drill_answer_modal_reveal_and_rating(fake: FakeDiscord, bot: Bot) -> None:
    interaction = await fake.dispatch_interaction(fake.slash("drill", {"which": "a-cpu-at-80"}))
    started = await fake.wait_for_callback(interaction)
    assert started.data["flags"] & EPHEMERAL
    assert started.message is not None
    opened = await press(fake, "Answer", started.message)
    assert opened.type == 9  # the modal
    modal = fake.modal_for(opened.interaction_id)
    sketch = "Profile first, then scale up to a bigger instance; later scale out behind an LB."
    submitted = await fake.dispatch_interaction(fake.modal_submit(modal, {"sketch": sketch}))
    added = await fake.wait_for_callback(submitted)
    assert "Added to your sketch" in text_of(added.data)
    revealed = await press(fake, "Reveal", started.message)
    assert "covered" in text_of(revealed.data)
    assert revealed.message is not None
    rated = await press(fake, "Good", revealed.message)
    assert "Next review" in text_of(rated.data)


async def test_an_old_button_works_after_a_restart(
    fake: FakeDiscord, tmp_path: Path, content: Content
) -> None:
    first = await start_bot(fake, tmp_path / "restart.db", content)
    interaction = await fake.dispatch_interaction(
        fake.slash("trace", {"method": "GET", "path": "/u/7"})
    )
    reply = await fake.wait_for_callback(interaction)
    await first.stop()
    second = await start_bot(fake, tmp_path / "restart.db", content)
    try:
        assert reply.message is not None
        step = await press(fake, "Next", reply.message)
        assert step.type == 7
        assert "2/11" in text_of(step.data)
    finally:
        await second.stop()


async def test_a_slow_command_is_deferred_in_time(
    fake: FakeDiscord, bot: Bot, tmp_path: Path
) -> None:
    locker = sqlite3.connect(tmp_path / "bot.db", isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")  # another writer holds the database for a while
    # A drill saves its session before it answers (a trace answers first, see below).
    interaction = await fake.dispatch_interaction(fake.slash("drill", {"which": "a-cpu-at-80"}))
    first = await fake.wait_for_callback(interaction)
    assert first.type == 5  # deferred within the 3 seconds
    assert first.elapsed < 3
    locker.execute("COMMIT")
    locker.close()
    edit = await fake.wait_for_webhook(interaction, method="PATCH", timeout=8)
    assert "Drill:" in text_of(edit.body)


async def test_a_trace_is_answered_before_its_cluster_is_saved(
    fake: FakeDiscord, bot: Bot, tmp_path: Path
) -> None:
    locker = sqlite3.connect(tmp_path / "bot.db", isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")  # the trace's save waits; its answer does not
    try:
        interaction = await fake.dispatch_interaction(
            fake.slash("trace", {"method": "GET", "path": "/u/9"})
        )
        reply = await fake.wait_for_callback(interaction, timeout=2)
        assert reply.type == 4
        assert "1/11" in text_of(reply.data)
    finally:
        locker.execute("COMMIT")
        locker.close()
    assert reply.message is not None
    step = await press(fake, "Next", reply.message)  # the trace was saved once the lock went
    assert "2/11" in text_of(step.data)


async def test_a_second_delivery_is_answered_once(fake: FakeDiscord, bot: Bot) -> None:
    interaction = await fake.dispatch_interaction(fake.slash("help"))
    await fake.wait_for_callback(interaction)
    await fake.redeliver(interaction)
    # The bot drops a duplicate before its first await; an interaction dispatched after it on
    # the same gateway is answered after that, so once it is, the duplicate has been handled.
    after = await fake.dispatch_interaction(fake.slash("help"))
    await fake.wait_for_callback(after)
    assert len(fake.callbacks_for(interaction)) == 1


async def test_typed_text_is_echoed_without_a_ping(fake: FakeDiscord, bot: Bot) -> None:
    interaction = await fake.dispatch_interaction(fake.slash("learn", {"topic": "@everyone"}))
    reply = await fake.wait_for_callback(interaction)
    assert reply.data["allowed_mentions"] == {"parse": []}
    assert "@everyone" not in text_of(reply.data)


async def test_drill_ids_and_topics_autocomplete(fake: FakeDiscord, bot: Bot) -> None:
    interaction = await fake.dispatch_interaction(
        fake.autocomplete("drill", {"which": "cach"}, focused="which")
    )
    reply = await fake.wait_for_callback(interaction)
    assert reply.type == 8
    names = [choice["value"] for choice in reply.data["choices"]]
    assert "e01-cache-invalidation" in names
    assert "e02-cache-stampede" in names
    assert all("cach" in name for name in names)


async def test_sync_registers_the_commands_generated_from_the_specs(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    from bot.discord_app.run import sync
    from engine.commands.specs import COMMANDS

    settings = Settings(
        discord_token=fake.token,
        discord_api_base=fake.base_url,
        discord_gateway_url=str(fake.gateway_url),
        database_url=f"sqlite:///{tmp_path / 'sync.db'}",
    )
    count = await sync(settings, None)
    assert count == len(COMMANDS)
    registered = {c["name"]: c for c in fake.commands[None]}
    assert set(registered) == {spec.name for spec in COMMANDS}
    cluster = {o["name"] for o in registered["cluster"]["options"]}
    assert cluster == {
        "show",
        "reset",
        "set",
        "kill",
        "revive",
        "slow",
        "wait",
        "add",
        "promote",
        "history",  # registered from the spec: no adapter edit for a new subcommand
        "undo",
    }


def test_rungs_discord_refuses_to_start_without_a_token(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    rungs = Path(sys.executable).parent / "rungs"
    env = {k: v for k, v in os.environ.items() if "DISCORD" not in k}
    done = subprocess.run(
        [str(rungs), "discord", "--db", str(tmp_path / "x.db")],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        check=False,
    )
    assert done.returncode == 2
    assert "DISCORD_TOKEN is not set" in done.stderr
    assert "Traceback" not in done.stderr
