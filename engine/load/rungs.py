"""The next rungs: each move the model can make, sized to relieve the tier that breaks, with
the model's verdict after it and its bill."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from engine.load.capacity import Capacities
from engine.load.catalogue import RungId, RungText
from engine.load.model import LoadReport, analyse
from engine.load.network import demand
from engine.load.pricing import bill
from engine.load.queueing import station
from engine.load.topology import Topology
from engine.load.traffic import Tier, Traffic
from engine.load.verdict import Status, Verdict, verdict

MAX_SERVERS = 256
MAX_REPLICAS = 15  # RDS PostgreSQL's limit of read replicas per source
MAX_SHARDS = 64
MAX_CACHE_NODES = 64
MAX_LBS = 8


@dataclass(frozen=True, slots=True)
class RungOption:
    rung: RungId
    label: str
    move: str  # "3 -> 9 app servers"
    topology: Topology
    fixes: bool  # the tier that broke is no longer the problem
    after: Verdict
    nodes_delta: int
    usd_delta: float  # per month
    usd_after: float
    not_fixed: str


Mover = Callable[[Topology, Traffic, Capacities], tuple[Topology, str] | None]


def candidates(report: LoadReport, top: Topology, v: Verdict) -> list[RungId]:
    """Rungs that address what breaks, in ladder order (the climb offers them all)."""
    tier = v.first.tier if v.first else None
    if v.status is Status.DOWN and not top.lb_alive:
        return [RungId.PAIR_LB]
    out: list[RungId] = []
    if tier is Tier.LB:
        out += [RungId.ADD_LB, RungId.CDN]
    elif tier is Tier.APP:
        out += [RungId.SCALE_UP_APP, RungId.SCALE_OUT_APP, RungId.CDN]
    elif tier is Tier.CACHE:
        out += [RungId.ADD_CACHE_NODE, RungId.LOCAL_CACHE]
    elif tier is Tier.REPLICA and v.first is not None and v.first.lag:
        out += [RungId.SHARD, RungId.SCALE_UP_DB]
    elif tier in (Tier.REPLICA, Tier.PRIMARY):
        reads_heavy = report.db_reads > sum(rate for _, rate in report.writes_by_primary)
        cache = RungId.GROW_CACHE if report.cache_state != "none" else RungId.ADD_CACHE
        if reads_heavy:
            out += [cache, RungId.ADD_REPLICA, RungId.SCALE_UP_DB, RungId.SHARD]
        else:
            out += [RungId.SCALE_UP_DB, RungId.SHARD]
    return out


def options(
    report: LoadReport,
    top: Topology,
    caps: Capacities,
    texts: dict[RungId, RungText],
    v: Verdict,
    rungs: list[RungId] | None = None,
) -> tuple[RungOption, ...]:
    before = bill(top, report.traffic, caps)
    out = []
    for rung in rungs if rungs is not None else candidates(report, top, v):
        moved = MOVES[rung](top, report.traffic, caps)
        if moved is None:
            continue
        after_top, move = moved
        after_report = analyse(after_top, report.traffic, caps)
        after = verdict(after_report, after_top, caps)
        after_bill = bill(after_top, report.traffic, caps)
        out.append(
            RungOption(
                rung=rung,
                label=texts[rung].label,
                move=move,
                topology=after_top,
                fixes=_fixes(v, after),
                after=after,
                nodes_delta=after_bill.nodes - before.nodes,
                usd_delta=after_bill.usd_month - before.usd_month,
                usd_after=after_bill.usd_month,
                not_fixed=texts[rung].not_fixed,
            )
        )
    return tuple(out)


def _fixes(before: Verdict, after: Verdict) -> bool:
    if before.first is None:
        return False
    if after.status is Status.DOWN:
        return before.status is Status.DOWN and after.reason != before.reason
    same = next((p for p in after.order if p.node == before.first.node), None)
    if before.status is Status.DOWN:
        return True
    return same is None or same.rho < min(before.first.rho, 1.0) * 0.999


def _hottest(top: Topology, traffic: Traffic, caps: Capacities, tier: Tier) -> float:
    d = demand(top, traffic, caps)
    loads = [
        station(n.workers, tuple(n.flows.values())).rho for n in d.nodes.values() if n.tier is tier
    ]
    if tier is Tier.REPLICA:
        loads += list(d.apply_rho.values())
    return max(loads, default=0.0)


def _grow(
    top: Topology,
    traffic: Traffic,
    caps: Capacities,
    tier: Tier,
    step: Callable[[Topology], Topology | None],
) -> Topology | None:
    """Apply `step` until the tier's hottest node is at or below the target (or it cannot
    grow); None when even one step is impossible."""
    current = step(top)
    if current is None:
        return None
    for _ in range(64):
        if _hottest(current, traffic, caps, tier) <= caps.utilisation_target:
            return current
        bigger = step(current)
        if bigger is None:
            return current
        current = bigger
    return current


def _scale_up_app(top: Topology, traffic: Traffic, caps: Capacities) -> tuple[Topology, str] | None:
    def step(t: Topology) -> Topology | None:
        bigger = [s for s in caps.app_sizes if s > t.app_cores]
        return replace(t, app_cores=bigger[0]) if bigger else None

    after = _grow(top, traffic, caps, Tier.APP, step)
    if after is None:
        return None
    return after, f"{top.app_cores} -> {after.app_cores} vCPUs per app server"


def _scale_out_app(
    top: Topology, traffic: Traffic, caps: Capacities
) -> tuple[Topology, str] | None:
    rho = _hottest(top, traffic, caps, Tier.APP)
    want = max(top.servers + 1, math.ceil(top.servers * rho / caps.utilisation_target))
    if top.servers >= MAX_SERVERS:
        return None
    after = top.with_servers(min(MAX_SERVERS, want))
    return after, f"{top.servers} -> {after.servers} app servers"


def _add_cache(top: Topology, traffic: Traffic, caps: Capacities) -> tuple[Topology, str] | None:
    if top.cache_nodes and top.cache_keys:
        return None
    keys = min(caps.cache_keys_per_node, traffic.keys)
    after = replace(top, cache_nodes=1, cache_keys=keys, cache_alive=True)
    return after, f"a cache node holding {keys:,} keys"


def _grow_cache(top: Topology, traffic: Traffic, caps: Capacities) -> tuple[Topology, str] | None:
    if not top.cache_nodes or top.cache_keys >= traffic.keys:
        return None
    # First use the memory the nodes already have, then ten times more.
    keys = min(traffic.keys, max(top.cache_keys * 10, caps.cache_keys_per_node * top.cache_nodes))
    nodes = max(top.cache_nodes, math.ceil(keys / caps.cache_keys_per_node))
    after = replace(top, cache_keys=keys, cache_nodes=nodes)
    return after, f"{top.cache_keys:,} -> {keys:,} keys in the cache"


def _add_cache_node(
    top: Topology, traffic: Traffic, caps: Capacities
) -> tuple[Topology, str] | None:
    def step(t: Topology) -> Topology | None:
        return (
            replace(t, cache_nodes=t.cache_nodes + 1) if t.cache_nodes < MAX_CACHE_NODES else None
        )

    if not top.cache_nodes:
        return None
    after = _grow(top, traffic, caps, Tier.CACHE, step)
    return (after, f"{top.cache_nodes} -> {after.cache_nodes} cache nodes") if after else None


def _local_cache(top: Topology, traffic: Traffic, caps: Capacities) -> tuple[Topology, str] | None:
    if top.l1:
        return None
    return replace(top, l1=True), f"each app server keeps {caps.l1_keys:,} hot keys for 1 s"


def _add_replica(top: Topology, traffic: Traffic, caps: Capacities) -> tuple[Topology, str] | None:
    def step(t: Topology) -> Topology | None:
        return t.with_data(t.shards, t.replicas + 1) if t.replicas < MAX_REPLICAS else None

    after = _grow(top, traffic, caps, Tier.REPLICA, step)
    return (after, f"{top.replicas} -> {after.replicas} replicas per shard") if after else None


def _scale_up_db(top: Topology, traffic: Traffic, caps: Capacities) -> tuple[Topology, str] | None:
    bigger = [s for s in caps.db_sizes if s > top.db_cores]
    if not bigger:
        return None
    return replace(top, db_cores=bigger[0]), f"{top.db_cores} -> {bigger[0]} vCPUs per database"


def _shard(top: Topology, traffic: Traffic, caps: Capacities) -> tuple[Topology, str] | None:
    def step(t: Topology) -> Topology | None:
        return t.with_data(t.shards * 2, t.replicas) if t.shards * 2 <= MAX_SHARDS else None

    after = _grow(top, traffic, caps, Tier.PRIMARY, step)
    return (after, f"{top.shards} -> {after.shards} shards") if after else None


def _add_lb(top: Topology, traffic: Traffic, caps: Capacities) -> tuple[Topology, str] | None:
    def step(t: Topology) -> Topology | None:
        return replace(t, lb_nodes=t.lb_nodes + 1) if t.lb_nodes < MAX_LBS else None

    after = _grow(top, traffic, caps, Tier.LB, step)
    return (after, f"{top.lb_nodes} -> {after.lb_nodes} active balancers") if after else None


def _pair_lb(top: Topology, traffic: Traffic, caps: Capacities) -> tuple[Topology, str] | None:
    if top.lb_standby and top.lb_alive:
        return None
    return replace(top, lb_standby=True, lb_alive=True), "a standby balancer with a floating IP"


def _cdn(top: Topology, traffic: Traffic, caps: Capacities) -> tuple[Topology, str] | None:
    if top.cdn:
        return None
    share = caps.edge.cacheable_share
    return replace(top, cdn=True), f"a CDN for the {share:.0%} of reads that are public pages"


MOVES: dict[RungId, Mover] = {
    RungId.SCALE_UP_APP: _scale_up_app,
    RungId.SCALE_OUT_APP: _scale_out_app,
    RungId.ADD_CACHE: _add_cache,
    RungId.GROW_CACHE: _grow_cache,
    RungId.ADD_CACHE_NODE: _add_cache_node,
    RungId.LOCAL_CACHE: _local_cache,
    RungId.ADD_REPLICA: _add_replica,
    RungId.SCALE_UP_DB: _scale_up_db,
    RungId.SHARD: _shard,
    RungId.ADD_LB: _add_lb,
    RungId.PAIR_LB: _pair_lb,
    RungId.CDN: _cdn,
}
