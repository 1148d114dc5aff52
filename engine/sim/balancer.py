"""The balancer as the rest of the engine sees it: what it believes about each server, how far
its health checks have got, and how it shares traffic. The choosing itself is engine.sim.lb.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import assert_never

from engine.sim.config import Balancer, ClusterConfig, LbAlgorithm
from engine.sim.hashing import MASK32, haproxy_ring, ketama_ring, server_names
from engine.sim.lb import usable
from engine.sim.lb.nginx import FAILS
from engine.sim.state import ClusterState

__all__ = ["CheckProgress", "check_progress", "in_flight", "in_rotation", "traffic_shares"]


@dataclass(frozen=True, slots=True)
class CheckProgress:
    """Where a server stands with the balancer's checks: `left` of `of` results still needed
    to change its state, as HAProxy's status lines count ("UP 2/3": two more failed checks take
    it DOWN; "DOWN 1/2": one passed check so far, so one more brings it UP). For nginx, `left`
    is the failed requests still needed to reach max_fails."""

    in_rotation: bool
    left: int
    of: int


def in_flight(state: ClusterState, server: int) -> int:
    return len(state.servers[server].busy_until)


def in_rotation(state: ClusterState, server: int) -> bool:
    """Would the balancer send this server traffic now (its belief, not the truth)?"""
    return usable(state, server)


def check_progress(state: ClusterState, server: int) -> CheckProgress:
    cfg, app = state.config, state.servers[server]
    match cfg.balancer:
        case Balancer.HAPROXY:
            if app.health >= cfg.rise:
                return CheckProgress(True, app.health - cfg.rise + 1, cfg.fall)
            return CheckProgress(False, cfg.rise - app.health, cfg.rise)
        case Balancer.NGINX:
            left = max(0, cfg.max_fails - app.peer[FAILS])
            return CheckProgress(in_rotation(state, server), left, cfg.max_fails)
        case unreachable:
            assert_never(unreachable)


def traffic_shares(cfg: ClusterConfig) -> list[float]:
    """Each server's long-run share of requests, scaled so that an even share is 1.0: its
    weight under round-robin or least-connections, its slice of the ring under consistent
    hashing (HAProxy sends a key to the closest point, nginx to the next one)."""
    weights = tuple(cfg.weight_of(i) for i in range(cfg.servers))
    if cfg.lb is not LbAlgorithm.CONSISTENT_HASH:
        total = sum(weights)
        return [w * cfg.servers / total for w in weights]
    if cfg.balancer is Balancer.HAPROXY:
        points, owners = haproxy_ring(weights)
        arcs = _closest_arcs(points)
    else:
        points, owners = ketama_ring(server_names(cfg.servers), weights)
        arcs = [(p - points[i - 1]) & MASK32 or MASK32 + 1 for i, p in enumerate(points)]
    shares = [0.0] * cfg.servers
    for owner, arc in zip(owners, arcs, strict=True):
        shares[owner] += arc / (MASK32 + 1)
    return [share * cfg.servers for share in shares]


def _closest_arcs(points: tuple[int, ...]) -> list[float]:
    """The stretch of the ring closer to each point than to its neighbours."""
    n, span = len(points), MASK32 + 1
    if n == 1:
        return [float(span)]
    return [
        (((points[(i + 1) % n] - p) % span) + ((p - points[i - 1]) % span)) / 2
        for i, p in enumerate(points)
    ]
