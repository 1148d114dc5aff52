"""Running the real Rungs Slack app against the fake Slack, as `rungs slack` builds it."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, web
from fakes.fake_slack import FakeSlack

from bot.health import HEALTH_PATH
from bot.settings import Settings
from bot.slack_app.admins import AdminCheck
from bot.slack_app.app import build_app
from bot.slack_app.responses import ResponseSender
from bot.slack_app.run import EVENTS_PATH, http_app, sweeper_for, web_client
from engine.content.loader import Content
from engine.ports import Clock, SystemClock
from engine.storage.sqlite import SqliteStore
from engine.tutor import Tutor

RUNGS = Path(sys.executable).parent / "rungs"
JSON = dict[str, Any]


def settings_for(fake: FakeSlack, db: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{db}",
        slack_api_url=fake.api_url,
        slack_bot_token=fake.bot_token,
        slack_app_token=fake.app_token,
        slack_signing_secret=fake.signing_secret,
    )


@dataclass
class Replica:
    url: str  # where Slack sends requests: http://127.0.0.1:PORT/slack/events
    store: SqliteStore


@asynccontextmanager
async def http_replica(
    fake: FakeSlack,
    db: Path,
    content: Content,
    clock: Clock | None = None,
    admins: frozenset[str] = frozenset(),
) -> AsyncIterator[Replica]:
    """One `rungs slack --http` replica in this process, sweeper included: the same pieces
    run.py assembles."""
    clock = clock or SystemClock()
    settings = settings_for(fake, db)
    store = await SqliteStore.open(db)
    client = web_client(settings, fake.bot_token)
    responses = ResponseSender()
    tutor = Tutor(store, content, clock)
    app = build_app(tutor, clock, client, fake.signing_secret, responses, AdminCheck(admins))
    runner = web.AppRunner(http_app(app.web_app(path=EVENTS_PATH), tutor.ready), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with sweeper_for(tutor, client, clock).running():
            yield Replica(f"http://127.0.0.1:{port}{EVENTS_PATH}", store)
    finally:
        await runner.cleanup()
        await responses.close()
        await store.close()


def rungs_env(fake: FakeSlack, db: Path, **credentials: str) -> dict[str, str]:
    """The environment of a `rungs slack` process: this one's, minus any Slack or Rungs
    setting of the developer's shell, pointed at the fake, with the bot token and
    `credentials` (the others a mode needs, or wrong ones)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "RUNGS_"))}
    return env | {
        "SLACK_BOT_TOKEN": fake.bot_token,
        "RUNGS_SLACK_API_URL": fake.api_url,
        "RUNGS_DATABASE_URL": f"sqlite:///{db}",
        **credentials,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def rungs_process(fake: FakeSlack, db: Path, *args: str) -> AsyncIterator[str]:
    """The documented command, `rungs slack --http --port N`, as a real process; yields its
    events URL once its health check answers."""
    port = free_port()
    env = rungs_env(fake, db, SLACK_SIGNING_SECRET=fake.signing_secret)
    process = await asyncio.create_subprocess_exec(
        str(RUNGS),
        "slack",
        "--http",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *args,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        await until_healthy(base + HEALTH_PATH, process)
        yield base + EVENTS_PATH
    finally:
        if process.returncode is None:
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 10)
        finally:
            if process.returncode is None:  # never leave a server behind
                process.kill()
                await process.wait()


async def until_healthy(url: str, process: asyncio.subprocess.Process) -> None:
    async with ClientSession() as session:
        for _ in range(200):
            if process.returncode is not None:
                error = await process.stderr.read() if process.stderr else b""
                raise RuntimeError(f"rungs slack exited: {error.decode()[-800:]}")
            try:
                async with session.get(url) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            await asyncio.sleep(0.05)
    raise RuntimeError("rungs slack did not become healthy in 10 s")


def texts(message: JSON | None) -> str:
    """Everything readable in a message or view: its fallback and every text in its blocks."""
    if message is None:
        return ""
    found: list[str] = [str(message.get("text", ""))]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.get("blocks", []))
    return "\n".join(found)


def button_values(message: JSON) -> list[str]:
    return [
        element["value"]
        for block in message.get("blocks", [])
        if block.get("type") == "actions"
        for element in block["elements"]
    ]


def action_id_for(message: JSON, engine_prefix: str) -> str:
    """The action id of the first button whose engine id starts with `engine_prefix`."""
    for block in message.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if str(element.get("value", "")).startswith(engine_prefix):
                return str(element["action_id"])
    raise LookupError(f"no button {engine_prefix}… in {button_values(message)}")
