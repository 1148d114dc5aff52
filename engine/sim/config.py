"""The cluster's settings: what `/cluster set` may change, with the limits it enforces."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache

from engine.errors import RungsError


class Balancer(StrEnum):
    """Which real program the load balancer behaves like."""

    HAPROXY = "haproxy"
    NGINX = "nginx"


class LbAlgorithm(StrEnum):
    ROUND_ROBIN = "round-robin"
    LEAST_CONNECTIONS = "least-connections"
    # Kept for clusters and habits from before named balancers: round-robin is weighted in both
    # programs, so `weighted` is round-robin by the `weights`.
    WEIGHTED = "weighted"
    CONSISTENT_HASH = "consistent-hash"


class Layer(StrEnum):
    L4 = "l4"
    L7 = "l7"


@dataclass(frozen=True, slots=True)
class Limit:
    low: int
    high: int
    unit: str = ""


# Bounds keep every cluster small enough to draw and cheap to store, whatever users type.
LIMITS: dict[str, Limit] = {
    "servers": Limit(1, 16),
    "replicas": Limit(0, 5),
    "shards": Limit(1, 8),
    "cache": Limit(0, 10_000, "keys"),
    "local_cache": Limit(0, 1_000, "keys"),
    "ttl": Limit(1, 86_400, "s"),
    "lag": Limit(0, 60_000, "ms"),
    "interval": Limit(1, 60, "s"),
    "fall": Limit(1, 10),
    "rise": Limit(1, 10),
    "retries": Limit(0, 10),
    "max_fails": Limit(0, 10),
    "fail_timeout": Limit(1, 600, "s"),
    "connect_timeout": Limit(100, 120_000, "ms"),
    "weight": Limit(1, 10),
    "seed": Limit(0, 2**31 - 1),
}

# The programs' own defaults where they have one; see `connect_timeout_ms`.
HAPROXY_CONNECT_TIMEOUT_MS = 5_000  # HAProxy has none (infinite, with a warning): Debian's
# /etc/haproxy/haproxy.cfg and the manual's examples set `timeout connect 5000`.
NGINX_CONNECT_TIMEOUT_MS = 60_000  # nginx's documented default for proxy_connect_timeout


@dataclass(frozen=True)  # no slots: orjson writes it with the state (engine/sim/state.py)
class ClusterConfig:
    balancer: Balancer = Balancer.HAPROXY
    lb: LbAlgorithm = LbAlgorithm.ROUND_ROBIN
    layer: Layer = Layer.L7
    servers: int = 3
    weights: tuple[int, ...] = field(default=())  # empty: every server weighs 1
    replicas: int = 1
    shards: int = 1
    cache: int = 100  # capacity in keys; 0 means no cache tier at all
    local_cache: int = 0  # keys each app server keeps in its own memory; 0: none
    ttl: int = 300  # seconds
    sticky: bool = False
    lag: int = 100  # replication lag in ms (PostgreSQL: "typically under one second")
    ryw: bool = False  # read-your-writes: pin a writer's reads to the primary for 2 s
    # HAProxy: active checks, `retries` and `option redispatch`.
    interval: float = 2  # seconds between checks, `inter 2s` (HAProxy's default); /cluster set
    # takes whole seconds, HAProxy (and a test against it) may use less
    fall: int = 3  # consecutive failed checks that take a server down (HAProxy default)
    rise: int = 2  # consecutive passed checks that bring it back (HAProxy default)
    retries: int = 3  # HAProxy `retries`, default 3: connection attempts after the first
    redispatch: bool = True  # `option redispatch`: on here, off in HAProxy's own defaults
    # nginx: passive checks on `server … max_fails=1 fail_timeout=10s` (its defaults).
    max_fails: int = 1
    fail_timeout: int = 10  # seconds
    connect_timeout: int | None = None  # ms; None: the balancer's own default

    def weight_of(self, server: int) -> int:
        return self.weights[server] if self.weights else 1

    @property
    def weighted(self) -> bool:
        return _any_weight(self.weights)

    @property
    def interval_ms(self) -> int:
        return round(self.interval * 1000)

    @property
    def connect_timeout_ms(self) -> int:
        if self.connect_timeout is not None:
            return self.connect_timeout
        if self.balancer is Balancer.NGINX:
            return NGINX_CONNECT_TIMEOUT_MS
        return HAPROXY_CONNECT_TIMEOUT_MS

    def with_servers(self, servers: int) -> ClusterConfig:
        check_limit("servers", servers)
        weights = self.weights
        if weights:
            weights = (weights + (1,) * servers)[:servers]
        return replace(self, servers=servers, weights=weights)


@lru_cache(maxsize=64)
def _any_weight(weights: tuple[int, ...]) -> bool:
    return any(w != 1 for w in weights)


def check_limit(name: str, value: int) -> None:
    limit = LIMITS[name]
    if not limit.low <= value <= limit.high:
        unit = f" {limit.unit}" if limit.unit else ""
        raise RungsError(f"{name} must be from {limit.low} to {limit.high}{unit}, not {value}.")


# How long read-your-writes pins a writer to the primary (Rails' default `delay: 2.seconds`).
RYW_PIN_MS = 2_000
# Extra time a request spends on a server marked slow (stuck on slow report queries).
DEFAULT_SLOW_MS = 2_000
