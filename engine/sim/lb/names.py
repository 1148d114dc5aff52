"""How each balancer's configuration reads in its own words, and why it picked a server."""

from __future__ import annotations

from functools import lru_cache
from typing import assert_never

from engine.sim.config import Balancer, ClusterConfig, Layer, LbAlgorithm
from engine.sim.lb import nginx
from engine.sim.state import ClusterState


def directive(cfg: ClusterConfig) -> str:
    """The algorithm as the program's configuration spells it."""
    l7 = cfg.layer is Layer.L7
    match cfg.balancer:
        case Balancer.HAPROXY:
            if cfg.lb is LbAlgorithm.LEAST_CONNECTIONS:
                return "balance leastconn"
            if cfg.lb is LbAlgorithm.CONSISTENT_HASH:
                return f"balance {'uri' if l7 else 'source'}, hash-type consistent"
            return "balance roundrobin"
        case Balancer.NGINX:
            if cfg.lb is LbAlgorithm.LEAST_CONNECTIONS:
                return "least_conn"
            if cfg.lb is LbAlgorithm.CONSISTENT_HASH:
                return f"hash {'$request_uri' if l7 else '$remote_addr'} consistent"
            return "round-robin (the default)"
        case unreachable:
            assert_never(unreachable)


@lru_cache(maxsize=256)
def settings_line(cfg: ClusterConfig) -> str:
    """The model's settings, the program's defaults among them, said once per trace (cached:
    a configuration is immutable, and the line is the same for every trace it runs)."""
    timeout = _seconds(cfg.connect_timeout_ms)
    weights = f"; weights {','.join(str(cfg.weight_of(i)) for i in range(cfg.servers))}"
    weights = weights if cfg.weighted else ""
    match cfg.balancer:
        case Balancer.HAPROXY:
            redispatch = (
                "option redispatch (on here; HAProxy's own default is off)"
                if cfg.redispatch
                else "no option redispatch (HAProxy's default)"
            )
            inter = _seconds(cfg.interval_ms)
            return (
                f"HAProxy model: {directive(cfg)}{weights}; check inter {inter} "
                f"fall {cfg.fall} rise {cfg.rise}; retries {cfg.retries}; {redispatch}; "
                f"timeout connect {timeout}."
            )
        case Balancer.NGINX:
            return (
                f"nginx model: {directive(cfg)}{weights}; no active health checks (open-source "
                f"nginx), passive max_fails={cfg.max_fails} fail_timeout={cfg.fail_timeout}s; "
                f"proxy_next_upstream error timeout; proxy_connect_timeout {timeout}."
            )
        case unreachable:
            assert_never(unreachable)


def why(state: ClusterState, server: int, key: str) -> str:
    """Why the balancer chose `server` for a request hashed on `key` (said as it chose)."""
    cfg = state.config
    match cfg.lb:
        case LbAlgorithm.ROUND_ROBIN | LbAlgorithm.WEIGHTED:
            text = "weighted round-robin" if cfg.weighted else "round-robin"
        case LbAlgorithm.LEAST_CONNECTIONS:
            text = _least(state, server)
        case LbAlgorithm.CONSISTENT_HASH:
            text = _hash(cfg, key)
        case unreachable:
            assert_never(unreachable)
    skipped = skipped_servers(state)
    if skipped:
        text += ", " + skipped
    return text


def skipped_servers(state: ClusterState) -> str:
    cfg = state.config
    if cfg.balancer is Balancer.HAPROXY:
        rise = cfg.rise
        down = [f"app-{i}" for i, s in enumerate(state.servers) if s.health < rise]
        return f"skipping {', '.join(down)}, which health checks marked DOWN" if down else ""
    if len(state.servers) == 1:
        return ""
    failed = [i for i in range(len(state.servers)) if nginx.is_failed(state, i)]
    if not failed:
        return ""
    names = ", ".join(f"app-{i}" for i in failed)
    if len(failed) == 1:
        what = f"a request to it failed {_times(state, failed[0])}"
    else:
        what = "requests to each of them failed"
    return (
        f"skipping {names}: {what} within fail_timeout={cfg.fail_timeout}s "
        f"(max_fails={cfg.max_fails}), so nginx leaves it out until {cfg.fail_timeout}s after "
        "the last failure"
    )


def _least(state: ClusterState, server: int) -> str:
    cfg = state.config
    counts = [len(s.busy_until) for s in state.servers]
    others = ", ".join(f"app-{i} {c}" for i, c in enumerate(counts) if i != server)
    per_weight = " per unit of weight" if cfg.weighted else ""
    if cfg.balancer is Balancer.HAPROXY:
        tie = "ties go to the server whose load changed longest ago"
        name = "leastconn"
    else:
        tie = "ties go to a weighted round-robin step among the tied"
        name = "least_conn"
    return f"{name}: it has {counts[server]} in flight{per_weight} (others: {others}); {tie}"


def _hash(cfg: ClusterConfig, key: str) -> str:
    what = "the URI" if cfg.layer is Layer.L7 else "the client address"
    if cfg.balancer is Balancer.HAPROXY:
        ring = "the closest of 16 points per unit of weight on HAProxy's ring"
    else:
        ring = "the next of 160 points per unit of weight on nginx's ketama ring"
    return f"consistent hashing on {what} {key}: {ring}"


def _times(state: ClusterState, index: int) -> str:
    fails = state.servers[index].peer[nginx.FAILS]
    return "once" if fails == 1 else f"{fails} times"


def _seconds(ms: int) -> str:
    return f"{ms // 1000}s" if ms % 1000 == 0 else f"{ms}ms"
