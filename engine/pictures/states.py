"""The vocabulary of a diagram: what a node is, what state it is in, what a hop of a trace was."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A node's tier, top to bottom as the request travels."""

    CLIENT = "client"
    BALANCER = "balancer"
    APP = "app server"
    CACHE = "cache"
    PRIMARY = "primary"
    REPLICA = "replica"


class NodeState(StrEnum):
    """What a node is doing now. The value is the words a legend and the alt text use."""

    UP = "up"
    SLOW = "slow"
    # Crashed, but the balancer has not seen enough failed health checks: it still sends traffic.
    DOWN_IN_ROTATION = "down, still in rotation"
    DOWN = "down"
    OUT_OF_ROTATION = "out of rotation"  # up, but the balancer sends it nothing
    RISING = "rising"  # back up, passing health checks before it rejoins the rotation
    STALE = "stale"  # holds data older than the latest write (a lagging replica, a stale copy)
    FENCED = "fenced"  # a former primary cut off after a failover: it must not take writes

    @property
    def is_down(self) -> bool:
        return self in (NodeState.DOWN, NodeState.DOWN_IN_ROTATION)


class HopMark(StrEnum):
    """What one step of a trace did, as the path draws it."""

    REQUEST = "request"  # a call down the tiers
    REPLY = "reply"  # an answer coming back
    LOCAL = "local"  # work inside one node (a decision, building the response)
    HIT = "hit"  # the cache had the key
    MISS = "miss"  # the cache did not
    STALE = "stale"  # an answer with old data
    FAILED = "failed"  # a call that got no answer, or an error response
    ASYNC = "async"  # after the response (replication): not part of the latency


class Outcome(StrEnum):
    """How the traced request ended, as a picture's title says it."""

    HIT = "cache hit"
    MISS = "cache miss"
    UNCACHED = "no cache"
    WRITE = "write"
    FAILED = "failed"


class MarkerKind(StrEnum):
    EVENT = "event"  # something scheduled happened (a restart, a spike)
    BOTTLENECK = "bottleneck"  # the first thing to break
