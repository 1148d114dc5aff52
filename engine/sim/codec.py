"""Cluster state to JSON and back. The document carries a format number so that old rows can be
recognised; a document this code cannot read is reported, never half-loaded.

orjson writes the dataclasses as they are (field names as keys), in C: the save is on every
command's path, so its cost matters more than the document's few hundred bytes of keys.
"""

from __future__ import annotations

from typing import Any

import orjson

from engine.sim.config import ClusterConfig, Layer, LbAlgorithm
from engine.sim.state import AppServer, ClusterState, DataNode, Stats

FORMAT = 2


class StateFormatError(ValueError):
    """The stored document is not a cluster this version understands."""


def dump_state(state: ClusterState) -> str:
    return orjson.dumps({"format": FORMAT, "cluster": state}).decode()


def load_state(text: str) -> ClusterState:
    try:
        doc = orjson.loads(text)
        if doc.get("format") != FORMAT:
            raise StateFormatError(f"unknown cluster format {doc.get('format')!r}")
        return _cluster(doc["cluster"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # orjson: ValueError
        raise StateFormatError(f"unreadable cluster state: {exc}") from exc


def _cluster(doc: dict[str, Any]) -> ClusterState:
    c = doc["config"]
    config = ClusterConfig(
        **{
            **c,
            "lb": LbAlgorithm(c["lb"]),
            "layer": Layer(c["layer"]),
            "weights": tuple(int(w) for w in c["weights"]),
        }
    )
    return ClusterState(
        seed=int(doc["seed"]),
        config=config,
        now_ms=float(doc["now_ms"]),
        lb_alive=bool(doc["lb_alive"]),
        servers=[AppServer(**server) for server in doc["servers"]],
        cache_alive=bool(doc["cache_alive"]),
        cache={str(k): float(v) for k, v in doc["cache"].items()},
        stale=[str(k) for k in doc["stale"]],
        primaries=[DataNode(**node) for node in doc["primaries"]],
        replicas=[[DataNode(**node) for node in group] for group in doc["replicas"]],
        recent_writes=dict(doc["recent_writes"]),
        last_write_by=dict(doc["last_write_by"]),
        sticky={str(k): int(v) for k, v in doc["sticky"].items()},
        recent_keys=[str(k) for k in doc["recent_keys"]],
        rr_next=int(doc["rr_next"]),
        replica_rr=int(doc["replica_rr"]),
        trace_no=int(doc["trace_no"]),
        stats=Stats(**doc["stats"]),
    )
