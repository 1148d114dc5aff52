"""Fixtures for the pure simulation: a fresh default cluster, a request runner, and helpers that
read a trace the way a learner does."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from engine.commands import types as t
from engine.commands.parser import parse_text
from engine.content.loader import Content
from engine.sim.request import Method, Request
from engine.sim.state import ClusterState, new_cluster
from engine.sim.trace import Trace, run_request
from engine.tutor.handlers.clusters import apply as apply_change

Run = Callable[..., Trace]
Do = Callable[..., str]


@pytest.fixture
def cluster() -> ClusterState:
    return new_cluster()


@pytest.fixture
def run(cluster: ClusterState, content: Content) -> Run:
    def go(line: str, user: str = "alice", state: ClusterState | None = None) -> Trace:
        method, path = line.split()
        return run_request(state or cluster, Request(Method(method), path), user, content.latencies)

    return go


@pytest.fixture
def do(cluster: ClusterState) -> Do:
    """Run a typed `/cluster …` command on the cluster, as the Tutor would."""

    def go(line: str, state: ClusterState | None = None) -> str:
        return apply(state or cluster, parse_text(line))

    return go


def apply(state: ClusterState, command: t.Command) -> str:
    """What the Tutor does with a parsed cluster command (the handler's own `apply`), without
    the store around it."""
    if not isinstance(command, t.ClusterChangeCommand):
        raise AssertionError(f"not a cluster change: {command}")
    return apply_change(state, command)


def server_of(trace: Trace) -> str:
    """The app server that finally handled the request."""
    return [s.component for s in trace.steps if s.component.startswith("app-")][-1]


def texts(trace: Trace) -> str:
    return "\n".join(s.text for s in trace.steps)


def lines(trace: Trace) -> list[str]:
    return [
        f"{i}/{len(trace.steps)} [{s.component}] {s.text}"
        for i, s in enumerate(trace.steps, start=1)
    ]
