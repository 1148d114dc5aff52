"""The pictures a reviewer opens: real traces through `engine.sim`, and load charts built by
hand with realistic figures (until `engine/load` produces them). Shared by the tests and by
`bench/pictures.py`, which also writes them out as files (`--samples DIR`)."""

from __future__ import annotations

import math
from collections.abc import Callable

from engine.content.loader import Content
from engine.pictures import Chart, ClusterDiagram, Picture, TraceAnimation
from engine.pictures.chart import Bar, BarPanel, LinePanel, Marker, Region, Series, Threshold
from engine.pictures.charts import chart
from engine.pictures.from_cluster import cluster_diagram, trace_animation, trace_diagram
from engine.pictures.progress import progress_chart
from engine.pictures.states import MarkerKind
from engine.sim import failover, faults
from engine.sim import operations as ops
from engine.sim.config import Balancer
from engine.sim.request import Method, Request
from engine.sim.state import ClusterState, new_cluster
from engine.sim.trace import Trace, run_request


def request(content: Content, state: ClusterState, line: str, user: str = "alice") -> Trace:
    method, path = line.split()
    return run_request(state, Request(Method(method), path), user, content.latencies)


def cold_get(content: Content) -> tuple[ClusterState, Trace]:
    state = new_cluster()
    return state, request(content, state, "GET /u/7")


def warm_get(content: Content) -> tuple[ClusterState, Trace]:
    state = new_cluster()
    request(content, state, "GET /u/7")
    return state, request(content, state, "GET /u/7", "bob")


def dead_server_in_window(content: Content) -> tuple[ClusterState, Trace]:
    """app-0 has crashed; the balancer has seen one failed check of three, so it still
    sends app-0 a request, which is refused and retried on app-1. (HAProxy starts a server one
    failed check from DOWN: the checks of the first 4 s bring every server to full health.)"""
    state = new_cluster()
    ops.wait(state, 4)
    faults.kill(state, "app-0")
    ops.wait(state, 1)  # the check at t = 4 s fails; the next is due at t = 6 s
    return state, request(content, state, "GET /u/7")


def stale_read(content: Content) -> tuple[ClusterState, Trace]:
    """alice writes user:7; 50 ms later bob's read misses the cache and lands on a replica
    that applies writes 100 ms late: it returns the old row."""
    state = new_cluster()
    request(content, state, "GET /u/7")
    request(content, state, "PUT /u/7")
    return state, request(content, state, "GET /u/7", "bob")


def sharded(content: Content) -> tuple[ClusterState, Trace]:
    """Four shards with two replicas each, a slow server and a dead replica."""
    state = new_cluster()
    ops.apply_settings(state, {"shards": 4, "replicas": 2, "servers": 4})
    faults.slow(state, "app-3", None)
    faults.kill(state, "shard-2-replica-1")
    for key in (1, 2, 3):
        request(content, state, f"GET /u/{key}")
    return state, request(content, state, "GET /u/42")


def write_with_replication(content: Content) -> tuple[ClusterState, Trace]:
    state = new_cluster()
    ops.apply_settings(state, {"replicas": 2})
    request(content, state, "GET /u/7")
    return state, request(content, state, "PUT /u/7")


def every_state(content: Content) -> ClusterState:
    """One cluster showing most states at once: slow, down in rotation, down and out,
    rising, a stale replica, and a cache holding a stale copy."""
    state = new_cluster()
    ops.apply_settings(state, {"servers": 5, "replicas": 2})
    faults.kill(state, "app-3")
    ops.wait(state, 6)  # app-3 pulled out
    faults.kill(state, "app-4")
    faults.revive(state, "app-3")  # back, out of rotation until 2 checks pass
    ops.wait(state, 2)
    faults.slow(state, "app-1", 1500)
    faults.kill(state, "app-2")  # crashed just now: still in rotation
    request(content, state, "GET /u/7")
    request(content, state, "PUT /u/7")
    request(content, state, "GET /u/7", "bob")  # fills the cache from a lagging replica
    request(content, state, "PUT /u/9")  # a write the replicas have not applied yet
    return state


def big_cluster(content: Content) -> ClusterState:
    state = new_cluster()
    ops.apply_settings(state, {"servers": 16, "shards": 8, "replicas": 3, "cache": 0})
    faults.kill(state, "app-5")
    faults.kill(state, "shard-6")
    for key in range(20):
        request(content, state, f"GET /u/{key}")
    return state


def failover_lost_write(content: Content) -> tuple[ClusterState, Trace]:
    """alice's write is acknowledged, the primary dies before it ships it, replica-0 is
    promoted: the old primary is fenced in replica-0's place and the read finds the old row."""
    state = new_cluster()
    ops.apply_settings(state, {"replicas": 2, "lag": 500})
    request(content, state, "PUT /u/7")
    faults.kill(state, "db")
    failover.promote(state, "replica-0")
    return state, request(content, state, "GET /u/7", "bob")


