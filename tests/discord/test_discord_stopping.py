"""`rungs discord` as a real process: SIGTERM (what `docker stop` sends) and SIGINT wind it down
and exit 0; an unreachable Discord or Slack API at start-up is one clear line and exit 2, not a
traceback. Also `rungs slack`, whose start-up asks Slack first."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("discord", reason="discord.py (the discord extra) is not installed")

from discord_harness import rungs_discord
from fakes.fake_discord import FakeDiscord

RUNGS = Path(sys.executable).parent / "rungs"


def dead_address() -> str:
    """An address on loopback where nothing listens (a port just bound and released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_a_stop_signal_ends_the_bot_cleanly(
    fake: FakeDiscord, tmp_path: Path, sig: signal.Signals
) -> None:
    async with rungs_discord(fake, tmp_path / "bot.db", 1, [0]) as process:
        process.send_signal(sig)
        code = await asyncio.wait_for(process.wait(), 20)
    assert code == 0
    logs = read_logs(tmp_path)
    assert "Traceback" not in logs, logs[-2000:]


def read_logs(folder: Path) -> str:
    return "".join(p.read_text() for p in folder.glob("rungs-discord-*.log"))


def start_up(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_"))}
    clean = {k: v for k, v in clean.items() if not k.startswith("RUNGS_")}
    return subprocess.run(
        [str(RUNGS), *args], env=clean | env, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip


def test_an_unreachable_discord_is_one_line_and_a_failure(tmp_path: Path) -> None:
    api = dead_address() + "/api/v10"
    done = start_up(
        "discord",
        DISCORD_TOKEN="fake.token.value",
        RUNGS_DISCORD_API_BASE=api,
        RUNGS_DATABASE_URL=f"sqlite:///{tmp_path / 'r.db'}",
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    line = done.stderr.strip().splitlines()[-1]  # after discord.py's own start-up warnings
    assert line.startswith(f"rungs: cannot reach Discord at {api}"), line
    assert "fake.token.value" not in done.stderr


def test_an_unreachable_slack_is_one_line_and_a_failure(tmp_path: Path) -> None:
    pytest.importorskip("slack_bolt", reason="slack-bolt (the slack extra) is not installed")
    api = dead_address() + "/api/"
    done = start_up(
        "slack",
        "--http",
        SLACK_BOT_TOKEN="xoxb-0-fake",
        SLACK_SIGNING_SECRET="s3cret",
        RUNGS_SLACK_API_URL=api,
        RUNGS_DATABASE_URL=f"sqlite:///{tmp_path / 'r.db'}",
    )
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.strip().splitlines()  # the one line
    assert line.startswith(f"rungs: cannot reach Slack at {api}"), line


async def test_sigterm_after_commands_keeps_their_saves_and_a_debug_log_keeps_secrets(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    """Traces answered just before the signal are in the database after it (each is saved once
    its reply is out: the stop waits for those saves), and the DEBUG log holds neither the bot
    token nor an interaction's token."""
    db = tmp_path / "bot.db"
    async with rungs_discord(fake, db, 1, [0], RUNGS_LOG_LEVEL="DEBUG") as process:
        tokens = [fake.token]
        for key in range(5):
            slash = fake.slash("trace", {"method": "GET", "path": f"/u/{key}"})
            interaction = await fake.dispatch_interaction(slash)
            tokens.append(fake.interactions[interaction].token)
            answered = await fake.wait_for_callback(interaction, timeout=10)
            assert answered.status == 200
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), 20)
    assert code == 0
    with sqlite3.connect(db) as saved:
        assert saved.execute("SELECT count(*) FROM traces").fetchone() == (5,)
    logs = read_logs(tmp_path)
    assert " DEBUG " in logs
    assert [token for token in tokens if token in logs] == []
