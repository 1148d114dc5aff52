"""The `rungs` command line: console, trace, content check, the platforms, database operations."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from bot.console.app import Console, Speaker, choose_runner, serve, valid_name
from bot.console.documents import DocumentFolder
from bot.console.images import ImageFolder, write_one
from bot.console.wrap import Width, no_wrap, terminal_width
from bot.db_commands import add_db_parser, run_db
from bot.logs import setup_logging
from bot.runtime import StartupError, running_tutor
from bot.settings import Settings, data_dir
from engine.commands import buttons
from engine.ports import FixedClock
from engine.replies import TraceSteps
from engine.text.counts import count

log = logging.getLogger("rungs")
# What the extras bring: a ModuleNotFoundError naming one of them is a missing extra, not a bug.
DISCORD_EXTRA = ("discord", "yarl", "nacl", "prometheus_client")
SLACK_EXTRA = ("slack_bolt", "slack_sdk", "aiohttp", "prometheus_client")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["console", *(argv or [])])
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        print(f"rungs: bad setting: {problems}", file=sys.stderr)
        return 2
    for name in ("user", "channel"):
        value = getattr(args, name, None)
        if value is not None and not valid_name(value):
            print(f"rungs: --{name} takes 1-40 letters, digits, '-', '_' or '.'", file=sys.stderr)
            return 2
    if getattr(args, "db", None):
        settings = settings.model_copy(update={"database_url": f"sqlite:///{args.db}"})
    setup_logging(settings.log_level, settings.log_format)
    try:
        if args.command == "content":
            return _content_check(args.dir or settings.content_dir)
        if args.command == "trace":
            return asyncio.run(_one_shot(settings, args))
        if args.command == "discord":
            return asyncio.run(_discord(settings, args))
        if args.command == "slack":
            return _slack(settings, args)
        if args.command == "db":
            return run_db(settings, args)
        return asyncio.run(_console(settings, args))
    except KeyboardInterrupt:
        return 130
    except StartupError as exc:
        print(f"rungs: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rungs", description="A system-design scaling tutor.")
    parser.add_argument("--version", action=_Version, help="print the version and exit")
    commands = parser.add_subparsers(dest="command")
    _add_console(commands)
    trace = commands.add_parser("trace", help="trace one request, e.g. rungs trace GET /u/7")
    # One word or several, quoted or not: `rungs trace GET /u/7` and `rungs trace "GET /u/7"`.
    trace.add_argument("request", nargs="+", help="a request such as GET /u/7")
    _add_identity(trace)
    trace.add_argument("--png", type=Path, metavar="FILE", help="write the trace's picture here")
    trace.add_argument(
        "--gif", type=Path, metavar="FILE", help="write the trace's animation (a GIF) here"
    )
    discord_cmd = commands.add_parser("discord", help="run the Discord bot (DISCORD_TOKEN)")
    discord_cmd.add_argument(
        "action",
        nargs="?",
        choices=("run", "sync", "invite"),
        default="run",
        help="run (default), sync the slash commands, or print the invite link",
    )
    discord_cmd.add_argument("--guild", type=int, help="sync: register in one server only")
    discord_cmd.add_argument("--shard-count", type=int, help="total shards across all processes")
    discord_cmd.add_argument(
        "--shard-ids", type=_shard_ids, help="the shards this process runs, e.g. 0,1"
    )
    discord_cmd.add_argument("--db", type=Path, help="SQLite file (default: RUNGS_DATABASE_URL)")
    discord_cmd.add_argument(
        "--http", action="store_true", help="serve the interactions endpoint (DISCORD_PUBLIC_KEY)"
    )
    discord_cmd.add_argument("--port", type=int, default=8080, help="HTTP mode: port (8080)")
    discord_cmd.add_argument("--host", default="0.0.0.0", help="HTTP mode: address (0.0.0.0)")  # noqa: S104
    _add_slack(commands)
    add_db_parser(commands)
    content = commands.add_parser("content", help="content tools")
    content_commands = content.add_subparsers(dest="content_command", required=True)
    check = content_commands.add_parser("check", help="validate the content folder")
    check.add_argument("dir", nargs="?", type=Path, help="content folder (default: shipped)")
    return parser


class _Version(argparse.Action):
    """`rungs --version`. The version is looked up only when asked for: importlib.metadata
    costs start-up time that every other command would pay for nothing."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("rungs")
        except PackageNotFoundError:  # a source tree that was never installed
            found = "unknown (not installed)"
        print(f"rungs {found}")  # on standard output, as argparse's own version action does
        parser.exit()


