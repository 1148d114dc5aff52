"""Per-node arrival rates: the traffic split over the cluster the way /trace routes one request.

Each request is a balancer visit, an app-server visit (its CPU), then for a read a cache GET
and, on a miss, a database read and a cache SET; for a write a commit on its shard's primary
and a cache DEL; every write is also replayed by each replica of its shard. The rates here are
*offered* rates: what would arrive if nothing upstream were saturated (what breaks first is a
question about offered load).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from engine.load.capacity import Capacities
from engine.load.queueing import Flow
from engine.load.topology import Topology
from engine.load.traffic import Tier, Traffic
from engine.load.zipf import hit_ratio, key_hit, popularity
from engine.sim.hashing import stable_hash

_HOT_KEYS_PLACED = 32  # the top keys whose cache node is worked out one by one


@dataclass(frozen=True, slots=True)
class NodeDemand:
    name: str
    tier: Tier
    workers: int
    flows: dict[str, Flow]  # by class: get, set, del, read, write, replay, request
    capacity: float  # operations/s at 100% for this node's mix
    count: int = 1  # identical nodes this entry stands for (a fleet of app servers), each so


@dataclass(slots=True)
class Demand:
    """The offered load on every node, the shares each class splits into, and what fails."""

    traffic: Traffic
    nodes: dict[str, NodeDemand] = field(default_factory=dict)
    app_share: dict[str, float] = field(default_factory=dict)  # server group -> its share
    app_slow: dict[str, float] = field(default_factory=dict)  # server group -> slow seconds
    retried_share: float = 0.0  # requests first sent to a dead server still in rotation
    cache_share: dict[str, float] = field(default_factory=dict)  # GETs per cache node
    hit: float = 0.0  # the cache's hit ratio (0 without a live cache)
    edge: float = 0.0  # share of all requests the CDN answers
    l1: float = 0.0  # share of origin reads the app servers answer from their own memory
    read_targets: dict[str, float] = field(default_factory=dict)  # db node -> share of db reads
    write_targets: dict[str, float] = field(default_factory=dict)  # primary -> share of writes
    db_reads: float = 0.0  # reads/s that reach a database
    failed: dict[str, float] = field(default_factory=dict)  # reason -> requests/s
    apply_rho: dict[str, float] = field(default_factory=dict)  # shard -> replay thread load
    cache_state: str = "unreached"  # up, down (failing fast), none, or unreached (failed first)

    @property
    def origin(self) -> float:
        return self.traffic.rate * (1 - self.edge)

    def fail(self, reason: str, rate: float) -> None:
        if rate > 0:
            self.failed[reason] = self.failed.get(reason, 0.0) + rate


def primary_name(top: Topology, shard: int) -> str:
    return "db" if top.shards == 1 else f"shard-{shard}"


def replica_name(top: Topology, shard: int, replica: int) -> str:
    return f"replica-{replica}" if top.shards == 1 else f"shard-{shard}-replica-{replica}"


def cache_name(top: Topology, index: int) -> str:
    return "cache" if top.cache_nodes == 1 else f"cache-{index}"


def demand(top: Topology, traffic: Traffic, caps: Capacities, hit: float | None = None) -> Demand:
    """Offered load per node. `hit` overrides the steady-state hit ratio (a warming cache)."""
    d = Demand(traffic)
    _edge(d, top, caps)
    if not top.lb_alive:
        d.fail("the balancer is down: nothing answers", d.origin)
        return d
    for i in range(top.lb_nodes):
        name = "lb" if top.lb_nodes == 1 else f"lb-{i}"
        rate = d.origin / top.lb_nodes
        d.nodes[name] = NodeDemand(
            name,
            Tier.LB,
            caps.lb.workers,
            {"request": Flow(rate, caps.lb.service)},
            caps.lb.ops_per_s,
        )
    if not _app(d, top, caps):
        return d
    reads = d.origin * traffic.read_share
    writes = d.origin * (1 - traffic.read_share)
    cache_reads = reads * (1 - d.l1)
    db_reads = _cache(d, top, caps, cache_reads, writes, hit)
    _database(d, top, caps, db_reads, writes)
    return d


def _edge(d: Demand, top: Topology, caps: Capacities) -> None:
    if not top.cdn:
        return
    edge = caps.edge
    pop = popularity(d.traffic.keys, d.traffic.zipf)
    per_pop = d.traffic.reads * edge.cacheable_share / edge.pops
    # Every key fits at the edge: only the TTL evicts, so the hit ratio is the TTL bound.
    answered = hit_ratio(pop, per_pop, d.traffic.keys, edge.ttl_s) * edge.cacheable_share
    d.edge = answered * d.traffic.read_share


def _app(d: Demand, top: Topology, caps: Capacities) -> bool:
    rotation = [i for i, n in enumerate(top.app) if n.in_rotation]
    if not rotation:
        d.fail("health checks took every app server out: 503", d.origin)
        return False
    live = [i for i in rotation if top.app[i].alive]
    if not live:
        d.fail("every server in rotation is dead: 502", d.origin)
        return False
    weights = {i: top.app[i].weight for i in rotation}
    if top.algorithm == "least-connections":
        weights = _least_connections(top, caps, d.origin, rotation)
    total = sum(weights.values())
    d.retried_share = sum(weights[i] for i in rotation if not top.app[i].alive) / total
    live_total = sum(weights[i] for i in live)
    # Servers of the same weight and slowness are one group (one queue computed for all):
    # grouped by the weight itself, so a fleet of equal servers costs no arithmetic each.
    groups: dict[tuple[float, float], list[int]] = {}
    for i in live:
        groups.setdefault((weights[i], top.app[i].slow_ms), []).append(i)
    for (weight, slow_ms), members in groups.items():
        share = weight / live_total
        name = _group_name(members)
        d.app_share[name] = share * len(members)
        d.app_slow[name] = slow_ms / 1000
        flow = Flow(d.origin * share, caps.app_cpu)
        d.nodes[name] = NodeDemand(
            name,
            Tier.APP,
            top.app_cores,
            {"request": flow},
            caps.app_capacity(top.app_cores),
            len(members),
        )
    if top.l1:
        d.l1 = _l1_share(d, caps, len(live))
    return True


def _group_name(members: list[int]) -> str:
    """app-3 for one server, app-0…app-15 for a run of identical ones, app-0 +4 otherwise."""
    if len(members) == 1:
        return f"app-{members[0]}"
    if members == list(range(members[0], members[-1] + 1)):
        return f"app-{members[0]}…app-{members[-1]}"
    return f"app-{members[0]} +{len(members) - 1}"


def _least_connections(
    top: Topology, caps: Capacities, rate: float, rotation: list[int]
) -> dict[int, float]:
    """Least-connections keeps each server's requests in flight in proportion to its weight
    (HAProxy's leastconn and nginx's least_conn both divide connections by weight), so by
    Little's law its share is its weight over its time per request (a slow server gets fewer)."""
    times = {i: caps.app_cpu + top.app[i].slow_ms / 1000 for i in rotation}
    return {i: top.app[i].weight / times[i] for i in rotation}