def nginx_passive_checks(content: Content) -> ClusterState:
    """nginx has no active checks: app-0's process died and one failed request took it out
    for fail_timeout; app-2's host died and nobody has tried it yet; app-1 is back but still
    skipped."""
    state = new_cluster()
    ops.apply_settings(state, {"balancer": Balancer.NGINX, "servers": 4})
    faults.kill(state, "app-0")
    faults.kill(state, "app-1")
    for _ in range(4):
        request(content, state, "GET /u/7")
    faults.revive(state, "app-1")
    faults.kill(state, "app-2", "host")
    return state


def after_failover() -> ClusterDiagram:
    """By hand, for what the simulation does not have (balancer pairs), beside the states it
    now produces itself: a fenced old primary, a promoted replica, a server out of rotation."""
    from engine.pictures.describe import describe_cluster
    from engine.pictures.diagram import Node, ShardGroup
    from engine.pictures.states import NodeState, Role

    balancers = (
        Node("lb-0", Role.BALANCER, NodeState.UP, "haproxy · active"),
        Node("lb-1", Role.BALANCER, NodeState.UP, "haproxy · standby"),
    )
    apps = (
        Node("app-0", Role.APP, NodeState.UP, "12 served"),
        Node("app-1", Role.APP, NodeState.OUT_OF_ROTATION, "draining"),
        Node("app-2", Role.APP, NodeState.UP, "11 served"),
    )
    caches = (Node("cache", Role.CACHE, NodeState.UP, "40/100 keys · TTL 300 s"),)
    shards = (
        ShardGroup(
            "database",
            Node("replica-0", Role.PRIMARY, NodeState.UP, "promoted at t = 12 s"),
            (
                Node("db", Role.REPLICA, NodeState.FENCED, "old primary, 3 writes lost"),
                Node("replica-1", Role.REPLICA, NodeState.UP, "follows replica-0"),
            ),
        ),
    )
    caption = ("balancer pair, haproxy, round-robin", "failover: replica-0 promoted")
    alt = describe_cluster(balancers, apps, caches, shards, caption)
    client = Node("client", Role.CLIENT, NodeState.UP, "your requests")
    return ClusterDiagram(
        "After a failover (drawn by hand)", client, balancers, apps, caches, shards, caption, alt
    )


# -- load charts, by hand, with figures shaped like the analytic model's --------------------------

SECONDS = range(121)
OFFERED = 8_000.0  # req/s, 95% reads
REPLICA_CAPACITY = 4_000.0  # reads/s of two replicas
RESTART_AT, WARM_TAU = 30, 35.0


def _miss_ratio(t: float) -> float:
    if t < RESTART_AT:
        return 0.05
    return 0.05 + 0.95 * math.exp(-(t - RESTART_AT) / WARM_TAU)


def stampede_chart() -> Chart:
    reads = OFFERED * 0.95
    db_load = [reads * _miss_ratio(t) for t in SECONDS]
    util = [100 * load / REPLICA_CAPACITY for load in db_load]
    errors = [max(0.0, load - REPLICA_CAPACITY) for load in db_load]
    served = [OFFERED - e for e in errors]
    p99 = [1000.0 if u >= 100 else 8 + 40 * (u / 100) ** 6 / max(0.05, 1 - u / 100) for u in util]
    cache = [0.0 if t < RESTART_AT else min(38.0, (t - RESTART_AT) * 1.4) for t in SECONDS]
    cache = [38.0 if t < RESTART_AT else c for t, c in zip(SECONDS, cache, strict=True)]
    app = [55 + 8 * min(1.0, e / 2000) for e in errors]
    primary = [12.0 for _ in SECONDS]
    saturated_until = max(t for t, u in zip(SECONDS, util, strict=True) if u >= 100)

    def pts(values: list[float]) -> tuple[tuple[float, float], ...]:
        return tuple((float(t), round(v, 2)) for t, v in zip(SECONDS, values, strict=True))

    return chart(
        "/scenario cache-restart: the stampede after the only cache node restarts",
        [
            LinePanel(
                "utilisation per tier",
                "%",
                (
                    Series("app servers", pts(app)),
                    Series("cache", pts(cache)),
                    Series("db primary", pts(primary)),
                    Series("db replicas", pts([min(u, 100.0) for u in util]), emphasis=True),
                ),
                thresholds=(Threshold(100.0, "saturation"),),
            ),
            LinePanel(
                "rate",
                "req/s",
                (Series("offered", pts([OFFERED] * len(SECONDS))), Series("served", pts(served))),
            ),
            LinePanel("errors (timeouts)", "req/s", (Series("errors", pts(errors)),)),
            LinePanel(
                "p99 latency",
                "ms",
                (Series("p99", pts(p99)),),
                thresholds=(Threshold(200.0, "objective 200 ms"),),
            ),
        ],
        subtitle="8,000 req/s, 95% reads, Zipf keys · seed 7 · one cache node, two replicas",
        x_label="simulated time",
        x_unit="s",
        markers=(
            Marker(RESTART_AT, "cache restarts, empty"),
            Marker(RESTART_AT + 0.5, "replicas saturate", MarkerKind.BOTTLENECK),
        ),
        regions=(Region(RESTART_AT, saturated_until, "reads pile onto the replicas"),),
    )


