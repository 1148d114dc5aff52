"""A reply with its picture, end to end through Discord (part of bench/pictures.py).

The real `RungsDiscord` client over a Tutor on a SQLite file, against the fake Discord of the
tests in this process, one interaction at a time (a closed loop: each figure is one reply's
own time, not a queue's). The figure is the fake's `elapsed` of the answer that carries the
message: from dispatching INTERACTION_CREATE to the bot's callback reaching the fake, the
multipart upload of the picture included (drawn in a worker thread inside Discord's 3-s
deadline). Words only is the same bot with `/settings images=off`: the path of a reply before
pictures, plus one settings read. Also the stored trace document with and without its picture
description (the bytes are never stored).
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
from benchkit import check, info, percentile
from fake_discord import FakeDiscord

from bot.discord_app.client import RungsDiscord
from bot.discord_app.run import point_at
from bot.settings import Settings
from engine.content.loader import Content
from engine.ports import SystemClock
from engine.storage.sqlite import SqliteStore
from engine.tutor import Tutor

DEADLINE_MS = 3_000.0
JSON = dict[str, Any]


@dataclass
class Figures:
    words: list[float]
    picture: list[float]
    frame: list[float]
    animation: list[float]
    png_bytes: list[int]
    gif_bytes: list[int]


async def _bot(fake: FakeDiscord, db: Path, content: Content) -> tuple[RungsDiscord, Any]:
    clock = SystemClock()
    store = await SqliteStore.open(db)
    client = RungsDiscord(Tutor(store, content, clock), clock, shard_count=1)
    client.guild_ready_timeout = 0.1  # type: ignore[attr-defined]

    async def no_wait(shard_id: int | None, *, initial: bool = False) -> None:
        return None

    client.before_identify_hook = no_wait  # type: ignore[method-assign]
    await client.login(fake.token)
    task = asyncio.create_task(client.connect(reconnect=False))
    await asyncio.wait_for(client.wait_until_ready(), 10)
    return client, (task, store)


async def _answer(fake: FakeDiscord, payload: JSON) -> tuple[float, JSON]:
    """Dispatch one interaction; (ms until its message arrived, the stored message)."""
    interaction = await fake.dispatch_interaction(payload)
    callback = await fake.wait_for_callback(interaction, timeout=10)
    if callback.status >= 300 or callback.message is None:
        raise RuntimeError(f"interaction refused: {callback.status} {callback.response}")
    return callback.elapsed * 1000, callback.message


def _button(message: JSON, label: str) -> str:
    for row in message.get("components", []):
        for button in row.get("components", []):
            if button.get("label") == label:
                return str(button["custom_id"])
    raise LookupError(label)


async def measure(content: Content, repeats: int) -> Figures:
    async with FakeDiscord(guilds=1) as fake:
        point_at(
            Settings(discord_api_base=fake.base_url, discord_gateway_url=str(fake.gateway_url))
        )
        with tempfile.TemporaryDirectory() as folder:
            client, (task, store) = await _bot(fake, Path(folder) / "bench.db", content)
            try:
                return await _rounds(fake, repeats)
            finally:
                await client.close()
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
                await store.close()


async def _rounds(fake: FakeDiscord, repeats: int) -> Figures:
    guild = fake.guilds[0].id
    figures = Figures([], [], [], [], [], [])
    trace: Callable[[int], JSON] = lambda k: fake.slash(  # noqa: E731
        "trace", {"method": "GET", "path": f"/u/{k}"}, guild_id=guild
    )
    await _answer(fake, trace(0))  # warm: fonts, Pillow, the first connections
    for n in range(1, repeats + 1):
        ms, message = await _answer(fake, trace(n))
        figures.picture.append(ms)
        figures.png_bytes.append(message["attachments"][0]["size"])
        ms, message = await _answer(fake, fake.button(_button(message, "Next"), message))
        figures.frame.append(ms)
        ms, message = await _answer(fake, fake.button(_button(message, "Animation"), message))
        figures.animation.append(ms)
        figures.gif_bytes.append(message["attachments"][0]["size"])
    await _answer(fake, fake.slash("settings", {"images": "off"}, guild_id=guild))
    for n in range(1, repeats + 1):
        ms, message = await _answer(fake, trace(n))
        if message["attachments"]:
            raise RuntimeError("images=off still attached a picture")
        figures.words.append(ms)
    return figures


def stored_sizes(content: Content) -> tuple[int, int]:
    """The stored document of a cold GET /u/7 trace: without, and with its picture."""
    from engine.pictures.from_cluster import trace_animation
    from engine.sim.request import Method, Request
    from engine.sim.state import new_cluster
    from engine.sim.trace import run_request
    from engine.tutor import trace_codec
    from engine.tutor.presenters.traces import trace_block

    state = new_cluster()
    traced = run_request(state, Request(Method.GET, "/u/7"), "alice", content.latencies)
    block = trace_block(traced)
    animation = trace_animation(state, traced, content.latencies)
    words = trace_codec.encode(trace_codec.KeptTrace(block))
    pictured = trace_codec.encode(trace_codec.KeptTrace(block, animation))
    return len(words.encode()), len(pictured.encode())


def report(content: Content, repeats: int) -> None:
    logging.getLogger("discord").setLevel(logging.ERROR)
    discord.utils.setup_logging(level=logging.ERROR)
    found = asyncio.run(measure(content, repeats))
    words = statistics.median(found.words)
    rows = (
        ("/trace, words only (images=off)", found.words),
        ("/trace with its PNG attached", found.picture),
        ("Next: the step's frame (PNG)", found.frame),
        ("Animation: the 11-frame GIF", found.animation),
    )
    for label, times in rows:
        p50 = statistics.median(times)
        ratio = f" ({p50 / words:.1f}x words only)" if times is not found.words else ""
        worst = max(times)
        check(
            f"{label}: p50",
            f"{p50:.0f} ms{ratio}",
            f"max < {DEADLINE_MS:.0f} ms",
            worst < DEADLINE_MS,
        )
        info(f"  {label}: p90, max", f"{percentile(times, 90):.0f} ms, {worst:.0f} ms")
    info("uploaded: trace PNG, GIF (median)", f"{statistics.median(found.png_bytes) / 1024:.0f} "
         f"KiB, {statistics.median(found.gif_bytes) / 1024:.0f} KiB")  # fmt: skip
    without, with_picture = stored_sizes(content)
    info("stored trace document: words, with picture", f"{without} B, {with_picture} B")
