"""Tab completion at the console's prompt, read from the command specs (and the content, for
drill ids, topics and lessons), so a new command or drill completes with no edit here.

    /cl<Tab>                 /cluster
    /cluster k<Tab>          kill
    /cluster set l<Tab>      lb=  layer=  lag=  local_cache=
    /cluster set lb=l<Tab>   lb=least-connections
    /drill b-<Tab>           the drill ids that start with b-
    /help cluster <Tab>      its subcommands
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from bot.console.directives import DIRECTIVES
from engine.commands.specs import BY_NAME, HELP, CommandSpec, OptionSpec

# (command, subcommand, option, typed, limit) -> names, as Tutor.suggestions answers.
Suggester = Callable[[str, str | None, str | None, str, int | None], list[str]]


class SpecCompleter(Completer):
    def __init__(self, suggest: Suggester) -> None:
        self._suggest = suggest

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterator[Completion]:
        before = document.text_before_cursor
        words = before.split()
        if not words or before[-1:].isspace():
            words.append("")  # the cursor starts a new word
        typed = words[-1]
        for name in completions(words, self._suggest):
            yield Completion(name, start_position=-len(typed))


def completions(words: list[str], suggest: Suggester) -> list[str]:
    """What the last word (`words[-1]`, perhaps "") may become, given the words before it."""
    typed = words[-1]
    if len(words) == 1:
        return _matching(typed, _first_words(typed))
    spec = BY_NAME.get(words[0].removeprefix("/").lower())
    if spec is None:
        return []
    args = words[1:]
    if spec is HELP:
        return _help_words(args)
    parent: CommandSpec | None = None
    if spec.subcommands:
        if len(args) == 1:
            return _matching(typed, [s.name for s in spec.subcommands])
        parent, spec = spec, spec.sub(args[0].lower()) or spec
        if spec is parent:
            return []
        args = args[1:]
    if spec.keyword:
        return _keyword(spec, args)
    return _positional(spec, parent, args, suggest)


def _first_words(typed: str) -> list[str]:
    if typed.startswith(":"):
        return [f":{d.name}" for d in DIRECTIVES]
    bare = not typed.startswith("/") and typed != ""
    return [name if bare else f"/{name}" for name in BY_NAME]


def _help_words(args: list[str]) -> list[str]:
    """`/help <command> [subcommand]`: command names, then that command's subcommands."""
    typed = args[-1]
    if len(args) == 1:
        names = [f":{d.name}" for d in DIRECTIVES] if typed.startswith(":") else list(BY_NAME)
        return _matching(typed.removeprefix("/") if not typed.startswith(":") else typed, names)
    spec = BY_NAME.get(args[0].removeprefix("/").lower())
    if len(args) == 2 and spec is not None:
        return _matching(typed, [s.name for s in spec.subcommands])
    return []


def _keyword(spec: CommandSpec, args: list[str]) -> list[str]:
    """`key=` for the settings not given yet; after `key=`, that setting's choices."""
    typed = args[-1]
    key, sep, _ = typed.partition("=")
    if sep:
        option = spec.option(key.lower())
        choices = option.choices if option is not None else ()
        return _matching(typed, [f"{key}={c}" for c in choices])
    given = {a.partition("=")[0].lower() for a in args[:-1]}
    return _matching(typed, [f"{o.name}=" for o in spec.options if o.name not in given])


def _positional(
    spec: CommandSpec, parent: CommandSpec | None, args: list[str], suggest: Suggester
) -> list[str]:
    index = len(args) - 1
    if index >= len(spec.options):
        return []
    option: OptionSpec = spec.options[index]
    typed = args[-1]
    if option.choices:
        return _matching(typed, list(option.choices))
    if option.suggests is not None:
        command, sub = (parent.name, spec.name) if parent else (spec.name, None)
        # All of them: a terminal's menu scrolls (Discord's shows 25).
        return _matching(typed, suggest(command, sub, option.name, typed.lower(), None))
    return []


def _matching(typed: str, names: Iterable[str]) -> list[str]:
    """Names that start with what was typed (case-insensitive); if none does, those that
    contain it (`/drill stamp` finds e02-cache-stampede)."""
    lowered = typed.lower()
    unique = list(dict.fromkeys(names))
    starts = [n for n in unique if n.lower().startswith(lowered)]
    return starts or [n for n in unique if lowered in n.lower()]
