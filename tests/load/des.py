"""The independent check: a discrete-event simulation of the same queueing network with ciw.

It builds the network from the topology on its own terms: one ciw node per balancer, app server,
cache node and database; a customer per request whose route is drawn at random the way the
cluster routes (a uniform app server, the cache node of a Zipf-drawn key, a uniform shard and
replica); exponential service times with the capacities' means; and each write's replay as
arrivals at every replica of its shard. It shares no code with engine/load's queueing or
latency maths: only the topology, the capacities and the cache's hit ratio (an input here; Che's
approximation is checked against an LRU simulation in test_cache.py). Fixed delays (round
trips) are added to each request's simulated time, since a constant needs no simulating.
"""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass

import ciw

from engine.load.capacity import Capacities
from engine.load.network import cache_name, primary_name, replica_name
from engine.load.topology import Topology
from engine.load.traffic import Traffic
from engine.sim.hashing import stable_hash

_SAMPLED_KEYS = 20_000  # Zipf ranks drawn for the cache node of a read (placement is by hash)


@dataclass(frozen=True)
class DesResult:
    utilisation: dict[str, float]  # node -> busy share over the measured window
    mean: float  # s, end-to-end including fixed delays
    p50: float
    p99: float
    completed: int
    overload: dict[str, float]  # node -> arrivals / completions over the window (~1 below 100%)


@dataclass
class _Net:
    names: list[str]
    index: dict[str, int]
    servers: list[int]


def _nodes(top: Topology) -> _Net:
    names = ["lb", *(f"app-{i}" for i in range(top.servers))]
    names += [cache_name(top, j) for j in range(top.cache_nodes if top.cache_keys else 0)]
    for s in range(top.shards):
        names.append(primary_name(top, s))
        names += [replica_name(top, s, r) for r in range(top.replicas)]
    servers = []
    for n in names:
        if n == "lb":
            servers.append(0)
        elif n.startswith("app"):
            servers.append(top.app_cores)
        elif n.startswith("cache"):
            servers.append(1)
        else:
            servers.append(top.db_cores)
    return _Net(names, {n: i + 1 for i, n in enumerate(names)}, servers)


def _zipf_sampler(traffic: Traffic, rng: random.Random):
    keys = min(traffic.keys, _SAMPLED_KEYS)
    weights = [i**-traffic.zipf for i in range(1, keys + 1)]
    total = sum(weights)
    cumulative, acc = [], 0.0
    for w in weights:
        acc += w / total
        cumulative.append(acc)
    return lambda: bisect.bisect_left(cumulative, rng.random()) + 1


def run_des(
    top: Topology,
    traffic: Traffic,
    caps: Capacities,
    hit: float,
    *,
    seed: int,
    horizon: float,
    warmup: float,
) -> DesResult:
    """Simulate `horizon` seconds at a constant offered rate; measure after `warmup`."""
    net = _nodes(top)
    net.servers[0] = caps.lb.workers
    rng = random.Random(seed)
    draw_key = _zipf_sampler(traffic, rng)
    reads, writes = traffic.read_share, 1 - traffic.read_share
    live = [f"app-{i}" for i in range(top.servers)]
    caches = [cache_name(top, j) for j in range(top.cache_nodes if top.cache_keys else 0)]

    def app() -> int:
        return net.index[rng.choice(live)]

    def cache() -> int:
        return net.index[caches[stable_hash(f"key:{draw_key()}") % len(caches)]]

    def db_read() -> int:
        s = rng.randrange(top.shards)
        if top.replicas:
            return net.index[replica_name(top, s, rng.randrange(top.replicas))]
        return net.index[primary_name(top, s)]

    def route_hit(ind, sim):
        return [app(), cache()]

    def route_miss(ind, sim):
        if not caches:
            return [app(), db_read()]
        c = cache()
        return [app(), c, db_read(), c]

    def route_write(ind, sim):
        primary = net.index[primary_name(top, rng.randrange(top.shards))]
        return [app(), primary, cache()] if caches else [app(), primary]

    def route_replay(ind, sim):
        return []

    h = hit if caches else 0.0
    rates = {
        "hit": traffic.rate * reads * h,
        "miss": traffic.rate * reads * (1 - h),
        "write": traffic.rate * writes,
    }
    classes = [c for c, r in rates.items() if r > 0]
    n = len(net.names)

    def arrival(rate: float):
        return ciw.dists.Exponential(rate)

    arrivals: dict[str, list[object]] = {}
    for c in classes:
        arrivals[c] = [arrival(rates[c])] + [None] * (n - 1)
    replay_rate = traffic.rate * writes / top.shards
    if top.replicas and replay_rate > 0:
        arrivals["replay"] = [None] * n
        for s in range(top.shards):
            for r in range(top.replicas):
                arrivals["replay"][net.index[replica_name(top, s, r)] - 1] = arrival(replay_rate)

    def services(kind: str) -> list[object]:
        out: list[object] = []
        for name in net.names:
            if name == "lb":
                mean = caps.lb.service
            elif name.startswith("app"):
                mean = caps.app_cpu
            elif name.startswith("cache"):
                mean = caps.cache.service
            elif kind == "write":
                mean = caps.db_write.service
            elif kind == "replay":
                mean = 1 / caps.apply_per_s
            else:
                mean = caps.db_read.service
            out.append(ciw.dists.Exponential(1 / mean))
        return out

    routes = {"hit": route_hit, "miss": route_miss, "write": route_write, "replay": route_replay}
    network = ciw.create_network(
        arrival_distributions=arrivals,
        service_distributions={c: services(c) for c in arrivals},
        number_of_servers=net.servers,
        routing={c: ciw.routing.ProcessBased(routes[c]) for c in arrivals},
    )
    ciw.seed(seed)
    sim = ciw.Simulation(network)
    sim.simulate_until_max_time(horizon)
    return _measure(sim, net, top, traffic, caps, warmup, horizon)


