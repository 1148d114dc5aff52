"""Completions while an option is typed, from what its spec says it suggests."""

from __future__ import annotations

from typing import assert_never

from engine.commands.options import Suggest
from engine.commands.specs import BY_NAME
from engine.content.loader import Content

MAX_SUGGESTIONS = 25  # Discord shows at most 25


def suggestions(
    content: Content,
    command: str,
    subcommand: str | None,
    option: str | None,
    typed: str,
    limit: int | None = MAX_SUGGESTIONS,
) -> list[str]:
    """Names containing `typed` (case-insensitive) for the option (None: the command's first
    option that suggests anything); none for an option that suggests nothing. At most `limit`
    (None: all, for a terminal's completion menu, which scrolls)."""
    spec = BY_NAME.get(command)
    if spec is not None and spec.subcommands:
        spec = spec.sub(subcommand or spec.default_sub or "")
    if spec is None:
        return []
    wanted = (
        spec.option(option)
        if option is not None
        else next((o for o in spec.options if o.suggests is not None), None)
    )
    if wanted is None or wanted.suggests is None:
        return []
    lowered = typed.lower()
    return [n for n in _names(content, wanted.suggests) if lowered in n][:limit]


def _names(content: Content, source: Suggest) -> list[str]:
    match source:
        case Suggest.DRILLS:
            drills = content.drills.values()
            return [
                "list",
                "random",
                "due",
                *sorted({d.topic for d in drills}),
                *sorted(d.id for d in drills),
            ]
        case Suggest.LESSONS:
            return list(content.lessons)
        case Suggest.SCENARIOS:
            return list(content.load.scenarios)
        case _:
            assert_never(source)
