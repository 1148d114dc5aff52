"""/load as a pure function: the figures, the verdict, the rungs, the text, bad input."""

from __future__ import annotations

import pytest

from engine.content.loader import Content
from engine.errors import UsageError
from engine.load.answer import run_load
from engine.load.capacity import Capacities
from engine.load.catalogue import LoadContent, RungId
from engine.load.model import analyse
from engine.load.query import parse_load
from engine.load.topology import default_topology, topology_of
from engine.load.traffic import Tier, Traffic
from engine.load.verdict import Status, verdict
from engine.sim import faults
from engine.sim.config import Balancer, ClusterConfig, LbAlgorithm
from engine.sim.request import Method, Request
from engine.sim.state import new_cluster
from engine.sim.trace import run_request


def test_drill_b_numbers(load: LoadContent) -> None:
    answer = run_load(parse_load(["50k", "reads=100:1"]), default_topology(load.capacities), load)
    traffic = answer.query.traffic()
    assert traffic.reads == pytest.approx(49_505, abs=1)
    assert traffic.writes == pytest.approx(495, abs=1)
    assert answer.verdict.status is Status.SATURATED
    assert answer.verdict.first is not None
    assert answer.verdict.first.tier is Tier.APP
    assert answer.rungs
    assert answer.rungs[0].rung in (RungId.SCALE_OUT_APP, RungId.SCALE_UP_APP)
    assert answer.rungs[0].usd_delta > 0
    assert "◀ breaks first" in answer.table
    assert "app servers" in answer.table
    assert answer.paragraph.startswith("The app servers break first")
    assert answer.report.errors > 40_000  # past saturation most requests time out


def test_unloaded_latency_is_the_traces(content: Content, caps: Capacities) -> None:
    """At a trickle /load charges what /trace charges: a warm hit is 3.5 ms in the cluster."""
    state = new_cluster(ClusterConfig(cache=10_000))
    run_request(state, Request(Method.GET, "/u/7"), "alice", content.latencies)
    hit = run_request(state, Request(Method.GET, "/u/7"), "alice", content.latencies)
    top = topology_of(state, caps)
    report = analyse(top, Traffic(10, 10_000 / 10_001, keys=1), caps)  # one key: reads hit
    assert report.hit_ratio > 0.99
    assert report.mean * 1000 == pytest.approx(hit.total_ms, rel=0.01)


def test_the_channel_cluster_is_what_load_sees(caps: Capacities) -> None:
    state = new_cluster(ClusterConfig(servers=4, replicas=2, cache=500, ttl=60))
    faults.kill(state, "app-1")
    top = topology_of(state, caps)
    assert top.servers == 4
    assert top.cache_keys == 500
    assert top.ttl_s == 60
    assert top.replicas == 2
    assert not top.app[1].alive
    assert top.app[1].in_rotation
    report = analyse(top, Traffic(2_000, 0.99), caps)
    apps = [n for n in report.nodes if n.tier is Tier.APP]
    assert sum(n.count for n in apps) == 3  # the dead server serves nothing
    assert report.errors == 0  # its connections are refused, so the balancer retries them


def test_weights_share_the_traffic_under_every_algorithm(caps: Capacities) -> None:
    """Both balancers weigh round-robin and least-connections alike, and consistent hashing
    by each one's ring: /load gives a heavier server more of the traffic whatever the lb."""
    for lb in ("round-robin", "least-connections"):
        state = new_cluster(ClusterConfig(servers=3, weights=(2, 1, 1), lb=LbAlgorithm(lb)))
        top = topology_of(state, caps)
        assert [a.weight for a in top.app] == pytest.approx([1.5, 0.75, 0.75])
        report = analyse(top, Traffic(1_000, 0.99), caps)
        rates = {n.name: n.rate for n in report.nodes if n.tier is Tier.APP}
        assert rates["app-0"] == pytest.approx(2 * rates["app-1…app-2"]), lb
    for balancer in Balancer:
        cfg = ClusterConfig(balancer=balancer, lb=LbAlgorithm.CONSISTENT_HASH, servers=3)
        top = topology_of(new_cluster(cfg), caps)
        assert sum(a.weight for a in top.app) == pytest.approx(3)
        assert all(0.3 < a.weight < 2 for a in top.app), balancer  # uneven slices of a ring


def test_least_connections_weighs_a_slow_server_too(caps: Capacities) -> None:
    """A slow server gets fewer requests under least-connections, and weight 3 triples what it
    gets: the balancers count its connections divided by its weight."""

    def ratio(weights: tuple[int, ...]) -> float:
        cfg = ClusterConfig(servers=2, weights=weights, lb=LbAlgorithm.LEAST_CONNECTIONS)
        state = new_cluster(cfg)
        faults.slow(state, "app-0", 50)
        report = analyse(topology_of(state, caps), Traffic(200, 0.99), caps)
        rates = {n.name: n.rate for n in report.nodes if n.tier is Tier.APP}
        return rates["app-0"] / rates["app-1"]

    assert ratio((1, 1)) < 0.1  # 50 ms more per request: far fewer in flight at once
    assert ratio((3, 1)) == pytest.approx(3 * ratio((1, 1)))


def test_a_dead_balancer_is_an_outage(caps: Capacities) -> None:
    state = new_cluster()
    faults.kill(state, "lb")
    top = topology_of(state, caps)
    report = analyse(top, Traffic(1_000, 0.99), caps)
    v = verdict(report, top, caps)
    assert v.status is Status.DOWN
    assert report.served == 0


def test_writes_past_one_primary_and_replay(caps: Capacities) -> None:
    top = default_topology(caps).with_servers(12)
    report = analyse(top, Traffic(12_000, 0.5), caps)
    v = verdict(report, top, caps)
    assert v.first is not None
    assert v.first.tier in (Tier.PRIMARY, Tier.REPLICA)
    assert report.replication[0].apply_rho > 1  # 6k writes/s on one replay thread of 2.5k


@pytest.mark.parametrize(
    ("words", "reason"),
    [
        (["0"], "from 1 to"),
        (["10^12"], "from 1 to"),
        (["1e12"], "from 1 to"),
        (["lots"], "not a number"),
        (["5000", "reads=1:0"], "both sides"),
        (["5000", "reads=0:1"], "both sides"),
        (["5000", "reads=100"], "ratio like"),
        (["5000", "zipf=-1"], "zipf must be"),
        (["5000", "keys=0"], "keys must be"),
        (["5000", "keys=10^8"], "keys must be"),
        (["5000", "for=2d"], "duration"),
        (["5000", "color=red"], "not an option"),
        (["5000", "zipf=1", "zipf=2"], "twice"),
        ([], "how many requests"),
    ],
)
def test_bad_input_gets_a_one_line_reason(words: list[str], reason: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_load(words)
    assert reason.lower() in raised.value.message.lower()
    assert "\n" not in raised.value.message


def test_options_parse() -> None:
    q = parse_load(["1.5M", "reads=10:1", "keys=10^7", "zipf=0.8", "for=10m"])
    assert (q.rate, q.reads, q.writes, q.keys, q.zipf, q.duration_s) == (
        1.5e6,
        10,
        1,
        10**7,
        0.8,
        600,
    )
    assert parse_load(q.command().split()[1:]) == q


def test_replica_lag_grows_over_the_duration(caps: Capacities) -> None:
    top = default_topology(caps).with_servers(16)
    short = analyse(top, Traffic(8_000, 0.5, duration_s=10), caps)
    long = analyse(top, Traffic(8_000, 0.5, duration_s=600), caps)
    assert long.replication[0].lag_s > 10 * short.replication[0].lag_s
