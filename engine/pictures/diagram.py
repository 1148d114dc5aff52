"""A cluster diagram (tiers of nodes, each with its state), a trace's path on it, and frames.

Frozen values, built once by `engine.pictures.from_cluster` and drawn by `bot.pictures`; a
renderer needs nothing else to draw them, so the same value draws the same picture anywhere.

No `slots`: a trace's picture is written into the stored trace on every /trace, and orjson
writes a dataclass that keeps a `__dict__` about five times faster than one with slots
(23 -> 5 us for a trace's picture, bench/profile_trace.py's traces).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from engine.pictures.states import HopMark, NodeState, Outcome, Role


@dataclass(frozen=True)
class Node:
    id: str  # the name users type and traces use: "lb", "app-0", "cache", "shard-1-replica-0"
    role: Role
    state: NodeState
    detail: str = ""  # one short line under the name: "2 of 3 failed checks", "+2000 ms"


@dataclass(frozen=True)
class ShardGroup:
    """One shard's primary and its replicas (a cluster without sharding has one group)."""

    label: str  # "database" or "shard 2"
    primary: Node
    replicas: tuple[Node, ...] = ()


@dataclass(frozen=True)
class PathStep:
    """One step of a trace as drawn: a hop between nodes, or work inside one node."""

    number: int  # 1-based, as the text reply numbers it
    source: str  # node id where the step happens or starts
    targets: tuple[str, ...]  # where it goes; empty for work inside `source`
    mark: HopMark
    label: str  # a few words for the drawing: "GET user:7", "MISS", "200 OK delivered"
    sentence: str  # the step's full sentence: a frame's caption
    latency_ms: float
    cumulative_ms: float

    @property
    def is_hop(self) -> bool:
        return bool(self.targets)


@dataclass(frozen=True)
class TracePath:
    request: str  # "GET /u/7"
    user: str
    outcome: Outcome
    status: str  # "200 OK", "503 Service Unavailable", "no response"
    total_ms: float  # inside the cluster
    client_ms: float | None  # as the user sees it; None when nothing answered
    steps: tuple[PathStep, ...]
    summary: str  # the text reply's summary line

    def __post_init__(self) -> None:
        if not self.steps:
            raise ValueError("a trace path needs at least one step")
        numbers = [s.number for s in self.steps]
        if numbers != list(range(1, len(self.steps) + 1)):
            raise ValueError(f"trace steps must be numbered 1..n in order, not {numbers}")


@dataclass(frozen=True)
class ClusterDiagram:
    title: str
    client: Node
    balancers: tuple[Node, ...]
    apps: tuple[Node, ...]
    caches: tuple[Node, ...]  # empty: the cluster has no cache tier
    shards: tuple[ShardGroup, ...]
    caption: tuple[str, ...]  # the channel's settings, one short line each
    alt: str
    path: TracePath | None = None  # a trace drawn on the cluster
    kind: Literal["cluster"] = "cluster"

    def __post_init__(self) -> None:
        ids = [n.id for n in self.nodes]
        if len(set(ids)) != len(ids):
            raise ValueError(f"node ids must be unique: {ids}")
        if self.path is not None:
            known = set(ids)
            for step in self.path.steps:
                if step.source in known and known.issuperset(step.targets):
                    continue
                unknown = {step.source, *step.targets} - known
                raise ValueError(f"step {step.number} names unknown nodes {sorted(unknown)}")

    @property
    def nodes(self) -> tuple[Node, ...]:
        data = [n for group in self.shards for n in (group.primary, *group.replicas)]
        return (self.client, *self.balancers, *self.apps, *self.caches, *data)

    def node(self, node_id: str) -> Node:
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)


@dataclass(frozen=True)
class TraceAnimation:
    """A trace as frames: frame i is the diagram with step i highlighted, its sentence below.

    Plays once. `frame_alts[i]` describes frame i alone (for a client showing one step)."""

    diagram: ClusterDiagram  # with its path
    alt: str
    kind: Literal["trace"] = "trace"

    def __post_init__(self) -> None:
        if self.diagram.path is None:
            raise ValueError("a trace animation needs a diagram with a path")

    @property
    def path(self) -> TracePath:
        assert self.diagram.path is not None  # checked on construction
        return self.diagram.path

    @property
    def frame_count(self) -> int:
        return len(self.path.steps)

    @property
    def frame_alts(self) -> tuple[str, ...]:
        total = self.frame_count
        return tuple(f"Step {s.number}/{total}: {s.sentence}" for s in self.path.steps)
