"""The command specs: the single source for parsing, help, and platform registration."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from engine.commands import buttons
from engine.commands import types as t
from engine.commands.cluster_specs import CLUSTER
from engine.commands.load_specs import CLIMB, LOAD, SCENARIO
from engine.commands.options import (
    CommandSpec,
    Converter,
    OptionSpec,
    Raw,
    Suggest,
    record_id,
    usage_line,
)
from engine.commands.options import choice as _choice
from engine.commands.options import timezone_name as _timezone
from engine.commands.options import word as _word
from engine.commands.study_specs import HINT, PATH, REVIEW
from engine.commands.team_specs import CHALLENGE, LEADERBOARD, SCHEDULE
from engine.drills.sketch import MAX_PIECE
from engine.sim.request import Method
from engine.study.reminders import parse_reminders

# Re-exported: callers take the spec shapes from here, beside the specs.
__all__ = [
    "BY_NAME",
    "CLUSTER",
    "COMMANDS",
    "RATINGS",
    "CommandSpec",
    "Converter",
    "OptionSpec",
    "Raw",
    "usage_line",
]

_PATH = re.compile(r"/[A-Za-z0-9._~\-/]{0,120}")


def _method(raw: Raw) -> Method:
    text = str(raw).upper()
    try:
        return Method(text)
    except ValueError:
        names = ", ".join(m.value for m in Method)
        raise ValueError(f"unknown method '{str(raw)[:20]}': use one of {names}") from None


def _path(raw: Raw) -> str:
    text = str(raw)
    if not text.startswith("/"):
        raise ValueError(f"a path starts with a slash, like /u/7 (got '{text[:40]}')")
    if "//" in text or not _PATH.fullmatch(text):
        raise ValueError("a path may hold letters, digits and . _ ~ - / (at most 120 characters)")
    return text


TRACE = CommandSpec(
    name="trace",
    summary="walk one request through the cluster, step by step",
    usage="<METHOD> <path>",
    build=lambda v: t.TraceCommand(v["method"], v["path"]),
    options=(
        OptionSpec(
            "method",
            "GET, POST, PUT, PATCH, DELETE or HEAD",
            _method,
            True,
            choices=tuple(m.value for m in Method),
        ),
        OptionSpec("path", "the path, like /u/7", _path, True),
    ),
    examples=("/trace GET /u/7", "/trace PUT /u/7"),
)

LEARN = CommandSpec(
    name="learn",
    summary="a short lesson card on a topic",
    usage="[topic]",
    build=lambda v: t.LearnCommand(v.get("topic")),
    options=(OptionSpec("topic", "a lesson id or keyword", _word, suggests=Suggest.LESSONS),),
    examples=("/learn", "/learn statelessness"),
    private=True,
)


def _help(command: str | None, subcommand: str | None) -> t.HelpCommand:
    """`/help cluster kill`: a subcommand only of a command that has subcommands (which one
    exists is for help to say, with a suggestion)."""
    spec = BY_NAME.get(command or "")
    if subcommand is not None and spec is not None and not spec.subcommands:
        raise ValueError(f"/{spec.name} has no subcommands; /help {spec.name} explains it")
    return t.HelpCommand(command, subcommand)


HELP = CommandSpec(
    name="help",
    summary="list the commands, or explain one",
    usage="[command] [subcommand]",
    build=lambda v: _help(v.get("command"), v.get("subcommand")),
    options=(
        OptionSpec("command", "a command name", lambda raw: _word(str(raw).lstrip("/"))),
        OptionSpec("subcommand", "one of its subcommands, like kill for /cluster", _word),
    ),
    examples=("/help trace", "/help cluster kill"),
    private=True,
)


def _answer_text(text: str) -> str:
    if len(text) > MAX_PIECE:
        raise ValueError(
            f"an answer is at most {MAX_PIECE:,} characters at a time (this one "
            f"is {len(text):,}); send the rest in another /answer"
        )
    return text


_CONFIRM = OptionSpec(
    "confirm", "say confirm to go ahead", _choice("confirm"), choices=("confirm",)
)
RATINGS = ("again", "hard", "good", "easy")


def _drill(values: Mapping[str, Any]) -> t.Command:
    if values.get("which") == "list":
        return t.PathCommand()
    return t.DrillCommand(values.get("which"), "confirm" in values)


DRILL = CommandSpec(
    name="drill",
    summary="start a timed whiteboard drill (alone: the next one on your path, and why)",
    usage="[list | id | topic | random | due] [confirm]",
    build=_drill,
    options=(
        OptionSpec(
            "which",
            "list, a drill id, a topic, random, or due",
            _word,
            suggests=Suggest.DRILLS,
        ),
        _CONFIRM,
    ),
    examples=("/drill", "/drill list", "/drill b-read-ladder", "/drill caching", "/drill due"),
    private=True,
)

ANSWER = CommandSpec(
    name="answer",
    summary="add to your sketch for the running drill or team challenge",
    usage="<text>",
    build=lambda v: t.AnswerCommand(_answer_text(v["text"]), v.get("challenge")),
    options=(
        OptionSpec("text", f"your sketch, up to {MAX_PIECE:,} characters", str, True, rest=True),
    ),
    form_options=(OptionSpec("challenge", "the challenge an Answer button was for", record_id),),
    examples=("/answer cache first, then read replicas; shard only for writes",),
    private=True,
    opens_form=buttons.drill_answer(),
)

REVEAL = CommandSpec(
    name="reveal",
    summary="what a strong answer covers, and what yours covered",
    usage="",
    build=lambda v: t.RevealCommand(),
    private=True,
)

RATE = CommandSpec(
    name="rate",
    summary="rate your recall, to schedule the next review",
    usage="[again|hard|good|easy] [confirm]",
    build=lambda v: t.RateCommand(v.get("rating"), confirm="confirm" in v),
    options=(
        OptionSpec(
            "rating", "how it went (none: the suggested one)", _choice(*RATINGS), choices=RATINGS
        ),
        _CONFIRM,
    ),
    examples=("/rate good", "/rate"),
    private=True,
)

PROGRESS = CommandSpec(
    name="progress",
    summary="your drills, coverage trend, streak, study list and reviews due",
    usage="",
    build=lambda v: t.ProgressCommand(),
    private=True,
)

FORGET_ME = CommandSpec(
    name="forget-me",
    summary="delete everything stored about you",
    usage="[confirm]",
    build=lambda v: t.ForgetMeCommand("confirm" in v),
    options=(_CONFIRM,),
    private=True,
)

EXPORT = CommandSpec(
    name="export",
    summary="everything stored about you, as a JSON file only you get",
    usage="",
    build=lambda v: t.ExportCommand(),
    private=True,
)

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _interview_date(raw: Raw) -> str:
    """YYYY-MM-DD or off; whether the day is ahead is for the handler, which knows today."""
    text = str(raw).strip().lower()
    if text not in ("off", "none") and not _ISO_DAY.fullmatch(text):
        raise ValueError(f"'{text[:20]}' is not a date; write it as YYYY-MM-DD, or off")
    return text


def _reminders(raw: Raw) -> str:
    """`daily HH:MM`, `HH:MM` or off, as engine/study/reminders.py reads it."""
    text = " ".join(str(raw).split()).lower()
    parse_reminders(text)  # a ValueError says what is wrong
    return text


SETTINGS = CommandSpec(
    name="settings",
    summary="your settings (time zone, leaderboard, pictures, interview date, reminders)",
    usage="[tz=Area/City] [leaderboard=on|off] [images=on|off] [channel_images=on|off] "
    "[interview=YYYY-MM-DD|off] [reminders=daily HH:MM|off]",
    build=lambda v: t.SettingsCommand(tuple(v.items())),
    options=(
        OptionSpec("tz", "your time zone, like Europe/Berlin", _timezone),
        OptionSpec(
            "leaderboard",
            "off hides you from the leaderboard",
            _choice("on", "off"),
            choices=("on", "off"),
        ),
        OptionSpec(
            "images",
            "off: replies in words only, without pictures",
            _choice("on", "off"),
            choices=("on", "off"),
        ),
        OptionSpec(
            "channel_images",
            "a channel admin's choice for everybody in the channel",
            _choice("on", "off"),
            choices=("on", "off"),
        ),
        OptionSpec(
            "interview",
            "YYYY-MM-DD: reviews aim to have every drill seen again before that day; off",
            _interview_date,
        ),
        OptionSpec(
            "reminders",
            "daily HH:MM: a direct message at that local time when reviews are due, at most "
            "one a day; off",
            _reminders,
            rest=True,  # `reminders=daily 08:30`: the time is the next word
        ),
    ),
    keyword=True,
    examples=(
        "/settings",
        "/settings tz=Europe/Berlin",
        "/settings leaderboard=off",
        "/settings images=off",
        "/settings interview=2027-03-14",
        "/settings reminders=daily 08:30",
    ),
    private=True,
)

# Every command, in the order help lists them. Adapters read BY_NAME (help, Discord's
# registration, Slack's manifest, the routing of each interaction): a command added here needs
# no adapter edit (tests/commands/test_spec_metadata.py).
COMMANDS: tuple[CommandSpec, ...] = (
    TRACE,
    CLUSTER,
    LEARN,
    DRILL,
    ANSWER,
    REVEAL,
    RATE,
    PROGRESS,
    PATH,
    HINT,
    REVIEW,
    CHALLENGE,
    LEADERBOARD,
    SCHEDULE,
    SETTINGS,
    FORGET_ME,
    EXPORT,
    HELP,
    LOAD,
    SCENARIO,
    CLIMB,
)
BY_NAME: dict[str, CommandSpec] = {spec.name: spec for spec in COMMANDS}