def _add_slack(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    slack = commands.add_parser(
        "slack", help="run the Slack app: Socket Mode, or --http for replicas behind a balancer"
    )
    slack.add_argument(
        "action",
        nargs="?",
        choices=("run", "manifest"),
        default="run",
        help="run (default), or print the app manifest to create the app from",
    )
    slack.add_argument("--http", action="store_true", help="HTTP mode (SLACK_SIGNING_SECRET)")
    slack.add_argument("--port", type=int, default=3000, help="HTTP mode: port (default 3000)")
    slack.add_argument("--host", default="0.0.0.0", help="HTTP mode: address (default 0.0.0.0)")  # noqa: S104
    slack.add_argument(
        "--url", help="manifest: the public https address for HTTP mode (default: Socket Mode)"
    )
    slack.add_argument("--db", type=Path, help="SQLite file (default: RUNGS_DATABASE_URL)")


def _add_console(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    console = commands.add_parser("console", help="the interactive (or scripted) tutor")
    _add_identity(console)
    console.add_argument(
        "--start-at",
        type=_instant,
        metavar="INSTANT",
        help="run on a clock that starts at this ISO 8601 instant (like 2026-11-28T09:00:00Z) "
        "and moves only with :wait, at once: a script gives the same output on every run",
    )
    console.add_argument(
        "--images",
        type=Path,
        metavar="DIR",
        help="write each reply's pictures into DIR and print their paths (RUNGS_IMAGES_DIR)",
    )


def _instant(text: str) -> datetime:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("an instant looks like 2026-11-28T09:00:00Z") from None
    if when.tzinfo is None:
        raise argparse.ArgumentTypeError("give the instant's offset, like Z or +01:00")
    return when.astimezone(UTC)


def _add_identity(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        help="SQLite file (default: RUNGS_DATABASE_URL or rungs.db in your data directory)",
    )
    parser.add_argument("--user", default=None, help="who is speaking (default: your login)")
    parser.add_argument("--channel", default=None, help="a shared channel (default: your own)")


def _content_check(directory: Path | None) -> int:
    from engine.content.loader import default_content_dir, load_content
    from engine.errors import ContentError

    folder = directory or default_content_dir()
    try:
        content = load_content(folder)
    except ContentError as exc:
        for file, field, reason in exc.problems:
            print(f"{folder / file}: {field}: {reason}", file=sys.stderr)
        print(f"{count(len(exc.problems), 'problem')} in {folder}", file=sys.stderr)
        return 1
    print(
        f"{folder}: OK ({len(content.lessons)} lessons, {len(content.drills)} drills, "
        f"{len(content.sources)} sources)"
    )
    return 0


async def _console(settings: Settings, args: argparse.Namespace) -> int:
    stepped = FixedClock(args.start_at) if args.start_at is not None else None
    folder = args.images or settings.images_dir
    images = ImageFolder(folder) if folder is not None else None
    async with running_tutor(settings, stepped) as (tutor, clock):
        exports = DocumentFolder(data_dir() / "exports")
        console = Console(
            tutor, clock, _speaker(args), sys.stdout, images, width=_width(), documents=exports
        )
        await serve(console, tutor, choose_runner(data_dir() / "history"))
    return 0


async def _one_shot(settings: Settings, args: argparse.Namespace) -> int:
    async with running_tutor(settings) as (tutor, clock):
        pictures = args.png is not None or args.gif is not None
        console = Console(
            tutor, clock, _speaker(args), sys.stdout, pictures=pictures, width=_width()
        )
        reply = await console.handle_line(f"/trace {' '.join(args.request)}")
        if reply is None or reply.is_error:
            return 1
        if args.png is not None:
            print(write_one(reply.figures, args.png))
        if args.gif is not None:
            trace_no = next(b.trace_no for b in reply.blocks if isinstance(b, TraceSteps))
            animated = await console.press(buttons.trace_animation(trace_no))
            print(write_one(animated.figures, args.gif))
    return 0


def _width() -> Width:
    """Fold replies at the terminal's width; piped output keeps whole lines for scripts."""
    return terminal_width if sys.stdout.isatty() else no_wrap


def _speaker(args: argparse.Namespace) -> Speaker:
    return Speaker(args.user or _login(), args.channel)


def _login() -> str:
    try:
        name = getpass.getuser()
    except (OSError, KeyError):
        return "you"
    cleaned = "".join(ch for ch in name if ch.isalnum() or ch in "-_.")[:40]
    return cleaned or "you"


def _shard_ids(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("shard ids look like 0,1") from None


async def _discord(settings: Settings, args: argparse.Namespace) -> int:
    try:
        from bot.discord_app import http_mode, run
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] not in DISCORD_EXTRA:
            raise  # a bug of ours, not a missing extra
        raise StartupError(
            "the Discord bot needs discord.py: pip install 'rungs[discord]'"
        ) from exc
    if args.action == "sync":
        count = await run.sync(settings, args.guild)
        where = f"server {args.guild}" if args.guild else "every server (global)"
        print(f"Registered {count} slash commands for {where}.")
        return 0
    if args.action == "invite":
        print(await run.invite(settings))
        return 0
    if args.http:
        if not 0 < args.port < 65536:
            raise StartupError("--port takes a port number from 1 to 65535")
        await http_mode.run_http(settings, args.host, args.port)
        return 0
    shards = args.shard_ids
    if shards and (args.shard_count is None or max(shards) >= args.shard_count):
        raise StartupError("--shard-ids needs --shard-count larger than every id")
    await run.run(settings, args.shard_count, shards)
    return 0


def _slack(settings: Settings, args: argparse.Namespace) -> int:
    if args.action == "manifest":
        from bot.slack_app.manifest import manifest

        if args.url is not None and not args.url.startswith("https://"):
            raise StartupError("--url takes the public https:// address Slack will call")
        print(json.dumps(manifest(args.url), indent=2))
        return 0
    try:
        from bot.slack_app import run
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] not in SLACK_EXTRA:
            raise  # a bug of ours, not a missing extra
        raise StartupError("the Slack app needs slack-bolt: pip install 'rungs[slack]'") from exc
    if args.http:
        if not 0 < args.port < 65536:
            raise StartupError("--port takes a port number from 1 to 65535")
        asyncio.run(run.run_http(settings, args.host, args.port))
    else:
        asyncio.run(run.run_socket_mode(settings))
    return 0
