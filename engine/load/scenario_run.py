"""A scenario over simulated time, one fixed step (1 s) at a time.

Each step takes the traffic offered (the base rate, its spikes, seeded Poisson noise and the
clients' retries), splits it over the cluster as /load does, and moves a fluid queue per node:
a node offered more than it can serve keeps the excess as a backlog, and every request through
it waits backlog / capacity on top of its usual queueing. A request whose time passes the
client's timeout is an error and, if the client retries, comes back as a new request after the
timeout and the backoff, while the server still works on the abandoned one (wasted work: this
is how a retry storm outlives its trigger). The cache's hit ratio after a restart follows Che's
warm-up (zipf.warming_hit_ratio), slowed by the time a miss takes to fill (the stampede).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, replace

from engine.load.capacity import Capacities
from engine.load.latency_dist import Mixture
from engine.load.network import Demand, demand
from engine.load.paths import Path, mixture, paths
from engine.load.queueing import Queue, stations
from engine.load.scenario_spec import STEP_S, Scenario
from engine.load.scenario_state import RunState, apply_event, revive, start
from engine.load.traffic import TIER_ORDER, Tier, Traffic
from engine.load.zipf import hit_ratio, popularity, warming_hit_ratio

_WARM = 0.98  # a warming cache counts as warm at this share of its steady hit ratio
_NO_RESPONSE = "the balancer is down: nothing answers"


@dataclass(frozen=True, slots=True)
class Step:
    t: float
    offered: float  # requests/s, retries included
    fresh: float  # requests/s sent for the first time
    answered: float  # requests/s answered before the client gave up
    errors: float  # requests/s that failed, were shed or timed out
    p99_ms: float  # of the requests offered this second (capped at the timeout)
    hit_ratio: float
    busy: dict[str, float]  # tier -> its hottest node's utilisation (<= 1)
    offered_rho: dict[str, float]  # tier -> its hottest node's offered utilisation
    lag_s: float
    backlog_s: float  # the longest wait a backlog adds anywhere
    reason: str  # the main cause of this second's errors ("" when none)
    cache_state: str  # up, down, none, or unreached (the request failed before it)


@dataclass(slots=True)
class _Flow:
    """The step loop's carry-over: backlogs, retries due, the replay thread's backlog."""

    backlog: dict[str, float] = field(default_factory=dict)
    due: dict[int, list[float]] = field(default_factory=dict)  # step -> rate per attempt
    fill_delay: float = 0.0
    writes: dict[str, float] = field(default_factory=dict)
    lag_s: float = 0.0
    p99: float | None = None  # the last step's, where the next step's search starts


def simulate(scenario: Scenario, caps: Capacities) -> tuple[list[Step], list[tuple[float, str]]]:
    """The steps and the events as they happened: (t, sentence)."""
    rng = random.Random(scenario.seed)  # noqa: S311 - arrival noise, not secrets
    state = start(scenario)
    flow = _Flow(lag_s=scenario.topology.lag_ms / 1000)
    events = list(scenario.events)
    happened: list[tuple[float, str]] = []
    steps = []
    for index in range(int(scenario.duration_s / STEP_S)):
        t = index * STEP_S
        happened.extend(_timers(state, t))
        while events and events[0].at < t + STEP_S:
            event = events.pop(0)
            text = apply_event(state, event, t, scenario.vip_failover_s, flow.writes, flow.lag_s)
            happened.append((event.at, text + (f". {event.note}" if event.note else "")))
        steps.append(_step(scenario, caps, state, flow, rng, index))
        if state.cache_age is not None:
            state.cache_age += STEP_S
    return steps, happened


def _timers(state: RunState, t: float) -> list[tuple[float, str]]:
    out = []
    for node, when in list(state.back_at.items()):
        if t >= when:
            del state.back_at[node]
            out.append((when, revive(state, node)))
    if state.lb_back_at is not None and t >= state.lb_back_at:
        state.top = replace(state.top, lb_alive=True)
        out.append((state.lb_back_at, "the standby holds the floating IP: traffic flows again"))
        state.lb_back_at = None
    return out


def _step(
    scenario: Scenario,
    caps: Capacities,
    state: RunState,
    flow: _Flow,
    rng: random.Random,
    index: int,
) -> Step:
    base = scenario.traffic.rate * state.multiplier(index * STEP_S)
    fresh = max(0.0, base + rng.gauss(0.0, math.sqrt(base)))  # Poisson counts, by the normal
    attempts = [fresh, *flow.due.pop(index, [])]
    offered = sum(attempts)
    traffic = Traffic(
        offered,
        scenario.traffic.read_share,
        scenario.traffic.keys,
        scenario.traffic.zipf,
        STEP_S,
        state.hot_share,
    )
    hit = _warming_hit(state, traffic, flow)
    d = demand(state.top, traffic, caps, hit)
    queues = stations({n: (x.workers, tuple(x.flows.values())) for n, x in d.nodes.items()})
    found = paths(d, state.top, caps)
    shed, delays, busy, arriving = _queues(d, queues, found, flow, state.clients.queue_timeout_s)
    timeout = state.clients.timeout_s
    served_queues = {
        n: (q if n not in delays and not q.saturated else Queue(q.servers, 0.5, 0.0, 0.0, math.inf))
        for n, q in queues.items()
    }
    mix = mixture(found, d, served_queues, math.inf, delays)
    late = mix.survival(timeout) if mix.branches else 0.0
    p99 = _p99(mix, late, timeout, flow)
    through = sum(p.weight for p in found) * offered
    shed_rate = through * shed
    timed_out = (through - shed_rate) * late
    no_response = d.failed.get(_NO_RESPONSE, 0.0)
    fast = sum(d.failed.values()) - no_response + shed_rate
    _schedule_retries(flow, state, attempts, offered, fast, timed_out + no_response, index)
    flow.fill_delay = max((delays.get(n, 0.0) for n in d.read_targets), default=0.0)
    flow.writes = {name: d.nodes[name].flows["write"].rate for name in d.write_targets}
    lag = _lag(d, caps, flow, state)
    errors = fast + timed_out + no_response
    return Step(
        t=index * STEP_S,
        offered=offered,
        fresh=fresh,
        answered=max(0.0, through - shed_rate - timed_out) + d.edge * offered,
        errors=errors,
        p99_ms=p99 * 1000 if through else timeout * 1000,
        hit_ratio=d.hit,
        busy=busy,
        offered_rho=arriving,
        lag_s=lag,
        backlog_s=max(delays.values(), default=0.0),
        reason=_reason(d, delays, shed_rate, timed_out, errors),
        cache_state=d.cache_state,
    )


def _p99(mix: Mixture, late: float, timeout: float, flow: _Flow) -> float:
    """p99 capped at the timeout: no search when over 1% are late anyway (a failure spell),
    else one started from the last step's (consecutive steps differ by a little noise)."""
    if not mix.branches or late > 0.01:
        return timeout
    flow.p99 = min(mix.quantile(0.99, near=flow.p99), timeout)
    return flow.p99


