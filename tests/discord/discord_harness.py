"""Running the real Rungs Discord bot against the fake Discord: in this process (`start_bot`) or
as `rungs discord` processes started with the documented command and settings
(`rungs_discord`), and reading what it answered."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fakes.fake_discord import Callback, FakeDiscord

from bot.discord_app.client import RungsDiscord
from engine.content.loader import Content
from engine.ports import Clock, SystemClock
from engine.storage.sqlite import SqliteStore
from engine.tutor import Tutor

JSON = dict[str, Any]
EPHEMERAL = 1 << 6
RUNGS = Path(sys.executable).parent / "rungs"
START_TIMEOUT_S = 30.0  # a process imports discord.py and loads the content first


@dataclass
class Bot:
    client: RungsDiscord
    tutor: Tutor
    store: SqliteStore
    task: asyncio.Task[None]

    async def stop(self) -> None:
        await self.client.close()
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
        await self.tutor.saved()  # as `rungs discord` does before it closes the store
        await self.store.close()


async def start_bot(
    fake: FakeDiscord, db: Path, content: Content, clock: Clock | None = None
) -> Bot:
    """The real client in this process, started as `rungs discord` starts it, minus the waits
    that only slow a test down (the 2-s guild-ready delay, the identify pause)."""
    clock = clock or SystemClock()
    store = await SqliteStore.open(db)
    tutor = Tutor(store, content, clock)
    client = RungsDiscord(tutor, clock, shard_count=1, guild_ready_timeout=0.1)

    async def no_wait(shard_id: int | None, *, initial: bool = False) -> None:
        return None

    client.before_identify_hook = no_wait  # type: ignore[method-assign]
    await client.login(fake.token)
    task = asyncio.create_task(client.connect(reconnect=False))
    await asyncio.wait_for(client.wait_until_ready(), 10)
    return Bot(client, tutor, store, task)


@asynccontextmanager
async def rungs_discord(
    fake: FakeDiscord, db: Path, shard_count: int, shard_ids: list[int], **settings: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`rungs discord --shard-count N --shard-ids i,j` as a real process on `db`, pointed at the
    fake by its settings; yields once each of its shards holds a gateway session."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "RUNGS_"))}
    env |= {
        "DISCORD_TOKEN": fake.token,
        "RUNGS_DISCORD_API_BASE": fake.base_url,
        "RUNGS_DISCORD_GATEWAY_URL": str(fake.gateway_url),
        "RUNGS_DATABASE_URL": f"sqlite:///{db}",
        **settings,  # more settings (RUNGS_JOB_LEASE_S, another RUNGS_DATABASE_URL)
    }
    ids = ",".join(str(i) for i in shard_ids)
    log = db.parent / f"rungs-discord-{shard_count}-{ids}-{secrets.token_hex(2)}.log"
    with log.open("wb") as stderr:  # a file, not a pipe: a chatty process never blocks on it
        process = await asyncio.create_subprocess_exec(
            str(RUNGS),
            "discord",
            "--shard-count",
            str(shard_count),
            "--shard-ids",
            ids,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        await _until_connected(fake, process, {(i, shard_count) for i in shard_ids}, log)
        yield process
    finally:
        if process.returncode is None:
            process.terminate()
        await asyncio.wait_for(process.wait(), 10)


async def _until_connected(
    fake: FakeDiscord,
    process: asyncio.subprocess.Process,
    shards: set[tuple[int, int]],
    log: Path,
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_TIMEOUT_S
    while not shards <= set(fake.live_shards()):
        if process.returncode is not None:
            raise RuntimeError(f"rungs discord exited: {_tail(log)}")
        if loop.time() > deadline:
            raise TimeoutError(f"shards {sorted(shards)} did not connect: {_tail(log)}")
        await asyncio.sleep(0.05)


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-800:]


def buttons_of(message: JSON) -> dict[str, str]:
    return {
        c["label"]: c["custom_id"]
        for row in message.get("components", [])
        for c in row.get("components", [])
    }


def text_of(data: JSON) -> str:
    parts = [data.get("content") or ""]
    for embed in data.get("embeds", []):
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']} {f['value']}" for f in embed.get("fields", [])]
        parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(parts)


async def press(fake: FakeDiscord, label: str, message: JSON, **where: Any) -> Callback:
    """Click the button labelled `label` on a stored message; returns the bot's callback."""
    interaction = await fake.dispatch_interaction(
        fake.button(buttons_of(message)[label], message, **where)
    )
    return await fake.wait_for_callback(interaction)
