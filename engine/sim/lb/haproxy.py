"""HAProxy 2.6's server states and its other algorithms: `leastconn` (src/lb_fwlc.c) and
`hash-type consistent` (src/lb_chash.c). Round-robin is in haproxy_rr.py.
"""

from __future__ import annotations

from engine.sim.config import LbAlgorithm
from engine.sim.hashing import haproxy_closest
from engine.sim.lb import haproxy_rr
from engine.sim.state import ClusterState

SRV_EWGHT_MAX = haproxy_rr.SRV_EWGHT_MAX


def is_up(state: ClusterState, index: int) -> bool:
    """UP while the check counter is at least `rise` (a server starts exactly there)."""
    return state.servers[index].health >= state.config.rise


def up_servers(state: ClusterState) -> list[int]:
    rise = state.config.rise
    return [i for i, s in enumerate(state.servers) if s.health >= rise]


def weights(state: ClusterState) -> tuple[int, ...]:
    cfg = state.config
    return tuple(cfg.weight_of(i) for i in range(cfg.servers))


def restart(state: ClusterState) -> None:
    """Build the algorithm's structures afresh, as HAProxy does when it starts."""
    up = up_servers(state)
    haproxy_rr.init_groups(state, up)
    for index in range(len(state.servers)):  # leastconn's tree, in configuration order
        touch_load(state, index)


def went_down(state: ClusterState, index: int) -> None:
    if _uses_fwrr(state):
        haproxy_rr.server_down(state, index)


def came_up(state: ClusterState, index: int) -> None:
    if _uses_fwrr(state):
        haproxy_rr.server_up(state, index)
    touch_load(state, index)  # fwlc_set_server_status_up queues it behind equal keys


def touch_load(state: ClusterState, index: int) -> None:
    """fwlc_srv_reposition: a server whose load changed goes behind the others of equal key."""
    state.lb_seq += 1
    state.servers[index].lc_seq = state.lb_seq


def lc_key(state: ClusterState, index: int) -> int:
    """fwlc's key: 0 when idle, else (in flight + 1) / weight, scaled as HAProxy scales it."""
    in_flight = len(state.servers[index].busy_until)
    if not in_flight:
        return 0
    return (in_flight + 1) * SRV_EWGHT_MAX // haproxy_rr.eweight(state, index)


def least_connections(state: ClusterState, avoid: int | None) -> int | None:
    """fwlc_get_next_server: the first server in key order, ties in the order they got there."""
    order = sorted(up_servers(state), key=lambda i: (lc_key(state, i), state.servers[i].lc_seq))
    for index in order:
        if index != avoid:
            return index
    return order[0] if order else None


def consistent(state: ClusterState, key_hash: int, avoid: int | None) -> int | None:
    return haproxy_closest(weights(state), key_hash, frozenset(up_servers(state)), avoid)


def round_robin(state: ClusterState, avoid: int | None) -> int | None:
    return haproxy_rr.next_server(state, avoid)


def _uses_fwrr(state: ClusterState) -> bool:
    return state.config.lb in (LbAlgorithm.ROUND_ROBIN, LbAlgorithm.WEIGHTED)
