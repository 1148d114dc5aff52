"""Parse text lines and structured options into typed commands.

Every failure is a UsageError with a one-line reason, the usage, and where it helps a
"did you mean" suggestion. Nothing here touches state, so bad input changes nothing.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping
from typing import Any

from engine.commands import types as t
from engine.commands.specs import BY_NAME, CommandSpec, Raw, usage_line
from engine.errors import UsageError
from engine.sim.request import Method

# Unicode category Cc (C0 and C1 controls, DEL), except tab and line breaks.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_METHODS = frozenset(m.value for m in Method)
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
    if name not in BY_NAME:
        _check_bare_request(tokens)
    return parse_args(name, tokens[1:])


def _check_bare_request(tokens: list[str]) -> None:
    """A request typed without its command (`GET /u/7`, or `/u/7` alone) is a trace the user
    meant: say so, with the line to type, rather than "no command /get"."""
    first = tokens[0]
    # `POST /u/7 name=x`: what follows the path (a body, a header) is not part of a trace.
    is_method = first.upper() in _METHODS and len(tokens) >= 2 and tokens[1].startswith("/")
    is_path = len(tokens) == 1 and first.startswith("/") and "/" in first[1:]
    if not (is_method or is_path):
        return
    request = f"{first.upper()} {tokens[1]}" if is_method else f"GET {first}"
    shown = _printable(request, limit=60)
    raise UsageError(
        f"That reads as a request. Did you mean /trace {shown}?",
        "Usage: " + usage_line(BY_NAME["trace"]),
        f"/trace {shown}",
    )


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
    values, args = _named(spec, parent, args)
    options = [o for o in spec.options if not o.named]
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


def _named(
    spec: CommandSpec, parent: CommandSpec | None, args: list[str]
) -> tuple[dict[str, Any], list[str]]:
    """The name=value words of a spec's named options, and the words left for the others."""
    named = {o.name: o for o in spec.options if o.named}
    if not named:
        return {}, args
    values: dict[str, Any] = {}
    left = []
    for token in args:
        key, sep, raw = token.partition("=")
        key = key.lower()
        if not sep:
            left.append(token)
            continue
        option = named.get(key)
        if option is None:
            names = ", ".join(f"{n}=" for n in named)
            raise _usage(spec, parent, f"'{_printable(token)}' is not an option; use {names}.")
        if key in values:
            raise _usage(spec, parent, f"{key}= is given twice.")
        values[key] = _convert(spec, parent, key, option.convert, raw)
    return values, left


def _check_required(spec: CommandSpec, parent: CommandSpec | None, values: dict[str, Any]) -> None:
    missing = [o.name for o in spec.options if o.required and o.name not in values]
    if missing:
        raise _usage(spec, parent, f"Missing <{missing[0]}>.")


def _keyword_values(
    spec: CommandSpec, parent: CommandSpec | None, args: list[str]
) -> dict[str, Any]:
    known = {o.name: o for o in spec.options}
    typed: list[tuple[str, Any]] = []  # in the order typed, a key given twice kept twice
    for token in _joined_words(known, args):
        key, sep, raw = token.partition("=")
        key = key.lower()
        if not sep or not raw or not key:
            like = _example_setting(spec)
            raise _usage(spec, parent, f"Write settings as key=value{like} (got '{token[:30]}').")
        option = known.get(key)
        if option is None:
            close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.5)
            hint = f" Did you mean {close[0]}=?" if close else ""
            raise _usage(
                spec, parent, f"Unknown setting '{key[:30]}'.{hint} {_settings(spec, parent)}"
            )
        typed.append((key, _convert(spec, parent, key, option.convert, raw)))
    try:
        (spec.check_line or _each_once)(typed)
    except ValueError as exc:
        raise _usage(spec, parent, sentence(str(exc), known)) from None
    return dict(typed)


def _example_setting(spec: CommandSpec) -> str:
    """ ", like tz=Europe/Berlin": the first key=value of the command's own examples."""
    found = (w for example in spec.examples for w in example.split() if "=" in w.strip("="))
    first = next(found, None)
    return f", like {first}" if first else ""


def sentence(clause: str, names: Collection[str] = ()) -> str:
    """A converter's clause as a sentence: a capital and a full stop, but a setting's name at
    its start stays as it is typed (`max_fails: …`, not `Max_fails: …`)."""
    first = clause.split(" ", 1)[0].rstrip(":,;")
    head = clause[:1] if first in names else clause[:1].upper()
    return f"{head}{clause[1:]}."


def _each_once(typed: list[tuple[str, Any]]) -> None:
    """A key given twice in one line is a contradiction, not a last-one-wins."""
    seen: set[str] = set()
    for key, _ in typed:
        if key in seen:
            raise ValueError(f"{key} is given twice; give each setting once")
        seen.add(key)


def _joined_words(known: Mapping[str, Any], args: list[str]) -> list[str]:
    """`key=value` tokens, where a bare word after an option that takes several words
    (`reminders=daily 08:30`) joins its value."""
    tokens: list[str] = []
    for token in args:
        last = tokens[-1].partition("=")[0].lower() if tokens else ""
        if "=" not in token and tokens and getattr(known.get(last), "rest", False):
            tokens[-1] += " " + token
        else:
            tokens.append(token)
    return tokens


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
