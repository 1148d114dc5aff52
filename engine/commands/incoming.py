"""What an adapter hands the Tutor: a typed line, structured options, a pressed button, or a
command already built. Parsed once, inside the Tutor's error net."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from engine.commands import types as t
from engine.commands.buttons import ACTING_FOR, parse_button
from engine.commands.options import Raw
from engine.commands.parser import parse_options, parse_text


@dataclass(frozen=True, slots=True)
class Typed:
    """A whole line, as the console and Slack's slash commands deliver it."""

    line: str


@dataclass(frozen=True, slots=True)
class Options:
    """Structured options, as Discord's slash commands and the answer forms deliver them."""

    name: str
    subcommand: str | None = None
    options: Mapping[str, Raw] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Pressed:
    """A button's id."""

    action_id: str


Incoming = Typed | Options | Pressed | t.Command


def parse(incoming: Incoming) -> t.Command:
    """The command; bad input raises UsageError (a short reason and the usage)."""
    match incoming:
        case Typed(line):
            return parse_text(line)
        case Options(name, subcommand, options) if ACTING_FOR in options:
            # An answer form opened from a button that acts for its learner (ActingForCommand).
            rest = {k: v for k, v in options.items() if k != ACTING_FOR}
            workspace, _, user_id = str(options[ACTING_FOR]).partition(":")
            return t.ActingForCommand(workspace, user_id, parse_options(name, subcommand, rest))
        case Options(name, subcommand, options):
            return parse_options(name, subcommand, options)
        case Pressed(action_id):
            return parse_button(action_id)
        case _:
            return incoming
