"""The console loop: a prompt with history on a terminal, one command per line from a pipe."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from bot.console.render import render
from engine.ports import Clock
from engine.replies import Reply
from engine.tutor import Actor, Tutor

PLATFORM = "console"
WORKSPACE = "local"


@dataclass(frozen=True, slots=True)
class Speaker:
    user: str
    channel: str | None

    def actor(self) -> Actor:
        return Actor(PLATFORM, WORKSPACE, self.user, self.user, self.channel)


class Console:
    """Feeds lines to the Tutor and prints each reply followed by a blank line."""

    def __init__(self, tutor: Tutor, clock: Clock, speaker: Speaker, out: TextIO) -> None:
        self._tutor = tutor
        self._clock = clock
        self.speaker = speaker
        self._out = out

    async def handle_line(self, line: str) -> Reply | None:
        """Answer one line; returns the Tutor's reply (None for blanks, comments, `:` lines)."""
        text = line.strip()
        if not text or text.startswith("#"):
            return None
        if text.startswith(":"):
            self.emit(self._meta(text))
            return None
        reply = await self._tutor.handle_text(self.speaker.actor(), text)
        self.emit(render(reply, self._clock.now()))
        return reply

    def _meta(self, text: str) -> str:
        """`:user NAME` and `:channel [NAME]` switch who speaks and where."""
        word, _, arg = text[1:].partition(" ")
        arg = arg.strip()
        if word == "user" and valid_name(arg):
            self.speaker = replace(self.speaker, user=arg)
            return f"(now speaking as {arg})"
        if word == "channel" and (not arg or valid_name(arg)):
            self.speaker = replace(self.speaker, channel=arg or None)
            return f"(now in #{arg})" if arg else "(now in your own space)"
        return (
            "! Console lines: :user NAME, :channel NAME (or :channel alone for your own "
            "space). Names are 1-40 letters, digits, '-', '_' or '.'."
        )

    def emit(self, text: str) -> None:
        self._out.write(text + "\n\n")
        self._out.flush()


def valid_name(name: str) -> bool:
    return 0 < len(name) <= 40 and all(ch.isalnum() or ch in "-_." for ch in name)


async def run_piped(console: Console, source: TextIO) -> None:
    """Read one command per line until the end of input."""
    while True:
        line = await asyncio.to_thread(source.readline)
        if not line:
            return
        await console.handle_line(line)


async def run_interactive(console: Console, history: Path) -> None:
    """A prompt with line editing and history (prompt_toolkit), until Ctrl-D or `exit`."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory
    from prompt_toolkit.patch_stdout import patch_stdout

    history.parent.mkdir(parents=True, exist_ok=True)
    session: PromptSession[str] = PromptSession(history=FileHistory(str(history)))
    console.emit(
        "Rungs: a system-design tutor. Try /trace GET /u/7 (twice), /cluster show, "
        "/learn, /help. Ctrl-D or exit to leave."
    )
    with patch_stdout():
        while True:
            try:
                line = await session.prompt_async(_prompt(console.speaker))
            except KeyboardInterrupt:
                continue
            except EOFError:
                return
            if line.strip() in ("exit", "quit", ":quit", ":exit"):
                return
            await console.handle_line(line)


def _prompt(speaker: Speaker) -> str:
    where = f"#{speaker.channel}" if speaker.channel else "~"
    return f"{speaker.user}@{where}> "


Runner = Callable[[Console], Awaitable[None]]


def choose_runner(history: Path) -> Runner:
    if sys.stdin.isatty() and sys.stdout.isatty():
        return lambda console: run_interactive(console, history)
    return lambda console: run_piped(console, sys.stdin)
