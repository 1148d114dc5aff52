"""Node names as users type them: lb, app-0, cache, db, replica-0, shard-2, shard-2-replica-0."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from engine.errors import NotFoundError
from engine.sim.state import ClusterState


class NodeKind(StrEnum):
    LB = "lb"
    APP = "app"
    CACHE = "cache"
    PRIMARY = "primary"
    REPLICA = "replica"


@dataclass(frozen=True, slots=True)
class NodeRef:
    kind: NodeKind
    index: int = 0  # server index, or shard index for data nodes
    replica: int = 0


_PATTERN = re.compile(r"^(?:app-(\d+)|replica-(\d+)|shard-(\d+)(?:-replica-(\d+))?)$")


_APP_NAMES = tuple(f"app-{i}" for i in range(64))  # a trace names its server at most steps


def app_name(index: int) -> str:
    return _APP_NAMES[index] if index < len(_APP_NAMES) else f"app-{index}"


def primary_name(state: ClusterState, shard: int) -> str:
    return "db" if state.config.shards == 1 else f"shard-{shard}"


def replica_name(state: ClusterState, shard: int, replica: int) -> str:
    if state.config.shards == 1:
        return f"replica-{replica}"
    return f"shard-{shard}-replica-{replica}"


def all_node_names(state: ClusterState) -> list[str]:
    names = ["lb", *(app_name(i) for i in range(len(state.servers)))]
    if state.config.cache:
        names.append("cache")
    for shard, group in enumerate(state.replicas):
        names.append(primary_name(state, shard))
        names.extend(replica_name(state, shard, r) for r in range(len(group)))
    return names


def node_summary(state: ClusterState) -> str:
    """The node names, with long runs shortened: `lb, app-0…app-15, cache, db, replica-0`."""
    runs: list[list[str]] = []
    for name in all_node_names(state):
        stem = name.rstrip("0123456789")
        if runs and runs[-1][0].rstrip("0123456789") == stem and stem.endswith("-"):
            runs[-1].append(name)
        else:
            runs.append([name])
    return ", ".join(run[0] if len(run) < 3 else f"{run[0]}…{run[-1]}" for run in runs)


def parse_node(state: ClusterState, name: str) -> NodeRef:
    """Resolve a node name against this cluster, or explain which names exist."""
    ref = _parse(state, name.strip().lower())
    if ref is None:
        known = node_summary(state)
        raise NotFoundError(f"There is no node '{name[:40]}' in this cluster. Nodes: {known}.")
    return ref


def _parse(state: ClusterState, name: str) -> NodeRef | None:
    cfg = state.config
    if name == "lb":
        return NodeRef(NodeKind.LB)
    if name == "cache":
        return NodeRef(NodeKind.CACHE) if cfg.cache else None
    if name == "db":
        return NodeRef(NodeKind.PRIMARY, 0) if cfg.shards == 1 else None
    match = _PATTERN.match(name)
    if match is None:
        return None
    app, replica, shard, shard_replica = match.groups()
    if app is not None:
        return NodeRef(NodeKind.APP, int(app)) if int(app) < cfg.servers else None
    if replica is not None:
        ok = cfg.shards == 1 and int(replica) < cfg.replicas
        return NodeRef(NodeKind.REPLICA, 0, int(replica)) if ok else None
    if cfg.shards == 1 or int(shard) >= cfg.shards:
        return None
    if shard_replica is None:
        return NodeRef(NodeKind.PRIMARY, int(shard))
    ok = int(shard_replica) < cfg.replicas
    return NodeRef(NodeKind.REPLICA, int(shard), int(shard_replica)) if ok else None


def node_name(state: ClusterState, ref: NodeRef) -> str:
    if ref.kind is NodeKind.APP:
        return app_name(ref.index)
    if ref.kind is NodeKind.PRIMARY:
        return primary_name(state, ref.index)
    if ref.kind is NodeKind.REPLICA:
        return replica_name(state, ref.index, ref.replica)
    return ref.kind.value
