"""Cluster state to JSON and back. The document carries a format number so that old rows can be
recognised; a document this code cannot read is reported, never half-loaded."""

from __future__ import annotations

import json
from typing import Any

from engine.sim.config import ClusterConfig, Layer, LbAlgorithm
from engine.sim.state import AppServer, CacheEntry, ClusterState, DataNode, Stats

FORMAT = 1


class StateFormatError(ValueError):
    """The stored document is not a cluster this version understands."""


def dump_state(state: ClusterState) -> str:
    cfg = state.config
    doc: dict[str, Any] = {
        "format": FORMAT,
        "seed": state.seed,
        "config": {
            "lb": cfg.lb.value,
            "layer": cfg.layer.value,
            "servers": cfg.servers,
            "weights": list(cfg.weights),
            "replicas": cfg.replicas,
            "shards": cfg.shards,
            "cache": cfg.cache,
            "ttl": cfg.ttl,
            "sticky": cfg.sticky,
            "lag": cfg.lag,
            "ryw": cfg.ryw,
            "interval": cfg.interval,
            "fall": cfg.fall,
            "rise": cfg.rise,
        },
        "now": state.now_ms,
        "lb": state.lb_alive,
        "servers": [
            [
                s.alive,
                s.in_rotation,
                s.fails,
                s.rises,
                s.slow_ms,
                s.busy_until,
                s.sessions,
                s.served,
                s.current_weight,
            ]
            for s in state.servers
        ],
        "cache_alive": state.cache_alive,
        "cache": [[k, e.expires_at, e.stale] for k, e in state.cache.items()],
        "primaries": [p.alive for p in state.primaries],
        "replicas": [[r.alive for r in group] for group in state.replicas],
        "recent_writes": state.recent_writes,
        "last_write_by": state.last_write_by,
        "sticky": state.sticky,
        "recent_keys": state.recent_keys,
        "rr": [state.rr_next, state.replica_rr, state.trace_no],
        "stats": [
            state.stats.requests,
            state.stats.hits,
            state.stats.misses,
            state.stats.db_reads,
            state.stats.db_writes,
            state.stats.errors,
        ],
    }
    return json.dumps(doc, separators=(",", ":"))


def load_state(text: str) -> ClusterState:
    try:
        doc = json.loads(text)
        if doc.get("format") != FORMAT:
            raise StateFormatError(f"unknown cluster format {doc.get('format')!r}")
        return _from_doc(doc)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise StateFormatError(f"unreadable cluster state: {exc}") from exc


def _from_doc(doc: dict[str, Any]) -> ClusterState:
    c = doc["config"]
    config = ClusterConfig(
        lb=LbAlgorithm(c["lb"]),
        layer=Layer(c["layer"]),
        servers=int(c["servers"]),
        weights=tuple(int(w) for w in c["weights"]),
        replicas=int(c["replicas"]),
        shards=int(c["shards"]),
        cache=int(c["cache"]),
        ttl=int(c["ttl"]),
        sticky=bool(c["sticky"]),
        lag=int(c["lag"]),
        ryw=bool(c["ryw"]),
        interval=int(c["interval"]),
        fall=int(c["fall"]),
        rise=int(c["rise"]),
    )
    rr_next, replica_rr, trace_no = doc["rr"]
    return ClusterState(
        seed=int(doc["seed"]),
        config=config,
        now_ms=float(doc["now"]),
        lb_alive=bool(doc["lb"]),
        servers=[
            AppServer(alive, rot, fails, rises, slow, list(busy), list(sessions), served, cw)
            for alive, rot, fails, rises, slow, busy, sessions, served, cw in doc["servers"]
        ],
        cache_alive=bool(doc["cache_alive"]),
        cache={k: CacheEntry(float(exp), bool(stale)) for k, exp, stale in doc["cache"]},
        primaries=[DataNode(bool(a)) for a in doc["primaries"]],
        replicas=[[DataNode(bool(a)) for a in group] for group in doc["replicas"]],
        recent_writes=dict(doc["recent_writes"]),
        last_write_by=dict(doc["last_write_by"]),
        sticky={k: int(v) for k, v in doc["sticky"].items()},
        recent_keys=list(doc["recent_keys"]),
        rr_next=int(rr_next),
        replica_rr=int(replica_rr),
        trace_no=int(trace_no),
        stats=Stats(*(int(v) for v in doc["stats"])),
    )
