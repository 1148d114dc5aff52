"""The write path: the primary of the row's shard, invalidation, and replication after the reply."""

from __future__ import annotations

from engine.sim import local_cache
from engine.sim.config import RYW_PIN_MS
from engine.sim.hashing import shard_of
from engine.sim.latency import Latencies
from engine.sim.nodes import app_name, primary_name, replica_name
from engine.sim.request import Method
from engine.sim.response import respond
from engine.sim.state import (
    MAX_PENDING_WRITES,
    MAX_REMEMBERED_KEYS,
    MAX_TRACKED_USERS,
    ClusterState,
    Gone,
    cache_drop,
    remember,
)
from engine.sim.steps import Outcome, RequestFailed, Trace


def write(state: ClusterState, trace: Trace, server: int, lat: Latencies) -> None:
    name, cfg, request = app_name(server), state.config, trace.request
    row, status = _row_written(state, trace)
    shard = shard_of(row, cfg.shards)
    primary = primary_name(state, shard)
    where = f" ({row} lives on shard {shard})" if cfg.shards > 1 else ""
    if not state.primaries[shard].alive:
        _primary_down(state, trace, server, shard, where)
    trace.outcome = Outcome.WRITE
    sql = request.sql()
    if request.method is Method.POST and request.row_key is None:
        sql += f" RETURNING id, and the database assigns id {row.partition(':')[2]}"
    trace.add(
        name, f"{name} → {primary}: {sql}{where}: writes always go to the primary.", lat.db_write_ms
    )
    state.stats.db_writes += 1
    trace.db_queries += 1
    trace.add(
        primary,
        f"{primary} → {name}: COMMIT is durable once the primary has flushed its write-ahead log.",
    )
    _record(state, trace, row)
    _invalidate(state, trace, server, lat, row)
    if cfg.local_cache:
        local_cache.drop_own(state, trace, server)
    if cfg.ryw:
        trace.add(
            name,
            f"{name} notes that {trace.user} just wrote: for the next "
            f"{RYW_PIN_MS // 1000} s their reads go to the primary (read-your-writes).",
        )
    respond(state, trace, server, lat, status, "")
    _replicate(state, trace, shard)


def _row_written(state: ClusterState, trace: Trace) -> tuple[str, str]:
    """The key of the row the write changes, and the status it answers with. A POST to a
    collection inserts a new row, whose id the database picks."""
    request = trace.request
    if request.method is Method.POST and request.row_key is None:
        row = f"{request.entity}:{state.next_id}"
        state.next_id += 1
        return row, f"201 Created (Location: {request.path.rstrip('/')}/{row.partition(':')[2]})"
    if request.method is Method.POST:
        return request.key, "201 Created"
    if request.method is Method.DELETE:
        return request.key, "204 No Content"
    return request.key, "200 OK"


def _record(state: ClusterState, trace: Trace, row: str) -> None:
    now, method = state.now_ms, trace.request.method
    remember(state.recent_writes, row, now, MAX_PENDING_WRITES)
    remember(state.written, row, now, MAX_REMEMBERED_KEYS)
    remember(state.last_write_by, trace.user, now, MAX_TRACKED_USERS)
    state.lost.pop(row, None)
    if method is Method.DELETE:
        remember(state.deleted, row, now, MAX_REMEMBERED_KEYS)
        state.created.pop(row, None)
        return
    if state.deleted.pop(row, None) is not None or method is Method.POST:
        remember(state.created, row, now, MAX_REMEMBERED_KEYS)


def _primary_down(state: ClusterState, trace: Trace, server: int, shard: int, where: str) -> None:
    name = app_name(server)
    promote = replica_name(state, shard, 0) if state.config.replicas else ""
    how = (
        f"until it is back or a replica is promoted (/cluster promote {promote})"
        if promote
        else "until it is back (there is no replica to promote)"
    )
    trace.status = "503 Service Unavailable"
    trace.add(
        name,
        f"{name}: the primary {primary_name(state, shard)}{where} is down, so the write fails "
        f"with 503 Service Unavailable {how}; reads can still be served from replicas.",
    )
    raise RequestFailed


def _invalidate(state: ClusterState, trace: Trace, server: int, lat: Latencies, row: str) -> None:
    name, key = app_name(server), trace.request.key
    if not state.config.cache:
        return
    if not state.cache_alive:
        trace.add(
            name,
            f"{name} → cache: DEL {key} fails: the cache is down. This one restarts empty, so "
            "no stale copy survives it; a cache that is only partitioned, slow or persistent "
            "would keep the old value until its TTL, which is why real systems replay failed "
            "deletes (mcrouter's delete stream, McSqueal reading the commit log).",
            lat.network_rtt_ms,
        )
        return
    if row != key:  # a POST to a collection: the new row was never cached, the list may be
        cache_drop(state, key, Gone.DELETED)
        trace.add(
            name,
            f"{name} → cache: DEL {key}: nothing is cached under {row} yet, but a cached list "
            f"{key} would now be missing the new row.",
            lat.cache_rtt_ms,
        )
        return
    cache_drop(state, key, Gone.DELETED)
    parts = trace.request.parts
    listing = parts[0] if parts else key
    also = ""
    if listing != key and listing in state.cache:
        cache_drop(state, listing, Gone.DELETED)
        also = f" (and DEL {listing}: the cached list holds this row too)"
    trace.add(
        name,
        f"{name} → cache: DEL {key}{also}, after the commit: deleting (not setting) is "
        "idempotent and two writers cannot leave the older value behind, though a concurrent "
        "miss can still refill it (the stale-set hazard).",
        lat.cache_rtt_ms,
    )


def _replicate(state: ClusterState, trace: Trace, shard: int) -> None:
    primary, lag = primary_name(state, shard), state.config.lag
    live = [replica_name(state, shard, i) for i, r in enumerate(state.replicas[shard]) if r.alive]
    if not live:
        return
    if lag == 0:
        who = "which applies" if len(live) == 1 else "which apply"
        applied = (
            f"{who} it at once here (lag=0, an idealisation: a real asynchronous replica "
            "trails by at least a network round trip), so no read sees the old row."
        )
    else:
        applied = (
            f"applied about {lag} ms later. A read that misses the cache and lands on a "
            "replica before then sees the old row."
        )
    trace.add_async(
        primary,
        f"(after the response) as soon as its write-ahead log is flushed, {primary} streams "
        f"the change to {', '.join(live)}, {applied}",
    )
