"""Walk one request down the tiers: balancer, app server, cache, database, and back.

`run_request` changes the cluster (rotation pointers, cache contents, stats, clock) and returns
the steps, each one sentence naming the component, what it did and why, with its latency.
"""

from __future__ import annotations

from engine.sim.clock import advance
from engine.sim.config import Balancer, LbAlgorithm
from engine.sim.latency import Latencies
from engine.sim.lb import haproxy, nginx
from engine.sim.reads import read
from engine.sim.request import Request
from engine.sim.routing import route
from engine.sim.sessions import session
from engine.sim.state import MAX_IN_FLIGHT, MAX_RECENT_KEYS, ClusterState
from engine.sim.steps import Outcome, RequestFailed, Step, Trace
from engine.sim.writes import write

__all__ = ["Outcome", "Step", "Trace", "run_request"]


def run_request(state: ClusterState, request: Request, user: str, lat: Latencies) -> Trace:
    """Run one request arriving now; afterwards the clock stands at the next arrival, so a
    request that has finished is no longer in flight, while one on a slow server still is."""
    state.trace_no += 1
    state.stats.requests += 1
    remember_path(state, request.path)
    trace = Trace(state.trace_no, request, user)
    arrival = state.now_ms
    server: int | None = None
    try:
        server = route(state, trace, lat)
        session(state, trace, server, lat)
        if request.method.is_read:
            read(state, trace, server, lat)
        else:
            write(state, trace, server, lat)
    except RequestFailed:
        trace.outcome = Outcome.FAILED
        state.stats.errors += 1
    if server is not None:
        _occupy(state, server, arrival + trace.total_ms)
    trace.summary = _summary(state, trace, lat)
    advance(state, lat.arrival_gap_ms)
    return trace


def _occupy(state: ClusterState, server: int, until: float) -> None:
    """The request is in flight on its server until it ends; the balancer counts it."""
    app = state.servers[server]
    app.busy_until.append(until)
    del app.busy_until[:-MAX_IN_FLIGHT]
    app.served += 1
    cfg = state.config
    if cfg.balancer is Balancer.HAPROXY and cfg.lb is LbAlgorithm.LEAST_CONNECTIONS:
        haproxy.touch_load(state, server)
    elif cfg.balancer is Balancer.NGINX:
        nginx.succeeded(state, server)


def remember_path(state: ClusterState, path: str) -> None:
    paths = state.recent_paths
    if paths and paths[-1] == path:
        return
    if path in paths:
        paths.remove(path)
    paths.append(path)
    del paths[:-MAX_RECENT_KEYS]


def _summary(state: ClusterState, trace: Trace, lat: Latencies) -> str:
    stats = state.stats
    lookups = stats.hits + stats.misses
    ratio = f"{stats.hits}/{lookups} ({100 * stats.hits / lookups:.0f}%)" if lookups else "n/a"
    outcome = trace.outcome
    if outcome is Outcome.FAILED:
        label = f"failed ({trace.status})"
    elif outcome is Outcome.HIT:
        label = "cache HIT"
    elif outcome is Outcome.MISS:
        label = "cache MISS"
    elif outcome is Outcome.UNCACHED:
        label = "no cache"
    else:
        label = "write"
    client = (
        "the client times out"
        if trace.status == "no response"
        else f"~{trace.total_ms + lat.client_rtt_ms:.0f} ms for the client"
    )
    local = f" · local-cache hits {stats.local_hits}" if state.config.local_cache else ""
    return (
        f"{label} · {trace.total_ms:.1f} ms in the cluster ({client}) · "
        f"database queries: {trace.db_queries} (so far: reads {stats.db_reads}, "
        f"writes {stats.db_writes}) · cache hit ratio so far {ratio}{local}"
    )
