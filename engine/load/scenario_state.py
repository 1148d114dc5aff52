"""The mutable state of one scenario run and the events that change it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import assert_never

from engine.load.scenario_spec import (
    Clients,
    Event,
    HotKey,
    Kill,
    Mitigate,
    Promote,
    Restart,
    Revive,
    Scenario,
    Spike,
)
from engine.load.topology import Topology


@dataclass(slots=True)
class RunState:
    top: Topology
    clients: Clients
    hot_share: float = 0.0
    spikes: list[Spike] = field(default_factory=list)
    back_at: dict[str, float] = field(default_factory=dict)  # node -> when a restart ends
    cache_age: float | None = None  # seconds since the cache came back empty (None: warm)
    lb_back_at: float | None = None  # when the standby balancer has taken the address
    lost_writes: float = 0.0
    apply_backlog: dict[str, float] = field(default_factory=dict)  # primary -> writes behind

    def multiplier(self, t: float) -> float:
        factor = 1.0
        for spike in self.spikes:
            if spike.at <= t < spike.at + spike.duration:
                factor *= spike.factor
        return factor


def start(scenario: Scenario) -> RunState:
    return RunState(scenario.topology, scenario.clients)


def apply_event(
    state: RunState,
    event: Event,
    t: float,
    vip_failover_s: float,
    writes_by_primary: dict[str, float],
    lag_s: float,
) -> str:
    """Change the state; returns what happened, in a sentence (the timeline's event line)."""
    match event:
        case Spike():
            state.spikes.append(event)
            return f"traffic jumps to {event.factor:g}x for {event.duration:g} s"
        case Kill():
            return _kill(state, event.node, t, vip_failover_s, writes_by_primary, lag_s)
        case Revive():
            return _revive(state, event.node)
        case Restart():
            _kill(state, event.node, t, vip_failover_s, writes_by_primary, lag_s)
            state.back_at[event.node] = t + event.duration
            lost = " and loses everything in memory" if event.node.startswith("cache") else ""
            return f"{event.node} is stopped{lost}; it is back in {event.duration:g} s"
        case Promote():
            return _promote(state, event.shard)
        case HotKey():
            state.hot_share = event.share
            return f"one key now takes {event.share:.0%} of all reads"
        case Mitigate():
            return _mitigate(state, event)
        case _:
            assert_never(event)


def _kill(
    state: RunState,
    node: str,
    t: float,
    vip_s: float,
    writes_by_primary: dict[str, float],
    lag_s: float,
) -> str:
    top = state.top
    if node == "lb":
        if top.lb_standby:
            state.top = replace(top, lb_alive=False, lb_standby=False)
            state.lb_back_at = t + vip_s
            return f"the active balancer dies; the standby will take the floating IP in {vip_s:g} s"
        state.top = replace(top, lb_alive=False)
        return "the only balancer dies: nothing answers until it is restarted"
    if node.startswith("app-"):
        index = int(node.split("-")[1])
        app = list(top.app)
        app[index] = replace(app[index], alive=False, in_rotation=False)
        state.top = replace(top, app=tuple(app))
        return f"{node} crashes"
    if node.startswith("cache"):
        state.top = replace(top, cache_alive=False)
        state.cache_age = None
        return f"{node} goes down and loses everything in memory"
    shard, replica = _data_ref(top, node)
    if replica is None:
        primaries = list(top.primaries_alive)
        primaries[shard] = False
        state.top = replace(top, primaries_alive=tuple(primaries))
        lost = writes_by_primary.get(node, 0.0) * lag_s
        state.lost_writes += lost
        return (
            f"{node}, a primary, dies; about {lost:,.0f} commits it had not yet shipped to its "
            f"replicas ({lag_s * 1000:,.0f} ms of asynchronous lag) are lost"
        )
    groups = [list(g) for g in top.replicas_alive]
    groups[shard][replica] = False
    state.top = replace(top, replicas_alive=tuple(tuple(g) for g in groups))
    return f"{node} dies"


def revive(state: RunState, node: str) -> str:
    return _revive(state, node)


def _revive(state: RunState, node: str) -> str:
    top = state.top
    if node == "lb":
        state.top = replace(top, lb_alive=True)
        state.lb_back_at = None
        return "the balancer is restarted and routes again"
    if node.startswith("app-"):
        index = int(node.split("-")[1])
        app = list(top.app)
        app[index] = replace(app[index], alive=True, in_rotation=True)
        state.top = replace(top, app=tuple(app))
        return f"{node} is back in rotation"
    if node.startswith("cache"):
        state.top = replace(top, cache_alive=True)
        state.cache_age = 0.0
        return f"{node} is back, empty: every read misses until it warms up"
    shard, replica = _data_ref(top, node)
    if replica is None:
        primaries = list(top.primaries_alive)
        primaries[shard] = True
        state.top = replace(top, primaries_alive=tuple(primaries))
    else:
        groups = [list(g) for g in top.replicas_alive]
        groups[shard][replica] = True
        state.top = replace(top, replicas_alive=tuple(tuple(g) for g in groups))
    return f"{node} is back"


def _promote(state: RunState, shard: int) -> str:
    top = state.top
    group = list(top.replicas_alive[shard])
    if True not in group:
        return f"no live replica of shard {shard} to promote"
    chosen = group.index(True)
    group.pop(chosen)
    groups = list(top.replicas_alive)
    groups[shard] = tuple(group)
    primaries = list(top.primaries_alive)
    primaries[shard] = True
    state.top = replace(
        top,
        primaries_alive=tuple(primaries),
        replicas_alive=tuple(groups),
        replicas=max(len(g) for g in groups),
    )
    name = f"replica-{chosen}" if top.shards == 1 else f"shard-{shard}-replica-{chosen}"
    left = len(group)
    return (
        f"{name} is promoted to primary and the app reconnects; writes work again, with "
        f"{left} replica{'s' if left != 1 else ''} left for reads"
    )


def _mitigate(state: RunState, m: Mitigate) -> str:
    said = []
    if m.l1 is not None:
        state.top = replace(state.top, l1=m.l1)
        said.append("app servers keep the hottest keys in memory" if m.l1 else "the L1 is off")
    if m.retries is not None:
        state.clients = replace(state.clients, retries=m.retries)
        said.append(f"clients retry at most {m.retries} time{'s' if m.retries != 1 else ''}")
    if m.queue_timeout_s is not None:
        state.clients = replace(state.clients, queue_timeout_s=m.queue_timeout_s)
        said.append(f"servers drop requests queued longer than {m.queue_timeout_s * 1000:.0f} ms")
    if m.servers is not None:
        before = state.top.servers
        state.top = state.top.with_servers(m.servers)
        said.append(f"app servers {before} -> {m.servers}")
    if m.cores is not None:
        before = state.top.app_cores
        state.top = replace(state.top, app_cores=m.cores)
        said.append(f"app servers resized from {before} to {m.cores} vCPUs")
    if m.replicas is not None or m.shards is not None:
        top = state.top
        shards = m.shards if m.shards is not None else top.shards
        replicas = m.replicas if m.replicas is not None else top.replicas
        state.top = top.with_data(shards, replicas)
        if m.replicas is not None:
            said.append(f"replicas per shard {top.replicas} -> {replicas}")
        if m.shards is not None:
            said.append(f"shards {top.shards} -> {shards}")
    return "; ".join(said) or "nothing changes"


def _data_ref(top: Topology, node: str) -> tuple[int, int | None]:
    if node == "db":
        return 0, None
    if node.startswith("replica-"):
        return 0, int(node.split("-")[1])
    parts = node.split("-")  # shard-2 or shard-2-replica-1
    return int(parts[1]), (int(parts[3]) if len(parts) == 4 else None)
