"""Pictures of the simulation: the cluster's nodes and states, and a trace's path on them.

The only module of `engine.pictures` that reads `engine.sim`: when the simulation changes
(new node states, named balancers, failover), this is the one place to follow it. Read-only:
nothing here changes the cluster or the trace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import TypeVar

from engine.pictures.describe import describe_cluster, describe_path, fit
from engine.pictures.diagram import (
    ClusterDiagram,
    Node,
    PathStep,
    ShardGroup,
    TraceAnimation,
    TracePath,
)
from engine.pictures.hops import path_steps
from engine.pictures.states import HopMark, NodeState, Outcome, Role
from engine.sim.balancer import CheckProgress, check_progress, in_flight, in_rotation
from engine.sim.config import Balancer
from engine.sim.hashing import shard_of
from engine.sim.latency import Latencies
from engine.sim.nodes import app_name, primary_name, replica_name
from engine.sim.state import AppServer, ClusterState
from engine.sim.trace import Outcome as SimOutcome
from engine.sim.trace import Trace
from engine.text.counts import count

_OUTCOMES = {
    SimOutcome.HIT: Outcome.HIT,
    SimOutcome.MISS: Outcome.MISS,
    SimOutcome.UNCACHED: Outcome.UNCACHED,
    SimOutcome.WRITE: Outcome.WRITE,
    SimOutcome.FAILED: Outcome.FAILED,
}
# Words of a step's sentence that say a replica answered with old data (engine/sim/reads.py).
_STALE_WORDS = "a stale read"


def cluster_diagram(state: ClusterState, title: str = "") -> ClusterDiagram:
    """The cluster as `/cluster show` draws it: every tier, each node with its state."""
    title = title or f"Cluster at t = {state.now_ms / 1000:.2f} s"
    return _diagram(state, title, None, "", _nodes(state, set()))


def trace_diagram(state: ClusterState, trace: Trace, lat: Latencies) -> ClusterDiagram:
    """The cluster just after `trace` ran, with the request's path drawn on it."""
    return _traced(state, trace, lat)[0]


def trace_animation(state: ClusterState, trace: Trace, lat: Latencies) -> TraceAnimation:
    """The trace as frames. Built with every trace (its Next and Previous draw from it), so
    the cluster's nodes are read once and the path described once."""
    diagram, route = _traced(state, trace, lat)
    steps = len(diagram.path.steps) if diagram.path is not None else 0
    return TraceAnimation(diagram, fit(f"Animation in {steps} steps. {route}"))


def with_trace_texts(animation: TraceAnimation, change: Callable[[str], str]) -> TraceAnimation:
    """The same animation with `change` applied to every text that came from the trace or
    names its user (the titles, the client, the steps' sentences and labels, the summary, the
    alt texts), e.g. to show the user's name where shared state keeps a reference
    (engine/tutor/names.py). Nothing else here is made from the trace's words: the nodes and
    the caption come from the cluster's settings and counters. A value that `change` leaves
    alone is kept as it is, so a trace naming nobody costs no rebuilding."""
    diagram = animation.diagram
    path = animation.path
    steps = tuple(_step_texts(step, change) for step in path.steps)
    user = change(path.user)
    summary = change(path.summary)
    if user is not path.user or summary is not path.summary or _changed(steps, path.steps):
        path = _retexted(path, user=user, summary=summary, steps=steps)
    client = diagram.client
    detail = change(client.detail)
    if detail is not client.detail:
        client = _retexted(client, detail=detail)
    title, alt = change(diagram.title), change(diagram.alt)
    if path is not diagram.path or client is not diagram.client:
        diagram = _retexted(diagram, title=title, alt=alt, client=client, path=path)
    elif title is not diagram.title or alt is not diagram.alt:
        diagram = _retexted(diagram, title=title, alt=alt)
    animation_alt = change(animation.alt)
    if diagram is animation.diagram and animation_alt is animation.alt:
        return animation
    return _retexted(animation, diagram=diagram, alt=animation_alt)


def _step_texts(step: PathStep, change: Callable[[str], str]) -> PathStep:
    sentence, label = change(step.sentence), change(step.label)
    if sentence is step.sentence and label is step.label:
        return step
    return _retexted(step, sentence=sentence, label=label)


def _changed(new: tuple[PathStep, ...], old: tuple[PathStep, ...]) -> bool:
    return any(a is not b for a, b in zip(new, old, strict=True))


V = TypeVar("V", TraceAnimation, ClusterDiagram, TracePath, PathStep, Node)


def _retexted(value: V, **changes: object) -> V:
    """A copy of a frozen picture value with some of its fields changed, without running its
    checks again: they are about node ids and step numbers, which changing texts (or putting
    in parts changed that way) leaves as they were. A `dataclasses.replace` costs several
    times more, and a trace's picture is shown on every /trace."""
    kind = type(value)
    copy = object.__new__(kind)
    for name in _FIELDS[kind]:
        object.__setattr__(copy, name, changes[name] if name in changes else getattr(value, name))
    return copy


