"""The configurations the analytic model is checked on against the discrete-event simulation:
below saturation (utilisation, mean and p99 must agree) and past it (which tier breaks first).
Shared by tests/load/test_against_des.py (a few, short) and bench/load_des.py (all, long)."""

from __future__ import annotations

from dataclasses import dataclass

from engine.load.capacity import Capacities
from engine.load.topology import AppNode, Topology, default_topology
from engine.load.traffic import Traffic


@dataclass(frozen=True)
class Config:
    name: str
    top: Topology
    traffic: Traffic


def _top(
    caps: Capacities,
    servers: int = 3,
    cores: int | None = None,
    cache_keys: int = 100,
    cache_nodes: int = 1,
    replicas: int = 1,
    shards: int = 1,
    db_cores: int | None = None,
) -> Topology:
    base = default_topology(caps)
    top = Topology(
        app=tuple(AppNode() for _ in range(servers)),
        app_cores=cores or base.app_cores,
        cache_nodes=cache_nodes if cache_keys else 0,
        cache_keys=cache_keys if cache_nodes else 0,
        db_cores=db_cores or base.db_cores,
    )
    return top.with_data(shards, replicas)


def below_saturation(caps: Capacities) -> list[Config]:
    r = 100 / 101
    return [
        Config("default 1k 100:1", _top(caps), Traffic(1_000, r)),
        Config("default 4k 100:1 (app 73%)", _top(caps), Traffic(4_000, r)),
        Config("default 4.9k 100:1 (app 90%)", _top(caps), Traffic(4_900, r)),
        Config("1 server 80% (drill A)", _top(caps, servers=1), Traffic(1_450, 20 / 21)),
        Config("1 server, 8 vCPUs", _top(caps, servers=1, cores=8), Traffic(2_200, 20 / 21)),
        Config("no cache, 2 replicas", _top(caps, cache_keys=0, replicas=2), Traffic(3_000, r)),
        Config(
            "no replica: reads+writes on primary", _top(caps, replicas=0), Traffic(3_000, 10 / 11)
        ),
        Config(
            "primary only 1:1 writes",
            _top(caps, servers=4, replicas=0, cache_keys=0),
            Traffic(4_000, 0.5),
        ),
        Config("writes 3:1, 2 shards", _top(caps, servers=6, shards=2), Traffic(8_000, 0.75)),
        Config(
            "big cache zipf 0.8",
            _top(caps, servers=8, cache_keys=100_000),
            Traffic(10_000, r, zipf=0.8),
        ),
        Config(
            "big cache zipf 1.2",
            _top(caps, servers=8, cache_keys=100_000),
            Traffic(10_000, r, zipf=1.2),
        ),
        Config(
            "one cache node, 40k/s",
            _top(caps, servers=8, cores=16, cache_keys=1_000_000),
            Traffic(40_000, 200 / 201),
        ),
        Config(
            "one cache node, 58k/s",
            _top(caps, servers=10, cores=16, cache_keys=1_000_000),
            Traffic(58_000, 200 / 201),
        ),
        Config(
            "two cache nodes",
            _top(caps, servers=10, cores=16, cache_keys=1_000_000, cache_nodes=2),
            Traffic(60_000, 200 / 201, zipf=0.9),
        ),
        Config(
            "replicas, small cache",
            _top(caps, servers=8, cores=8, cache_keys=1_000),
            Traffic(20_000, r),
        ),
        Config(
            "three replicas",
            _top(caps, servers=8, cores=8, cache_keys=1_000, replicas=3),
            Traffic(24_000, r),
        ),
        Config(
            "8-vCPU databases",
            _top(caps, servers=8, cores=8, cache_keys=1_000, db_cores=8),
            Traffic(20_000, r),
        ),
        Config(
            "replay-heavy replicas 5:1",
            _top(caps, servers=8, cores=8, cache_keys=1_000_000),
            Traffic(10_000, 5 / 6),
        ),
        Config("16 servers", _top(caps, servers=16, cache_keys=1_000_000), Traffic(15_000, r)),
        Config("2 servers at 85%", _top(caps, servers=2, cache_keys=10_000), Traffic(3_100, r)),
        Config(
            "4 shards 2 replicas",
            _top(caps, servers=8, cores=8, shards=4, replicas=2, cache_keys=10_000),
            Traffic(20_000, 20 / 21),
        ),
        Config(
            "balancer 60%, two cache nodes",
            _top(caps, servers=12, cores=16, cache_keys=1_000_000, cache_nodes=2),
            Traffic(60_000, 200 / 201),
        ),
    ]


def past_saturation(caps: Capacities) -> list[Config]:
    """Past 100%: which tier breaks first (its hottest node the furthest past its capacity)."""
    r = 100 / 101
    return [
        Config("app servers, replicas also past 100%", _top(caps, servers=11), Traffic(31_500, r)),
        Config("replicas (app servers at 95%)", _top(caps, servers=20), Traffic(36_000, r)),
        Config(
            "replicas, app servers also past 100%",
            _top(caps, servers=15, cache_keys=0),
            Traffic(30_000, r),
        ),
        Config(
            "primary, app servers also past 100%",
            _top(caps, servers=6, replicas=0, cache_keys=0),
            Traffic(11_000, 0.5),
        ),
        Config(
            "cache (app servers at 93%)",
            _top(caps, servers=14, cores=16, cache_keys=1_000_000),
            Traffic(95_000, 200 / 201),
        ),
        Config(
            "balancer (cache at 96%)",
            _top(caps, servers=16, cores=16, cache_keys=1_000_000, cache_nodes=2),
            Traffic(110_000, 200 / 201),
        ),
    ]
