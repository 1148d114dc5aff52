"""The cluster's settings: what `/cluster set` may change, with the limits it enforces."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from engine.errors import RungsError


class LbAlgorithm(StrEnum):
    ROUND_ROBIN = "round-robin"
    LEAST_CONNECTIONS = "least-connections"
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
    "ttl": Limit(1, 86_400, "s"),
    "lag": Limit(0, 60_000, "ms"),
    "interval": Limit(1, 60, "s"),
    "fall": Limit(1, 10),
    "rise": Limit(1, 10),
    "weight": Limit(1, 10),
    "seed": Limit(0, 2**31 - 1),
}


@dataclass(frozen=True, slots=True)
class ClusterConfig:
    lb: LbAlgorithm = LbAlgorithm.ROUND_ROBIN
    layer: Layer = Layer.L7
    servers: int = 3
    weights: tuple[int, ...] = field(default=())  # empty: every server weighs 1
    replicas: int = 1
    shards: int = 1
    cache: int = 100  # capacity in keys; 0 means no cache tier at all
    ttl: int = 300  # seconds
    sticky: bool = False
    lag: int = 100  # replication lag in ms (PostgreSQL: "typically under one second")
    ryw: bool = False  # read-your-writes: pin a writer's reads to the primary for 2 s
    interval: int = 2  # health-check interval in s (HAProxy `inter` 2000 ms)
    fall: int = 3  # consecutive failed checks before a server is pulled out (HAProxy)
    rise: int = 2  # consecutive passed checks before it is put back (HAProxy)

    def weight_of(self, server: int) -> int:
        return self.weights[server] if self.weights else 1

    def with_servers(self, servers: int) -> ClusterConfig:
        check_limit("servers", servers)
        weights = self.weights
        if weights:
            weights = (weights + (1,) * servers)[:servers]
        return replace(self, servers=servers, weights=weights)


def check_limit(name: str, value: int) -> None:
    limit = LIMITS[name]
    if not limit.low <= value <= limit.high:
        unit = f" {limit.unit}" if limit.unit else ""
        raise RungsError(f"{name} must be from {limit.low} to {limit.high}{unit}, not {value}.")


# How long read-your-writes pins a writer to the primary (Rails' default `delay: 2.seconds`).
RYW_PIN_MS = 2_000
# Extra time a request spends on a server marked slow (stuck on slow report queries).
DEFAULT_SLOW_MS = 2_000
