"""The ways a request can go through the cluster, each with its share, fixed delays and
stations, and from them the end-to-end latency mixture (see latency_dist for the method)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from engine.load.capacity import Capacities
from engine.load.latency_dist import Branch, Mixture, Phases, Visit, phases
from engine.load.network import Demand
from engine.load.queueing import Queue
from engine.load.topology import Topology


@dataclass(frozen=True, slots=True)
class Path:
    kind: str  # hit, miss, uncached, local, write
    weight: float  # share of all requests offered to the cluster
    fixed: float  # seconds of fixed delay (round trips, parsing)
    visits: tuple[tuple[str, str], ...]  # (node, class of work) in order


def paths(d: Demand, top: Topology, caps: Capacities) -> list[Path]:
    if not d.app_share:
        return []
    lat = caps.latencies
    lb_ms = lat.lb_l7_ms if top.layer == "l7" else lat.lb_l4_ms
    session_ms = lat.network_rtt_ms + (0 if top.sticky else lat.cache_rtt_ms)
    front = (lb_ms - caps.lb.service * 1000 + session_ms) / 1000
    lb = "lb" if top.lb_nodes == 1 else None
    read_share = d.traffic.read_share
    served = d.origin / d.traffic.rate if d.traffic.rate else 0.0
    out: list[Path] = []
    for app, app_w, app_fixed in _app_choices(d, top, caps):
        start = (*((lb, "request"),), (app, "request")) if lb else ((app, "request"),)
        base_w = app_w * served
        base_fixed = front + app_fixed
        out.extend(_read_paths(d, caps, start, base_w * read_share, base_fixed))
        out.extend(_write_paths(d, caps, start, base_w * (1 - read_share), base_fixed))
    return [p for p in out if p.weight > 0]


def _app_choices(d: Demand, top: Topology, caps: Capacities) -> Iterator[tuple[str, float, float]]:
    """(server group, share, fixed extra): identical servers are one group (network.demand),
    so a big fleet is one path, not one per server."""
    lat = caps.latencies
    lb_ms = lat.lb_l7_ms if top.layer == "l7" else lat.lb_l4_ms
    retry = (lat.network_rtt_ms + lb_ms) / 1000
    for name, share in d.app_share.items():
        slow = d.app_slow[name]
        if d.retried_share:
            yield name, share * d.retried_share, slow + retry
        yield name, share * (1 - d.retried_share), slow


def _grouped(d: Demand, targets: dict[str, float]) -> dict[str, float]:
    """Database or cache nodes with the same offered work, merged (same queue, same path)."""
    groups: dict[tuple[object, ...], tuple[str, float]] = {}
    for name, share in targets.items():
        node = d.nodes[name]
        # Same flows in the same order: nodes of a tier are built by the same code, so equal
        # work is the same floats (a rounding would cost more than it merges).
        key = (node.tier, node.workers, tuple(node.flows.items()))
        first, total = groups.get(key, (name, 0.0))
        groups[key] = (first, total + share)
    return dict(groups.values())


def _read_paths(
    d: Demand, caps: Capacities, start: tuple[tuple[str, str], ...], weight: float, fixed: float
) -> Iterator[Path]:
    lat = caps.latencies
    cache_fixed = (lat.cache_rtt_ms - caps.cache.service * 1000) / 1000
    read_fixed = (lat.db_read_ms - caps.db_read.service * 1000) / 1000
    if d.l1:
        yield Path("local", weight * d.l1, fixed, start)
    weight *= 1 - d.l1
    if d.cache_state == "up":
        for cache, c_w in _grouped(d, d.cache_share).items():
            hit = (*start, (cache, "get"))
            yield Path("hit", weight * c_w * d.hit, fixed + cache_fixed, hit)
            for db, db_w in _grouped(d, d.read_targets).items():
                visits = (*hit, (db, "read"), (cache, "set"))
                w = weight * c_w * (1 - d.hit) * db_w
                yield Path("miss", w, fixed + 2 * cache_fixed + read_fixed, visits)
        return
    down = lat.network_rtt_ms / 1000 if d.cache_state == "down" else 0.0
    for db, db_w in _grouped(d, d.read_targets).items():
        visits = (*start, (db, "read"))
        yield Path("uncached", weight * db_w, fixed + down + read_fixed, visits)


def _write_paths(
    d: Demand, caps: Capacities, start: tuple[tuple[str, str], ...], weight: float, fixed: float
) -> Iterator[Path]:
    lat = caps.latencies
    commit_fixed = (lat.db_write_ms - caps.db_write.service * 1000) / 1000
    # A DEL goes to the node that holds the key: 1/k of the writes each.
    even = {name: 1 / len(d.cache_share) for name in d.cache_share}
    caches = _grouped(d, even) if d.cache_state == "up" else {}
    cache_fixed = (lat.cache_rtt_ms - caps.cache.service * 1000) / 1000
    down = lat.network_rtt_ms / 1000 if d.cache_state == "down" else 0.0
    for primary, p_w in _grouped(d, d.write_targets).items():
        visits = (*start, (primary, "write"))
        if not caches:
            yield Path("write", weight * p_w, fixed + commit_fixed + down, visits)
            continue
        for cache, c_w in caches.items():
            yield Path(
                "write",
                weight * p_w * c_w,
                fixed + commit_fixed + cache_fixed,
                (*visits, (cache, "del")),
            )


def mixture(
    found: list[Path],
    d: Demand,
    queues: dict[str, Queue],
    timeout: float,
    delays: dict[str, float] | None = None,
) -> Mixture:
    """The latency distribution of the requests that are answered. A path through a saturated
    station is answered, if at all, at the timeout. `delays` adds a backlog's wait per node
    (the scenario's queues that have not drained yet)."""
    branches: list[Branch] = []
    cache: dict[tuple[tuple[str, str], ...], tuple[Phases | None, float]] = {}
    for path in found:
        extra = sum((delays or {}).get(node, 0.0) for node, _ in path.visits)
        key = path.visits
        if key not in cache:
            cache[key] = _random_part(path, d, queues)
        random, mean = cache[key]
        fixed = path.fixed + extra
        if random is None or fixed >= timeout:
            branches.append(Branch(path.weight, timeout, None))
        else:
            branches.append(Branch(path.weight, fixed, random, mean))
    return Mixture(tuple(branches))


def _random_part(path: Path, d: Demand, queues: dict[str, Queue]) -> tuple[Phases | None, float]:
    """The path's waits and services as exponential phases (None through a saturated node)."""
    visits = []
    for node, work in path.visits:
        queue = queues[node]
        if queue.saturated:
            return None, 0.0
        service = d.nodes[node].flows[work].service
        visits.append(Visit(queue.p_wait, queue.theta, 1 / service))
    return phases(visits), float(sum(v.mean for v in visits))
