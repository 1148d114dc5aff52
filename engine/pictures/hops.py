"""Where each step of a trace happens: a hop from one node to another, or work inside one.

Traces name their hops in words, `app-0 → cache: GET user:7`; a step without an arrow happens
at its component, and when the request has moved there (the balancer handing it to an app
server) the step is the hop that brought it. Node names are checked against the cluster, so a
sentence that merely mentions a node never becomes a hop.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass

from engine.pictures.diagram import PathStep
from engine.pictures.states import HopMark, Role

_ARROW = re.compile(r"^(?P<source>[\w-]+) → (?P<target>[\w-]+)(?::\s*|\s+)(?P<rest>.*)$", re.S)
_SQL = re.compile(r"^(?:(SELECT|DELETE) .*?FROM (\w+)|(INSERT) INTO (\w+)|(UPDATE) (\w+))")
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


@dataclass(frozen=True, slots=True)
class Row:
    component: str
    text: str
    latency_ms: float
    cumulative_ms: float
    asynchronous: bool = False


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
    replicas (where an asynchronous step streams); `hit`/`failed`: the trace's outcome."""
    at = "client"
    steps = []
    for number, row in enumerate(rows, start=1):
        source, targets, rest = _place(row, at, roles, replicas_of)
        if targets and not row.asynchronous:
            at = targets[0]
        elif row.component in roles:
            at = row.component
        last = number == len(rows)
        mark = _mark(row, source, targets, roles, down, hit, failed and last, stale_words)
        steps.append(
            PathStep(
                number=number,
                source=source,
                targets=targets,
                mark=mark,
                label="replication" if row.asynchronous else _label(rest, source, row.text),
                sentence=row.text,
                latency_ms=0.0 if row.asynchronous else row.latency_ms,
                cumulative_ms=row.cumulative_ms,
            )
        )
    return tuple(steps)


def _place(
    row: Row, at: str, roles: Mapping[str, Role], replicas_of: Mapping[str, tuple[str, ...]]
) -> tuple[str, tuple[str, ...], str]:
    """(source, targets, the words after the arrow) of one step."""
    match = _ARROW.match(row.text)
    if match and match["source"] in roles and match["target"] in roles:
        return match["source"], (match["target"],), match["rest"]
    here = row.component if row.component in roles else at
    if row.asynchronous:
        return here, replicas_of.get(here, ()), ""
    # An app server carrying on after a call to the cache or a database: the answer came back
    # within that call's round trip, so nothing moves.
    returned = roles.get(at) in _CALLEES and roles.get(here) is Role.APP
    if here != at and not returned:
        return at, (here,), ""
    return here, (), ""


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
    if failed_end or source in down or any(t in down for t in targets):
        return HopMark.FAILED
    if not targets:
        return HopMark.LOCAL
    target = targets[0]
    if roles[source] is Role.CACHE and roles[target] is Role.APP:
        return HopMark.HIT if hit else HopMark.MISS
    if stale_words in row.text:
        return HopMark.STALE
    return HopMark.REPLY if _DEPTH[roles[target]] < _DEPTH[roles[source]] else HopMark.REQUEST


def _label(rest: str, source: str, text: str) -> str:
    """A few words for the drawing: the message after the arrow, up to its first clause."""
    if not rest:
        # Entering the cluster: the request line opens the sentence (`GET /u/7: the load …`).
        return text.split(":", 1)[0] if source == "client" else ""
    sql = _SQL.match(rest)
    if sql:
        verb, table = (g for g in sql.groups() if g)
        return f"{verb} {table}"
    clause = re.split(r" \(|: |, |\. |\.$", rest, maxsplit=1)[0]
    return shorten(clause, LABEL_CHARS)


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"
