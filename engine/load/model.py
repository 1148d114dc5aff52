"""The steady state of a traffic on a cluster: per node and per tier load, queueing, drops, the
cache's hit ratio, replication, and end-to-end latency. Pure: the same inputs, the same report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.load.capacity import Capacities
from engine.load.latency_dist import Mixture
from engine.load.network import Demand, demand
from engine.load.paths import Path, mixture, paths
from engine.load.queueing import Queue, stations
from engine.load.topology import Topology
from engine.load.traffic import TIER_ORDER, Tier, Traffic


@dataclass(frozen=True, slots=True)
class NodeLoad:
    name: str  # one node, or a run of identical ones (app-0…app-15), each with these figures
    tier: Tier
    count: int  # nodes this row stands for
    rate: float  # operations/s offered to each (reads, writes, replays... all together)
    capacity: float  # operations/s this node does at 100% busy, for its mix
    rho: float  # offered utilisation (past 1: saturated, by that factor)
    busy: float  # utilisation it actually runs at (<= 1: upstream drops thin its traffic)
    wait: float  # mean queueing delay (s); inf when saturated
    wait_p99: float  # p99 of the queueing delay (s)
    dropped: float  # operations/s it cannot serve


@dataclass(frozen=True, slots=True)
class TierLoad:
    tier: Tier
    nodes: int
    rate: float
    capacity: float
    rho: float  # the hottest node's (a tier breaks at its first node)
    busy: float
    hottest: str
    wait_p99: float


@dataclass(frozen=True, slots=True)
class Replication:
    shard: str  # the primary whose writes are replayed
    writes: float  # writes/s each of its replicas replays
    apply_rho: float  # load on the replica's single replay thread
    lag_s: float  # replica lag at the end of the traffic's duration


@dataclass(frozen=True, slots=True)
class LoadReport:
    traffic: Traffic
    nodes: tuple[NodeLoad, ...]
    tiers: tuple[TierLoad, ...]
    hit_ratio: float
    cache_state: str  # up, down or none
    edge_share: float  # share of requests answered by the CDN
    local_share: float  # share of origin reads answered from app servers' memory
    db_reads: float
    writes_by_primary: tuple[tuple[str, float], ...]
    replication: tuple[Replication, ...]
    served: float  # requests/s answered in time
    failed: tuple[tuple[str, float], ...]  # reason -> requests/s
    mean: float  # s, answered requests
    p50: float
    p99: float
    answered_share: float  # of requests offered to the cluster

    @property
    def errors(self) -> float:
        return sum(rate for _, rate in self.failed)

    def node(self, name: str) -> NodeLoad:
        return next(n for n in self.nodes if n.name == name)

    def tier(self, tier: Tier) -> TierLoad | None:
        return next((t for t in self.tiers if t.tier is tier), None)


def analyse(
    top: Topology, traffic: Traffic, caps: Capacities, hit: float | None = None
) -> LoadReport:
    d = demand(top, traffic, caps, hit)
    queues = stations({name: (n.workers, tuple(n.flows.values())) for name, n in d.nodes.items()})
    found = paths(d, top, caps)
    upstream, answered = _pass_through(found, queues)
    nodes = tuple(_node_load(d, name, queues[name], upstream.get(name, 1.0)) for name in d.nodes)
    mix = mixture(found, d, queues, caps.timeout_s)
    origin_total = sum(p.weight for p in found)
    answered_rate = answered * traffic.rate
    failed = dict(d.failed)
    lost = origin_total * traffic.rate - answered_rate
    if lost > 1e-9:
        failed["timed out behind a saturated node"] = lost
    return LoadReport(
        traffic=traffic,
        nodes=nodes,
        tiers=_tiers(nodes),
        hit_ratio=d.hit,
        cache_state=d.cache_state,
        edge_share=d.edge,
        local_share=d.l1,
        db_reads=d.db_reads,
        writes_by_primary=tuple(
            (name, d.nodes[name].flows["write"].rate) for name in d.write_targets
        ),
        replication=_replication(d, top, caps, traffic),
        served=answered_rate + d.edge * traffic.rate,
        failed=tuple(failed.items()),
        mean=mix.mean(),
        p50=_quantile(mix, 0.5),
        p99=_quantile(mix, 0.99),
        answered_share=answered / origin_total if origin_total else 0.0,
    )


def _quantile(mix: Mixture, q: float) -> float:
    return mix.quantile(q) if mix.branches else 0.0


def _pass_through(found: list[Path], queues: dict[str, Queue]) -> tuple[dict[str, float], float]:
    """Per node, the share of its offered path traffic that gets past the nodes before it; and
    the share of all requests answered. A saturated node passes 1/rho of what it is offered."""
    seen: dict[str, list[float]] = {}
    answered = 0.0
    for path in found:
        through = 1.0
        for node, _ in path.visits:
            entry = seen.setdefault(node, [0.0, 0.0])
            entry[0] += path.weight * through
            entry[1] += path.weight
            through *= min(1.0, 1 / queues[node].rho) if queues[node].rho > 0 else 1.0
        answered += path.weight * through
    return {n: (v[0] / v[1] if v[1] else 1.0) for n, v in seen.items()}, answered


def _node_load(d: Demand, name: str, queue: Queue, upstream: float) -> NodeLoad:
    node = d.nodes[name]
    rate = sum(f.rate for f in node.flows.values())
    capacity = rate / queue.rho if queue.rho > 0 else node.capacity
    busy = min(1.0, queue.rho * upstream)
    dropped = max(0.0, rate * upstream - capacity) if queue.saturated else 0.0
    return NodeLoad(
        name=name,
        tier=node.tier,
        count=node.count,
        rate=rate,
        capacity=capacity,
        rho=queue.rho,
        busy=busy,
        wait=queue.wait,
        wait_p99=queue.wait_quantile(0.99),
        dropped=dropped,
    )


def _tiers(nodes: tuple[NodeLoad, ...]) -> tuple[TierLoad, ...]:
    out = []
    for tier in TIER_ORDER:
        members = [n for n in nodes if n.tier is tier]
        if not members:
            continue
        hottest = max(members, key=lambda n: n.rho)
        out.append(
            TierLoad(
                tier=tier,
                nodes=sum(n.count for n in members),
                rate=sum(n.rate * n.count for n in members),
                capacity=sum(n.capacity * n.count for n in members),
                rho=hottest.rho,
                busy=max(n.busy for n in members),
                hottest=hottest.name,
                wait_p99=max(n.wait_p99 for n in members),
            )
        )
    return tuple(out)


def _replication(
    d: Demand, top: Topology, caps: Capacities, traffic: Traffic
) -> tuple[Replication, ...]:
    """Replica lag (subject.md 4.6): the cluster's normal lag plus the replay thread's queueing
    (M/M/1); past its capacity the backlog grows for the whole duration and the lag with it."""
    out = []
    mu = caps.apply_per_s
    for primary, rho in d.apply_rho.items():
        writes = rho * mu
        base = top.lag_ms / 1000
        if rho < 1:
            lag = base + 1 / (mu - writes) - 1 / mu
        else:
            lag = base + (writes - mu) * traffic.duration_s / mu
        out.append(Replication(primary, writes, rho, lag))
    return tuple(out)


def saturation_rate(report: LoadReport, node: NodeLoad) -> float:
    """The offered request rate at which this node reaches 100% (its load is linear in it)."""
    if node.rho <= 0:
        return math.inf
    return report.traffic.rate / node.rho