def _warming_hit(state: RunState, traffic: Traffic, flow: _Flow) -> float | None:
    top = state.top
    if state.cache_age is None or not top.cache_alive or not top.cache_keys:
        return None
    pop = popularity(traffic.keys, traffic.zipf)
    reads = traffic.reads
    steady = hit_ratio(pop, reads, top.cache_keys, top.ttl_s)
    # Without request coalescing every read of a key misses until the first miss has filled it,
    # so a slow database (the stampede) keeps the cache cold for longer.
    age = max(0.0, state.cache_age - flow.fill_delay)
    warming = warming_hit_ratio(pop, reads, top.cache_keys, top.ttl_s, age)
    if warming >= _WARM * steady:
        state.cache_age = None
        return None
    return warming


def _queues(
    d: Demand, queues: dict[str, Queue], found: list[Path], flow: _Flow, queue_timeout: float | None
) -> tuple[float, dict[str, float], dict[str, float], dict[str, float]]:
    """Move each node's backlog by one step; returns the share of requests shed, the wait each
    backlog adds, each tier's utilisation, and each tier's arrivals over its capacity (the
    traffic that gets past saturated tiers upstream)."""
    upstream = _upstream(found, queues)
    delays: dict[str, float] = {}
    busy: dict[str, float] = {}
    arriving: dict[str, float] = {}
    shed_share = 0.0
    for name, node in d.nodes.items():
        q = queues[name]
        rate = sum(f.rate for f in node.flows.values()) * upstream.get(name, 1.0)
        capacity = (sum(f.rate for f in node.flows.values()) / q.rho) if q.rho > 0 else math.inf
        backlog = max(0.0, flow.backlog.get(name, 0.0) + (rate - capacity) * STEP_S)
        if queue_timeout is not None and backlog > capacity * queue_timeout:
            dropped = backlog - capacity * queue_timeout
            shed_share = max(shed_share, dropped / max(rate * STEP_S, 1e-9))
            backlog = capacity * queue_timeout
        flow.backlog[name] = backlog
        if backlog > 0:
            delays[name] = backlog / capacity
        utilisation = 1.0 if backlog > 0 else min(1.0, rate / capacity if capacity else 0.0)
        tier = node.tier.value
        busy[tier] = max(busy.get(tier, 0.0), utilisation)
        arriving[tier] = max(arriving.get(tier, 0.0), rate / capacity if capacity else 0.0)
    return min(1.0, shed_share), delays, busy, arriving


