"""nginx 1.22's upstream peers: smooth weighted round-robin and passive checks
(ngx_http_upstream_round_robin.c), `least_conn` (ngx_http_upstream_least_conn_module.c) and
`hash … consistent` (ngx_http_upstream_hash_module.c).

Open-source nginx has no active health checks: a server counts as failed when a request to it
fails, and after `max_fails` failures within `fail_timeout` it is skipped for `fail_timeout`.
nginx keeps time in whole seconds (`ngx_time()`), and so does this model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.sim.hashing import ketama_server, ketama_start, server_names
from engine.sim.state import ClusterState

KETAMA_TRIES = 20  # after 20 points without a usable server, nginx falls back to round-robin
# The slots of AppServer.peer (ngx_http_upstream_rr_peer_t's fields of the same names).
CURRENT, EFFECTIVE, FAILS, CHECKED, ACCESSED = range(5)


@dataclass(slots=True)
class Attempt:
    """One request's walk through the peers (ngx_http_upstream_rr_peer_data_t)."""

    tried: set[int] = field(default_factory=set)
    ring_at: int | None = None  # hash … consistent: the point the walk stands at
    ring_tries: int = 0


def now_s(state: ClusterState) -> int:
    return int(state.now_ms // 1000)


def restart(state: ClusterState) -> None:
    for index, server in enumerate(state.servers):
        server.peer[:] = [0, state.config.weight_of(index), 0, 0, 0]


def is_failed(state: ClusterState, index: int) -> bool:
    """Skipped as failed: max_fails reached and fail_timeout not yet over since the last one."""
    cfg, peer = state.config, state.servers[index].peer
    return bool(
        cfg.max_fails
        and peer[FAILS] >= cfg.max_fails
        and now_s(state) - peer[CHECKED] <= cfg.fail_timeout
    )


def usable(state: ClusterState, attempt: Attempt) -> list[int]:
    single = len(state.servers) == 1  # peers->single: max_fails does not apply
    return [
        i
        for i in range(len(state.servers))
        if i not in attempt.tried and (single or not is_failed(state, i))
    ]


def round_robin(state: ClusterState, attempt: Attempt) -> int | None:
    """ngx_http_upstream_get_peer: the smooth weighted round-robin step."""
    return _smooth_pick(state, usable(state, attempt), attempt)


def least_connections(state: ClusterState, attempt: Attempt) -> int | None:
    """Fewest connections per weight; a tie goes to a smooth round-robin step among the tied."""
    candidates = usable(state, attempt)
    if not candidates:
        return None
    if len(state.servers) == 1:
        return round_robin(state, attempt)
    cfg = state.config

    def load(i: int) -> tuple[int, int]:
        return len(state.servers[i].busy_until), cfg.weight_of(i)

    best = candidates[0]
    for i in candidates[1:]:
        (c, w), (bc, bw) = load(i), load(best)
        if c * bw < bc * w:
            best = i
    bc, bw = load(best)
    tied = [i for i in candidates if i >= best and load(i)[0] * bw == bc * load(i)[1]]
    if len(tied) == 1:
        _take(state, best, attempt, 0)
        return best
    return _smooth_pick(state, tied, attempt)


def consistent(state: ClusterState, key: str, attempt: Attempt) -> int | None:
    """ngx_http_upstream_get_chash_peer: walk the ketama ring from the key's point."""
    cfg = state.config
    names = server_names(cfg.servers)
    weights = tuple(cfg.weight_of(i) for i in range(cfg.servers))
    if attempt.ring_at is None:
        attempt.ring_at = ketama_start(names, weights, key)
    if len(state.servers) == 1 or not key:
        return round_robin(state, attempt)
    ok = set(usable(state, attempt))
    while attempt.ring_tries <= KETAMA_TRIES:
        server = ketama_server(names, weights, attempt.ring_at)
        if server in ok:
            _smooth_pick(state, [server], attempt)
            return server
        attempt.ring_at += 1
        attempt.ring_tries += 1
    return round_robin(state, attempt)


def failed(state: ClusterState, index: int) -> None:
    """ngx_http_upstream_free_round_robin_peer with NGX_PEER_FAILED."""
    if len(state.servers) == 1:
        return
    cfg, peer = state.config, state.servers[index].peer
    peer[FAILS] += 1
    peer[ACCESSED] = peer[CHECKED] = now_s(state)
    if cfg.max_fails:
        peer[EFFECTIVE] -= cfg.weight_of(index) // cfg.max_fails
    peer[EFFECTIVE] = max(0, peer[EFFECTIVE])


def succeeded(state: ClusterState, index: int) -> None:
    """A request that got an answer marks the peer live again, once its window has passed."""
    peer = state.servers[index].peer
    if peer[ACCESSED] < peer[CHECKED]:
        peer[FAILS] = 0


def _smooth_pick(state: ClusterState, candidates: list[int], attempt: Attempt) -> int | None:
    cfg, best, total = state.config, None, 0
    for i in candidates:
        peer = state.servers[i].peer
        peer[CURRENT] += peer[EFFECTIVE]
        total += peer[EFFECTIVE]
        if peer[EFFECTIVE] < cfg.weight_of(i):
            peer[EFFECTIVE] += 1
        if best is None or peer[CURRENT] > state.servers[best].peer[CURRENT]:
            best = i
    if best is None:
        return None
    _take(state, best, attempt, total)
    return best


def _take(state: ClusterState, index: int, attempt: Attempt, total: int) -> None:
    peer = state.servers[index].peer
    peer[CURRENT] -= total
    if now_s(state) - peer[CHECKED] > state.config.fail_timeout:
        peer[CHECKED] = now_s(state)
    attempt.tried.add(index)
