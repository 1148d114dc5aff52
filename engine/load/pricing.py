"""The monthly bill of a topology from the sourced price table (content/capacity.yaml)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.load.capacity import HOURS_PER_MONTH, Capacities
from engine.load.topology import Topology
from engine.load.traffic import Traffic

SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600


@dataclass(frozen=True, slots=True)
class BillLine:
    what: str
    nodes: int
    usd_month: float


@dataclass(frozen=True, slots=True)
class Bill:
    lines: tuple[BillLine, ...]

    @property
    def nodes(self) -> int:
        return sum(line.nodes for line in self.lines)

    @property
    def usd_month(self) -> float:
        return sum(line.usd_month for line in self.lines)


def cache_nodes_needed(top: Topology, caps: Capacities) -> int:
    if not top.cache_nodes or not top.cache_keys:
        return 0
    return max(top.cache_nodes, math.ceil(top.cache_keys / caps.cache_keys_per_node))


def bill(top: Topology, traffic: Traffic, caps: Capacities) -> Bill:
    p = caps.prices
    vm, db = p.monthly(p.vm_vcpu_hour), p.monthly(p.db_vcpu_hour)
    lbs = top.lb_nodes + (1 if top.lb_standby else 0)
    lines = [
        BillLine(f"balancer x{lbs} ({caps.lb.workers} vCPU)", lbs, lbs * caps.lb.workers * vm),
        BillLine(
            f"app servers x{top.servers} ({top.app_cores} vCPU)",
            top.servers,
            top.servers * top.app_cores * vm,
        ),
    ]
    caches = cache_nodes_needed(top, caps)
    if caches:
        lines.append(
            BillLine(f"cache nodes x{caches}", caches, caches * p.monthly(p.cache_node_hour))
        )
    data = top.shards * (1 + top.replicas)
    lines.append(
        BillLine(
            f"databases x{data} ({top.shards} primary, {top.shards * top.replicas} replica; "
            f"{top.db_cores} vCPU)",
            data,
            data * top.db_cores * db,
        )
    )
    if top.cdn:
        # Only what the CDN adds: its request fee. The bytes leave the cloud either way (from
        # the origin or from the edge), so data transfer is in neither bill.
        requests = traffic.rate * SECONDS_PER_MONTH
        usd = requests / 1e4 * p.cdn_per_10k_requests
        lines.append(BillLine("CDN request fees (all month at this rate)", 0, usd))
    return Bill(tuple(lines))
