"""The console's own lines, the ones that start with a colon, and the help that lists them.

They are not commands of the tutor (no platform has them), so the engine's help does not know
them: the console adds this section under `/help`, and `/help :wait` explains one of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.console.lines import CONTINUE
from engine.commands.specs import BY_NAME


@dataclass(frozen=True, slots=True)
class Directive:
    name: str
    usage: str
    help: str


DIRECTIVES: tuple[Directive, ...] = (
    Directive("user", ":user NAME", "speak as NAME from now on (play a team on one keyboard)"),
    Directive("channel", ":channel [NAME]", "speak in #NAME, or alone in your own space"),
    Directive(
        "wait",
        ":wait SECONDS",
        "pause while scheduled posts fall due (on --start-at's clock, time jumps at once)",
    ),
    Directive("press", ":press LABEL", "press a button of the last scheduled post, by its label"),
)
BY_DIRECTIVE = {d.name: d for d in DIRECTIVES}
NAME_RULE = "Names are 1-40 letters, digits, '-', '_' or '.'."


def _form_commands() -> str:
    return ", ".join(f"/{s.name}" for s in BY_NAME.values() if s.opens_form)


def console_help() -> str:
    """The section the console adds under `/help`."""
    width = max(len(d.usage) for d in DIRECTIVES)
    rows = [f"  {d.usage.ljust(width)}  {d.help}" for d in DIRECTIVES]
    return "\n".join(
        [
            "In this console:",
            *rows,
            f"  {'exit'.ljust(width)}  leave (or Ctrl-D); Tab completes commands and names",
            f"A line that ends in {CONTINUE} goes on into the next one. {_form_commands()} "
            "alone reads your text from the lines that follow, up to a blank line.",
        ]
    )


def directive_help(name: str) -> str:
    """`/help :wait`: one directive, or the list when the name is not one."""
    directive = BY_DIRECTIVE.get(name.removeprefix(":").lower())
    if directive is None:
        shown = "".join(ch if ch.isprintable() else "?" for ch in name.removeprefix(":")[:30])
        return f"! There is no console line :{shown}.\n{console_help()}"
    rule = f" {NAME_RULE}" if "NAME" in directive.usage else ""
    return f"{directive.usage}: {directive.help}.{rule}"


def usage_reminder() -> str:
    """What an unknown or malformed `:` line gets."""
    listed = ", ".join(d.usage for d in DIRECTIVES)
    return f"! Console lines: {listed}. {NAME_RULE} /help lists them."
