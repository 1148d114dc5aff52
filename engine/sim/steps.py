"""What a trace is made of: its steps, its outcome, and the early end of a failed request."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from engine.sim.request import Request


class Outcome(StrEnum):
    HIT = "hit"
    MISS = "miss"
    UNCACHED = "uncached"  # read with no cache in front (no cache tier, or the cache is down)
    WRITE = "write"
    FAILED = "failed"


class Step(NamedTuple):
    """One step. A tuple, not a dataclass: a trace makes a dozen of these on every request, and
    a tuple is the cheapest immutable record Python builds."""

    component: str
    text: str
    latency_ms: float
    cumulative_ms: float
    asynchronous: bool = False  # happens after the response; not part of the total


_new = tuple.__new__


class Trace:
    __slots__ = (
        "db_queries",
        "outcome",
        "request",
        "status",
        "steps",
        "summary",
        "total_ms",
        "trace_no",
        "user",
    )

    def __init__(self, trace_no: int, request: Request, user: str) -> None:
        self.trace_no = trace_no
        self.request = request
        self.user = user
        self.steps: list[Step] = []
        self.outcome = Outcome.MISS
        self.status = ""
        self.total_ms = 0.0
        self.db_queries = 0
        self.summary = ""

    def add(self, component: str, text: str, latency_ms: float = 0.0) -> None:
        total = self.total_ms = self.total_ms + latency_ms
        # tuple.__new__ builds the record in C, skipping NamedTuple's Python-level __new__.
        self.steps.append(_new(Step, (component, text, latency_ms, total, False)))

    def add_async(self, component: str, text: str) -> None:
        self.steps.append(_new(Step, (component, text, 0.0, self.total_ms, True)))


class RequestFailed(Exception):
    """The request ended early with an error response; the trace already says why."""
