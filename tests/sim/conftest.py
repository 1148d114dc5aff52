"""Fixtures for the pure simulation: a fresh default cluster and a request runner."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from engine.content.loader import Content
from engine.sim.request import Method, Request
from engine.sim.state import ClusterState, new_cluster
from engine.sim.trace import Trace, run_request

Run = Callable[..., Trace]


@pytest.fixture
def cluster() -> ClusterState:
    return new_cluster()


@pytest.fixture
def run(cluster: ClusterState, content: Content) -> Run:
    def go(line: str, user: str = "alice", state: ClusterState | None = None) -> Trace:
        method, path = line.split()
        return run_request(state or cluster, Request(Method(method), path), user, content.latencies)

    return go
