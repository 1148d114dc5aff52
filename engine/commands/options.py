"""The shapes of command specs, and the converters several spec modules share."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from engine.commands import types as t
from engine.text.zones import parse_time_zone

Raw = str | int | float | bool
Converter = Callable[[Raw], Any]

_WORD = re.compile(r"[a-z0-9][a-z0-9\-]{0,39}")


class Suggest(StrEnum):
    """What an option's completions are drawn from (Discord autocompletes them)."""

    DRILLS = "drills"  # random, due, the topics, the drill ids
    LESSONS = "lessons"  # the lesson ids
    SCENARIOS = "scenarios"  # the /scenario ids


@dataclass(frozen=True, slots=True)
class OptionSpec:
    name: str
    help: str
    convert: Converter
    required: bool = False
    choices: tuple[str, ...] = ()  # fixed values, for platform pickers
    rest: bool = False  # takes the rest of the line (free text)
    suggests: Suggest | None = None  # completions offered while it is typed
    # Typed as name=value after the positional options (`/load 50k reads=100:1`); structured
    # options (Discord's) give it by name as any other.
    named: bool = False


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    summary: str
    usage: str  # the argument part, e.g. "<METHOD> <path>"
    build: Callable[[Mapping[str, Any]], t.Command] | None = None
    options: tuple[OptionSpec, ...] = ()
    keyword: bool = False  # options are given as key=value (only /cluster set)
    subcommands: tuple[CommandSpec, ...] = ()
    default_sub: str | None = None
    examples: tuple[str, ...] = ()
    details: tuple[str, ...] = field(default=())
    # Options only a platform's form fills in (a modal's hidden context, like the challenge an
    # Answer button was for): accepted as structured options, never typed, never registered as
    # a slash-command option and left out of help.
    form_options: tuple[OptionSpec, ...] = ()
    # --- what adapters read, so that a new command needs no adapter edit ---
    # The reply is for the caller only (ephemeral); else the channel sees it (subcommands
    # answer as their command does). Replies say their own visibility too; this is for what a
    # platform must choose before the reply exists (a deferred "thinking…" message).
    private: bool = False
    # Given none of its options, it opens this form (the engine id of a form, as its button
    # carries it: buttons.answer_form) instead of running.
    opens_form: str | None = None
    # Its rules ask whether the caller is a channel admin (help says so; the Tutor asks
    # `Actor.admin_check` only for such commands).
    admin_only: bool = False
    # A keyword command's check of a whole line: the (key, value) pairs as typed and converted,
    # a key given twice kept twice; raises ValueError (one clause) at a contradiction. None:
    # only that each key is given once.
    check_line: Callable[[Sequence[tuple[str, Any]]], None] | None = None

    def sub(self, name: str) -> CommandSpec | None:
        return next((s for s in self.subcommands if s.name == name), None)

    def option(self, name: str) -> OptionSpec | None:
        return next((o for o in self.options if o.name == name), None)


def usage_line(spec: CommandSpec, parent: CommandSpec | None = None) -> str:
    name = f"/{parent.name} {spec.name}" if parent else f"/{spec.name}"
    return f"{name} {spec.usage}".rstrip()


def word(raw: Raw) -> str:
    text = str(raw).strip().lower()
    if not _WORD.fullmatch(text):
        raise ValueError(f"'{text[:40]}' is not a name (letters, digits and hyphens)")
    return text


def choice(*choices: str) -> Converter:
    def convert(raw: Raw) -> str:
        text = str(raw).strip().lower()
        if text not in choices and len(choices) == 1:  # `/drill list all`: a stray word
            raise ValueError(f"unexpected '{text[:20]}': only {choices[0]} can go there")
        if text not in choices:
            raise ValueError(f"'{text[:20]}' is not one of {', '.join(choices)}")
        return text

    return convert


def timezone_name(raw: Raw) -> str:
    """The canonical key of a zone typed in any case (`utc`, `europe/berlin`); a bare city or
    a near miss is refused with the zones to write instead (engine.text.zones)."""
    return parse_time_zone(str(raw))


def record_id(raw: Raw) -> int:
    """A stored record's id, as a form carries it."""
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise ValueError(f"'{text[:20]}' is not an id")
    return int(text)