def _upstream(found: list[Path], queues: dict[str, Queue]) -> dict[str, float]:
    seen: dict[str, list[float]] = {}
    for path in found:
        through = 1.0
        for node, _ in path.visits:
            entry = seen.setdefault(node, [0.0, 0.0])
            entry[0] += path.weight * through
            entry[1] += path.weight
            rho = queues[node].rho
            through *= min(1.0, 1 / rho) if rho > 0 else 1.0
    return {n: (v[0] / v[1] if v[1] else 1.0) for n, v in seen.items()}


def _schedule_retries(
    flow: _Flow,
    state: RunState,
    attempts: list[float],
    offered: float,
    fast: float,
    slow: float,
    index: int,
) -> None:
    clients = state.clients
    if not clients.retries or offered <= 0:
        return
    fast_share, slow_share = fast / offered, slow / offered
    soon = index + max(1, math.ceil(clients.backoff_s / STEP_S))
    later = index + max(1, math.ceil((clients.timeout_s + clients.backoff_s) / STEP_S))
    for attempt, rate in enumerate(attempts):
        if attempt >= clients.retries:
            break
        for when, share in ((soon, fast_share), (later, slow_share)):
            if share > 0:
                due = flow.due.setdefault(when, [])
                due.extend([0.0] * (attempt + 1 - len(due)))
                due[attempt] += rate * share


def _lag(d: Demand, caps: Capacities, flow: _Flow, state: RunState) -> float:
    """Replica lag: the cluster's normal lag, plus the replay backlog over the replay rate."""
    mu = caps.apply_per_s
    worst = 0.0
    for primary, rho in d.apply_rho.items():
        writes = rho * mu
        behind = max(0.0, flow.backlog.get(f"replay:{primary}", 0.0) + (writes - mu) * STEP_S)
        flow.backlog[f"replay:{primary}"] = behind
        queueing = 1 / (mu - writes) - 1 / mu if writes < mu else 0.0
        worst = max(worst, behind / mu + queueing)
    flow.lag_s = state.top.lag_ms / 1000 + worst
    return flow.lag_s


def _offered_rho(d: Demand, queues: dict[str, Queue]) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, node in d.nodes.items():
        tier = node.tier.value
        out[tier] = max(out.get(tier, 0.0), queues[name].rho)
    return {t.value: out[t.value] for t in TIER_ORDER if t.value in out}


def describe(node: str) -> str:
    """A node's name as a sentence says it: 'the balancer', 'the primary db', 'replica-0'."""
    if node == "lb" or node.startswith("lb-"):
        return "the balancer" if node == "lb" else f"the balancer {node}"
    if node == "db" or (node.startswith("shard-") and "replica" not in node):
        return f"the primary {node}"
    return node


def _reason(
    d: Demand, delays: dict[str, float], shed: float, timed_out: float, errors: float
) -> str:
    if errors <= 0:
        return ""
    causes = dict(d.failed)
    if shed:
        causes["shed by a server whose queue is full"] = shed
    if timed_out and delays:
        worst = max(delays, key=lambda n: delays[n])
        tier = d.nodes[worst].tier
        several = sum(1 for n in d.nodes.values() if n.tier is tier) > 1
        where = f"the {tier.label}" if several and tier is not Tier.CACHE else describe(worst)
        causes[f"they time out queueing at {where}"] = timed_out
    elif timed_out:
        causes["timed out"] = timed_out
    return max(causes, key=lambda c: causes[c])
