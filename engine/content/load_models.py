"""Strict models of the load content: capacity.yaml, rungs.yaml, under_load.yaml and the
scenarios under scenarios/. Unknown keys are rejected; cross-checks live in load_files."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from engine.content.models import Line, Slug, SourceId, Strict

Basis = Annotated[str, StringConstraints(min_length=1, max_length=30)]
Note = Annotated[str, StringConstraints(min_length=3, max_length=300)]


class Sourced(Strict):
    basis: Basis
    note: Note


class NodeCapacityModel(Sourced):
    ops_per_s: float = Field(gt=0, le=10_000_000)
    workers: int = Field(ge=1, le=256)


class NodesModel(Strict):
    lb: NodeCapacityModel
    cache: NodeCapacityModel
    db_read: NodeCapacityModel
    db_write: NodeCapacityModel
    replica_apply: NodeCapacityModel


class AppModel(Sourced):
    cores: int = Field(ge=1, le=256)
    sizes: list[int] = Field(min_length=1, max_length=12)


class DatabaseModel(Sourced):
    sizes: list[int] = Field(min_length=1, max_length=12)


class CacheMemoryModel(Sourced):
    keys_per_node: int = Field(ge=1, le=10**9)


class ObjectivesModel(Sourced):
    p99_ms: float = Field(gt=0, le=10_000)
    utilisation_target: float = Field(ge=0.3, le=0.95)
    timeout_ms: float = Field(ge=10, le=120_000)


class RywModel(Sourced):
    reads_per_write: float = Field(ge=0, le=100)


class LocalCacheModel(Sourced):
    keys: int = Field(ge=1, le=1_000_000)
    ttl_s: float = Field(gt=0, le=3_600)


class EdgeModel(Sourced):
    cacheable_share: float = Field(ge=0, le=1)
    ttl_s: float = Field(gt=0, le=86_400)
    pops: int = Field(ge=1, le=1_000)


class PriceModel(Sourced):
    usd: float = Field(gt=0, le=1_000)


class PricesModel(Strict):
    vm_vcpu_hour: PriceModel
    db_vcpu_hour: PriceModel
    cache_node_hour: PriceModel
    cdn_per_10k_requests: PriceModel


class CapacityFile(Strict):
    nodes: NodesModel
    app: AppModel
    database: DatabaseModel
    cache_memory: CacheMemoryModel
    objectives: ObjectivesModel
    read_your_writes: RywModel
    local_cache: LocalCacheModel
    edge: EdgeModel
    prices: PricesModel


TierName = Literal["lb", "app", "cache", "primary", "replica"]


class RungModel(Strict):
    id: Slug
    label: Annotated[str, StringConstraints(min_length=3, max_length=60)]
    relieves: list[TierName] = Field(min_length=1, max_length=5)
    rank: int = Field(ge=1, le=5)
    why: Line
    not_fixed: Line
    sources: list[SourceId] = Field(default_factory=list)


class RungsFile(Strict):
    rungs: list[RungModel] = Field(min_length=1)


class FollowUpModel(Strict):
    drill: Slug
    run: Annotated[str, StringConstraints(min_length=6, max_length=120)]
    why: Line


class FollowUpsFile(Strict):
    follow_ups: list[FollowUpModel] = Field(min_length=1)


# --- scenarios --------------------------------------------------------------------------------

NodeName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9\-]{2,30}$")]
Seconds = Annotated[float, Field(ge=0, le=600)]


class ClusterModel(Strict):
    servers: int = Field(default=3, ge=1, le=256)
    cores: int | None = None
    algorithm: Literal["round-robin", "least-connections", "weighted", "consistent-hash"] = (
        "round-robin"
    )
    cache_nodes: int = Field(default=1, ge=0, le=64)
    cache_keys: int = Field(default=100, ge=0, le=10**9)
    ttl_s: int = Field(default=300, ge=1, le=86_400)
    shards: int = Field(default=1, ge=1, le=64)
    replicas: int = Field(default=1, ge=0, le=15)
    db_cores: int | None = None
    lag_ms: int = Field(default=100, ge=0, le=60_000)
    lb_nodes: int = Field(default=1, ge=1, le=8)
    lb_standby: bool = False
    vip_failover_s: float = Field(default=6, ge=1, le=60)
    l1: bool = False
    cdn: bool = False


class TrafficModel(Strict):
    rate: float = Field(ge=1, le=10_000_000)
    reads: Annotated[str, StringConstraints(pattern=r"^[0-9]{1,6}:[0-9]{1,6}$")] = "100:1"
    keys: int = Field(default=1_000_000, ge=1, le=10_000_000)
    zipf: float = Field(default=1.0, ge=0, le=3)


class ClientsModel(Strict):
    timeout_ms: int = Field(default=2_000, ge=50, le=60_000)
    retries: int = Field(default=0, ge=0, le=5)
    backoff_ms: int = Field(default=0, ge=0, le=60_000)
    queue_timeout_ms: int | None = Field(default=None, ge=10, le=60_000)


class _EventModel(Strict):
    at: Seconds
    note: Line | None = None


class SpikeModel(_EventModel):
    do: Literal["spike"]
    factor: float = Field(ge=0.1, le=20)
    for_: Seconds = Field(alias="for", gt=0)


class KillModel(_EventModel):
    do: Literal["kill"]
    node: NodeName


class ReviveModel(_EventModel):
    do: Literal["revive"]
    node: NodeName


class RestartModel(_EventModel):
    do: Literal["restart"]
    node: NodeName
    for_: Seconds = Field(alias="for", gt=0)


class PromoteModel(_EventModel):
    do: Literal["promote"]
    shard: int = Field(default=0, ge=0, le=63)


class HotKeyModel(_EventModel):
    do: Literal["hot-key"]
    share: float = Field(ge=0, le=0.9)


class MitigateModel(_EventModel):
    do: Literal["mitigate"]
    l1: bool | None = None
    retries: int | None = Field(default=None, ge=0, le=5)
    queue_timeout_ms: int | None = Field(default=None, ge=10, le=60_000)
    servers: int | None = Field(default=None, ge=1, le=256)
    cores: int | None = Field(default=None, ge=1, le=256)
    replicas: int | None = Field(default=None, ge=0, le=15)
    shards: int | None = Field(default=None, ge=1, le=64)


EventModel = Annotated[
    SpikeModel
    | KillModel
    | ReviveModel
    | RestartModel
    | PromoteModel
    | HotKeyModel
    | MitigateModel,
    Field(discriminator="do"),
]


class ScenarioFile(Strict):
    id: Slug
    title: Annotated[str, StringConstraints(min_length=3, max_length=80)]
    summary: Annotated[str, StringConstraints(min_length=10, max_length=300)]
    seed: int = Field(ge=0, le=2**31 - 1)
    duration_s: int = Field(ge=10, le=600)
    cluster: ClusterModel = Field(default_factory=ClusterModel)
    traffic: TrafficModel
    clients: ClientsModel = Field(default_factory=ClientsModel)
    events: list[EventModel] = Field(min_length=1, max_length=20)
    sources: list[SourceId] = Field(default_factory=list)
