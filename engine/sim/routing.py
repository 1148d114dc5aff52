"""The balancer's part of a trace: picking a server, retrying past dead ones, and the session."""

from __future__ import annotations

from typing import NoReturn

from engine.sim import balancer
from engine.sim.clock import ms_until_next_check
from engine.sim.config import Layer
from engine.sim.latency import Latencies
from engine.sim.nodes import app_name
from engine.sim.request import Request
from engine.sim.state import MAX_TRACKED_USERS, ClusterState, remember
from engine.sim.steps import RequestFailed, Trace


def route(state: ClusterState, trace: Trace, lat: Latencies) -> int:
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
    hash_input = request.key if cfg.layer is Layer.L7 else f"client:{trace.user}"
    tried: set[int] = set()
    choice = _first_choice(state, trace, hash_input)
    if choice is None:
        _fail_no_server(trace, request, lb_ms)
    trace.add(
        "lb",
        f"{request.line}: the load balancer routes to app server {choice.server} "
        f"({choice.why}). {_state_note(state, trace.user)}",
        lb_ms,
    )
    while not state.servers[choice.server].alive:
        dead = choice.server
        tried.add(dead)
        trace.add(app_name(dead), _dead_server_text(state, dead), lat.network_rtt_ms)
        try:
            choice = balancer.choose(state, hash_input, exclude=frozenset(tried))
        except LookupError:
            trace.status = "502 Bad Gateway"
            trace.add("lb", "lb → client: no server in rotation answered: 502 Bad Gateway.")
            raise RequestFailed from None
        trace.add(
            "lb",
            f"lb retries on app server {choice.server} ({choice.why}): the "
            f"connection to app-{dead} was refused, so the request never reached it and "
            "resending is safe, even for a POST.",
            lb_ms,
        )
    return choice.server


def _first_choice(state: ClusterState, trace: Trace, hash_input: str) -> balancer.Choice | None:
    cfg = state.config
    pinned = state.sticky.get(trace.user) if cfg.sticky else None
    if pinned is not None and state.servers[pinned].in_rotation:
        how = "cookie" if cfg.layer is Layer.L7 else "client address (L4 cannot read cookies)"
        return balancer.Choice(pinned, f"sticky session: {trace.user}'s {how} names app-{pinned}")
    try:
        choice = balancer.choose(state, hash_input)
    except LookupError:
        return None
    if pinned is not None:
        why = f"{choice.why}; {trace.user}'s sticky cookie names app-{pinned}, now out of rotation"
        return balancer.Choice(choice.server, why)
    return choice


def _state_note(state: ClusterState, user: str) -> str:
    if not state.config.sticky:
        return "Servers are stateless, so any one can serve it."
    return f"Sticky sessions are on: {user}'s session lives in one server's memory."


def _dead_server_text(state: ClusterState, dead: int) -> str:
    server, cfg = state.servers[dead], state.config
    remaining = cfg.fall - server.fails
    eta_s = (ms_until_next_check(state) + (remaining - 1) * cfg.interval * 1000) / 1000
    failed = (
        f"only {server.fails} of the {cfg.fall} failed health checks needed"
        if server.fails
        else f"none of the {cfg.fall} failed health checks needed"
    )
    return (
        f"app-{dead} does not answer: it is down, but it has {failed} to be pulled out, so the "
        f"balancer still sends it traffic (it will be pulled out in about {eta_s:.1f} s)."
    )


def _fail_no_server(trace: Trace, request: Request, lb_ms: float) -> NoReturn:
    trace.status = "503 Service Unavailable"
    trace.add(
        "lb",
        f"{request.line}: health checks have taken every app server out of "
        "rotation, so the balancer answers 503 Service Unavailable. (An AWS ALB would "
        "fail open and try them all.)",
        lb_ms,
    )
    raise RequestFailed


def session(state: ClusterState, trace: Trace, server: int, lat: Latencies) -> None:
    name, user = app_name(server), trace.user
    if not state.config.sticky:
        trace.add(
            name,
            f"{name} accepts the request and loads {user}'s session from the shared "
            f"session store: nothing about {user} lives in {name}'s memory.",
            lat.network_rtt_ms + lat.cache_rtt_ms,
        )
        return
    sessions = state.servers[server].sessions
    previous = state.sticky.get(user)
    if user in sessions:
        text = f"{name} accepts the request and finds {user}'s session in its own memory."
    elif previous is not None and previous != server:
        text = (
            f"{name} accepts the request but has no session for {user}: it lived in "
            f"app-{previous}'s memory and is gone, so {user} is logged out and must sign in "
            "again. Stateless servers with a shared session store lose nothing."
        )
    else:
        pin = (
            "the balancer sets a cookie"
            if state.config.layer is Layer.L7
            else "the balancer remembers the client's address (an L4 balancer cannot set cookies)"
        )
        text = (
            f"{name} accepts the request and creates a session for {user} in its own "
            f"memory; {pin}, so {user}'s next requests come back here."
        )
    if user not in sessions:
        sessions.append(user)
        del sessions[:-MAX_TRACKED_USERS]
    remember(state.sticky, user, server, MAX_TRACKED_USERS)
    trace.add(name, text, lat.network_rtt_ms)
