"""Discord application commands generated from the engine's command specs (one source)."""

from __future__ import annotations

from typing import Any

from engine.commands.specs import COMMANDS, CommandSpec, OptionSpec

SUB_COMMAND, STRING = 1, 3
AUTOCOMPLETE = {("drill", "which"), ("learn", "topic"), ("challenge", "drill")}
MAX_TEXT = 4_000


def command_payloads() -> list[dict[str, Any]]:
    """The JSON of every slash command, as `PUT /applications/{id}/commands` takes it."""
    return [_command(spec) for spec in COMMANDS]


def _command(spec: CommandSpec) -> dict[str, Any]:
    payload: dict[str, Any] = {"name": spec.name, "description": _short(spec.summary), "type": 1}
    if spec.subcommands:
        payload["options"] = [
            {
                "type": SUB_COMMAND,
                "name": sub.name,
                "description": _short(sub.summary),
                "options": [_option(spec.name, o) for o in _ordered(sub.options)],
            }
            for sub in spec.subcommands
        ]
    elif spec.options:
        payload["options"] = [_option(spec.name, o) for o in _ordered(spec.options)]
    return payload


def _option(command: str, option: OptionSpec) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": STRING,
        "name": option.name,
        "description": _short(option.help),
        "required": option.required,
    }
    if option.choices:
        payload["choices"] = [{"name": c, "value": c} for c in option.choices[:25]]
    if (command, option.name) in AUTOCOMPLETE:
        payload["autocomplete"] = True
    if option.rest:
        payload["max_length"] = MAX_TEXT
    return payload


def _ordered(options: tuple[OptionSpec, ...]) -> list[OptionSpec]:
    """Discord wants required options before optional ones."""
    return sorted(options, key=lambda o: not o.required)


def _short(text: str) -> str:
    return text if len(text) <= 100 else text[:99] + "…"
