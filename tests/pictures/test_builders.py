"""The builders in engine.pictures, fed by real traces through engine.sim."""

from __future__ import annotations

import pytest
from picture_cases import (
    cold_get,
    dead_server_in_window,
    failover_lost_write,
    nginx_passive_checks,
    request,
    sharded,
    stale_read,
    warm_get,
    write_with_replication,
)

from engine.content.loader import Content
from engine.pictures.diagram import ClusterDiagram, Node, PathStep, TracePath
from engine.pictures.from_cluster import cluster_diagram, trace_animation, trace_diagram
from engine.pictures.hops import path_steps
from engine.pictures.states import HopMark, NodeState, Outcome, Role
from engine.sim import faults
from engine.sim import operations as ops
from engine.sim.codec import dump_state
from engine.sim.config import Balancer
from engine.sim.state import new_cluster
from engine.sim.steps import Step


def hops(path: TracePath) -> list[tuple[str, tuple[str, ...], HopMark]]:
    return [(s.source, s.targets, s.mark) for s in path.steps]


def test_cold_get_goes_down_the_tiers_and_misses(content: Content) -> None:
    state, trace = cold_get(content)
    diagram = trace_diagram(state, trace, content.latencies)
    assert diagram.path is not None
    assert hops(diagram.path) == [
        ("client", ("lb",), HopMark.REQUEST),
        ("lb", ("app-0",), HopMark.REQUEST),
        ("app-0", ("cache",), HopMark.REQUEST),
        ("cache", ("app-0",), HopMark.MISS),
        ("app-0", (), HopMark.LOCAL),
        ("app-0", ("replica-0",), HopMark.REQUEST),
        ("replica-0", ("app-0",), HopMark.REPLY),
        ("app-0", ("cache",), HopMark.REQUEST),
        ("app-0", (), HopMark.LOCAL),
        ("app-0", ("lb",), HopMark.REPLY),
        ("lb", ("client",), HopMark.REPLY),
    ]
    path = diagram.path
    assert path.outcome is Outcome.MISS
    assert [s.latency_ms for s in path.steps] == [s.latency_ms for s in trace.steps]
    assert path.client_ms == pytest.approx(trace.total_ms + content.latencies.client_rtt_ms)
    assert [s.label for s in path.steps[:4]] == ["GET /u/7", "", "GET user:7", "MISS"]
    assert path.steps[5].label == "SELECT users"
    assert "cache miss" in diagram.title


def test_warm_get_hits_and_never_reaches_a_database(content: Content) -> None:
    state, trace = warm_get(content)
    path = trace_diagram(state, trace, content.latencies).path
    assert path is not None
    assert ("cache", ("app-1",), HopMark.HIT) in hops(path)
    touched = {n for s in path.steps for n in (s.source, *s.targets)}
    assert touched == {"client", "lb", "app-1", "cache"}
    assert path.outcome is Outcome.HIT


def test_a_dead_server_in_the_window_is_shown_still_in_rotation(content: Content) -> None:
    state, trace = dead_server_in_window(content)
    diagram = trace_diagram(state, trace, content.latencies)
    dead = diagram.node("app-0")
    assert dead.state is NodeState.DOWN_IN_ROTATION
    assert dead.detail == "out in 2 checks"
    assert diagram.path is not None
    assert hops(diagram.path)[1:4] == [
        ("lb", ("app-0",), HopMark.FAILED),
        ("app-0", ("lb",), HopMark.FAILED),
        ("lb", ("app-1",), HopMark.REQUEST),
    ]
    assert "app-0 down, still in rotation (out in 2 checks)" in diagram.alt


def test_states_follow_health_checks_out_and_back(content: Content) -> None:
    state = new_cluster()
    faults.kill(state, "app-1")
    ops.wait(state, 6)
    assert cluster_diagram(state).node("app-1").state is NodeState.DOWN
    faults.revive(state, "app-1")
    ops.wait(state, 2)
    rising = cluster_diagram(state).node("app-1")
    assert (rising.state, rising.detail) == (NodeState.RISING, "1 of 2 checks passed")
    ops.wait(state, 2)
    assert cluster_diagram(state).node("app-1").state is NodeState.UP
    faults.slow(state, "app-2", 900)
    assert cluster_diagram(state).node("app-2").state is NodeState.SLOW


def test_nginx_states_come_from_its_passive_checks(content: Content) -> None:
    diagram = cluster_diagram(nginx_passive_checks(content))
    states = {n.id: (n.state, n.detail) for n in diagram.apps}
    assert states == {
        "app-0": (NodeState.DOWN, "skipped ≤ 10 s"),  # one refused request took it out
        "app-1": (NodeState.OUT_OF_ROTATION, "skipped ≤ 10 s"),  # back, not tried again yet
        "app-2": (NodeState.DOWN_IN_ROTATION, "out in 1 failure"),  # no active checks
        "app-3": (NodeState.UP, "2 served"),
    }
    assert diagram.node("lb").detail == "nginx · L7 · round-robin"
    assert "passive checks, max_fails 1, fail_timeout 10 s" in diagram.caption[0]
    assert "health checks every" not in diagram.alt  # nginx has none


def test_a_dead_host_is_said_once_haproxy_takes_it_out(content: Content) -> None:
    state = new_cluster()
    faults.kill(state, "app-1", "host")
    ops.wait(state, 10)  # the checks time out instead of being refused
    assert cluster_diagram(state).node("app-1").detail == "host dead"
    ops.apply_settings(state, {"max_fails": 0, "balancer": Balancer.NGINX})
    faults.kill(state, "app-2")
    assert cluster_diagram(state).node("app-2").detail == "never skipped"


