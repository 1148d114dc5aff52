"""Where each step of a trace happens: a hop from one node to another, or work inside one.

Traces name their hops in words, `app-0 → cache: GET user:7`; a step without an arrow happens
at its component, and when the request has moved there (the balancer handing it to an app
server) the step is the hop that brought it. Node names are checked against the cluster, so a
sentence that merely mentions a node never becomes a hop.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence, Set
from typing import Protocol

from engine.pictures.diagram import PathStep
from engine.pictures.states import HopMark, Role

_ARROW = re.compile(r"^(?P<source>[\w-]+) → (?P<target>[\w-]+)(?::\s*|\s+)(?P<rest>.*)$", re.S)
_SQL = re.compile(r"^(?:(SELECT|DELETE) .*?FROM (\w+)|(INSERT) INTO (\w+)|(UPDATE) (\w+))")
_CLAUSE = re.compile(r" \(|: |, |\. |\.$")
# Tiers top to bottom: a hop towards a lower number is an answer coming back.
_DEPTH = {
    Role.CLIENT: 0,
    Role.BALANCER: 1,
    Role.APP: 2,
    Role.CACHE: 3,
    Role.PRIMARY: 4,
    Role.REPLICA: 4,
}
_CALLEES = (Role.CACHE, Role.PRIMARY, Role.REPLICA)
LABEL_CHARS = 24


class Row(Protocol):
    """One step of a trace, as the simulation records it (engine.sim's Step is one)."""

    @property
    def component(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def latency_ms(self) -> float: ...
    @property
    def cumulative_ms(self) -> float: ...
    @property
    def asynchronous(self) -> bool: ...


def path_steps(
    rows: Sequence[Row],
    roles: Mapping[str, Role],
    down: Set[str],
    replicas_of: Mapping[str, tuple[str, ...]],
    hit: bool,
    failed: bool,
    stale_words: str,
) -> tuple[PathStep, ...]:
    """The steps as drawn. `down`: nodes that are down; `replicas_of`: each primary's live
    replicas (where an asynchronous step streams); `hit`/`failed`: the trace's outcome.
    On every pictured /trace: its steps are read straight from the simulation's, each
    sentence parsed once (and a sentence seen before not again)."""
    at = "client"
    steps = []
    last = len(rows)
    for number, row in enumerate(rows, start=1):
        text, asynchronous = row.text, row.asynchronous
        source, targets, label = _place(row, at, roles, replicas_of)
        if targets and not asynchronous:
            at = targets[0]
        elif row.component in roles:
            at = row.component
        mark = _mark(row, source, targets, roles, down, hit, failed and number == last, stale_words)
        steps.append(
            PathStep(
                number,
                source,
                targets,
                mark,
                "replication" if asynchronous else label,
                text,
                0.0 if asynchronous else row.latency_ms,
                row.cumulative_ms,
            )
        )
    return tuple(steps)


def _place(
    row: Row, at: str, roles: Mapping[str, Role], replicas_of: Mapping[str, tuple[str, ...]]
) -> tuple[str, tuple[str, ...], str]:
    """(source, targets, label) of one step."""
    text = row.text
    hop = _hop(text)
    if hop is not None and hop[0] in roles and hop[1] in roles:
        return hop[0], (hop[1],), hop[2]
    here = row.component if row.component in roles else at
    if row.asynchronous:
        return here, replicas_of.get(here, ()), ""
    # An app server carrying on after a call to the cache or a database: the answer came back
    # within that call's round trip, so nothing moves.
    returned = roles.get(at) in _CALLEES and roles.get(here) is Role.APP
    source, targets = (at, (here,)) if here != at and not returned else (here, ())
    # Entering the cluster: the request line opens the sentence (`GET /u/7: the load …`).
    return source, targets, text.split(":", 1)[0] if source == "client" else ""


@functools.lru_cache(maxsize=4_096)
def _hop(text: str) -> tuple[str, str, str] | None:
    """(source, target, label) of a sentence that names a hop (`app-0 → cache: GET user:7`),
    whether or not those are nodes of the cluster; None for any other sentence. A pure
    function of the words, and many sentences recur (`app-2 builds 200 OK …`): kept."""
    match = _ARROW.match(text)
    if match is None:
        return None
    source, target, rest = match.group(1, 2, 3)
    if rest:
        return source, target, _label(rest)
    return source, target, text.split(":", 1)[0] if source == "client" else ""


def _mark(
    row: Row,
    source: str,
    targets: tuple[str, ...],
    roles: Mapping[str, Role],
    down: Set[str],
    hit: bool,
    failed_end: bool,
    stale_words: str,
) -> HopMark:
    if row.asynchronous:
        return HopMark.ASYNC
    if failed_end or source in down or not down.isdisjoint(targets):
        return HopMark.FAILED
    if not targets:
        return HopMark.LOCAL
    target = targets[0]
    if roles[source] is Role.CACHE and roles[target] is Role.APP:
        return HopMark.HIT if hit else HopMark.MISS
    if stale_words in row.text:
        return HopMark.STALE
    return HopMark.REPLY if _DEPTH[roles[target]] < _DEPTH[roles[source]] else HopMark.REQUEST


def _label(rest: str) -> str:
    """A few words for the drawing: the message after the arrow, up to its first clause."""
    sql = _SQL.match(rest)
    if sql:
        verb, table = (g for g in sql.groups() if g)
        return f"{verb} {table}"
    clause = _CLAUSE.split(rest, maxsplit=1)[0]
    return shorten(clause, LABEL_CHARS)


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"
