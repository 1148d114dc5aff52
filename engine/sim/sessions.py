"""Where the user's session lives: a shared store (stateless servers) or one server's memory."""

from __future__ import annotations

from engine.sim.config import Balancer, Layer
from engine.sim.latency import Latencies
from engine.sim.nodes import app_name
from engine.sim.response import respond
from engine.sim.state import MAX_TRACKED_USERS, ClusterState, remember
from engine.sim.steps import Outcome, RequestFailed, Trace


def session(state: ClusterState, trace: Trace, server: int, lat: Latencies) -> None:
    """Load the session; a sticky session that is not on this server means the user is logged
    out, and the request ends with 401 before it touches any data."""
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
        trace.add(
            name,
            f"{name} accepts the request and finds {user}'s session in its own memory.",
            lat.network_rtt_ms,
        )
    elif previous is not None and previous != server:
        _logged_out(state, trace, server, previous, lat)
    else:
        trace.add(
            name,
            f"{name} accepts the request and creates a session for {user} in its own memory; "
            f"{_how_pinned(state)}, so {user}'s next requests come back here.",
            lat.network_rtt_ms,
        )
        _keep(state, user, server)


def forget_server(state: ClusterState, server: int) -> list[str]:
    """A server removed or crashed: the users whose sessions lived in its memory."""
    lost = list(state.servers[server].sessions)
    state.servers[server].sessions.clear()
    return lost


def _logged_out(
    state: ClusterState, trace: Trace, server: int, previous: int, lat: Latencies
) -> None:
    name, user = app_name(server), trace.user
    where = app_name(previous)
    old = state.servers[previous] if previous < len(state.servers) else None
    if old is not None and user in old.sessions:
        cause = f"it lives in {where}'s memory, but this request came to {name}"
    else:
        cause = f"it lived in {where}'s memory, which lost it when {where} went down"
    trace.add(
        name,
        f"{name} has no session for {user}: {cause}. {user} is logged out, so {name} answers "
        f"401 Unauthorized without touching any data, and {user} must sign in again; the new "
        f"session will live in {name}'s memory and {_repinned(state, server)}. Stateless "
        "servers with a shared session store lose nothing.",
        lat.network_rtt_ms,
    )
    _keep(state, user, server)
    trace.outcome = Outcome.FAILED
    respond(state, trace, server, lat, "401 Unauthorized", "")
    raise RequestFailed


def _keep(state: ClusterState, user: str, server: int) -> None:
    sessions = state.servers[server].sessions
    if user not in sessions:
        sessions.append(user)
        del sessions[:-MAX_TRACKED_USERS]
    remember(state.sticky, user, server, MAX_TRACKED_USERS)


def _how_pinned(state: ClusterState) -> str:
    cfg = state.config
    if cfg.balancer is Balancer.NGINX:
        return "nginx keeps sending the same client address to the same server (the hash)"
    if cfg.layer is Layer.L7:
        return "HAProxy inserts a cookie naming the server (`cookie SERVERID insert`)"
    return "HAProxy remembers the client's address in a stick table (L4 cannot set cookies)"


def _repinned(state: ClusterState, server: int) -> str:
    if state.config.balancer is Balancer.NGINX:
        return f"the address hash now lands on app-{server} while the old server is out"
    return f"HAProxy's response rewrites the cookie to name app-{server}"


def forget_user(state: ClusterState, user: str) -> bool:
    """Take one user out of the cluster (their sessions, cookie and last write); whether they
    were in it."""
    found = state.sticky.pop(user, None) is not None
    found = state.last_write_by.pop(user, None) is not None or found
    for server in state.servers:
        if user in server.sessions:
            server.sessions.remove(user)
            found = True
    return found
