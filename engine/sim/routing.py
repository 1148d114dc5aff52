"""The balancer's part of a trace: the first choice (or the sticky pin), then the connection."""

from __future__ import annotations

from typing import NoReturn, assert_never

from engine.sim import lb
from engine.sim.attempts import connect_haproxy, connect_nginx
from engine.sim.config import Balancer, Layer
from engine.sim.hashing import client_address
from engine.sim.latency import Latencies
from engine.sim.lb import nginx
from engine.sim.lb.names import settings_line, why
from engine.sim.state import ClusterState
from engine.sim.steps import RequestFailed, Trace


def route(state: ClusterState, trace: Trace, lat: Latencies) -> int:
    """The app server that takes the request, after any retries; or the request fails here."""
    request, cfg = trace.request, state.config
    lb_ms = lat.lb_l7_ms if cfg.layer is Layer.L7 else lat.lb_l4_ms
    if not state.lb_alive:
        trace.status = "no response"
        trace.add(
            "lb",
            f"{request.line}: the load balancer is down and there is no second one, so nothing "
            "answers at all: a single balancer is a single point of failure "
            "(/learn lb-high-availability).",
        )
        raise RequestFailed
    pick = lb.Pick(request.path if cfg.layer is Layer.L7 else client_address(trace.user))
    server, reason, direct = _first_choice(state, trace.user, pick)
    if server is None:
        _fail_no_server(state, trace, lb_ms)
    trace.add(
        "lb",
        f"{request.line}: the load balancer routes to app server {server} ({reason}). "
        f"{_state_note(state, trace.user)} {settings_line(cfg)}",
        lb_ms,
    )
    match cfg.balancer:
        case Balancer.HAPROXY:
            return connect_haproxy(state, trace, pick, server, direct, lat)
        case Balancer.NGINX:
            return connect_nginx(state, trace, pick, server, lat)
        case unreachable:
            assert_never(unreachable)


def _first_choice(state: ClusterState, user: str, pick: lb.Pick) -> tuple[int | None, str, bool]:
    """The first server, why, and whether a persistence cookie chose it (HAProxy's SF_DIRECT)."""
    cfg = state.config
    if cfg.sticky and cfg.balancer is Balancer.NGINX:
        # Open-source nginx has no session cookie (`sticky` is NGINX Plus): sessions stick by
        # hashing the client's address onto the ring.
        address = pick.key = client_address(user)
        server = nginx.consistent(state, address, pick.nginx)
        return (
            server,
            (
                f"sticky by `hash $remote_addr consistent`: {user}'s address {address} maps to "
                f"app-{server}; open-source nginx has no session cookie"
            ),
            False,
        )
    pinned = state.sticky.get(user) if cfg.sticky else None
    if pinned is not None and lb.usable(state, pinned):
        return pinned, _sticky_why(state, user, pinned), True
    server = lb.choose(state, pick)
    reason = why(state, server, pick.key) if server is not None else ""
    if pinned is not None:
        reason += (
            f"; {user}'s cookie names app-{pinned}, which health checks marked DOWN, so "
            "HAProxy ignores the cookie and balances the request"
        )
    return server, reason, False


def _sticky_why(state: ClusterState, user: str, server: int) -> str:
    how = (
        "cookie (HAProxy `cookie SERVERID insert`)"
        if state.config.layer is Layer.L7
        else "client address in a stick table (an L4 balancer cannot read cookies)"
    )
    return f"sticky session: {user}'s {how} names app-{server}"


def _state_note(state: ClusterState, user: str) -> str:
    if not state.config.sticky:
        return "Servers are stateless, so any one can serve it."
    return f"Sticky sessions are on: {user}'s session lives in one server's memory."


def _fail_no_server(state: ClusterState, trace: Trace, lb_ms: float) -> NoReturn:
    cfg = state.config
    if cfg.balancer is Balancer.HAPROXY:
        trace.status = "503 Service Unavailable"
        text = (
            f"{trace.request.line}: health checks have marked every app server DOWN, so HAProxy "
            "has no server to send it to and answers 503 Service Unavailable at once. (An AWS "
            "ALB would fail open and try them all.)"
        )
    else:
        trace.status = "502 Bad Gateway"
        text = (
            f"{trace.request.line}: every server failed within fail_timeout={cfg.fail_timeout}s, "
            "so nginx logs 'no live upstreams' and answers 502 Bad Gateway at once."
        )
    trace.add("lb", f"{text} {settings_line(cfg)}", lb_ms)
    raise RequestFailed
