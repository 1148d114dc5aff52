"""Any sequence of cluster commands and requests, under either balancer, runs without an
internal error, keeps its bounds, and survives the codec: the simulation's invariants."""

from __future__ import annotations

import contextlib

from conftest import apply
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.commands.parser import parse_text
from engine.content.loader import load_content
from engine.errors import RungsError
from engine.sim.codec import dump_state, load_state
from engine.sim.request import Method, Request
from engine.sim.state import MAX_IN_FLIGHT, new_cluster
from engine.sim.trace import run_request

LATENCIES = load_content().latencies
NODES = st.sampled_from(
    [
        "lb",
        "app-0",
        "app-1",
        "app-2",
        "app-5",
        "cache",
        "db",
        "replica-0",
        "replica-1",
        "shard-1",
        "shard-1-replica-0",
        "shard-0",
    ]
)
SETTINGS = st.sampled_from(
    [
        "balancer=nginx",
        "balancer=haproxy",
        "lb=round-robin",
        "lb=least-connections",
        "lb=consistent-hash",
        "lb=weighted",
        "servers=1",
        "servers=4",
        "weights=3,1,1",
        "replicas=0",
        "replicas=2",
        "shards=3",
        "shards=1",
        "cache=0",
        "cache=2",
        "local_cache=3",
        "ttl=1",
        "sticky=on",
        "sticky=off",
        "layer=l4",
        "lag=0",
        "lag=2000",
        "ryw=on",
        "interval=1",
        "fall=1",
        "rise=1",
        "retries=0",
        "retries=1",
        "redispatch=off",
        "max_fails=0",
        "max_fails=2",
        "fail_timeout=1",
        "connect_timeout=100",
    ]
)
PATHS = st.sampled_from(["/u/1", "/u/2", "/u/7/posts", "/u", "/u/", "/", "/feed", "/p/3"])
METHODS = st.sampled_from([m.value for m in Method])
STEP = st.one_of(
    st.tuples(st.just("trace"), METHODS, PATHS, st.sampled_from(["ann", "bob"])),
    st.tuples(st.just("kill"), NODES, st.sampled_from(["process", "host"])),
    st.tuples(st.just("revive"), NODES),
    st.tuples(st.just("promote"), NODES),
    st.tuples(st.just("slow"), NODES),
    st.tuples(st.just("set"), SETTINGS),
    st.tuples(st.just("wait"), st.sampled_from(["0.3", "2", "11", "400"])),
    st.tuples(st.just("add"), st.sampled_from(["server", "replica", "shard"])),
)


def command(step: tuple[str, ...]) -> str:
    kind, *args = step
    return f"/cluster {kind} {' '.join(args)}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(STEP, min_size=1, max_size=40))
def test_any_sequence_runs_and_round_trips(steps: list[tuple[str, ...]]) -> None:
    state = new_cluster()
    for step in steps:
        if step[0] == "trace":
            _, method, path, user = step
            trace = run_request(state, Request(Method(method), path), user, LATENCIES)
            assert trace.steps
            assert trace.status
        else:
            # A node this cluster does not have, or a refused change, is a user message.
            with contextlib.suppress(RungsError):
                apply(state, parse_text(command(step)))
        assert all(len(s.busy_until) <= MAX_IN_FLIGHT for s in state.servers)
        assert len(state.cache) <= max(state.config.cache, 0)
    document = dump_state(state)
    assert dump_state(load_state(document)) == document
