"""HAProxy's `balance roundrobin`: a port of src/lb_fwrr.c (HAProxy 2.6), its own weighted order.

HAProxy keeps each server in one of three ebtrees (`init`, `curr`, `next`), keyed by its next
position in the rotation, and walks `curr` in key order; a server that has used up its share of
this round waits in `next`. An ebtree keeps duplicate keys in insertion order, so a tree here is
the servers with that label, ordered by (key, insertion number).

Only the active group is modelled (no backup servers), without maxconn (nothing is saturated).
"""

from __future__ import annotations

from engine.sim.state import ClusterState

BE_WEIGHT_SCALE = 16
SRV_UWGHT_RANGE = 256
SRV_EWGHT_MAX = SRV_UWGHT_RANGE * BE_WEIGHT_SCALE

NONE, INIT, CURR, NEXT = 0, 1, 2, 3  # which tree a server belongs to (lb_tree)
# The slots of AppServer.rr: lb_tree, whether the node is in it, its key, its insertion order
# among equal keys, npos and rweight.
TREE, IN, KEY, SEQ, NPOS, RWEIGHT = range(6)


def eweight(state: ClusterState, index: int) -> int:
    return state.config.weight_of(index) * BE_WEIGHT_SCALE


def init_groups(state: ClusterState, usable: list[int]) -> None:
    """fwrr_init_server_groups: every usable server in `init`, in configuration order."""
    total = sum(eweight(state, i) for i in usable)
    state.rr_curr_pos = state.rr_curr_weight = state.rr_next_weight = total
    for server in state.servers:
        server.rr[:] = [NONE, 0, 0, 0, 0, 0]
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
        state.servers[chosen].rr[IN] = 0
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
    rr = state.servers[index].rr
    rr[IN], rr[TREE] = 0, NONE


def server_up(state: ClusterState, index: int) -> None:
    """fwrr_set_server_status_up: it rejoins at a position spread over the current round."""
    weight = eweight(state, index)
    state.rr_next_weight += weight
    rr = state.servers[index].rr
    _get(state, rr)
    span = state.rr_next_weight + state.rr_curr_weight - state.rr_curr_pos
    rr[NPOS] = state.rr_curr_pos + span // weight
    _queue(state, index)


def _first(state: ClusterState, tree: int) -> int | None:
    """eb32_first: the server of the tree with the lowest key, the earliest inserted on ties."""
    best: int | None = None
    best_key = best_seq = 0
    for i, s in enumerate(state.servers):
        rr = s.rr
        if rr[IN] and rr[TREE] == tree:
            key, seq = rr[KEY], rr[SEQ]
            if best is None or key < best_key or (key == best_key and seq < best_seq):
                best, best_key, best_seq = i, key, seq
    return best


def _insert(state: ClusterState, index: int, tree: int, key: int) -> None:
    state.lb_seq += 1
    rr = state.servers[index].rr
    rr[TREE], rr[IN], rr[KEY], rr[SEQ] = tree, 1, key, state.lb_seq


def _queue_by_weight(state: ClusterState, index: int, tree: int) -> None:
    """fwrr_queue_by_weight: heavy servers first, so that the distribution is smooth."""
    _insert(state, index, tree, SRV_EWGHT_MAX - eweight(state, index))


def _queue(state: ClusterState, index: int) -> None:
    """fwrr_queue_srv: into `curr` at its next position, or `next` if that is beyond the round."""
    rr, weight = state.servers[index].rr, eweight(state, index)
    curr, nxt = state.rr_curr_weight, state.rr_next_weight
    if weight <= 0 or rr[NPOS] >= 2 * curr or rr[NPOS] >= curr + nxt:
        rr[NPOS] -= curr
        _queue_by_weight(state, index, NEXT)
        return
    key = SRV_UWGHT_RANGE * rr[NPOS] + (SRV_EWGHT_MAX + rr[RWEIGHT] - weight) // 16
    _insert(state, index, CURR, key)


def _get(state: ClusterState, rr: list[int]) -> None:
    """fwrr_get_srv: prepare a server taken out of its tree."""
    if rr[TREE] == INIT:
        rr[NPOS] = rr[RWEIGHT] = 0
    elif rr[TREE] == NEXT:
        rr[NPOS] += state.rr_curr_weight
    elif rr[TREE] == NONE:
        rr[NPOS] = state.rr_curr_pos


def _switch_trees(state: ClusterState) -> None:
    for server in state.servers:
        rr = server.rr
        if rr[TREE] == INIT:
            rr[TREE] = NEXT
        elif rr[TREE] == NEXT:
            rr[TREE] = INIT
    state.rr_curr_weight = state.rr_next_weight
    state.rr_curr_pos = state.rr_curr_weight


def _from_group(state: ClusterState) -> int | None:
    """fwrr_get_server_from_group: `curr`'s first server if its turn has come, else `init`'s."""
    first = _first(state, CURR)
    if first is not None and state.servers[first].rr[NPOS] <= state.rr_curr_pos:
        return first
    waiting = _first(state, INIT)
    if waiting is not None:
        rr = state.servers[waiting].rr
        rr[NPOS] = rr[RWEIGHT] = 0
        return waiting
    return first


def _update_position(state: ClusterState, index: int) -> None:
    """fwrr_update_position: the server's next turn, one share of the group's weight later."""
    rr, weight = state.servers[index].rr, eweight(state, index)
    if not rr[NPOS]:
        rr[NPOS] = state.rr_curr_pos
    # (HAProxy also keeps lpos, the last position, for weight changes on the fly: a change of
    # weights here restarts the balancer instead, so it is not needed.)
    rr[NPOS] += state.rr_next_weight // weight
    rr[RWEIGHT] += state.rr_next_weight % weight
    if rr[RWEIGHT] >= weight:
        rr[RWEIGHT] -= weight
        rr[NPOS] += 1
