"""The same scenario on the simulation: requests at given moments, changes at others, and the
answers in the shape the real runs give them (status, backend `b<i>`, seconds)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from engine.content.loader import load_content
from engine.sim.clock import advance
from engine.sim.config import ClusterConfig
from engine.sim.request import Method, Request
from engine.sim.state import ClusterState, new_cluster
from engine.sim.trace import Trace, run_request

Change = Callable[[ClusterState], object]


@dataclass(frozen=True)
class SimAnswer:
    status: int
    backend: str
    seconds: float


def answer(trace: Trace) -> SimAnswer:
    status = int(trace.status.split()[0])
    apps = [s.component for s in trace.steps if s.component.startswith("app-")]
    backend = f"b{apps[-1].removeprefix('app-')}" if apps and status < 500 else ""
    return SimAnswer(status, backend, trace.total_ms / 1000)


def simulate(
    config: ClusterConfig,
    requests: list[tuple[float, str]],
    changes: list[tuple[float, Change]] = (),  # type: ignore[assignment]
    prepare: Change | None = None,
) -> tuple[list[SimAnswer], ClusterState]:
    """Run `requests` (offset in seconds, path) and `changes` (offset, function of the state) in
    time order on a cluster built from `config`, whose clock starts where the balancer starts."""
    latencies = replace(load_content().latencies, arrival_gap_ms=0.0)
    state = new_cluster(replace(config, cache=0, replicas=0))
    if prepare is not None:
        prepare(state)
    events: list[tuple[float, int, object]] = [(t, 1, path) for t, path in requests]
    events += [(t, 0, change) for t, change in changes]
    answers = []
    for at, kind, what in sorted(events, key=lambda e: (e[0], e[1])):
        if at * 1000 > state.now_ms:
            advance(state, at * 1000 - state.now_ms)
        if kind == 0:
            what(state)  # type: ignore[operator]
        else:
            answers.append(
                answer(run_request(state, Request(Method.GET, str(what)), "t", latencies))
            )
    return answers, state
