"""A scenario file turned into the engine's Scenario, with the checks a schema cannot make:
node names that exist in the scenario's cluster, events inside the duration, sizes that exist."""

from __future__ import annotations

from engine.content.load_models import (
    ClusterModel,
    HotKeyModel,
    KillModel,
    MitigateModel,
    PromoteModel,
    RestartModel,
    ReviveModel,
    ScenarioFile,
    SpikeModel,
)
from engine.load.capacity import Capacities
from engine.load.network import cache_name, primary_name, replica_name
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
from engine.load.topology import AppNode, Topology
from engine.load.traffic import Traffic

Problems = list[tuple[str, str, str]]


def scenario_of(
    f: ScenarioFile, caps: Capacities, name: str, problems: Problems
) -> Scenario | None:
    before = len(problems)
    top = _topology(f.cluster, caps, name, problems)
    reads, writes = (int(x) for x in f.traffic.reads.split(":"))
    if not reads or not writes:
        problems.append((name, "traffic.reads", "both sides of R:W must be at least 1"))
        return None
    traffic = Traffic(
        f.traffic.rate,
        reads / (reads + writes),
        f.traffic.keys,
        f.traffic.zipf,
        float(f.duration_s),
    )
    c = f.clients
    clients = Clients(
        c.timeout_ms / 1000,
        c.retries,
        c.backoff_ms / 1000,
        c.queue_timeout_ms / 1000 if c.queue_timeout_ms else None,
    )
    nodes = node_names(top)
    events = []
    for i, model in enumerate(f.events):
        where = f"events.{i}"
        if model.at >= f.duration_s:
            problems.append(
                (name, f"{where}.at", f"{model.at:g} s is past the end ({f.duration_s} s)")
            )
        node = getattr(model, "node", None)
        if node is not None and node not in nodes:
            problems.append((name, f"{where}.node", f"no node '{node}' in this cluster"))
        if isinstance(model, MitigateModel) and model.cores and model.cores not in caps.app_sizes:
            problems.append(
                (name, f"{where}.cores", f"no app server size with {model.cores} vCPUs")
            )
        if isinstance(model, PromoteModel) and (model.shard >= top.shards or not top.replicas):
            problems.append((name, f"{where}.shard", "that shard has no replica to promote"))
        events.append(_event(model))
    if len(problems) > before:
        return None
    return Scenario(
        id=f.id,
        title=f.title,
        summary=f.summary,
        seed=f.seed,
        duration_s=f.duration_s,
        topology=top,
        traffic=traffic,
        clients=clients,
        events=tuple(sorted(events, key=lambda e: e.at)),
        vip_failover_s=f.cluster.vip_failover_s,
        sources=tuple(f.sources),
    )


def _topology(c: ClusterModel, caps: Capacities, name: str, problems: Problems) -> Topology:
    cores = c.cores if c.cores is not None else caps.app_cores
    db_cores = c.db_cores if c.db_cores is not None else caps.db_read.workers
    if cores not in caps.app_sizes:
        problems.append((name, "cluster.cores", f"no app server size with {cores} vCPUs"))
    if db_cores not in caps.db_sizes:
        problems.append((name, "cluster.db_cores", f"no database size with {db_cores} vCPUs"))
    top = Topology(
        app=tuple(AppNode() for _ in range(c.servers)),
        app_cores=cores,
        lb_standby=c.lb_standby,
        lb_nodes=c.lb_nodes,
        algorithm=c.algorithm,
        cache_nodes=c.cache_nodes if c.cache_keys else 0,
        cache_keys=c.cache_keys if c.cache_nodes else 0,
        ttl_s=float(c.ttl_s),
        db_cores=db_cores,
        lag_ms=float(c.lag_ms),
        l1=c.l1,
        cdn=c.cdn,
    )
    return top.with_data(c.shards, c.replicas)


def node_names(top: Topology) -> set[str]:
    names = {"lb", *(f"app-{i}" for i in range(top.servers))}
    names.update(cache_name(top, j) for j in range(top.cache_nodes))
    for s in range(top.shards):
        names.add(primary_name(top, s))
        names.update(replica_name(top, s, r) for r in range(top.replicas))
    return names


def _event(m: object) -> Event:
    note = getattr(m, "note", None) or ""
    if isinstance(m, SpikeModel):
        return Spike(m.at, m.factor, m.for_, note)
    if isinstance(m, KillModel):
        return Kill(m.at, m.node, note)
    if isinstance(m, ReviveModel):
        return Revive(m.at, m.node, note)
    if isinstance(m, RestartModel):
        return Restart(m.at, m.node, m.for_, note)
    if isinstance(m, PromoteModel):
        return Promote(m.at, m.shard, note)
    if isinstance(m, HotKeyModel):
        return HotKey(m.at, m.share, note)
    if isinstance(m, MitigateModel):
        queue = m.queue_timeout_ms / 1000 if m.queue_timeout_ms else None
        return Mitigate(
            m.at, m.l1, m.retries, queue, m.servers, m.cores, m.replicas, m.shards, note
        )
    raise TypeError(f"unknown event model {type(m).__name__}")
