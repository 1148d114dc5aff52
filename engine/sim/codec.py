"""Cluster state to JSON and back. The document carries a format number: older formats are
upgraded on load (format 2, from before the named balancers, among them); a document this code
cannot read is reported, never half-loaded.

orjson writes the dataclasses as they are (field names as keys), in C: the save is on every
command's path, so its cost matters more than the document's few hundred bytes of keys.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import orjson

from engine.sim.config import Balancer, ClusterConfig, Layer, LbAlgorithm
from engine.sim.state import AppServer, ClusterState, DataNode, Stats

# Format 4: the users in sessions, cookies (sticky) and last writes are the references the
# Tutor gives (user ids), no longer display names. Older documents are loaded without them.
FORMAT = 4


class StateFormatError(ValueError):
    """The stored document is not a cluster this version understands."""


def dump_state(state: ClusterState) -> str:
    # The state's own fields as a dict: orjson walks a dict in C, while a dataclass with slots
    # costs it a lookup per field (its parts keep a __dict__ for the same reason).
    cluster = {name: getattr(state, name) for name in _STATE_FIELDS}
    return orjson.dumps({"format": FORMAT, "cluster": cluster}).decode()


_STATE_FIELDS = tuple(f.name for f in fields(ClusterState))


def load_state(text: str) -> ClusterState:
    try:
        doc = orjson.loads(text)
        version = doc.get("format")
        if version == FORMAT:
            return _cluster(doc["cluster"])
        if version == 3:
            return without_users(_cluster(doc["cluster"]))
        if version == 2:
            return without_users(_upgrade_from_2(doc["cluster"]))
        raise StateFormatError(f"unknown cluster format {version!r}")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # orjson: ValueError
        if isinstance(exc, StateFormatError):
            raise
        raise StateFormatError(f"unreadable cluster state: {exc}") from exc


def without_users(state: ClusterState) -> ClusterState:
    """The cluster with nobody's session, cookie or last write in it: how a document from
    before format 4, which named users by display name, is loaded (as if every user's session
    had expired: their next request signs them in again)."""
    for server in state.servers:
        server.sessions.clear()
    state.sticky.clear()
    state.last_write_by.clear()
    return state


def _config(c: dict[str, Any]) -> ClusterConfig:
    return ClusterConfig(
        **{
            **c,
            "balancer": Balancer(c.get("balancer", Balancer.HAPROXY)),
            "lb": LbAlgorithm(c["lb"]),
            "layer": Layer(c["layer"]),
            "weights": tuple(int(w) for w in c["weights"]),
        }
    )


def _cluster(doc: dict[str, Any]) -> ClusterState:
    return ClusterState(
        seed=int(doc["seed"]),
        config=_config(doc["config"]),
        now_ms=float(doc["now_ms"]),
        lb_alive=bool(doc["lb_alive"]),
        servers=[AppServer(**server) for server in doc["servers"]],
        cache_alive=bool(doc["cache_alive"]),
        cache={str(k): float(v) for k, v in doc["cache"].items()},
        stale=[str(k) for k in doc["stale"]],
        gone={str(k): str(v) for k, v in doc["gone"].items()},
        primaries=[DataNode(**node) for node in doc["primaries"]],
        replicas=[[DataNode(**node) for node in group] for group in doc["replicas"]],
        recent_writes=dict(doc["recent_writes"]),
        written=dict(doc["written"]),
        created=dict(doc["created"]),
        deleted=dict(doc["deleted"]),
        lost=dict(doc["lost"]),
        last_write_by=dict(doc["last_write_by"]),
        sticky={str(k): int(v) for k, v in doc["sticky"].items()},
        recent_paths=[str(k) for k in doc["recent_paths"]],
        next_id=int(doc["next_id"]),
        replica_rr=int(doc["replica_rr"]),
        trace_no=int(doc["trace_no"]),
        rr_curr_pos=int(doc["rr_curr_pos"]),
        rr_curr_weight=int(doc["rr_curr_weight"]),
        rr_next_weight=int(doc["rr_next_weight"]),
        lb_seq=int(doc["lb_seq"]),
        stats=Stats(**doc["stats"]),
    )


def _server_from_2(config: ClusterConfig, old: dict[str, Any]) -> AppServer:
    """A format-2 server: `in_rotation` with its check counts becomes HAProxy's counter."""
    top = config.rise + config.fall - 1
    health = top - int(old["fails"]) if old["in_rotation"] else int(old["rises"])
    return AppServer(
        alive=bool(old["alive"]),
        health=max(0, min(top, health)),
        slow_ms=float(old["slow_ms"]),
        busy_until=[float(t) for t in old["busy_until"]],
        sessions=[str(u) for u in old["sessions"]],
        served=int(old["served"]),
    )


def _upgrade_from_2(doc: dict[str, Any]) -> ClusterState:
    """Format 2 had one balancer, a health flag per server, and no per-key history: keep what
    it knew (settings, nodes, cache, pending writes, sessions, counts) and start the balancer's
    bookkeeping afresh, as HAProxy does when it starts."""
    from engine.sim.lb import restart_balancer
    from engine.sim.lb.haproxy_checks import schedule

    config = _config(doc["config"])
    servers = [_server_from_2(config, old) for old in doc["servers"]]
    state = ClusterState(
        seed=int(doc["seed"]),
        config=config,
        now_ms=float(doc["now_ms"]),
        lb_alive=bool(doc["lb_alive"]),
        servers=servers,
        cache_alive=bool(doc["cache_alive"]),
        cache={str(k): float(v) for k, v in doc["cache"].items()},
        stale=[str(k) for k in doc["stale"]],
        primaries=[DataNode(alive=bool(n["alive"])) for n in doc["primaries"]],
        replicas=[[DataNode(alive=bool(n["alive"])) for n in g] for g in doc["replicas"]],
        recent_writes=dict(doc["recent_writes"]),
        last_write_by=dict(doc["last_write_by"]),
        sticky={str(k): int(v) for k, v in doc["sticky"].items()},
        replica_rr=int(doc["replica_rr"]),
        trace_no=int(doc["trace_no"]),
        stats=Stats(**doc["stats"]),
    )
    restart_balancer(state)
    schedule(state)
    return state
