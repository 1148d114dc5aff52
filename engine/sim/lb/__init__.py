"""The load balancer: which app server a request goes to, as HAProxy or nginx would choose it.

`choose` dispatches on (balancer, algorithm) exhaustively; each model lives in its own module,
ported from that program's source. `restart_balancer` rebuilds a model's bookkeeping from the
configuration, as the program does when it starts or reloads.
"""

from __future__ import annotations

from typing import assert_never

from engine.sim.config import Balancer, Layer, LbAlgorithm
from engine.sim.hashing import haproxy_key_hash, haproxy_source_hash
from engine.sim.lb import haproxy, nginx
from engine.sim.lb.names import directive
from engine.sim.state import ClusterState

__all__ = ["Pick", "choose", "directive", "restart_balancer", "usable"]


class Pick:
    """What one request's choices depend on: the hashed input, and what it has tried."""

    __slots__ = ("_attempt", "avoid", "key")

    def __init__(self, key: str) -> None:
        self.key = key  # the URI at L7, the client's address at L4
        self.avoid: int | None = None  # HAProxy: a redispatch avoids the server that failed
        self._attempt: nginx.Attempt | None = None

    @property
    def nginx(self) -> nginx.Attempt:
        """nginx's per-request walk, made on first use (HAProxy requests never need one)."""
        if self._attempt is None:
            self._attempt = nginx.Attempt()
        return self._attempt


def restart_balancer(state: ClusterState) -> None:
    """As the program does when it (re)starts: health and failure counts are kept (they are
    what the balancer knows about the servers), the algorithm's order starts afresh."""
    haproxy.restart(state)
    nginx.restart(state)


def usable(state: ClusterState, index: int) -> bool:
    """Would the balancer consider this server at all right now?"""
    match state.config.balancer:
        case Balancer.HAPROXY:
            return haproxy.is_up(state, index)
        case Balancer.NGINX:
            return len(state.servers) == 1 or not nginx.is_failed(state, index)
        case unreachable:
            assert_never(unreachable)


def choose(state: ClusterState, pick: Pick) -> int | None:
    """The server the balancer picks next for this request, or None if it has none."""
    match state.config.balancer:
        case Balancer.HAPROXY:
            return _haproxy(state, pick)
        case Balancer.NGINX:
            return _nginx(state, pick)
        case unreachable:
            assert_never(unreachable)


def _haproxy(state: ClusterState, pick: Pick) -> int | None:
    match state.config.lb:
        case LbAlgorithm.ROUND_ROBIN | LbAlgorithm.WEIGHTED:
            return haproxy.round_robin(state, pick.avoid)
        case LbAlgorithm.LEAST_CONNECTIONS:
            return haproxy.least_connections(state, pick.avoid)
        case LbAlgorithm.CONSISTENT_HASH:
            l7 = state.config.layer is Layer.L7
            key_hash = haproxy_key_hash(pick.key) if l7 else haproxy_source_hash(pick.key)
            return haproxy.consistent(state, key_hash, pick.avoid)
        case unreachable:
            assert_never(unreachable)


def _nginx(state: ClusterState, pick: Pick) -> int | None:
    match state.config.lb:
        case LbAlgorithm.ROUND_ROBIN | LbAlgorithm.WEIGHTED:
            return nginx.round_robin(state, pick.nginx)
        case LbAlgorithm.LEAST_CONNECTIONS:
            return nginx.least_connections(state, pick.nginx)
        case LbAlgorithm.CONSISTENT_HASH:
            return nginx.consistent(state, pick.key, pick.nginx)
        case unreachable:
            assert_never(unreachable)
