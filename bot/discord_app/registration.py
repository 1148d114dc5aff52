"""Discord application commands generated from the engine's command specs (one source)."""

from __future__ import annotations

from typing import Any

from engine.commands.specs import BY_NAME, CommandSpec, OptionSpec
from engine.drills.sketch import MAX_PIECE

SUB_COMMAND, STRING = 1, 3


def command_payloads() -> list[dict[str, Any]]:
    """The JSON of every slash command, as `PUT /applications/{id}/commands` takes it."""
    return [_command(spec) for spec in BY_NAME.values()]


def _command(spec: CommandSpec) -> dict[str, Any]:
    payload: dict[str, Any] = {"name": spec.name, "description": _short(spec.summary), "type": 1}
    if spec.subcommands:
        payload["options"] = [
            {
                "type": SUB_COMMAND,
                "name": sub.name,
                "description": _short(sub.summary),
                "options": [_option(o) for o in _ordered(sub.options)],
            }
            for sub in spec.subcommands
        ]
    elif spec.options:
        payload["options"] = [_option(o) for o in _ordered(spec.options)]
    return payload


def _option(option: OptionSpec) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": STRING,
        "name": option.name,
        "description": _short(option.help),
        "required": option.required,
    }
    if option.choices:
        payload["choices"] = [{"name": c, "value": c} for c in option.choices[:25]]
    if option.suggests is not None:
        payload["autocomplete"] = True
    if option.rest:
        payload["max_length"] = MAX_PIECE
    return payload


def _ordered(options: tuple[OptionSpec, ...]) -> list[OptionSpec]:
    """Discord wants required options before optional ones."""
    return sorted(options, key=lambda o: not o.required)


def _short(text: str) -> str:
    return text if len(text) <= 100 else text[:99] + "…"