def saturation_chart() -> Chart:
    """`/load 12000 reads=95:5`: past what the replicas can take."""
    rates = [float(r) for r in range(0, 15_001, 500)]
    tiers = {
        "balancer": 1 / 50_000,
        "app servers": 1 / 14_000,
        "cache": 1 / 30_000,
        "db primary": 0.05 / 1_000,  # commits per second
        "db replicas": 0.95 * 0.34 / 2_800,  # 34% of reads miss at this key spread
    }
    panels = [
        BarPanel(
            "utilisation per tier at 12,000 req/s",
            "%",
            tuple(
                Bar(
                    name,
                    round(100 * 12_000 * cost, 1),
                    note="2 × 1,400 reads/s" if name == "db replicas" else "",
                    emphasis=name == "db replicas",
                )
                for name, cost in tiers.items()
            ),
            thresholds=(Threshold(100.0, "saturation"),),
        ),
        LinePanel(
            "utilisation as the load grows",
            "%",
            tuple(
                Series(
                    name,
                    tuple((r, round(100 * r * cost, 2)) for r in rates),
                    emphasis=name == "db replicas",
                )
                for name, cost in tiers.items()
            ),
            thresholds=(Threshold(100.0, "saturation"),),
        ),
    ]
    knee = 2_800 / (0.95 * 0.34)
    return chart(
        "/load 12000 reads=95:5 keys=1000000 zipf=0.9: the replicas break first",
        panels,
        subtitle="hit ratio 66% (Che's approximation, 100-key cache) · next rung: a bigger "
        "cache, or a third replica",
        x_label="offered load",
        x_unit="req/s",
        markers=(
            Marker(round(knee), "replicas saturate at 8.7k", MarkerKind.BOTTLENECK),
            Marker(12_000, "you are here"),
        ),
    )


def load_past_saturation(content: Content) -> Chart:
    """`/load 12000 reads=95:5` on the default cluster, from engine.load: the app servers
    break first at 5.45k/s."""
    from engine.load.answer import run_load
    from engine.load.query import parse_load
    from engine.load.topology import default_topology
    from engine.pictures.from_load import load_chart

    top = default_topology(content.load.capacities)
    return load_chart(run_load(parse_load(["12000", "reads=95:5"]), top, content.load))


def scenario_cache_restart(content: Content) -> Chart:
    """`/scenario cache-restart` from engine.load: the replicas take every read until the
    cache warms again."""
    from engine.load.scenario_story import run_scenario
    from engine.pictures.from_load import scenario_chart

    load = content.load
    return scenario_chart(
        run_scenario(load.scenarios["cache-restart"], load.capacities), load.capacities
    )


def progress() -> Chart:
    return progress_chart([(3, 10), (5, 10), (4, 8), (6, 10), (7, 10), (6, 9), (9, 10)])


Case = Callable[[Content], Picture]


def _traced(build: Callable[[Content], tuple[ClusterState, Trace]], animated: bool) -> Case:
    def make(content: Content) -> Picture:
        state, trace = build(content)
        if animated:
            return trace_animation(state, trace, content.latencies)
        return trace_diagram(state, trace, content.latencies)

    return make


def _shown(build: Callable[[Content], ClusterState]) -> Case:
    def make(content: Content) -> ClusterDiagram:
        return cluster_diagram(build(content))

    return make


CASES: dict[str, Case] = {
    "cold-get": _traced(cold_get, False),
    "cold-get-animation": _traced(cold_get, True),
    "warm-get": _traced(warm_get, False),
    "warm-get-animation": _traced(warm_get, True),
    "dead-server-in-window": _traced(dead_server_in_window, False),
    "dead-server-animation": _traced(dead_server_in_window, True),
    "stale-read": _traced(stale_read, False),
    "stale-read-animation": _traced(stale_read, True),
    "sharded-with-replicas": _traced(sharded, False),
    "write-with-replication": _traced(write_with_replication, False),
    "every-state": _shown(every_state),
    "big-cluster": _shown(big_cluster),
    "after-failover": lambda content: after_failover(),
    "failover-lost-write": _traced(failover_lost_write, False),
    "nginx-passive-checks": _shown(nginx_passive_checks),
    "load-past-saturation": lambda content: saturation_chart(),
    "scenario-stampede": lambda content: stampede_chart(),
    "progress": lambda content: progress(),
    "load-12000-from-engine": load_past_saturation,
    "scenario-cache-restart-from-engine": scenario_cache_restart,
}


def animation(content: Content, name: str) -> TraceAnimation:
    picture = CASES[name](content)
    assert isinstance(picture, TraceAnimation)
    return picture
