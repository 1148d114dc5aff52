"""What a trace is made of: its steps, its outcome, and the early end of a failed request."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from engine.sim.request import Request


class Outcome(StrEnum):
    HIT = "hit"
    MISS = "miss"
    UNCACHED = "uncached"  # read with no cache in front (no cache tier, or the cache is down)
    WRITE = "write"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Step:
    component: str
    text: str
    latency_ms: float
    cumulative_ms: float
    asynchronous: bool = False  # happens after the response; not part of the total


@dataclass(slots=True)
class Trace:
    trace_no: int
    request: Request
    user: str
    steps: list[Step] = field(default_factory=list)
    outcome: Outcome = Outcome.MISS
    status: str = ""
    total_ms: float = 0.0
    db_queries: int = 0
    summary: str = ""

    def add(self, component: str, text: str, latency_ms: float = 0.0) -> None:
        self.total_ms += latency_ms
        self.steps.append(Step(component, text, latency_ms, self.total_ms))

    def add_async(self, component: str, text: str) -> None:
        self.steps.append(Step(component, text, 0.0, self.total_ms, asynchronous=True))


class RequestFailed(Exception):
    """The request ended early with an error response; the trace already says why."""