def _l1_share(d: Demand, caps: Capacities, servers: int) -> float:
    """Share of reads the app servers answer from memory: the hottest keys, each held for
    l1_ttl on every server (a TTL-only cache per server)."""
    traffic = d.traffic
    pop = popularity(traffic.keys, traffic.zipf)
    reads = d.origin * traffic.read_share / servers
    share, left = 0.0, float(caps.l1_keys)
    for count, p in pop.groups:
        if left <= 0:
            break
        take = min(count, left)
        p_eff = p * (1 - traffic.hot_share)
        share += take * p_eff * key_hit(reads * p_eff, float("inf"), caps.l1_ttl_s)
        left -= take
    if traffic.hot_share:
        hot = reads * traffic.hot_share
        share += traffic.hot_share * key_hit(hot, float("inf"), caps.l1_ttl_s)
    return share


def _cache(
    d: Demand, top: Topology, caps: Capacities, reads: float, writes: float, hit: float | None
) -> float:
    """Cache nodes' operations; returns the reads that fall through to a database."""
    if top.cache_nodes == 0 or top.cache_keys == 0:
        d.cache_state = "none"
        return reads
    if not top.cache_alive:
        d.cache_state = "down"
        return reads
    d.cache_state = "up"
    traffic = d.traffic
    pop = popularity(traffic.keys, traffic.zipf)
    base = hit if hit is not None else hit_ratio(pop, reads, top.cache_keys, top.ttl_s)
    hot = traffic.hot_share * (1 - d.l1) if d.l1 < 1 else 0.0
    d.hit = min(1.0, base * (1 - hot) + hot)  # the hot key is always in the cache
    misses = reads * (1 - d.hit)
    shares = _cache_shares(top, pop.groups, traffic.hot_share)
    k = top.cache_nodes
    for j, share in enumerate(shares):
        name = cache_name(top, j)
        d.cache_share[name] = share
        flows = {
            "get": Flow(reads * share, caps.cache.service),
            "set": Flow(misses / k, caps.cache.service),
            "del": Flow(writes / k, caps.cache.service),
        }
        d.nodes[name] = NodeDemand(
            name, Tier.CACHE, caps.cache.workers, flows, caps.cache.ops_per_s
        )
    return misses