_FIELDS = {
    kind: tuple(f.name for f in fields(kind))
    for kind in (TraceAnimation, ClusterDiagram, TracePath, PathStep, Node)
}


def _traced(state: ClusterState, trace: Trace, lat: Latencies) -> tuple[ClusterDiagram, str]:
    """The diagram with the trace's path, and the path in words."""
    nodes = _nodes(state, set())
    path = trace_path(state, trace, lat, nodes)
    stale = {s.source for s in path.steps if s.mark is HopMark.STALE}
    if stale:  # a replica that served an old row shows it
        nodes = _nodes(state, stale)
    route = describe_path(path)
    diagram = _diagram(state, _trace_title(path), path, trace.user, nodes, route)
    return diagram, route


def trace_path(
    state: ClusterState, trace: Trace, lat: Latencies, nodes: list[Node] | None = None
) -> TracePath:
    """The path as drawn; `nodes`: the cluster's nodes, if the caller has them already."""
    nodes = _nodes(state, set()) if nodes is None else nodes
    roles = {"client": Role.CLIENT, **{n.id: n.role for n in nodes}}
    down = {node.id for node in nodes if node.state.is_down}
    failed = trace.outcome is SimOutcome.FAILED
    hit = trace.outcome is SimOutcome.HIT
    replicas = _replicas_by_primary(state)
    steps = path_steps(trace.steps, roles, down, replicas, hit, failed, _STALE_WORDS)
    answered = trace.status != "no response"
    return TracePath(
        request=trace.request.line,
        user=trace.user,
        outcome=_OUTCOMES[trace.outcome],
        status=trace.status,
        total_ms=trace.total_ms,
        client_ms=trace.total_ms + lat.client_rtt_ms if answered else None,
        steps=steps,
        summary=trace.summary,
    )


def _trace_title(path: TracePath) -> str:
    client = f" (~{path.client_ms:.0f} ms for {path.user})" if path.client_ms is not None else ""
    stale = " · stale read" if any(s.mark is HopMark.STALE for s in path.steps) else ""
    return (
        f"{path.request} · {path.outcome.value}{stale} · {path.status} · "
        f"{path.total_ms:.1f} ms in the cluster{client}"
    )


def _diagram(
    state: ClusterState,
    title: str,
    path: TracePath | None,
    user: str,
    nodes: list[Node],
    route: str = "",
) -> ClusterDiagram:
    client = Node("client", Role.CLIENT, NodeState.UP, user or "your requests")
    balancers = tuple(n for n in nodes if n.role is Role.BALANCER)
    apps = tuple(n for n in nodes if n.role is Role.APP)
    caches = tuple(n for n in nodes if n.role is Role.CACHE)
    shards = _shard_groups(state, {n.id: n for n in nodes})
    caption = _caption(state)
    alt = describe_cluster(balancers, apps, caches, shards, caption)
    if path is not None:
        alt = (route or describe_path(path)) + " Cluster: " + alt
    return ClusterDiagram(
        title, client, balancers, apps, caches, shards, caption, fit(alt), path=path
    )


def _nodes(state: ClusterState, stale: set[str]) -> list[Node]:
    cfg = state.config
    lb_detail = f"{cfg.balancer} · {cfg.layer.upper()} · {cfg.lb}"
    nodes = [
        Node("lb", Role.BALANCER, NodeState.UP if state.lb_alive else NodeState.DOWN, lb_detail)
    ]
    nodes.extend(_app_node(state, i, s) for i, s in enumerate(state.servers))
    if cfg.cache:
        nodes.append(_cache_node(state))
    for shard, group in enumerate(state.replicas):
        primary = primary_name(state, shard)
        alive = state.primaries[shard].alive
        nodes.append(
            Node(primary, Role.PRIMARY, NodeState.UP if alive else NodeState.DOWN, "primary")
        )
        behind = _writes_behind(state, shard)
        for r, replica in enumerate(group):
            name = replica_name(state, shard, r)
            if replica.fenced:
                nodes.append(Node(name, Role.REPLICA, NodeState.FENCED, "old primary"))
                continue
            nodes.append(_replica_node(name, replica.alive, behind, name in stale, cfg.lag))
    return nodes


