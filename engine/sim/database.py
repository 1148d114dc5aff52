"""The database side of a read: which node answers (replica, primary, or every shard), and
what that node has: the current row, an old one it has not caught up on, or none."""

from __future__ import annotations

from typing import NamedTuple

from engine.sim.config import RYW_PIN_MS
from engine.sim.hashing import shard_of
from engine.sim.latency import Latencies
from engine.sim.nodes import app_name, primary_name, replica_name
from engine.sim.state import ClusterState
from engine.sim.steps import RequestFailed, Trace


class Row(NamedTuple):
    found: bool  # False: 404, there is no such row (on the node that answered)
    stale: bool  # an old version, from a replica behind the last write


# The four answers a read can get, made once: a read happens on nearly every trace.
FRESH, STALE = Row(found=True, stale=False), Row(found=True, stale=True)
MISSING, NOT_YET = Row(found=False, stale=False), Row(found=False, stale=True)


class Target(NamedTuple):
    name: str
    reason: str
    replica: bool


def read_row(state: ClusterState, trace: Trace, server: int, lat: Latencies) -> Row:
    cfg, request = state.config, trace.request
    if cfg.shards > 1 and request.row_key is None:
        return _scatter(state, trace, server, lat)
    name, key = app_name(server), request.key
    shard = shard_of(key, cfg.shards)
    target = _target(state, trace, shard)
    where = (
        f"{key} lives on shard {shard} (hash({request.row_key}) mod {cfg.shards} = {shard}); "
        if cfg.shards > 1
        else ""
    )
    if target is None:
        trace.status = "503 Service Unavailable"
        trace.add(
            name,
            f"{name}: {where}no live database holds {key}: {primary_name(state, shard)} is "
            "down and has no live replica, so the read fails with 503 Service Unavailable.",
        )
        raise RequestFailed
    trace.add(name, f"{name} picks {target.name}: {where}{target.reason}.")
    trace.add(
        name, f"{name} → {target.name}: {request.sql()} ({_kind_of_read(trace)}).", lat.db_read_ms
    )
    state.stats.db_reads += 1
    trace.db_queries += 1
    return _answer(state, trace, server, target)


def _answer(state: ClusterState, trace: Trace, server: int, target: Target) -> Row:
    name, key, cfg = app_name(server), trace.request.key, state.config
    behind = target.replica and key in state.recent_writes
    lost = state.lost.get(key)
    if lost is not None and not behind:
        return _lost_answer(state, trace, server, target, lost)
    if key in state.deleted and not behind:
        trace.add(target.name, f"{target.name} → {name}: no such row: {key} was deleted.")
        return MISSING
    if behind and key in state.created:
        trace.add(
            target.name,
            f"{target.name} → {name}: no such row yet: {key} was inserted "
            f"{state.now_ms - state.created[key]:.0f} ms ago and {target.name} applies writes "
            f"about {cfg.lag} ms late, so a read of a row just created can miss it.",
        )
        return NOT_YET
    if behind:
        trace.add(target.name, _stale_text(state, trace, server, target))
        return STALE
    trace.add(target.name, f"{target.name} → {name}: returns the row.")
    return FRESH


def _lost_answer(
    state: ClusterState, trace: Trace, server: int, target: Target, lost: float
) -> Row:
    name, key = app_name(server), trace.request.key
    when = f"t={lost / 1000:.2f} s"
    why = "acknowledged by the old primary but never shipped, so it was lost in the failover"
    if key in state.deleted:
        trace.add(
            target.name,
            f"{target.name} → {name}: no such row: the insert of {key} at {when} was {why}.",
        )
        return MISSING
    trace.add(
        target.name,
        f"{target.name} → {name}: returns the row as it was before the write at {when}, which "
        f"was {why}.",
    )
    return FRESH


def _stale_text(state: ClusterState, trace: Trace, server: int, target: Target) -> str:
    name, key, cfg = app_name(server), trace.request.key, state.config
    written_at = state.recent_writes[key]
    age = state.now_ms - written_at
    own_write = state.last_write_by.get(trace.user) == written_at
    fix = (
        "pin a writer's reads to the primary for a moment (/cluster set ryw=on)"
        if own_write
        else "read recently written keys from the primary, or wait for the replica's "
        "position to pass the write (read-your-writes pins only protect the writer)"
    )
    deleted = key in state.deleted
    what = "the row that was deleted" if deleted else "the OLD row"
    if not state.primaries[shard_of(key, cfg.shards)].alive:
        late = f"the primary died before shipping the write {age:.0f} ms ago"
    else:
        done = "deleted" if deleted else "written"
        late = f"{target.name} applies writes about {cfg.lag} ms late and {key} was {done} "
        late += f"{age:.0f} ms ago"
    return f"{target.name} → {name}: returns {what}, a stale read: {late}; to avoid it, {fix}."


def _target(state: ClusterState, trace: Trace, shard: int) -> Target | None:
    cfg = state.config
    primary = primary_name(state, shard)
    primary_up = state.primaries[shard].alive
    wrote_at = state.last_write_by.get(trace.user)
    if cfg.ryw and wrote_at is not None and state.now_ms - wrote_at < RYW_PIN_MS and primary_up:
        ago = (state.now_ms - wrote_at) / 1000
        return Target(
            primary,
            f"{trace.user} wrote {ago:.2f} s ago, so read-your-writes pins their reads to the "
            f"primary for {RYW_PIN_MS // 1000} s",
            False,
        )
    live = [i for i, r in enumerate(state.replicas[shard]) if r.alive]
    if live:
        pick = live[state.replica_rr % len(live)]
        state.replica_rr += 1
        return Target(
            replica_name(state, shard, pick),
            "reads go to a read replica, so the primary keeps its capacity for writes",
            True,
        )
    if not primary_up:
        return None
    if cfg.replicas:
        return Target(primary, "every replica is down, so reads fall back to the primary", False)
    return Target(primary, "there are no read replicas, so reads go to the primary", False)


def _scatter(state: ClusterState, trace: Trace, server: int, lat: Latencies) -> Row:
    """No shard key in the query: every shard is asked, and the answer waits for the slowest."""
    name, cfg, request = app_name(server), state.config, trace.request
    targets = [_target(state, trace, shard) for shard in range(cfg.shards)]
    missing = [primary_name(state, s) for s, t in enumerate(targets) if t is None]
    if missing:
        trace.status = "503 Service Unavailable"
        trace.add(
            name,
            f"{name}: {request.path} names no single row, so the query needs every shard, and "
            f"{', '.join(missing)} has no live node: 503 Service Unavailable.",
        )
        raise RequestFailed
    names = ", ".join(t.name for t in targets if t is not None)
    trace.add(
        name,
        f"{name} → {names}: {request.sql()} on every shard at once: {request.path} names no "
        f"shard key, so each of the {cfg.shards} shards holds part of the answer "
        "(scatter-gather); the reply waits for the slowest.",
        lat.db_read_ms,
    )
    state.stats.db_reads += cfg.shards
    trace.db_queries += cfg.shards
    trace.add(name, f"the {cfg.shards} shards → {name}: {name} merges their rows into one answer.")
    return FRESH


def _kind_of_read(trace: Trace) -> str:
    if trace.request.is_point:
        return "an indexed point read"
    return "a read of a whole collection, costed here like one indexed read"