def _cache_shares(
    top: Topology, groups: tuple[tuple[float, float], ...], hot_share: float
) -> list[float]:
    """Each cache node's share of GETs: a key lives on one node, so the hottest keys are placed
    one by one (by a stable hash of their rank) and the long tail spreads evenly."""
    k = top.cache_nodes
    if k == 1:
        return [1.0]
    shares = [0.0] * k
    placed = 0.0
    owners = _placement(k)
    for rank, (count, p) in enumerate(groups, start=1):
        if rank > _HOT_KEYS_PLACED or count != 1:
            break
        weight = p * (1 - hot_share) + (hot_share if rank == 1 else 0.0)
        shares[owners[rank - 1]] += weight
        placed += weight
    return [s + (1 - placed) / k for s in shares]


@lru_cache(maxsize=64)
def _placement(nodes: int) -> tuple[int, ...]:
    """The cache node of each of the hottest keys (by a stable hash of its rank)."""
    return tuple(stable_hash(f"key:{rank}") % nodes for rank in range(1, _HOT_KEYS_PLACED + 1))


def _database(d: Demand, top: Topology, caps: Capacities, reads: float, writes: float) -> None:
    d.db_reads = reads
    pinned = min(1.0, writes * caps.ryw_reads_per_write / reads) if top.ryw and reads else 0.0
    read_service, write_service = caps.db_read.service, caps.db_write.service
    apply_service = 1 / caps.apply_per_s
    capacity = caps.db_read.ops_per_s * caps.db_scale(top.db_cores)
    for s in range(top.shards):
        shard_reads, shard_writes = reads / top.shards, writes / top.shards
        primary = primary_name(top, s)
        primary_up = top.primaries_alive[s]
        live = [r for r, up in enumerate(top.replicas_alive[s]) if up]
        flows: dict[str, Flow] = {}
        pin = pinned if primary_up else 0.0
        if primary_up:
            flows["write"] = Flow(shard_writes, write_service)
            d.write_targets[primary] = 1 / top.shards
        else:
            d.fail("a primary is down and no replica was promoted: writes get 503", shard_writes)
        to_primary = pin + (1 - pin) * (0 if live else 1) if primary_up else 0.0
        if to_primary:
            flows["read"] = Flow(shard_reads * to_primary, read_service)
            d.read_targets[primary] = to_primary / top.shards
        if primary_up:
            d.nodes[primary] = NodeDemand(primary, Tier.PRIMARY, top.db_cores, flows, capacity)
        if not live and not primary_up:
            d.fail("a shard has no live database: reads get 503", shard_reads)
        for r in live:
            name = replica_name(top, s, r)
            share = (1 - pin) / len(live)
            replica_flows = {"read": Flow(shard_reads * share, read_service)}
            if primary_up:
                replica_flows["replay"] = Flow(shard_writes, apply_service)
            d.read_targets[name] = share / top.shards
            d.nodes[name] = NodeDemand(name, Tier.REPLICA, top.db_cores, replica_flows, capacity)
        if live and primary_up:
            d.apply_rho[primary] = shard_writes / caps.apply_per_s
