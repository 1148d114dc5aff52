"""What breaks first, and why: the node that saturates at the lowest offered rate, or the
end-to-end p99 that misses its objective first, or the one running past the target."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from engine.load.capacity import Capacities
from engine.load.model import LoadReport, NodeLoad
from engine.load.topology import Topology
from engine.load.traffic import TIER_ORDER, Tier

REPLAY = "replay"  # the pseudo-node name of a shard's replay thread


class Status(StrEnum):
    OK = "ok"  # everything below the utilisation target, p99 within its objective
    TIGHT = "tight"  # a node above the target: no room for a failure or a burst
    SLOW = "slow"  # p99 over its objective
    SATURATED = "saturated"  # a node past 100%: queues grow, requests time out
    DOWN = "down"  # requests fail outright (a dead balancer, no live database for a shard)


@dataclass(frozen=True, slots=True)
class Breakpoint:
    node: str
    tier: Tier
    rho: float
    saturates_at: float  # offered requests/s at which this node reaches 100%
    lag: bool = False  # a replay thread, not a request queue


@dataclass(frozen=True, slots=True)
class Verdict:
    status: Status
    first: Breakpoint | None  # what breaks first (or is closest to breaking)
    reason: str
    order: tuple[Breakpoint, ...]  # one per tier, lowest saturation rate first
    spofs: tuple[str, ...]
    survives_one_failure: bool  # the first tier still below 100% with one node fewer


def verdict(report: LoadReport, top: Topology, caps: Capacities) -> Verdict:
    order = _order(report)
    spofs = _spofs(top)
    first = order[0] if order else None
    failed = sum(rate for why, rate in report.failed if not rate_is_timeout(why))
    n1 = _survives_one_failure(report, first)
    if failed > 0.001 * report.traffic.rate:
        reason = max(report.failed, key=lambda item: item[1])[0]
        return Verdict(Status.DOWN, first, reason, order, spofs, n1)
    if first is None:
        return Verdict(Status.OK, None, "nothing carries load", order, spofs, n1)
    if first.rho >= 1:
        return Verdict(Status.SATURATED, first, _saturated(report, first), order, spofs, n1)
    if report.p99 > caps.p99_objective_s:
        slowest = _slowest(report) or first
        text = (
            f"p99 of {report.p99 * 1000:.0f} ms misses the {caps.p99_objective_s * 1000:.0f} ms "
            f"objective; most of the queueing is at {slowest.node}"
        )
        return Verdict(Status.SLOW, slowest, text, order, spofs, n1)
    if first.rho > caps.utilisation_target:
        text = (
            f"{first.node} runs at {first.rho:.0%}, above the {caps.utilisation_target:.0%} "
            "target: no room for a burst or for losing a node"
        )
        return Verdict(Status.TIGHT, first, text, order, spofs, n1)
    text = f"nothing breaks; closest is {first.node} at {first.rho:.0%}"
    return Verdict(Status.OK, first, text, order, spofs, n1)


def rate_is_timeout(reason: str) -> bool:
    return reason.startswith("timed out")


def _order(report: LoadReport) -> tuple[Breakpoint, ...]:
    points = []
    for tier in TIER_ORDER:
        members = [n for n in report.nodes if n.tier is tier and n.rho > 0]
        if members:
            hottest = max(members, key=lambda n: n.rho)
            points.append(_point(report, hottest))
    for rep in report.replication:
        if rep.apply_rho > 0:
            rate = report.traffic.rate / rep.apply_rho
            points.append(
                Breakpoint(
                    f"{REPLAY} on {rep.shard}'s replicas",
                    Tier.REPLICA,
                    rep.apply_rho,
                    rate,
                    lag=True,
                )
            )
    return tuple(sorted(points, key=lambda p: p.saturates_at))


def _point(report: LoadReport, node: NodeLoad) -> Breakpoint:
    rate = report.traffic.rate / node.rho if node.rho > 0 else math.inf
    return Breakpoint(node.name, node.tier, node.rho, rate)


def _saturated(report: LoadReport, first: Breakpoint) -> str:
    if first.lag:
        rep = next(r for r in report.replication if first.node.endswith(f"{r.shard}'s replicas"))
        return (
            f"replicas cannot replay {rep.writes:,.0f} writes/s on one replay thread: the lag "
            f"grows to {rep.lag_s:.0f} s over {report.traffic.duration_s:.0f} s"
        )
    node = report.node(first.node)
    return (
        f"{first.node} is offered {node.rate:,.0f} ops/s against {node.capacity:,.0f}: it "
        f"saturates at {first.saturates_at:,.0f} requests/s"
    )


def _slowest(report: LoadReport) -> Breakpoint | None:
    waiting = [n for n in report.nodes if n.wait_p99 > 0]
    if not waiting:
        return None
    return _point(report, max(waiting, key=lambda n: n.wait_p99))


def _survives_one_failure(report: LoadReport, first: Breakpoint | None) -> bool:
    if first is None or first.lag:
        return True
    tier = report.tier(first.tier)
    if tier is None or tier.nodes < 2:
        return False
    return first.rho * tier.nodes / (tier.nodes - 1) < 1


def _spofs(top: Topology) -> tuple[str, ...]:
    out = []
    if top.lb_nodes == 1 and not top.lb_standby:
        out.append("the balancer")
    if top.servers == 1:
        out.append("the only app server")
    if top.cache_nodes == 1 and top.cache_keys:
        out.append("the only cache node (a restart sends every read to the database)")
    if top.replicas == 0:
        out.append("each primary (no replica to promote)")
    return tuple(out)
