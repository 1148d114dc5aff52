"""The read path: cache-aside lookup, the database read (replica, primary or shard), the fill."""

from __future__ import annotations

from engine.sim.config import RYW_PIN_MS
from engine.sim.hashing import shard_of, stable_hash
from engine.sim.latency import Latencies
from engine.sim.nodes import app_name, primary_name, replica_name
from engine.sim.response import respond
from engine.sim.state import ClusterState, cache_drop
from engine.sim.steps import Outcome, RequestFailed, Trace


def read(state: ClusterState, trace: Trace, server: int, lat: Latencies) -> None:
    name, key, cfg = app_name(server), trace.request.key, state.config
    cached = False
    if not cfg.cache:
        trace.add(name, f"{name} has no cache to ask (cache=0), so every read goes to a database.")
    elif not state.cache_alive:
        trace.add(
            name,
            f"{name} → cache: GET {key} fails: the cache is down, so every read falls "
            "through to the database (at scale, the database takes the whole read load).",
            lat.network_rtt_ms,
        )
    else:
        cached = _cache_lookup(state, trace, server, lat)
    if cached:
        trace.outcome = Outcome.HIT
        respond(state, trace, server, lat, "200 OK", "from the cached copy")
        return
    trace.outcome = Outcome.MISS if cfg.cache and state.cache_alive else Outcome.UNCACHED
    stale = _database_read(state, trace, server, lat)
    if cfg.cache and state.cache_alive:
        _cache_fill(state, trace, server, lat, stale)
    respond(state, trace, server, lat, "200 OK", "")


def _cache_lookup(state: ClusterState, trace: Trace, server: int, lat: Latencies) -> bool:
    name, key = app_name(server), trace.request.key
    trace.add(
        name, f"{name} → cache: GET {key} (cache-aside: ask the cache first).", lat.cache_rtt_ms
    )
    expires_at = state.cache.get(key)
    if expires_at is not None and expires_at <= state.now_ms:
        cache_drop(state, key)
        state.stats.misses += 1
        trace.add("cache", f"cache → {name}: MISS: {key} was cached, but its TTL ran out.")
        return False
    if expires_at is None:
        state.stats.misses += 1
        trace.add(
            "cache",
            f"cache → {name}: MISS: {key} is not in the cache (never read since "
            "the cache started, evicted, expired, or deleted by a write).",
        )
        return False
    state.stats.hits += 1
    del state.cache[key]
    state.cache[key] = expires_at  # most recently used now
    left = (expires_at - state.now_ms) / 1000
    text = (
        f"cache → {name}: HIT: {key} is served from memory and no database is touched "
        f"(TTL {left:.0f} s left)."
    )
    if key in state.stale:
        text += (
            " But this copy was filled from a lagging replica after the last write: it is "
            "stale until the TTL runs out or the next write deletes it."
        )
    trace.add("cache", text)
    return True


def _database_read(state: ClusterState, trace: Trace, server: int, lat: Latencies) -> bool:
    """Read the row; returns True when it came back stale from a lagging replica."""
    name, key, cfg = app_name(server), trace.request.key, state.config
    shard = shard_of(key, cfg.shards)
    target, reason, is_replica = _read_target(state, trace, shard)
    where = ""
    if cfg.shards > 1:
        where = f"{key} lives on shard {shard} (hash({key}) mod {cfg.shards} = {shard}); "
    if target is None:
        trace.status = "503 Service Unavailable"
        trace.add(
            name,
            f"{name}: {where}no live database holds {key}: "
            f"{primary_name(state, shard)} is down and has no live replica, so the read "
            "fails with 503 Service Unavailable.",
        )
        raise RequestFailed
    trace.add(name, f"{name} picks {target}: {where}{reason}.")
    trace.add(
        name,
        f"{name} → {target}: {trace.request.sql()} ({_kind_of_read(trace)}).",
        lat.db_read_ms,
    )
    state.stats.db_reads += 1
    trace.db_queries += 1
    written_at = state.recent_writes.get(key)
    if is_replica and written_at is not None and state.now_ms - written_at < cfg.lag:
        age = state.now_ms - written_at
        own_write = state.last_write_by.get(trace.user) == written_at
        fix = (
            "pin a writer's reads to the primary for a moment (/cluster set ryw=on)"
            if own_write
            else "read recently written keys from the primary, or wait for the replica's "
            "position to pass the write (read-your-writes pins only protect the writer)"
        )
        trace.add(
            target,
            f"{target} → {name}: returns the OLD row, a stale read: {target} applies writes "
            f"about {cfg.lag} ms late and {key} was written {age:.0f} ms ago; to avoid it, "
            f"{fix}.",
        )
        return True
    trace.add(target, f"{target} → {name}: returns the row.")
    return False


def _read_target(state: ClusterState, trace: Trace, shard: int) -> tuple[str | None, str, bool]:
    cfg = state.config
    primary = primary_name(state, shard)
    primary_up = state.primaries[shard].alive
    wrote_at = state.last_write_by.get(trace.user)
    if cfg.ryw and wrote_at is not None and state.now_ms - wrote_at < RYW_PIN_MS and primary_up:
        ago = (state.now_ms - wrote_at) / 1000
        return (
            primary,
            f"{trace.user} wrote {ago:.2f} s ago, so read-your-writes pins their "
            f"reads to the primary for {RYW_PIN_MS // 1000} s",
            False,
        )
    live = [i for i, r in enumerate(state.replicas[shard]) if r.alive]
    if live:
        pick = live[state.replica_rr % len(live)]
        state.replica_rr += 1
        return (
            replica_name(state, shard, pick),
            "reads go to a read replica, so the primary keeps its capacity for writes",
            True,
        )
    if not primary_up:
        return None, "", False
    if cfg.replicas:
        return primary, "every replica is down, so reads fall back to the primary", False
    return primary, "there are no read replicas, so reads go to the primary", False


def _cache_fill(
    state: ClusterState, trace: Trace, server: int, lat: Latencies, stale: bool
) -> None:
    name, key, cfg = app_name(server), trace.request.key, state.config
    # Jitter of up to ±10% keeps keys filled together from expiring together (a stampede).
    spread = max(1, cfg.ttl // 10)
    # Keyed on the request count, which a reset puts back to zero: same seed, same traces.
    jitter = stable_hash(f"{state.seed}:{state.stats.requests}:{key}") % (2 * spread + 1) - spread
    ttl = max(1, cfg.ttl + jitter)
    evicted = ""
    if key not in state.cache and len(state.cache) >= cfg.cache:
        oldest = next(iter(state.cache))
        cache_drop(state, oldest)
        evicted = f" The cache is full ({cfg.cache} keys), so it evicts {oldest}, the least "
        evicted += "recently used key."
    cache_drop(state, key)
    state.cache[key] = state.now_ms + ttl * 1000
    if stale:
        state.stale.append(key)
    text = (
        f"{name} → cache: SET {key} EX {ttl} (TTL {cfg.ttl} s with jitter, so keys filled "
        f"together do not expire together).{evicted}"
    )
    if stale:
        text += (
            " It stores the OLD value: this stale copy outlives the lag and is served until "
            "its TTL runs out or the next write deletes it (the stale-set hazard)."
        )
    trace.add(name, text, lat.cache_rtt_ms)


def _kind_of_read(trace: Trace) -> str:
    if trace.request.is_point:
        return "an indexed point read"
    return "a read of a whole collection, costed here like one indexed read"
