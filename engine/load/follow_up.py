"""A drill attempt's "see it under load": the /load or /scenario invocation that shows the
attempt's numbers happening (content/under_load.yaml), as a command a button can carry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from engine.load.catalogue import LoadContent
from engine.load.query import LoadQuery, parse_load


@dataclass(frozen=True, slots=True)
class UnderLoad:
    drill: str
    command: str  # the text of the command, e.g. "/load 50000 reads=100:1"
    why: str
    load: LoadQuery | None  # set for /load; None for /scenario
    scenario: str | None  # set for /scenario


def under_load(drill: str, params: Mapping[str, float], content: LoadContent) -> UnderLoad | None:
    """The follow-up of `drill` with this attempt's drawn numbers, or None when it has none.
    The templates are checked at start-up, so a follow-up that exists always parses."""
    follow = content.follow_ups.get(drill)
    if follow is None:
        return None
    values = {k: int(v) if float(v).is_integer() else v for k, v in params.items()}
    text = follow.command.format(**values)
    words = text.split()
    if words[0] == "/load":
        query = parse_load(words[1:])
        return UnderLoad(drill, query.command(), follow.why, query, None)
    return UnderLoad(drill, text, follow.why, None, words[1])
