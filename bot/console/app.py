"""The console loop: a prompt with history on a terminal, one command per line from a pipe.

While it runs, a sweeper delivers the console's due jobs (challenge reveals, time's-up nudges,
daily drills) between the replies; `:wait SECONDS` lets a script pause while they fall due.

Started with a stepped clock (`rungs console --start-at INSTANT`), the console's time stands
still but for `:wait`, which moves it on at once and delivers what fell due by then: a script's
output is the same on every run, and it takes no real time (the tests drive it so).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import math
import signal
import sys
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, assert_never

from bot.console.directives import console_help, directive_help, usage_reminder
from bot.console.documents import DocumentFolder
from bot.console.images import ImageFolder
from bot.console.lines import FormText, Gathered, Line, LineGatherer, Opened
from bot.console.render import render, render_delivery
from bot.console.wrap import Width, no_wrap
from bot.stopping import until_stopped
from engine.commands.incoming import Options, Typed
from engine.ports import Clock, FixedClock
from engine.replies import Buttons, Reply
from engine.scheduling import Delivery, node_id
from engine.tutor import Actor, Tutor

if TYPE_CHECKING:
    from prompt_toolkit import PromptSession

    from bot.console.history import PrivateHistory

log = logging.getLogger(__name__)

PLATFORM = "console"
WORKSPACE = "local"
MAX_WAIT_S = 3_600


@dataclass(frozen=True, slots=True)
class Speaker:
    user: str
    channel: str | None

    def actor(self) -> Actor:
        # Whoever sits at the console is the admin of its channels.
        return Actor(PLATFORM, WORKSPACE, self.user, self.user, self.channel, is_admin=True)


class Console:
    """Feeds lines to the Tutor and prints each reply followed by a blank line."""

    def __init__(
        self,
        tutor: Tutor,
        clock: Clock,
        speaker: Speaker,
        out: TextIO,
        images: ImageFolder | None = None,
        *,
        pictures: bool | None = None,
        documents: DocumentFolder | None = None,
        width: Width = no_wrap,
    ) -> None:
        self._tutor = tutor
        self._clock = clock
        self.speaker = speaker
        self._out = out
        self._images = images  # None: text only, as without --images
        self._documents = documents  # None: a reply's files are not written (and it says so)
        # Whether replies should carry pictures at all (to be written, or drawn by `press`):
        # without, the Tutor builds none.
        self._pictures = images is not None if pictures is None else pictures
        self._width = width  # the terminal's width when a reply prints (None: do not fold)
        self._lines = LineGatherer()
        self._sweep: Callable[[], Awaitable[int]] | None = None  # set by `serve`
        self._next_due: Callable[[], Awaitable[datetime | None]] | None = None  # likewise
        self._buttons: dict[str, str] = {}  # the last scheduled post's, by label: for `:press`
        self._labels: list[str] = []  # the same buttons' labels, as shown
        self._posted_in: str | None = None  # the channel of that post: a button acts there

    @property
    def stepped(self) -> FixedClock | None:
        """The stepped clock the console runs on, if it does: time moves only with `:wait`."""
        return self._clock if isinstance(self._clock, FixedClock) else None

    @property
    def tutor(self) -> Tutor:
        return self._tutor

    @property
    def waiting_for_more(self) -> bool:
        """A continued line or a form's text is open: the next line belongs to it."""
        return self._lines.waiting

    def prompt(self) -> str:
        """`alice@#study> `, or `... ` while a line or a form's text goes on."""
        if self._lines.in_form:
            return "... (blank line to send) "
        if self._lines.waiting:
            return "... "
        where = f"#{self.speaker.channel}" if self.speaker.channel else "~"
        return f"{self.speaker.user}@{where}> "

    async def handle_line(self, line: str) -> Reply | None:
        """Take one line as read; returns the Tutor's reply once a command is complete (None
        for blanks, comments, `:` lines, and lines that a later line completes)."""
        return await self._handle(self._lines.feed(line))

    async def finish(self) -> Reply | None:
        """The end of input: send what a last line left open (a form's text, a continuation)."""
        return await self._handle(self._lines.close())

    async def _handle(self, gathered: Gathered) -> Reply | None:
        match gathered:
            case None:
                return None
            case Opened(command):
                self.emit(f"(/{command}: type your text; a blank line sends it)")
                return None
            case FormText(command, option, text):
                if not text.strip():
                    self.emit(f"(nothing sent: the /{command} text was empty)")
                    return None
                return await self._answer(Options(command, None, {option: text}))
            case Line(text):
                return await self._command(text)
            case _:
                assert_never(gathered)

    async def _command(self, text: str) -> Reply | None:
        if not text or text.startswith("#"):
            return None
        if text.startswith(":wait"):
            await self._wait(text.removeprefix(":wait").strip())
            return None
        if text.startswith(":press"):
            return await self._press(text.removeprefix(":press").strip())
        if text.startswith(":"):
            self.emit(self._meta(text))
            return None
        words = text.split()
        is_help = words[0].removeprefix("/").lower() == "help"
        if is_help and len(words) == 2 and words[1].startswith(":"):
            self.emit(directive_help(words[1]))  # `/help :wait`: a line of the console's own
            return None
        # Under /help, in the same reply: the lines only the console has.
        return await self._answer(
            Typed(text), console_help() if is_help and len(words) == 1 else ""
        )

    async def _answer(self, incoming: Typed | Options, more: str = "") -> Reply:
        reply = await self._tutor.handle(self._actor(), incoming)
        pictures = await self._images.write(reply) if self._images is not None else []
        text = render(reply, self._clock.now(), self._width())
        if more and not reply.is_error:
            text = f"{text}\n{more}"
        self.emit("\n".join([text, *pictures, *self._files(reply)]))
        return reply

    def _files(self, reply: Reply) -> list[str]:
        if not reply.documents:
            return []
        if self._documents is None:
            return ["! This console writes no files; run it as `rungs console` to get them."]
        try:
            return self._documents.write(reply)
        except OSError as exc:  # a full disk, a read-only folder: say so, lose nothing else
            return [f"! The file could not be written in {self._documents.folder}: {exc.strerror}."]

    async def _press(self, label: str) -> Reply | None:
        """`:press Snooze a day`: a button of the last scheduled post, pressed by whoever
        speaks now (a reminder's buttons then act only for the one it was sent to)."""
        action_id = self._buttons.get(label.lower())
        if action_id is None:
            if not self._buttons:
                self.emit("! No scheduled post with buttons has come yet.")
            else:
                listed = ", ".join(self._labels)
                self.emit(f"! The last scheduled post has no button {label[:40]!r}: {listed}.")
            return None
        # Pressed where the post is, as on a platform: a daily drill's Team challenge starts
        # in its channel, wherever the speaker is now.
        actor = replace(self._actor(), channel_id=self._posted_in or self.speaker.channel)
        reply = await self._tutor.handle_button(actor, action_id)
        self.emit(render(reply, self._clock.now(), self._width()))
        return reply

    async def press(self, action_id: str) -> Reply:
        """A button, as a platform would press it (the one-shot `rungs trace --gif`)."""
        return await self._tutor.handle_button(self._actor(), action_id)

    def _actor(self) -> Actor:
        return replace(self.speaker.actor(), shows_pictures=self._pictures)

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
        return usage_reminder()

    async def _wait(self, arg: str) -> None:
        """Pause reading while scheduled posts fall due (they print as they come)."""
        try:
            seconds = float(arg)
        except ValueError:
            seconds = math.nan
        if not 0 < seconds <= MAX_WAIT_S:  # also refuses nan
            self.emit(f"! :wait takes seconds, more than 0 and at most {MAX_WAIT_S}, like :wait 5")
            return
        self.emit(f"(waiting {arg}s)")
        stepped = self.stepped
        if stepped is None:
            await asyncio.sleep(seconds)
            return
        target = stepped.now() + timedelta(seconds=seconds)
        if self._sweep is None or self._next_due is None:
            stepped.set(target)
            return
        # Time moves on to each due instant in turn, so that what falls due during the wait
        # goes out on time, as it would on a running clock: a jump straight to the end would
        # post it "late, while Rungs was not running", and a reminder past midnight not at all.
        while (due := await self._next_due()) is not None and stepped.now() < due <= target:
            stepped.set(due)
            await self._sweep()
        stepped.set(target)
        await self._sweep()  # what fell due meanwhile prints now, before the next line

    async def deliver(self, delivery: Delivery) -> None:
        """Print a scheduled delivery: a marker line, then the reply."""
        self.emit(render_delivery(delivery, self._clock.now(), self._width()))
        pressable = [
            b
            for block in delivery.reply.blocks
            if isinstance(block, Buttons)
            for b in block.buttons
        ]
        if pressable:
            self._labels = [b.label for b in pressable]
            self._buttons = {b.label.lower(): b.action_id for b in pressable}
            self._posted_in = delivery.channel_id

    def emit(self, text: str) -> None:
        self._out.write(text + "\n\n")
        self._out.flush()

    def write_to(self, out: TextIO) -> None:
        self._out = out


