"""Parse text lines and structured options into typed commands.

Every failure is a UsageError with a one-line reason, the usage, and where it helps a
"did you mean" suggestion. Nothing here touches state, so bad input changes nothing.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

from engine.commands import types as t
from engine.commands.specs import BY_NAME, CommandSpec, Raw, usage_line
from engine.errors import UsageError

# Unicode category Cc (C0 and C1 controls, DEL), except tab and line breaks.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A lone surrogate: not a character, and not encodable as UTF-8 (so no database can store it),
# yet JSON escapes (`"\ud800"`) deliver one from Slack and Discord.
_SURROGATE = re.compile("[\ud800-\udfff]")
# The longest line: an /answer of 4,000 characters plus the command itself.
MAX_LINE = 4_100


def parse_text(line: str) -> t.Command:
    """Parse a whole line such as `/trace GET /u/7` (the leading slash is optional)."""
    _check_line(line)
    tokens = line.strip().split()
    if not tokens:
        raise UsageError("Type a command, like /trace GET /u/7.", "/help")
    name = tokens[0].removeprefix("/").lower()
    return parse_args(name, tokens[1:])


def form_of_text(line: str) -> str | None:
    """The form a typed command opens instead of running, when its spec says it opens one and
    the line gives none of its options (`/answer` alone opens the answer form); else None."""
    tokens = line.strip().split()
    if len(tokens) != 1:
        return None
    spec = BY_NAME.get(tokens[0].removeprefix("/").lower())
    return None if spec is None else spec.opens_form


def parse_command(name: str, text: str) -> t.Command:
    """Parse the argument text of a named command (as Slack delivers slash commands)."""
    _check_line(text)
    return parse_args(name.removeprefix("/").lower(), text.split())


def parse_args(name: str, args: list[str]) -> t.Command:
    spec = _find(name, BY_NAME, None)
    parent = None
    if spec.subcommands:
        parent = spec
        sub_name = args[0].lower() if args else spec.default_sub
        if sub_name is None:
            raise _usage(spec, None, f"/{spec.name} needs a subcommand.")
        spec = _find(sub_name, {s.name: s for s in spec.subcommands}, parent)
        args = args[1:]
    if spec.name == "trace" and len(args) == 1 and args[0].startswith("/"):
        args = ["GET", *args]  # `/trace /u/7` reads as a GET
    values = (
        _keyword_values(spec, parent, args) if spec.keyword else _positional(spec, parent, args)
    )
    return _build(spec, parent, values)


def parse_options(name: str, subcommand: str | None, options: Mapping[str, Raw]) -> t.Command:
    """Parse structured options (Discord slash options, modal fields) with the same rules."""
    spec = _find(name.removeprefix("/").lower(), BY_NAME, None)
    parent = None
    if spec.subcommands:
        parent = spec
        sub_name = (subcommand or spec.default_sub or "").lower()
        spec = _find(sub_name, {s.name: s for s in spec.subcommands}, parent)
    known = {o.name: o for o in (*spec.options, *spec.form_options)}
    values: dict[str, Any] = {}
    for key, raw in options.items():
        option = known.get(key)
        if option is None:
            where = usage_line(spec, parent)
            raise _usage(spec, parent, f"'{_printable(key)}' is not an option of {where}.")
        if isinstance(raw, str):
            _check_line(raw)
        values[key] = _convert(spec, parent, option.name, option.convert, raw)
    _check_required(spec, parent, values)
    return _build(spec, parent, values)


def _check_line(line: str) -> None:
    if len(line) > MAX_LINE:
        raise UsageError(
            f"That line is {len(line):,} characters long; the limit is {MAX_LINE:,}.", "/help"
        )
    if _CONTROL.search(line):
        raise UsageError("That line holds control characters; type plain text.", "/help")
    if not line.isascii() and _SURROGATE.search(line):
        raise UsageError(
            "That text holds a broken character (a lone UTF-16 surrogate); send it again "
            "without it.",
            "/help",
        )


def _find(name: str, table: Mapping[str, CommandSpec], parent: CommandSpec | None) -> CommandSpec:
    spec = table.get(name)
    if spec is not None:
        return spec
    shown = _printable(name)
    close = difflib.get_close_matches(name, list(table), n=1, cutoff=0.5)
    if parent is None:
        suggestion = f"/{close[0]}" if close else None
        message = f"There is no command /{shown}."
        usage = "/help lists every command."
    else:
        suggestion = f"/{parent.name} {close[0]}" if close else None
        message = f"/{parent.name} has no '{shown}'."
        usage = "Usage: " + usage_line(parent)
    if suggestion:
        message += f" Did you mean {suggestion}?"
    raise UsageError(message, usage, suggestion)


def _positional(spec: CommandSpec, parent: CommandSpec | None, args: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    options = list(spec.options)
    for index, option in enumerate(options):
        if option.rest:
            if index < len(args):
                values[option.name] = " ".join(args[index:])
            args = args[:index]
            break
        if index < len(args):
            values[option.name] = _convert(spec, parent, option.name, option.convert, args[index])
    if len(args) > len(options):
        extra = " ".join(args[len(options) :])[:40]
        raise _usage(spec, parent, f"Unexpected '{extra}'.")
    _check_required(spec, parent, values)
    return values


def _check_required(spec: CommandSpec, parent: CommandSpec | None, values: dict[str, Any]) -> None:
    missing = [o.name for o in spec.options if o.required and o.name not in values]
    if missing:
        raise _usage(spec, parent, f"Missing <{missing[0]}>.")


def _keyword_values(
    spec: CommandSpec, parent: CommandSpec | None, args: list[str]
) -> dict[str, Any]:
    known = {o.name: o for o in spec.options}
    values: dict[str, Any] = {}
    for token in args:
        key, sep, raw = token.partition("=")
        key = key.lower()
        if not sep or not raw or not key:
            raise _usage(
                spec, parent, f"Write settings as key=value, like servers=4 (got '{token[:30]}')."
            )
        option = known.get(key)
        if option is None:
            close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.5)
            hint = f" Did you mean {close[0]}=?" if close else ""
            raise _usage(
                spec, parent, f"Unknown setting '{key[:30]}'.{hint} {_settings(spec, parent)}"
            )
        values[key] = _convert(spec, parent, key, option.convert, raw)
    return values


def _settings(spec: CommandSpec, parent: CommandSpec | None) -> str:
    """The settings a keyword command takes, or where to find them if they are too many."""
    names = [o.name for o in spec.options]
    if len(", ".join(names)) <= 120:
        return f"Settings: {', '.join(names)}."
    shown = ", ".join(names)[:90].rpartition(", ")[0]
    return f"Settings: {shown} … (/help {(parent or spec).name} lists all {len(names)})."


def _convert(
    spec: CommandSpec, parent: CommandSpec | None, name: str, convert: Any, raw: Raw
) -> Any:
    try:
        return convert(raw)
    except ValueError as exc:
        text = _printable(str(exc), limit=200)
        raise _usage(spec, parent, f"{text[:1].upper()}{text[1:]}.") from None


def _build(spec: CommandSpec, parent: CommandSpec | None, values: dict[str, Any]) -> t.Command:
    if spec.build is None:
        raise _usage(spec, parent, "That needs more.")
    try:
        return spec.build(values)
    except ValueError as exc:
        raise _usage(spec, parent, f"{str(exc)[:1].upper()}{str(exc)[1:]}.") from None


def _usage(spec: CommandSpec, parent: CommandSpec | None, message: str) -> UsageError:
    return UsageError(message, "Usage: " + usage_line(spec, parent))


def _printable(text: str, limit: int = 30) -> str:
    """A short, single-line rendering of something a user typed, for an error message."""
    return "".join(ch if ch.isprintable() else "?" for ch in text[:limit])
