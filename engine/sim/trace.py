"""Walk one request down the tiers: balancer, app server, cache, database, and back.

`run_request` changes the cluster (rotation pointers, cache contents, stats, clock) and returns
the steps, each one sentence naming the component, what it did and why, with its latency.
"""

from __future__ import annotations

from engine.sim.clock import advance
from engine.sim.latency import Latencies
from engine.sim.reads import read
from engine.sim.request import Request
from engine.sim.routing import route, session
from engine.sim.state import MAX_IN_FLIGHT, MAX_RECENT_KEYS, ClusterState
from engine.sim.steps import Outcome, RequestFailed, Step, Trace
from engine.sim.writes import write

__all__ = ["Outcome", "Step", "Trace", "run_request"]


def run_request(state: ClusterState, request: Request, user: str, lat: Latencies) -> Trace:
    """Run one request arriving now; afterwards the clock stands at the next arrival, so a
    request that has finished is no longer in flight, while one on a slow server still is."""
    state.trace_no += 1
    state.stats.requests += 1
    remember_key(state, request.key)
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
        in_flight = state.servers[server].busy_until
        in_flight.append(arrival + trace.total_ms)
        del in_flight[:-MAX_IN_FLIGHT]
        state.servers[server].served += 1
    trace.summary = _summary(state, trace, lat)
    advance(state, lat.arrival_gap_ms)
    return trace


def remember_key(state: ClusterState, key: str) -> None:
    if key in state.recent_keys:
        state.recent_keys.remove(key)
    state.recent_keys.append(key)
    del state.recent_keys[:-MAX_RECENT_KEYS]


def _summary(state: ClusterState, trace: Trace, lat: Latencies) -> str:
    stats = state.stats
    lookups = stats.hits + stats.misses
    ratio = f"{stats.hits}/{lookups} ({100 * stats.hits / lookups:.0f}%)" if lookups else "n/a"
    label = {
        Outcome.HIT: "cache HIT",
        Outcome.MISS: "cache MISS",
        Outcome.UNCACHED: "no cache",
        Outcome.WRITE: "write",
        Outcome.FAILED: f"failed ({trace.status})",
    }[trace.outcome]
    client = (
        "the client times out"
        if trace.status == "no response"
        else f"~{trace.total_ms + lat.client_rtt_ms:.0f} ms for the client"
    )
    return (
        f"{label} · {trace.total_ms:.1f} ms in the cluster ({client}) · "
        f"database queries: {trace.db_queries} (so far: reads {stats.db_reads}, "
        f"writes {stats.db_writes}) · cache hit ratio so far {ratio}"
    )