def valid_name(name: str) -> bool:
    return 0 < len(name) <= 40 and all(ch.isalnum() or ch in "-_." for ch in name)


async def run_piped(console: Console, source: TextIO) -> None:
    """Read one command per line until the end of input, or until SIGTERM or SIGINT: the
    line in hand is finished first, then the console winds down as at the end of input
    (sweeper stopped, deferred saves written, store closed) and exits 0."""
    lines = _lines_of(source)
    stopped = asyncio.create_task(until_stopped())
    try:
        while not stopped.done():
            line = asyncio.create_task(lines.get())
            await asyncio.wait({line, stopped}, return_when=asyncio.FIRST_COMPLETED)
            if not line.done():
                line.cancel()
                return
            text = line.result()
            if isinstance(text, BaseException):
                raise text
            if text is None:
                await console.finish()  # what a last line left open (a form's text)
                return
            await console.handle_line(text)
    finally:
        stopped.cancel()


def _lines_of(source: TextIO) -> asyncio.Queue[str | BaseException | None]:
    """The lines of `source` as they come, read by a daemon thread (a blocked read must not
    keep a stopping process alive); None at the end, or the error that ended the reading."""
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str | BaseException | None] = asyncio.Queue()

    def read() -> None:
        end: BaseException | None = None
        try:
            for line in iter(source.readline, ""):
                loop.call_soon_threadsafe(lines.put_nowait, line)
        except Exception as exc:  # noqa: BLE001 - handed to the reading task, which raises it
            end = exc
        with contextlib.suppress(RuntimeError):  # the loop may be gone already
            loop.call_soon_threadsafe(lines.put_nowait, end)

    threading.Thread(target=read, name="console-stdin", daemon=True).start()
    return lines


