"""Walk one request down the tiers: balancer, app server, cache, database, and back.

`run_request` changes the cluster (rotation pointers, cache contents, stats, clock) and returns
the steps, each one sentence naming the component, what it did and why, with its latency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import NoReturn

from engine.sim import balancer
from engine.sim.clock import advance, ms_until_next_check
from engine.sim.config import RYW_PIN_MS, Layer
from engine.sim.hashing import shard_of, stable_hash
from engine.sim.latency import Latencies
from engine.sim.nodes import app_name, primary_name, replica_name
from engine.sim.request import Method, Request
from engine.sim.state import (
    MAX_RECENT_KEYS,
    MAX_TRACKED_USERS,
    CacheEntry,
    ClusterState,
    remember,
)


class Outcome(StrEnum):
    HIT = "hit"
    MISS = "miss"
    UNCACHED = "uncached"  # read with no cache in front (no cache tier, or the cache is down)
    WRITE = "write"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Step:
    component: str
    text: str
    latency_ms: float
    cumulative_ms: float
    asynchronous: bool = False  # happens after the response; not part of the total


@dataclass(slots=True)
class Trace:
    trace_no: int
    request: Request
    user: str
    steps: list[Step] = field(default_factory=list)
    outcome: Outcome = Outcome.MISS
    status: str = ""
    total_ms: float = 0.0
    db_queries: int = 0
    summary: str = ""

    def add(self, component: str, text: str, latency_ms: float = 0.0) -> None:
        self.total_ms += latency_ms
        self.steps.append(Step(component, text, latency_ms, self.total_ms))

    def add_async(self, component: str, text: str) -> None:
        self.steps.append(Step(component, text, 0.0, self.total_ms, asynchronous=True))


class _Failed(Exception):
    """The request ended early with an error response; the trace already says why."""


_STATUS = {Method.POST: "201 Created", Method.DELETE: "204 No Content"}


def run_request(state: ClusterState, request: Request, user: str, lat: Latencies) -> Trace:
    advance(state, lat.arrival_gap_ms)
    state.trace_no += 1
    state.stats.requests += 1
    remember_key(state, request.key)
    trace = Trace(state.trace_no, request, user)
    arrival = state.now_ms
    server: int | None = None
    try:
        server = _route(state, trace, lat)
        _session(state, trace, server, lat)
        if request.method.is_read:
            _read(state, trace, server, lat)
        else:
            _write(state, trace, server, lat)
    except _Failed:
        trace.outcome = Outcome.FAILED
        state.stats.errors += 1
    if server is not None:
        state.servers[server].busy_until.append(arrival + trace.total_ms)
        state.servers[server].served += 1
    trace.summary = _summary(state, trace, lat)
    return trace


def remember_key(state: ClusterState, key: str) -> None:
    if key in state.recent_keys:
        state.recent_keys.remove(key)
    state.recent_keys.append(key)
    del state.recent_keys[:-MAX_RECENT_KEYS]


# --- the balancer -------------------------------------------------------------------------


def _route(state: ClusterState, trace: Trace, lat: Latencies) -> int:
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
        raise _Failed
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
            raise _Failed from None
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
    raise _Failed


# --- the app server's session -----------------------------------------------------------------


def _session(state: ClusterState, trace: Trace, server: int, lat: Latencies) -> None:
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
        text = (
            f"{name} accepts the request and creates a session for {user} in its own "
            f"memory; the balancer sets a cookie so {user}'s next requests come back here."
        )
    if user not in sessions:
        sessions.append(user)
        del sessions[:-MAX_TRACKED_USERS]
    remember(state.sticky, user, server, MAX_TRACKED_USERS)
    trace.add(name, text, lat.network_rtt_ms)


# --- reads ------------------------------------------------------------------------------------


def _read(state: ClusterState, trace: Trace, server: int, lat: Latencies) -> None:
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
        _respond(state, trace, server, lat, "200 OK", "from the cached copy")
        return
    trace.outcome = Outcome.MISS if cfg.cache and state.cache_alive else Outcome.UNCACHED
    stale = _database_read(state, trace, server, lat)
    if cfg.cache and state.cache_alive:
        _cache_fill(state, trace, server, lat, stale)
    _respond(state, trace, server, lat, "200 OK", "")


def _cache_lookup(state: ClusterState, trace: Trace, server: int, lat: Latencies) -> bool:
    name, key = app_name(server), trace.request.key
    trace.add(
        name, f"{name} → cache: GET {key} (cache-aside: ask the cache first).", lat.cache_rtt_ms
    )
    entry = state.cache.get(key)
    if entry is not None and entry.expires_at <= state.now_ms:
        del state.cache[key]
        state.stats.misses += 1
        trace.add("cache", f"cache → {name}: MISS: {key} was cached, but its TTL ran out.")
        return False
    if entry is None:
        state.stats.misses += 1
        trace.add(
            "cache",
            f"cache → {name}: MISS: {key} is not in the cache (never read since "
            "the cache started, evicted, or invalidated by a write).",
        )
        return False
    state.stats.hits += 1
    del state.cache[key]
    state.cache[key] = entry  # most recently used now
    left = (entry.expires_at - state.now_ms) / 1000
    text = (
        f"cache → {name}: HIT: {key} is served from memory and no database is touched "
        f"(TTL {left:.0f} s left)."
    )
    if entry.stale:
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
        raise _Failed
    trace.add(name, f"{name} picks {target}: {where}{reason}.")
    trace.add(
        name, f"{name} → {target}: {trace.request.sql()} (an indexed point read).", lat.db_read_ms
    )
    state.stats.db_reads += 1
    trace.db_queries += 1
    written_at = state.recent_writes.get(key)
    if is_replica and written_at is not None and state.now_ms - written_at < cfg.lag:
        age = state.now_ms - written_at
        trace.add(
            target,
            f"{target} → {name}: returns the OLD row. {target} applies writes about "
            f"{cfg.lag} ms late and {key} was written {age:.0f} ms ago: a stale read. "
            "Avoid it by pinning a writer's reads to the primary (/cluster set ryw=on) or "
            "by reading recently written keys from the primary.",
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
    jitter = stable_hash(f"{state.seed}:{state.trace_no}:{key}") % (2 * spread + 1) - spread
    ttl = max(1, cfg.ttl + jitter)
    evicted = ""
    if key not in state.cache and len(state.cache) >= cfg.cache:
        oldest = next(iter(state.cache))
        del state.cache[oldest]
        evicted = f" The cache is full ({cfg.cache} keys), so it evicts {oldest}, the least "
        evicted += "recently used key."
    state.cache.pop(key, None)
    state.cache[key] = CacheEntry(expires_at=state.now_ms + ttl * 1000, stale=stale)
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


# --- writes -----------------------------------------------------------------------------------


def _write(state: ClusterState, trace: Trace, server: int, lat: Latencies) -> None:
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
        raise _Failed
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
    state.recent_writes.pop(key, None)
    state.recent_writes[key] = state.now_ms
    remember(state.last_write_by, trace.user, state.now_ms, MAX_TRACKED_USERS)
    _invalidate(state, trace, server, lat)
    if cfg.ryw:
        trace.add(
            name,
            f"{name} notes that {trace.user} just wrote: for the next "
            f"{RYW_PIN_MS // 1000} s their reads go to the primary (read-your-writes).",
        )
    _respond(state, trace, server, lat, _STATUS.get(trace.request.method, "200 OK"), "")
    live = [replica_name(state, shard, i) for i, r in enumerate(state.replicas[shard]) if r.alive]
    if live:
        trace.add_async(
            primary,
            f"(after the response) {primary} streams the change to "
            f"{', '.join(live)}, which apply it about {cfg.lag} ms later. A read "
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
    state.cache.pop(key, None)
    trace.add(
        name,
        f"{name} → cache: DEL {key}. Invalidate after the commit, and delete rather "
        "than set: a delete is idempotent and cannot race an older value back in.",
        lat.cache_rtt_ms,
    )


# --- the response -------------------------------------------------------------------------------


def _respond(
    state: ClusterState, trace: Trace, server: int, lat: Latencies, status: str, source: str
) -> None:
    name = app_name(server)
    work = lat.app_cpu_ms + lat.serialize_ms
    slow = state.servers[server].slow_ms
    text = f"{name} builds {status}{' ' + source if source else ''} and serializes it."
    if slow:
        text += f" {name} is slow: +{slow:.0f} ms stuck behind slow report queries."
    trace.add(name, text, work + slow)
    trace.add(name, f"{name} → lb: the response goes back through the balancer.")
    trace.status = status
    total = trace.total_ms
    trace.add(
        "lb",
        f"lb → client: {status} delivered, {total:.1f} ms inside the cluster, about "
        f"{total + lat.client_rtt_ms:.0f} ms as {trace.user} sees it.",
    )


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
    return (
        f"{label} · {trace.total_ms:.1f} ms in the cluster "
        f"(~{trace.total_ms + lat.client_rtt_ms:.0f} ms for the client) · "
        f"database queries: {trace.db_queries} (so far {stats.db_reads} reads, "
        f"{stats.db_writes} writes) · cache hit ratio so far {ratio}"
    )
