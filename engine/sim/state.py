"""The cluster's mutable state. The caller owns the object: functions here change it in place.

Every collection is bounded: the caches by their capacities, the rest by the caps below, so a
channel's state stays small whatever its traffic.

No `slots` on the parts (servers, data nodes, counters; the config beside them): the state is
written on every command's save, and orjson writes a dataclass that keeps a `__dict__` several
times faster than one with slots; mypy --strict keeps misspelt attributes out instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from engine.sim.config import ClusterConfig

# Caps that keep the state bounded: old entries are dropped first.
MAX_TRACKED_USERS = 200
MAX_RECENT_KEYS = 64
MAX_PENDING_WRITES = 256  # writes not yet applied by replicas (a long lag piles them up)
MAX_IN_FLIGHT = 64  # requests in flight per server (a slow server piles them up)
MAX_REMEMBERED_KEYS = 256  # deleted, created and written rows, lost writes
MAX_GONE_KEYS = 32  # why keys left the cache: the latest departures, kept in every save


class Gone(StrEnum):
    """Why a key is not in the cache: the simulation knows, so a MISS can say."""

    # Short values: the reasons are stored with every save of the cluster.
    EVICTED = "lru"
    EXPIRED = "ttl"
    DELETED = "del"
    RESTARTED = "restart"


@dataclass
class AppServer:
    alive: bool = True  # the truth: is the process up?
    host_up: bool = True  # does the machine answer at all? (False: a dead host, no RST)
    # HAProxy's check counter (src/check.c): 0 … rise+fall-1, UP while at least `rise`.
    # A server starts at `rise`: UP, but one failed check from DOWN.
    health: int = 2
    check_at: float = 0.0  # when its next health check starts (simulated ms)
    check_fails_at: float = -1.0  # a check on a dead host times out then (-1: none pending)
    slow_ms: float = 0.0  # extra time per request while the server is marked slow
    busy_until: list[float] = field(default_factory=list)  # end times of requests in flight
    sessions: list[str] = field(default_factory=list)  # sticky mode: sessions in its memory
    local: dict[str, float] = field(default_factory=dict)  # its own cache: key -> filled at
    served: int = 0
    # HAProxy roundrobin (src/lb_fwrr.c): its tree, place and position, as the list
    # [tree, in_tree, key, seq, npos, rweight] (haproxy_rr.py names the slots). Lists rather
    # than fields: the cluster is saved on every command, and a list is cheap to write.
    rr: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0, 0])
    lc_seq: int = 0  # HAProxy leastconn: when its load last changed (ties go oldest first)
    # nginx's peer (ngx_http_upstream_round_robin.c) as [current_weight, effective_weight,
    # fails, checked, accessed] (nginx.py names the slots; times in whole seconds).
    peer: list[int] = field(default_factory=lambda: [0, 1, 0, 0, 0])


@dataclass
class DataNode:
    alive: bool = True
    down_since: float = 0.0  # when it failed (what it had not shipped by then is lost)
    fenced: bool = False  # an old primary after a failover: rebuilt before it rejoins


@dataclass
class Stats:
    requests: int = 0
    hits: int = 0
    misses: int = 0
    db_reads: int = 0
    db_writes: int = 0
    errors: int = 0
    local_hits: int = 0


@dataclass(slots=True)  # one a cluster: its slots cost orjson nothing much (and undo copies them)
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
    gone: dict[str, str] = field(default_factory=dict)  # key -> Gone: why it left the cache
    primaries: list[DataNode] = field(default_factory=list)  # one per shard
    replicas: list[list[DataNode]] = field(default_factory=list)  # per shard
    recent_writes: dict[str, float] = field(default_factory=dict)  # key -> commit time
    written: dict[str, float] = field(default_factory=dict)  # key -> its last commit time
    created: dict[str, float] = field(default_factory=dict)  # key -> when a POST inserted it
    deleted: dict[str, float] = field(default_factory=dict)  # key -> when its row was deleted
    lost: dict[str, float] = field(default_factory=dict)  # key -> commit time lost in failover
    last_write_by: dict[str, float] = field(default_factory=dict)  # user -> last write time
    sticky: dict[str, int] = field(default_factory=dict)  # user -> server their cookie names
    recent_paths: list[str] = field(default_factory=list)  # request paths lately, newest last
    next_id: int = 1001  # the id the database gives the next row a POST inserts
    replica_rr: int = 0
    trace_no: int = 0
    # HAProxy roundrobin's group (struct fwrr_group) and the order of insertions into its trees.
    rr_curr_pos: int = 0
    rr_curr_weight: int = 0
    rr_next_weight: int = 0
    lb_seq: int = 0
    stats: Stats = field(default_factory=Stats)


def new_cluster(config: ClusterConfig | None = None, seed: int = 1) -> ClusterState:
    from engine.sim.lb import restart_balancer  # the balancers read this module's types
    from engine.sim.lb.haproxy_checks import schedule

    state = ClusterState(seed=seed, config=config or ClusterConfig())
    resize(state)
    restart_balancer(state)
    schedule(state)
    return state


def resize(state: ClusterState) -> list[int]:
    """Make the node lists match the config, keeping the nodes that stay; returns the servers
    that were added."""
    cfg = state.config
    del state.servers[cfg.servers :]
    added = list(range(len(state.servers), cfg.servers))
    state.servers.extend(AppServer(health=cfg.rise) for _ in added)
    del state.primaries[cfg.shards :]
    state.primaries.extend(DataNode() for _ in range(cfg.shards - len(state.primaries)))
    del state.replicas[cfg.shards :]
    state.replicas.extend([] for _ in range(cfg.shards - len(state.replicas)))
    for group in state.replicas:
        del group[cfg.replicas :]
        group.extend(DataNode() for _ in range(cfg.replicas - len(group)))
    state.sticky = {u: s for u, s in state.sticky.items() if s < cfg.servers}
    while len(state.cache) > cfg.cache:
        cache_drop(state, next(iter(state.cache)), Gone.EVICTED)
    for server in state.servers:
        while len(server.local) > cfg.local_cache:
            del server.local[next(iter(server.local))]
    return added


def cache_drop(state: ClusterState, key: str, why: Gone) -> None:
    """Remove a key from the cache (evicted, expired or deleted), stale mark and all, and
    remember why, for the next MISS to say."""
    if state.cache.pop(key, None) is not None:
        remember(state.gone, key, why, MAX_GONE_KEYS)
    if key in state.stale:
        state.stale.remove(key)


def cache_clear(state: ClusterState) -> None:
    """The cache process restarted: everything it held is gone."""
    for key in list(state.cache)[-MAX_GONE_KEYS:]:
        remember(state.gone, key, Gone.RESTARTED, MAX_GONE_KEYS)
    state.cache.clear()
    state.stale.clear()


def remember(
    mapping: dict[str, float] | dict[str, int] | dict[str, str], key: str, value: object, cap: int
) -> None:
    """Set `key` as the newest entry of an insertion-ordered map, dropping the oldest past cap."""
    mapping.pop(key, None)
    mapping[key] = value  # type: ignore[assignment]
    while len(mapping) > cap:
        del mapping[next(iter(mapping))]