async def run_interactive(console: Console, history: Path) -> None:
    """A prompt with line editing and history (prompt_toolkit), until Ctrl-D or `exit`."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.patch_stdout import patch_stdout

    from bot.console.complete import SpecCompleter
    from bot.console.history import PrivateHistory

    kept = PrivateHistory(history)
    session: PromptSession[str] = PromptSession(
        history=kept,  # 0600, and no free text (answers) kept
        completer=SpecCompleter(console.tutor.suggestions),
        complete_while_typing=False,  # Tab asks; typing alone never pops a menu up
    )
    console.emit(
        "Rungs: a system-design tutor. Try /trace GET /u/7 (twice), /cluster show, "
        "/learn, /help. Tab completes; Ctrl-D or exit to leave."
    )
    original = sys.stdout
    with patch_stdout():
        # Scheduled posts print while the prompt waits; through the patched stdout they
        # appear above it instead of over it.
        console.write_to(sys.stdout)
        try:
            await _prompt_loop(console, session, kept)
        finally:
            console.write_to(original)


async def _prompt_loop(
    console: Console, session: PromptSession[str], history: PrivateHistory
) -> None:
    """Prompt until Ctrl-D, `exit`, or SIGTERM (`kill`, a closing session manager): a line in
    hand is answered first, then the console winds down as after Ctrl-D (sweeper stopped,
    deferred saves written, store closed) and exits 0. Ctrl-C stays prompt_toolkit's: on a
    terminal it clears the line, as in a shell."""
    stopped = asyncio.create_task(until_stopped((signal.SIGTERM,)))
    try:
        while not stopped.done():
            asking = asyncio.ensure_future(session.prompt_async(console.prompt()))
            await asyncio.wait({asking, stopped}, return_when=asyncio.FIRST_COMPLETED)
            if not asking.done():
                asking.cancel()  # prompt_toolkit puts the terminal back as it leaves
                with contextlib.suppress(asyncio.CancelledError, EOFError, KeyboardInterrupt):
                    await asking
                return
            try:
                line = asking.result()
            except KeyboardInterrupt:
                continue
            except EOFError:
                await console.finish()
                return
            if not console.waiting_for_more and line.strip() in QUIT_WORDS:
                return
            await console.handle_line(line)
            history.handled(line)
    finally:
        stopped.cancel()


QUIT_WORDS = ("exit", "quit", ":quit", ":exit")
Runner = Callable[[Console], Awaitable[None]]


async def serve(console: Console, tutor: Tutor, runner: Runner) -> None:
    """Run the console with a sweeper beside it. Start-up first delivers what fell due while
    nothing ran; at the end (Ctrl-D, or the end of a piped script) the sweeper stops, and jobs
    still to come stay in the store for the next start. On a stepped clock nothing falls due
    between `:wait`s, so there is no sweeper in the background: each `:wait` sweeps."""
    sweeper = tutor.sweeper(PLATFORM, node_id(), console.deliver)
    try:
        await sweeper.sweep_once()
    except Exception:  # a busy or broken database must not keep the console from starting
        log.exception("the start-up sweep failed; the sweeper will try again")
    if console.stepped is not None:
        console._sweep = sweeper.sweep_once
        console._next_due = sweeper.next_due
        await runner(console)
        return
    async with sweeper.running():
        await runner(console)


def choose_runner(history: Path) -> Runner:
    if sys.stdin.isatty() and sys.stdout.isatty():
        return lambda console: run_interactive(console, history)
    return lambda console: run_piped(console, tolerant(sys.stdin))


def tolerant(source: TextIO) -> TextIO:
    """A piped stdin that reads an invalid byte as U+FFFD instead of raising: one bad byte in
    a script must not end the run before the replies already due are printed (the line with
    it gets its own answer, as any line does)."""
    if isinstance(source, io.TextIOWrapper):
        source.reconfigure(errors="replace")
    return source
