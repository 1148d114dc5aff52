"""A named scenario as data: a cluster, a traffic, the clients' habits and scheduled events."""

from __future__ import annotations

from dataclasses import dataclass

from engine.load.topology import Topology
from engine.load.traffic import Traffic

STEP_S = 1.0  # the simulation's fixed step
LONGEST_S = 600  # a scenario covers at most ten simulated minutes


@dataclass(frozen=True, slots=True)
class Clients:
    timeout_s: float  # a client gives up after this long
    retries: int  # and sends the request again this many times at most
    backoff_s: float  # after waiting this long
    queue_timeout_s: float | None = None  # the server drops requests queued longer (shedding)


@dataclass(frozen=True, slots=True)
class Spike:
    at: float
    factor: float  # the offered rate is multiplied by this
    duration: float
    note: str = ""


@dataclass(frozen=True, slots=True)
class Kill:
    at: float
    node: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Revive:
    at: float
    node: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Restart:
    """A node goes down and comes back `duration` seconds later (a cache comes back empty)."""

    at: float
    node: str
    duration: float
    note: str = ""


@dataclass(frozen=True, slots=True)
class Promote:
    """A replica of the shard becomes its primary (the failover's end)."""

    at: float
    shard: int
    note: str = ""


@dataclass(frozen=True, slots=True)
class HotKey:
    at: float
    share: float  # share of reads that now go to one key
    note: str = ""


@dataclass(frozen=True, slots=True)
class Mitigate:
    """An operator's or a client library's change: turn on the L1 cache, cap retries, shed load
    queued too long, add app servers."""

    at: float
    l1: bool | None = None
    retries: int | None = None
    queue_timeout_s: float | None = None
    servers: int | None = None
    cores: int | None = None  # resize every app server (pair it with a restart: it is one)
    replicas: int | None = None
    shards: int | None = None  # an online reshard takes hours; a scenario lands it at once
    note: str = ""


Event = Spike | Kill | Revive | Restart | Promote | HotKey | Mitigate


@dataclass(frozen=True, slots=True)
class Scenario:
    id: str
    title: str
    summary: str
    seed: int
    duration_s: int
    topology: Topology
    traffic: Traffic
    clients: Clients
    events: tuple[Event, ...]
    vip_failover_s: float  # how long the standby balancer takes to claim the address
    sources: tuple[str, ...] = ()
