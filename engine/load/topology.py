"""The cluster as the load model sees it, and the adapter from the trace simulation's state.

`topology_of` is the only place that reads `engine.sim`: when the simulation's state changes
shape, this function changes and nothing else here does. A Topology is a plain value (frozen,
JSON-friendly) so that the ladder game can keep one, grow it past the simulation's small
limits (more servers, bigger boxes, a CDN) and store it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from engine.load.capacity import Capacities
from engine.sim.balancer import in_rotation, traffic_shares
from engine.sim.config import Layer, LbAlgorithm
from engine.sim.state import ClusterState


@dataclass(frozen=True, slots=True)
class AppNode:
    # Share of the traffic relative to the others: the server's weight (every algorithm weighs
    # its servers), or its slice of the ring under consistent hashing.
    weight: float = 1.0
    alive: bool = True
    in_rotation: bool = True  # what the balancer believes, from its health checks
    slow_ms: float = 0.0  # extra time each request spends (stuck on slow queries), not CPU


@dataclass(frozen=True, slots=True)
class Topology:
    app: tuple[AppNode, ...] = (AppNode(), AppNode(), AppNode())
    app_cores: int = 4
    lb_alive: bool = True
    lb_standby: bool = False  # a second balancer in an active-passive pair (keepalived VIP)
    lb_nodes: int = 1  # active balancers sharing the traffic (DNS or anycast in front)
    layer: str = Layer.L7.value
    algorithm: str = LbAlgorithm.ROUND_ROBIN.value
    sticky: bool = False
    cache_nodes: int = 1  # 0: no cache tier
    cache_keys: int = 100  # capacity of the whole cache tier, in keys
    cache_alive: bool = True
    ttl_s: float = 300.0
    shards: int = 1
    replicas: int = 1  # per shard
    primaries_alive: tuple[bool, ...] = (True,)
    replicas_alive: tuple[tuple[bool, ...], ...] = ((True,),)
    db_cores: int = 4
    lag_ms: float = 100.0
    ryw: bool = False
    cdn: bool = False
    l1: bool = False  # app servers keep the hottest keys in their own memory for a moment
    notes: tuple[str, ...] = field(default=())

    @property
    def servers(self) -> int:
        return len(self.app)

    def with_servers(self, count: int) -> Topology:
        nodes = (self.app + tuple(AppNode() for _ in range(count)))[:count]
        return replace(self, app=nodes)

    def with_data(self, shards: int, replicas: int) -> Topology:
        """Resize the data tier, keeping the nodes that stay (and whether they are alive)."""
        primaries = (self.primaries_alive + (True,) * shards)[:shards]
        groups = (self.replicas_alive + ((),) * shards)[:shards]
        groups = tuple((g + (True,) * replicas)[:replicas] for g in groups)
        return replace(
            self, shards=shards, replicas=replicas, primaries_alive=primaries, replicas_alive=groups
        )


def default_topology(caps: Capacities) -> Topology:
    return Topology(app_cores=caps.app_cores, db_cores=caps.db_read.workers)


def topology_of(state: ClusterState, caps: Capacities) -> Topology:
    """The channel's cluster as it stands: the same servers, weights, cache capacity and TTL,
    replicas, shards and lag that /trace uses, with its dead and slow nodes."""
    cfg = state.config
    weights = traffic_shares(cfg)
    app = tuple(
        AppNode(
            weight=weights[i],
            alive=server.alive,
            in_rotation=in_rotation(state, i),
            slow_ms=server.slow_ms,
        )
        for i, server in enumerate(state.servers)
    )
    return Topology(
        app=app,
        app_cores=caps.app_cores,
        lb_alive=state.lb_alive,
        layer=cfg.layer.value,
        algorithm=cfg.lb.value,
        sticky=cfg.sticky,
        cache_nodes=1 if cfg.cache else 0,
        cache_keys=cfg.cache,
        cache_alive=state.cache_alive,
        ttl_s=float(cfg.ttl),
        shards=cfg.shards,
        replicas=cfg.replicas,
        primaries_alive=tuple(node.alive for node in state.primaries),
        replicas_alive=tuple(tuple(node.alive for node in group) for group in state.replicas),
        db_cores=caps.db_read.workers,
        lag_ms=float(cfg.lag),
        ryw=cfg.ryw,
    )
