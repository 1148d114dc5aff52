"""The cluster's mutable state. The caller owns the object: functions here change it in place.

Every collection is bounded: the cache by its capacity, the rest by the caps below, so a
channel's state stays small whatever its traffic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.sim.config import ClusterConfig

# Caps that keep the state bounded: old entries are dropped first.
MAX_TRACKED_USERS = 200
MAX_RECENT_KEYS = 64
MAX_PENDING_WRITES = 256  # writes not yet applied by replicas (a long lag piles them up)
MAX_IN_FLIGHT = 64  # requests in flight per server (a slow server piles them up)


@dataclass(slots=True)
class AppServer:
    alive: bool = True  # the truth: is the process up?
    in_rotation: bool = True  # what the balancer believes, from its health checks
    fails: int = 0  # consecutive failed health checks
    rises: int = 0  # consecutive passed health checks
    slow_ms: float = 0.0  # extra time per request while the server is marked slow
    busy_until: list[float] = field(default_factory=list)  # end times of requests in flight
    sessions: list[str] = field(default_factory=list)  # sticky mode: sessions in its memory
    served: int = 0
    current_weight: int = 0  # smooth weighted round-robin bookkeeping


@dataclass(slots=True)
class DataNode:
    alive: bool = True


@dataclass(slots=True)
class Stats:
    requests: int = 0
    hits: int = 0
    misses: int = 0
    db_reads: int = 0
    db_writes: int = 0
    errors: int = 0


@dataclass(slots=True)
class ClusterState:
    seed: int
    config: ClusterConfig
    now_ms: float = 0.0
    lb_alive: bool = True
    servers: list[AppServer] = field(default_factory=list)
    cache_alive: bool = True
    # key -> expiry (simulated ms). Insertion order is recency order: the first key is the least
    # recently used.
    cache: dict[str, float] = field(default_factory=dict)
    # Cached keys whose copy came from a replica that had not applied the latest write yet.
    stale: list[str] = field(default_factory=list)
    primaries: list[DataNode] = field(default_factory=list)  # one per shard
    replicas: list[list[DataNode]] = field(default_factory=list)  # per shard
    recent_writes: dict[str, float] = field(default_factory=dict)  # key -> commit time
    last_write_by: dict[str, float] = field(default_factory=dict)  # user -> last write time
    sticky: dict[str, int] = field(default_factory=dict)  # user -> server their cookie names
    recent_keys: list[str] = field(default_factory=list)  # keys seen lately, newest last
    rr_next: int = 0
    replica_rr: int = 0
    trace_no: int = 0
    stats: Stats = field(default_factory=Stats)


def new_cluster(config: ClusterConfig | None = None, seed: int = 1) -> ClusterState:
    state = ClusterState(seed=seed, config=config or ClusterConfig())
    resize(state)
    return state


def resize(state: ClusterState) -> None:
    """Make the node lists match the config, keeping the nodes that stay."""
    cfg = state.config
    del state.servers[cfg.servers :]
    state.servers.extend(AppServer() for _ in range(cfg.servers - len(state.servers)))
    del state.primaries[cfg.shards :]
    state.primaries.extend(DataNode() for _ in range(cfg.shards - len(state.primaries)))
    del state.replicas[cfg.shards :]
    state.replicas.extend([] for _ in range(cfg.shards - len(state.replicas)))
    for group in state.replicas:
        del group[cfg.replicas :]
        group.extend(DataNode() for _ in range(cfg.replicas - len(group)))
    state.sticky = {u: s for u, s in state.sticky.items() if s < cfg.servers}
    state.rr_next %= cfg.servers
    while len(state.cache) > cfg.cache:
        cache_drop(state, next(iter(state.cache)))


def cache_drop(state: ClusterState, key: str) -> None:
    """Remove a key from the cache (evicted, expired or invalidated), stale mark and all."""
    state.cache.pop(key, None)
    if key in state.stale:
        state.stale.remove(key)


def cache_clear(state: ClusterState) -> None:
    state.cache.clear()
    state.stale.clear()


def remember(mapping: dict[str, float] | dict[str, int], key: str, value: float, cap: int) -> None:
    """Set `key` as the newest entry of an insertion-ordered map, dropping the oldest past cap."""
    mapping.pop(key, None)
    mapping[key] = value  # type: ignore[assignment]
    while len(mapping) > cap:
        del mapping[next(iter(mapping))]
