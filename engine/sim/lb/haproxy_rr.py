"""HAProxy's `balance roundrobin`: a port of src/lb_fwrr.c (HAProxy 2.6), its own weighted order.

HAProxy keeps each server in one of three ebtrees (`init`, `curr`, `next`), keyed by its next
position in the rotation, and walks `curr` in key order; a server that has used up its share of
this round waits in `next`. An ebtree keeps duplicate keys in insertion order, so a tree here is
the servers with that label, ordered by (key, insertion number).

Only the active group is modelled (no backup servers), without maxconn (nothing is saturated).
"""

from __future__ import annotations

from engine.sim.state import AppServer, ClusterState

BE_WEIGHT_SCALE = 16
SRV_UWGHT_RANGE = 256
SRV_EWGHT_MAX = SRV_UWGHT_RANGE * BE_WEIGHT_SCALE

NONE, INIT, CURR, NEXT = 0, 1, 2, 3  # which tree a server belongs to (lb_tree)


def eweight(state: ClusterState, index: int) -> int:
    return state.config.weight_of(index) * BE_WEIGHT_SCALE


def init_groups(state: ClusterState, usable: list[int]) -> None:
    """fwrr_init_server_groups: every usable server in `init`, in configuration order."""
    total = sum(eweight(state, i) for i in usable)
    state.rr_curr_pos = state.rr_curr_weight = state.rr_next_weight = total
    for server in state.servers:
        server.rr_tree, server.rr_in = NONE, False
        server.rr_npos = server.rr_lpos = server.rr_rweight = 0
    for i in usable:
        _queue_by_weight(state, i, INIT)


def next_server(state: ClusterState, avoid: int | None) -> int | None:
    """fwrr_get_next_server: the next server of the rotation, not `avoid` unless it is alone."""
    switched, avoided, chained = False, None, []
    chosen: int | None = None
    while True:
        if not state.rr_curr_weight:
            state.rr_curr_pos = state.rr_curr_weight = state.rr_next_weight
        chosen = _from_group(state)
        if chosen is None:
            if switched:
                chosen = avoided
                break
            switched = True
            _switch_trees(state)
            continue
        _update_position(state, chosen)
        state.servers[chosen].rr_in = False
        state.rr_curr_pos += 1
        if chosen != avoid or avoided is not None:
            break
        avoided = chosen
        chained.append(chosen)
    if chosen is not None:
        _queue(state, chosen)
    for other in reversed(chained):  # HAProxy chains them last-in first
        if other != chosen:
            if switched:
                _queue_by_weight(state, other, INIT)
            else:
                _queue(state, other)
    return chosen


def server_down(state: ClusterState, index: int) -> None:
    """fwrr_set_server_status_down."""
    state.rr_next_weight -= eweight(state, index)
    server = state.servers[index]
    server.rr_in, server.rr_tree = False, NONE


def server_up(state: ClusterState, index: int) -> None:
    """fwrr_set_server_status_up: it rejoins at a position spread over the current round."""
    weight = eweight(state, index)
    state.rr_next_weight += weight
    server = state.servers[index]
    _get(state, server)
    span = state.rr_next_weight + state.rr_curr_weight - state.rr_curr_pos
    server.rr_npos = state.rr_curr_pos + span // weight
    _queue(state, index)


def _first(state: ClusterState, tree: int) -> int | None:
    best: int | None = None
    best_order = (0, 0)
    for i, s in enumerate(state.servers):
        if s.rr_in and s.rr_tree == tree and (best is None or (s.rr_key, s.rr_seq) < best_order):
            best, best_order = i, (s.rr_key, s.rr_seq)
    return best


def _insert(state: ClusterState, index: int, tree: int, key: int) -> None:
    state.lb_seq += 1
    server = state.servers[index]
    server.rr_tree, server.rr_in, server.rr_key, server.rr_seq = tree, True, key, state.lb_seq


def _queue_by_weight(state: ClusterState, index: int, tree: int) -> None:
    """fwrr_queue_by_weight: heavy servers first, so that the distribution is smooth."""
    _insert(state, index, tree, SRV_EWGHT_MAX - eweight(state, index))


def _queue(state: ClusterState, index: int) -> None:
    """fwrr_queue_srv: into `curr` at its next position, or `next` if that is beyond the round."""
    server, weight = state.servers[index], eweight(state, index)
    curr, nxt = state.rr_curr_weight, state.rr_next_weight
    if weight <= 0 or server.rr_npos >= 2 * curr or server.rr_npos >= curr + nxt:
        server.rr_npos -= curr
        _queue_by_weight(state, index, NEXT)
        return
    key = SRV_UWGHT_RANGE * server.rr_npos + (SRV_EWGHT_MAX + server.rr_rweight - weight) // 16
    _insert(state, index, CURR, key)


def _get(state: ClusterState, server: AppServer) -> None:
    """fwrr_get_srv: prepare a server taken out of its tree."""
    if server.rr_tree == INIT:
        server.rr_npos = server.rr_rweight = 0
    elif server.rr_tree == NEXT:
        server.rr_npos += state.rr_curr_weight
    elif server.rr_tree == NONE:
        server.rr_npos = state.rr_curr_pos


def _switch_trees(state: ClusterState) -> None:
    for server in state.servers:
        if server.rr_tree == INIT:
            server.rr_tree = NEXT
        elif server.rr_tree == NEXT:
            server.rr_tree = INIT
    state.rr_curr_weight = state.rr_next_weight
    state.rr_curr_pos = state.rr_curr_weight


def _from_group(state: ClusterState) -> int | None:
    """fwrr_get_server_from_group: `curr`'s first server if its turn has come, else `init`'s."""
    first = _first(state, CURR)
    if first is not None and state.servers[first].rr_npos <= state.rr_curr_pos:
        return first
    waiting = _first(state, INIT)
    if waiting is not None:
        server = state.servers[waiting]
        server.rr_npos = server.rr_rweight = 0
        return waiting
    return first


def _update_position(state: ClusterState, index: int) -> None:
    """fwrr_update_position: the server's next turn, one share of the group's weight later."""
    server, weight = state.servers[index], eweight(state, index)
    if not server.rr_npos:
        server.rr_npos = state.rr_curr_pos
    server.rr_lpos = server.rr_npos
    server.rr_npos += state.rr_next_weight // weight
    server.rr_rweight += state.rr_next_weight % weight
    if server.rr_rweight >= weight:
        server.rr_rweight -= weight
        server.rr_npos += 1
