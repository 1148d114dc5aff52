"""The climb's state to JSON and back (stored durably in phase 2). The document carries a
format number; a document this code cannot read is reported, never half-loaded."""

from __future__ import annotations

from typing import Any

import orjson

from engine.load.catalogue import RungId
from engine.load.climb import RATES, ClimbMove, ClimbState, ClimbStatus
from engine.load.topology import AppNode, Topology

FORMAT = 1


class ClimbFormatError(ValueError):
    """The stored document is not a climb this version understands."""


def dump_climb(state: ClimbState) -> str:
    return orjson.dumps({"format": FORMAT, "climb": state}).decode()


def load_climb(text: str) -> ClimbState:
    try:
        doc = orjson.loads(text)
        if doc.get("format") != FORMAT:
            raise ClimbFormatError(f"unknown climb format {doc.get('format')!r}")
        return _climb(doc["climb"])
    except ClimbFormatError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise ClimbFormatError(f"unreadable climb state: {exc}") from exc


def _climb(doc: dict[str, Any]) -> ClimbState:
    step = int(doc["step"])
    if not 0 <= step < len(RATES):
        raise ValueError(f"step {step} is off the ladder")
    return ClimbState(
        topology=topology_from(doc["topology"]),
        reads=int(doc["reads"]),
        writes=int(doc["writes"]),
        keys=int(doc["keys"]),
        zipf=float(doc["zipf"]),
        step=step,
        budget_usd=float(doc["budget_usd"]),
        moves=tuple(_move(m) for m in doc["moves"]),
        status=ClimbStatus(doc["status"]),
        held=float(doc["held"]),
    )


def _move(doc: dict[str, Any]) -> ClimbMove:
    return ClimbMove(
        rate=float(doc["rate"]),
        rung=RungId(doc["rung"]),
        bottleneck=str(doc["bottleneck"]),
        in_order=bool(doc["in_order"]),
        note=str(doc["note"]),
        usd_after=float(doc["usd_after"]),
    )


def topology_from(doc: dict[str, Any]) -> Topology:
    app = tuple(
        AppNode(float(a["weight"]), bool(a["alive"]), bool(a["in_rotation"]), float(a["slow_ms"]))
        for a in doc["app"]
    )
    top = Topology(
        app=app,
        app_cores=int(doc["app_cores"]),
        lb_alive=bool(doc["lb_alive"]),
        lb_standby=bool(doc["lb_standby"]),
        lb_nodes=int(doc["lb_nodes"]),
        layer=str(doc["layer"]),
        algorithm=str(doc["algorithm"]),
        sticky=bool(doc["sticky"]),
        cache_nodes=int(doc["cache_nodes"]),
        cache_keys=int(doc["cache_keys"]),
        cache_alive=bool(doc["cache_alive"]),
        ttl_s=float(doc["ttl_s"]),
        shards=int(doc["shards"]),
        replicas=int(doc["replicas"]),
        primaries_alive=tuple(bool(x) for x in doc["primaries_alive"]),
        replicas_alive=tuple(tuple(bool(x) for x in g) for g in doc["replicas_alive"]),
        db_cores=int(doc["db_cores"]),
        lag_ms=float(doc["lag_ms"]),
        ryw=bool(doc["ryw"]),
        cdn=bool(doc["cdn"]),
        l1=bool(doc["l1"]),
        notes=tuple(str(n) for n in doc.get("notes", ())),
    )
    if not app or len(top.primaries_alive) != top.shards or len(top.replicas_alive) != top.shards:
        raise ValueError("the topology's node lists do not match its shards")
    return top