def _fixed(kind: str, top: Topology, caps: Capacities, cached: bool) -> float:
    lat = caps.latencies
    lb = (lat.lb_l7_ms if top.layer == "l7" else lat.lb_l4_ms) - caps.lb.service * 1000
    front = lb + lat.network_rtt_ms + lat.cache_rtt_ms
    cache = lat.cache_rtt_ms - caps.cache.service * 1000
    read = lat.db_read_ms - caps.db_read.service * 1000
    write = lat.db_write_ms - caps.db_write.service * 1000
    if kind == "hit":
        return (front + cache) / 1000
    if kind == "miss":
        return (front + (2 * cache if cached else 0) + read) / 1000
    return (front + write + (cache if cached else 0)) / 1000


def _measure(
    sim: ciw.Simulation,
    net: _Net,
    top: Topology,
    traffic: Traffic,
    caps: Capacities,
    warmup: float,
    horizon: float,
) -> DesResult:
    records = sim.get_all_records()
    busy = [0.0] * len(net.names)
    arrived = [len(node.all_individuals) for node in sim.transitive_nodes]  # still there
    done = [0] * len(net.names)
    trips: dict[int, list[float]] = {}
    for r in records:
        if r.arrival_date >= warmup:
            arrived[r.node - 1] += 1
        if r.exit_date >= warmup:
            done[r.node - 1] += 1
        if r.service_start_date >= warmup:
            busy[r.node - 1] += min(r.service_end_date, horizon) - r.service_start_date
        if r.customer_class == "replay":
            continue
        trip = trips.setdefault(r.id_number, [math.inf, 0.0, 0.0, 0.0])
        trip[0] = min(trip[0], r.arrival_date)
        trip[1] += r.exit_date - r.arrival_date
        trip[2] = max(trip[2], r.exit_date)
        trip[3] = {"hit": 1.0, "miss": 2.0, "write": 3.0}[r.customer_class]
    overload = {name: arrived[i] / max(done[i], 1) for i, name in enumerate(net.names)}
    window = horizon - warmup
    utilisation = {name: busy[i] / (net.servers[i] * window) for i, name in enumerate(net.names)}
    cached = bool(top.cache_nodes and top.cache_keys)
    kinds = {1.0: "hit", 2.0: "miss", 3.0: "write"}
    fixed = {k: _fixed(v, top, caps, cached) for k, v in kinds.items()}
    times = sorted(
        t[1] + fixed[t[3]] for t in trips.values() if t[0] >= warmup and t[2] < horizon * 0.999
    )
    if not times:
        return DesResult(utilisation, math.inf, math.inf, math.inf, 0, overload)
    return DesResult(
        utilisation=utilisation,
        mean=sum(times) / len(times),
        p50=times[len(times) // 2],
        p99=times[int(len(times) * 0.99)],
        completed=len(times),
        overload=overload,
    )
