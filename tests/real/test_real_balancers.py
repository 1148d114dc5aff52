"""Rungs' balancer models against the real HAProxy and nginx, on loopback.

Each test runs one configuration and one request stream through the real program, in front of
small asyncio backends, and through the simulation configured the same way, and compares what
each chose: which backend answered each request, with what status, and when health checks
changed a server's state. The tests skip, saying so, where a program is not installed
(`apt-get install haproxy nginx-light`; `.ci/run` does it where it can).

Timing: the checks run every 200 ms here (HAProxy `inter 200`, the model's `interval=0.2`), and
requests go 50 ms apart, so each test takes a second or two. Comparisons that depend on when a
check fires relative to the test's own start (which the test cannot align with HAProxy's check
schedule) are stated as windows that hold for any alignment.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from harness import (
    HAPROXY,
    NGINX,
    Backend,
    Proxy,
    backends,
    fire,
    get,
    haproxy,
    have,
    nginx,
)
from sim_side import simulate

from engine.sim import faults
from engine.sim.config import Balancer, ClusterConfig, LbAlgorithm
from engine.sim.hashing import (
    ketama_server,
    ketama_start,
    server_names,
)

needs_haproxy = pytest.mark.skipif(
    not have(HAPROXY), reason=f"HAProxy is not installed ({HAPROXY}; apt-get install haproxy)"
)
needs_nginx = pytest.mark.skipif(
    not have(NGINX), reason=f"nginx is not installed ({NGINX}; apt-get install nginx-light)"
)

H, N = Balancer.HAPROXY, Balancer.NGINX
RR, LC, CH = LbAlgorithm.ROUND_ROBIN, LbAlgorithm.LEAST_CONNECTIONS, LbAlgorithm.CONSISTENT_HASH
SLOW_S = 0.6  # a slow backend answers after this; requests go 40 ms apart, so it stays busy
GAP_S = 0.04


def haproxy_servers(ports: list[int], weights: tuple[int, ...], opts: str = "") -> str:
    return "\n".join(
        f"    server s{i} 127.0.0.1:{port} weight {w} {opts}".rstrip()
        for i, (port, w) in enumerate(zip(ports, weights, strict=True))
    )


def every(gap: float, count: int, start: float = 0.0) -> list[tuple[float, str]]:
    return [(start + k * gap, f"/u/{k}") for k in range(count)]


# --- the algorithms ------------------------------------------------------------------------------


@needs_haproxy
@pytest.mark.parametrize("weights", [(1, 1, 1), (3, 1, 1), (5, 2, 1), (2, 3, 4, 1)])
async def test_haproxy_roundrobin_order(tmp_path: Path, weights: tuple[int, ...]) -> None:
    async with backends(*[(f"b{i}", 0.0) for i in range(len(weights))]) as bs:
        lines = "    balance roundrobin\n" + haproxy_servers([b.port for b in bs], weights)
        with haproxy(tmp_path, lines, []) as proxy:
            real = [(await get(proxy.port, f"/u/{k}")).backend for k in range(24)]
    sim, _ = simulate(
        ClusterConfig(balancer=H, lb=RR, servers=len(weights), weights=weights), every(0.05, 24)
    )
    assert real == [a.backend for a in sim]


@needs_nginx
@pytest.mark.parametrize("weights", [(1, 1, 1), (3, 1, 1), (5, 2, 1), (2, 3, 4, 1)])
async def test_nginx_smooth_weighted_round_robin(tmp_path: Path, weights: tuple[int, ...]) -> None:
    async with backends(*[(f"b{i}", 0.0) for i in range(len(weights))]) as bs:
        servers = [f"127.0.0.1:{b.port} weight={w}" for b, w in zip(bs, weights, strict=True)]
        with nginx(tmp_path, "", servers) as proxy:
            real = [(await get(proxy.port, f"/u/{k}")).backend for k in range(24)]
    sim, _ = simulate(
        ClusterConfig(balancer=N, lb=RR, servers=len(weights), weights=weights), every(0.05, 24)
    )
    assert real == [a.backend for a in sim]


LEAST = [
    ((1, 1, 1), (0,)),
    ((1, 1, 1), (1,)),
    ((3, 1, 1), (0,)),
    ((1, 2, 1), ()),
    ((2, 1, 1), (1,)),
]


async def least_stream(
    start: Callable[[list[Backend]], AbstractContextManager[Proxy]],
    weights: tuple[int, ...],
    slow: tuple[int, ...],
) -> list[str]:
    """The backends that answered a 40 ms stream. The comparison needs every fast answer back
    before the next request leaves (as in the model); on a machine too loaded for that, the
    stream is run again, and after three tries the test skips, saying so."""
    worst = 0.0
    for _ in range(3):
        specs = [(f"b{i}", SLOW_S if i in slow else 0.0) for i in range(len(weights))]
        async with backends(*specs) as bs:
            with start(bs) as proxy:
                answers = await fire(proxy.port, every(GAP_S, 12))
        fast = [a.seconds for a in answers if int(a.backend[1:]) not in slow]
        worst = max(fast, default=0.0)
        if worst < GAP_S:
            return [a.backend for a in answers]
    pytest.skip(
        f"the machine is too loaded: a fast answer took {worst * 1000:.0f} ms, more "
        f"than the {GAP_S * 1000:.0f} ms between requests"
    )


@needs_haproxy
@pytest.mark.parametrize(("weights", "slow"), LEAST)
async def test_haproxy_leastconn_with_a_slow_server_and_weights(
    tmp_path: Path, weights: tuple[int, ...], slow: tuple[int, ...]
) -> None:
    def start(bs: list[Backend]) -> AbstractContextManager[Proxy]:
        lines = "    balance leastconn\n" + haproxy_servers([b.port for b in bs], weights)
        return haproxy(tmp_path, lines, [])

    real = await least_stream(start, weights, slow)
    sim, _ = simulate(
        ClusterConfig(balancer=H, lb=LC, servers=len(weights), weights=weights),
        every(GAP_S, 12),
        prepare=lambda s: [faults.slow(s, f"app-{i}", int(SLOW_S * 1000)) for i in slow],
    )
    assert real == [a.backend for a in sim]


@needs_nginx
@pytest.mark.parametrize(("weights", "slow"), LEAST)
async def test_nginx_least_conn_with_a_slow_server_and_weights(
    tmp_path: Path, weights: tuple[int, ...], slow: tuple[int, ...]
) -> None:
    def start(bs: list[Backend]) -> AbstractContextManager[Proxy]:
        servers = [f"127.0.0.1:{b.port} weight={w}" for b, w in zip(bs, weights, strict=True)]
        return nginx(tmp_path, "        least_conn;", servers)

    real = await least_stream(start, weights, slow)
    sim, _ = simulate(
        ClusterConfig(balancer=N, lb=LC, servers=len(weights), weights=weights),
        every(GAP_S, 12),
        prepare=lambda s: [faults.slow(s, f"app-{i}", int(SLOW_S * 1000)) for i in slow],
    )
    assert real == [a.backend for a in sim]


@needs_haproxy
async def test_haproxy_consistent_hash_and_key_movement(tmp_path: Path) -> None:
    """HAProxy places a server's points by its id (its position), not its address, so the
    simulation's ring is the real one: every key lands where it does in the real program,
    before and after a fourth server joins."""
    paths = [f"/u/{k}" for k in range(300)]
    owners: dict[int, list[str]] = {}
    async with backends(*[(f"b{i}", 0.0) for i in range(4)]) as bs:
        for count in (3, 4):
            lines = "    balance uri\n    hash-type consistent\n" + haproxy_servers(
                [b.port for b in bs[:count]], (1,) * count
            )
            with haproxy(tmp_path, lines, []) as proxy:
                owners[count] = [(await get(proxy.port, p)).backend for p in paths]
    for count in (3, 4):
        sim, _ = simulate(ClusterConfig(balancer=H, lb=CH, servers=count), every(0.05, 300))
        assert owners[count] == [a.backend for a in sim]
    moved = sum(a != b for a, b in zip(owners[3], owners[4], strict=True))
    assert all(b == "b3" for a, b in zip(owners[3], owners[4], strict=True) if a != b)
    assert 0.15 < moved / len(paths) < 0.40  # about 1/4: only the new server's share moves


@needs_nginx
async def test_nginx_ketama_and_key_movement(tmp_path: Path) -> None:
    """nginx's ketama points are hashed from each server's name as written (`host:port`), so the
    test compares the model's ring built from the real names, then checks that the simulated
    cluster (servers named app-0 …) moves keys the same way: only to the new server."""
    paths = [f"/u/{k}" for k in range(300)]
    async with backends(*[(f"b{i}", 0.0) for i in range(4)]) as bs:
        names = tuple(f"127.0.0.1:{b.port}" for b in bs)
        for count in (3, 4):
            with nginx(tmp_path, "        hash $request_uri consistent;", list(names[:count])) as p:
                real = [(await get(p.port, path)).backend for path in paths]
            weights = (1,) * count
            ring = [
                ketama_server(names[:count], weights, ketama_start(names[:count], weights, q))
                for q in paths
            ]
            assert real == [f"b{i}" for i in ring]
    three = [
        ketama_server(server_names(3), (1,) * 3, ketama_start(server_names(3), (1,) * 3, q))
        for q in paths
    ]
    sim, _ = simulate(ClusterConfig(balancer=N, lb=CH, servers=4), every(0.05, 300))
    four = [int(a.backend[1:]) for a in sim]
    assert all(b == 3 for a, b in zip(three, four, strict=True) if a != b)