def _app_node(state: ClusterState, index: int, server: AppServer) -> Node:
    name = app_name(index)
    busy = in_flight(state, index)
    load = f"{busy} in flight" if busy else f"{server.served} served"
    rotating = in_rotation(state, index)
    if server.alive and rotating and server.slow_ms:
        return Node(name, Role.APP, NodeState.SLOW, f"+{server.slow_ms:.0f} ms each")
    if server.alive and rotating:
        return Node(name, Role.APP, NodeState.UP, load)
    # Details stay short: an app server's box has room for about 18 characters.
    progress = check_progress(state, index)
    nginx = state.config.balancer is Balancer.NGINX
    skipped = f"skipped ≤ {state.config.fail_timeout} s"  # nginx: until fail_timeout is over
    if server.alive and nginx:  # back, but nginx does not try it before then
        return Node(name, Role.APP, NodeState.OUT_OF_ROTATION, skipped)
    if server.alive:
        passed = progress.of - progress.left
        return Node(name, Role.APP, NodeState.RISING, f"{passed} of {progress.of} checks passed")
    if rotating:
        return Node(name, Role.APP, NodeState.DOWN_IN_ROTATION, _until_out(progress, nginx))
    if not server.host_up:  # no answer at all, not a refusal
        return Node(name, Role.APP, NodeState.DOWN, "host dead")
    return Node(name, Role.APP, NodeState.DOWN, skipped if nginx else "out of rotation")


def _until_out(progress: CheckProgress, nginx: bool) -> str:
    """How far the balancer is from taking a dead server out: HAProxy's failed health checks,
    nginx's failed requests (max_fails; 0 turns the skipping off)."""
    if nginx and not progress.of:
        return "never skipped"
    what = "failure" if nginx else "check"
    plural = "s" if progress.left != 1 else ""
    return f"out in {progress.left} {what}{plural}"


def _cache_node(state: ClusterState) -> Node:
    cfg = state.config
    if not state.cache_alive:
        return Node("cache", Role.CACHE, NodeState.DOWN, "reads fall through")
    keys = f"{len(state.cache)}/{cfg.cache} keys · TTL {cfg.ttl} s"
    if state.stale:
        copies = "copy" if len(state.stale) == 1 else "copies"
        return Node("cache", Role.CACHE, NodeState.STALE, f"{len(state.stale)} stale {copies}")
    return Node("cache", Role.CACHE, NodeState.UP, keys)


def _replica_node(name: str, alive: bool, behind: int, served_stale: bool, lag: int) -> Node:
    if not alive:
        return Node(name, Role.REPLICA, NodeState.DOWN, "replica")
    if served_stale:
        return Node(name, Role.REPLICA, NodeState.STALE, "served an old row")
    if behind:
        writes = "write" if behind == 1 else "writes"
        return Node(name, Role.REPLICA, NodeState.STALE, f"{behind} {writes} behind")
    return Node(name, Role.REPLICA, NodeState.UP, f"lag {lag} ms")


def _writes_behind(state: ClusterState, shard: int) -> int:
    """Writes to this shard's primary that its replicas have not applied yet."""
    cfg, now = state.config, state.now_ms
    return sum(
        1
        for key, at in state.recent_writes.items()
        if now - at < cfg.lag and shard_of(key, cfg.shards) == shard
    )


def _shard_groups(state: ClusterState, nodes: dict[str, Node]) -> tuple[ShardGroup, ...]:
    groups = []
    for shard, replicas in enumerate(state.replicas):
        label = "database" if state.config.shards == 1 else f"shard {shard}"
        primary = nodes[primary_name(state, shard)]
        names = [replica_name(state, shard, r) for r in range(len(replicas))]
        groups.append(ShardGroup(label, primary, tuple(nodes[n] for n in names)))
    return tuple(groups)


def _replicas_by_primary(state: ClusterState) -> dict[str, tuple[str, ...]]:
    """Each primary's live replicas: where its writes stream after the response."""
    return {
        primary_name(state, shard): tuple(
            replica_name(state, shard, r) for r, node in enumerate(group) if node.alive
        )
        for shard, group in enumerate(state.replicas)
    }


def _caption(state: ClusterState) -> tuple[str, ...]:
    cfg, stats = state.config, state.stats
    sessions = "sticky sessions" if cfg.sticky else "stateless servers"
    checks = (
        f"passive checks, max_fails {cfg.max_fails}, fail_timeout {cfg.fail_timeout} s"
        if cfg.balancer is Balancer.NGINX
        else f"health checks every {cfg.interval:g} s, fall {cfg.fall}, rise {cfg.rise}"
    )
    cache = f"cache {cfg.cache} keys, LRU, TTL {cfg.ttl} s" if cfg.cache else "no cache (cache=0)"
    replicas = (
        f"{count(cfg.replicas, 'replica')} per database, lag {cfg.lag} ms"
        if cfg.replicas
        else ("no read replicas")
    )
    shards = f"{cfg.shards} shards by hash of the key" if cfg.shards > 1 else "one database"
    ryw = "read-your-writes on" if cfg.ryw else "read-your-writes off"
    return (
        f"balancer {cfg.balancer} {cfg.layer.upper()}, {cfg.lb} · {sessions} · {checks}",
        f"{cache} · {shards} · {replicas} · {ryw}",
        f"t = {state.now_ms / 1000:.2f} s · {stats.requests} requests · {stats.db_reads} DB "
        f"reads · {stats.db_writes} writes · {stats.errors} failed · seed {state.seed}",
    )