def test_after_a_failover_the_old_primary_is_fenced_in_the_replicas_place(
    content: Content,
) -> None:
    state, trace = failover_lost_write(content)
    diagram = trace_diagram(state, trace, content.latencies)
    group = diagram.shards[0]
    assert group.primary.state is NodeState.UP
    assert [(r.id, r.state) for r in group.replicas] == [
        ("replica-0", NodeState.FENCED),
        ("replica-1", NodeState.UP),
    ]
    assert "replica-0 fenced (old primary)" in diagram.alt
    assert diagram.path is not None
    assert ("app-1", ("replica-1",), HopMark.REQUEST) in hops(diagram.path)  # not the fenced one


def test_a_stale_read_marks_the_hop_the_replica_and_the_cached_copy(content: Content) -> None:
    state, trace = stale_read(content)
    diagram = trace_diagram(state, trace, content.latencies)
    assert diagram.path is not None
    assert ("replica-0", ("app-2",), HopMark.STALE) in hops(diagram.path)
    assert diagram.node("replica-0").state is NodeState.STALE
    assert diagram.node("cache").state is NodeState.STALE  # it cached the old row
    assert "stale read" in diagram.title
    assert "replica-0 stale" in diagram.alt


def test_a_sharded_cluster_groups_each_primary_with_its_replicas(content: Content) -> None:
    state, trace = sharded(content)
    diagram = trace_diagram(state, trace, content.latencies)
    assert [g.label for g in diagram.shards] == ["shard 0", "shard 1", "shard 2", "shard 3"]
    assert [g.primary.id for g in diagram.shards] == ["shard-0", "shard-1", "shard-2", "shard-3"]
    assert [r.id for r in diagram.shards[2].replicas] == ["shard-2-replica-0", "shard-2-replica-1"]
    assert diagram.node("shard-2-replica-1").state is NodeState.DOWN
    assert diagram.node("app-3").state is NodeState.SLOW
    assert diagram.path is not None
    read = [
        s for s in diagram.path.steps if s.mark is HopMark.REQUEST and s.label == "SELECT users"
    ]
    assert read[0].targets[0].startswith("shard-")


def test_replication_after_a_write_fans_out_to_the_live_replicas(content: Content) -> None:
    state, trace = write_with_replication(content)
    path = trace_diagram(state, trace, content.latencies).path
    assert path is not None
    last = path.steps[-1]
    assert (last.source, last.targets, last.mark) == (
        "db",
        ("replica-0", "replica-1"),
        HopMark.ASYNC,
    )
    assert last.latency_ms == 0
    assert path.outcome is Outcome.WRITE


def test_a_request_nothing_answers_has_no_client_time(content: Content) -> None:
    state = new_cluster()
    faults.kill(state, "lb")
    trace = request(content, state, "GET /u/7")
    diagram = trace_diagram(state, trace, content.latencies)
    assert diagram.path is not None
    assert diagram.path.client_ms is None
    assert diagram.path.steps[-1].mark is HopMark.FAILED
    assert diagram.node("lb").state is NodeState.DOWN


def test_building_pictures_leaves_the_cluster_as_it_was(content: Content) -> None:
    state, trace = stale_read(content)
    before = dump_state(state)
    trace_animation(state, trace, content.latencies)
    cluster_diagram(state)
    assert dump_state(state) == before


def test_no_cache_tier_and_no_replicas(content: Content) -> None:
    state = new_cluster()
    ops.apply_settings(state, {"cache": 0, "replicas": 0})
    trace = request(content, state, "GET /u/7")
    diagram = trace_diagram(state, trace, content.latencies)
    assert diagram.caches == ()
    assert diagram.shards[0].replicas == ()
    assert diagram.path is not None
    assert ("app-0", ("db",), HopMark.REQUEST) in hops(diagram.path)
    assert "no cache" in diagram.alt


def test_a_sentence_that_only_mentions_a_node_is_not_a_hop_to_it() -> None:
    roles = {"client": Role.CLIENT, "lb": Role.BALANCER, "app-0": Role.APP, "db": Role.PRIMARY}
    rows = [
        Step("lb", "GET /u/7: the load balancer routes to app server 0.", 0.2, 0.2),
        Step("app-0", "app-0 picks db: there are no read replicas.", 0.0, 0.2),
        Step("app-0", "app-0 → nowhere: not a node of this cluster.", 0.0, 0.2),
    ]
    steps = path_steps(rows, roles, set(), {}, hit=False, failed=False, stale_words="stale")
    assert [(s.source, s.targets) for s in steps] == [
        ("client", ("lb",)),
        ("lb", ("app-0",)),  # the request moved to app-0 to be picked up there
        ("app-0", ()),
    ]


def test_values_refuse_what_cannot_be_drawn() -> None:
    node = Node("lb", Role.BALANCER, NodeState.UP)
    client = Node("client", Role.CLIENT, NodeState.UP)
    step = PathStep(1, "client", ("ghost",), HopMark.REQUEST, "", "", 0.0, 0.0)
    path = TracePath("GET /", "a", Outcome.MISS, "200 OK", 1.0, 21.0, (step,), "")
    with pytest.raises(ValueError, match="unknown nodes"):
        ClusterDiagram("t", client, (node,), (), (), (), (), "alt", path=path)
    with pytest.raises(ValueError, match="unique"):
        ClusterDiagram("t", client, (node, node), (), (), (), (), "alt")
    with pytest.raises(ValueError, match="numbered"):
        TracePath("GET /", "a", Outcome.MISS, "", 1.0, 1.0, (step, step), "")
