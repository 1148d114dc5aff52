"""The write path: the primary of the key's shard, invalidation, and replication after the reply."""

from __future__ import annotations

from engine.sim.config import RYW_PIN_MS
from engine.sim.hashing import shard_of
from engine.sim.latency import Latencies
from engine.sim.nodes import app_name, primary_name, replica_name
from engine.sim.request import Method
from engine.sim.response import respond
from engine.sim.state import (
    MAX_PENDING_WRITES,
    MAX_TRACKED_USERS,
    ClusterState,
    cache_drop,
    remember,
)
from engine.sim.steps import Outcome, RequestFailed, Trace

_STATUS = {Method.POST: "201 Created", Method.DELETE: "204 No Content"}


def write(state: ClusterState, trace: Trace, server: int, lat: Latencies) -> None:
    name, key, cfg = app_name(server), trace.request.key, state.config
    shard = shard_of(key, cfg.shards)
    primary = primary_name(state, shard)
    where = f" ({key} lives on shard {shard})" if cfg.shards > 1 else ""
    if not state.primaries[shard].alive:
        trace.status = "503 Service Unavailable"
        trace.add(
            name,
            f"{name}: the primary {primary}{where} is down and no replica has been "
            "promoted, so the write fails with 503 Service Unavailable; reads can still "
            "be served from replicas.",
        )
        raise RequestFailed
    trace.outcome = Outcome.WRITE
    trace.add(
        name,
        f"{name} → {primary}: {trace.request.sql()}{where}: writes always go to the primary.",
        lat.db_write_ms,
    )
    state.stats.db_writes += 1
    trace.db_queries += 1
    trace.add(
        primary,
        f"{primary} → {name}: COMMIT is durable once the primary has flushed its write-ahead log.",
    )
    remember(state.recent_writes, key, state.now_ms, MAX_PENDING_WRITES)
    remember(state.last_write_by, trace.user, state.now_ms, MAX_TRACKED_USERS)
    _invalidate(state, trace, server, lat)
    if cfg.ryw:
        trace.add(
            name,
            f"{name} notes that {trace.user} just wrote: for the next "
            f"{RYW_PIN_MS // 1000} s their reads go to the primary (read-your-writes).",
        )
    respond(state, trace, server, lat, _STATUS.get(trace.request.method, "200 OK"), "")
    live = [replica_name(state, shard, i) for i, r in enumerate(state.replicas[shard]) if r.alive]
    if live:
        trace.add_async(
            primary,
            f"(after the response) {primary} streams the change to "
            f"{', '.join(live)}, applied about {cfg.lag} ms later. A read "
            f"that misses the cache and lands on a replica before then sees the old "
            "row.",
        )


def _invalidate(state: ClusterState, trace: Trace, server: int, lat: Latencies) -> None:
    name, key = app_name(server), trace.request.key
    if not state.config.cache:
        return
    if not state.cache_alive:
        trace.add(
            name,
            f"{name} → cache: DEL {key} fails: the cache is down. It restarts empty, "
            "so no stale copy survives it.",
            lat.network_rtt_ms,
        )
        return
    cache_drop(state, key)
    trace.add(
        name,
        f"{name} → cache: DEL {key}, after the commit: deleting (not setting) is idempotent "
        "and two writers cannot leave the older value behind, though a concurrent miss can "
        "still refill it (the stale-set hazard).",
        lat.cache_rtt_ms,
    )
