"""The read path: the server's own memory (if any), the shared cache (cache-aside), the
database, and the fill on the way back."""

from __future__ import annotations

from engine.sim import local_cache
from engine.sim.config import RYW_PIN_MS
from engine.sim.database import read_row
from engine.sim.hashing import stable_hash
from engine.sim.latency import Latencies
from engine.sim.nodes import app_name
from engine.sim.response import respond
from engine.sim.state import MAX_GONE_KEYS, ClusterState, Gone, cache_drop
from engine.sim.steps import Outcome, Trace

_GONE = {
    Gone.EXPIRED: "its TTL ran out",
    Gone.EVICTED: "the cache evicted it when it was full (LRU: the least recently used key goes)",
    Gone.DELETED: "a write deleted it (cache-aside invalidation)",
    Gone.RESTARTED: "the cache restarted and came back empty",
}


def read(state: ClusterState, trace: Trace, server: int, lat: Latencies) -> None:
    name, key, cfg = app_name(server), trace.request.key, state.config
    if cfg.local_cache and local_cache.lookup(state, trace, server, lat):
        trace.outcome = Outcome.HIT
        respond(state, trace, server, lat, "200 OK", "from its own memory")
        return
    shared = bool(cfg.cache) and state.cache_alive
    if not cfg.cache:
        trace.add(name, f"{name} has no cache to ask (cache=0), so every read goes to a database.")
    elif not state.cache_alive:
        trace.add(
            name,
            f"{name} → cache: GET {key} fails: the cache is down, so every read falls "
            "through to the database (at scale, the database takes the whole read load).",
            lat.network_rtt_ms,
        )
    elif _cache_lookup(state, trace, server, lat):
        trace.outcome = Outcome.HIT
        if cfg.local_cache:
            local_cache.fill(state, server, key)
        respond(state, trace, server, lat, "200 OK", "from the cached copy")
        return
    trace.outcome = Outcome.MISS if shared else Outcome.UNCACHED
    row = read_row(state, trace, server, lat)
    if not row.found:
        if shared:
            trace.add(name, f"{name} caches nothing: there is no row (no negative caching).")
        respond(state, trace, server, lat, "404 Not Found", "")
        return
    if shared:
        _cache_fill(state, trace, server, lat, row.stale)
    if cfg.local_cache:
        local_cache.fill(state, server, key)
    respond(state, trace, server, lat, "200 OK", "")


def _cache_lookup(state: ClusterState, trace: Trace, server: int, lat: Latencies) -> bool:
    name, key = app_name(server), trace.request.key
    trace.add(
        name, f"{name} → cache: GET {key} (cache-aside: ask the cache first).", lat.cache_rtt_ms
    )
    expires_at = state.cache.get(key)
    if expires_at is not None and expires_at <= state.now_ms:
        cache_drop(state, key, Gone.EXPIRED)
        expires_at = None
    if expires_at is None:
        state.stats.misses += 1
        trace.add(
            "cache", f"cache → {name}: MISS: {key} is not in the cache: {_why_gone(state, key)}."
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
        text += _pin_bypassed(state, trace.user)
    trace.add("cache", text)
    return True


def _pin_bypassed(state: ClusterState, user: str) -> str:
    """Read-your-writes pins database reads; a cache hit never gets that far."""
    wrote_at = state.last_write_by.get(user)
    if not state.config.ryw or wrote_at is None or state.now_ms - wrote_at >= RYW_PIN_MS:
        return ""
    return (
        f" {user}'s read-your-writes pin does not help here: it sends {user}'s database reads "
        "to the primary, but this read never reaches a database, since the cache answers "
        "first. Delete after the write and fill only from the primary (or skip the fill) "
        "while the pin lasts."
    )


def _why_gone(state: ClusterState, key: str) -> str:
    why = state.gone.get(key)
    if why is not None:
        return _GONE[Gone(why)]
    if len(state.gone) < MAX_GONE_KEYS:  # no departure record was ever dropped
        return "nobody has read it since the cache started"
    return (
        "it was never cached, or left the cache too long ago for a record of why (only the "
        f"last {MAX_GONE_KEYS} departures are kept)"
    )


def _cache_fill(
    state: ClusterState, trace: Trace, server: int, lat: Latencies, stale: bool
) -> None:
    name, key, cfg = app_name(server), trace.request.key, state.config
    # Keyed on the request count, which a reset puts back to zero: same seed, same traces.
    draw = stable_hash(f"{state.seed}:{state.stats.requests}:{key}")
    command, ttl_ms = _ttl_with_jitter(cfg.ttl, draw)
    evicted = ""
    if key not in state.cache and len(state.cache) >= cfg.cache:
        oldest = next(iter(state.cache))
        cache_drop(state, oldest, Gone.EVICTED)
        evicted = (
            f" The cache is full ({cfg.cache} key{'s' if cfg.cache > 1 else ''}), so it evicts "
            f"{oldest}, the least recently "
            "used key."
        )
    state.cache.pop(key, None)
    if key in state.stale:
        state.stale.remove(key)
    state.cache[key] = state.now_ms + ttl_ms
    state.gone.pop(key, None)
    if stale:
        state.stale.append(key)
    text = f"{name} → cache: SET {key} {command} ({_jitter_note(cfg.ttl)}).{evicted}"
    if stale:
        text += (
            " It stores the OLD value: this stale copy outlives the lag and is served until "
            "its TTL runs out or the next write deletes it (the stale-set hazard)."
        )
    trace.add(name, text, lat.cache_rtt_ms)


def _ttl_with_jitter(ttl_s: int, draw: int) -> tuple[str, int]:
    """±10% jitter keeps keys filled together from expiring together (a stampede). Whole
    seconds (EX) once 10% is at least a second; below that the jitter is in milliseconds (PX),
    so a 1 s TTL stays within 0.9-1.1 s instead of rounding to 2 s."""
    if ttl_s >= 10:
        spread = ttl_s // 10
        seconds = ttl_s + draw % (2 * spread + 1) - spread
        return f"EX {seconds}", seconds * 1000
    spread_ms = ttl_s * 100
    ms = ttl_s * 1000 + draw % (2 * spread_ms + 1) - spread_ms
    return f"PX {ms}", ms


def _jitter_note(ttl_s: int) -> str:
    return f"TTL {ttl_s} s ±10% jitter, so keys filled together do not expire together"
