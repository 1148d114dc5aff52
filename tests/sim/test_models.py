"""The balancer models, request by request, against sequences recorded from the real programs
(HAProxy 2.6.12 and nginx 1.22.1 from Debian bookworm, on loopback: see tests/real, which checks
them again wherever the binaries are installed)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

import pytest
from conftest import server_of

from engine.content.loader import Content
from engine.sim import faults
from engine.sim import operations as ops
from engine.sim.balancer import CheckProgress, check_progress, in_rotation, traffic_shares
from engine.sim.config import Balancer, ClusterConfig, LbAlgorithm
from engine.sim.movement import ring_owner
from engine.sim.request import Method, Request
from engine.sim.state import new_cluster
from engine.sim.trace import run_request

H, N = Balancer.HAPROXY, Balancer.NGINX


def served(
    content: Content,
    balancer: Balancer,
    lb: LbAlgorithm,
    weights: Sequence[int],
    requests: int,
    slow: Sequence[int] = (),
) -> list[int]:
    state = new_cluster()
    ops.apply_settings(
        state,
        {"balancer": balancer, "lb": lb, "servers": len(weights), "weights": tuple(weights)},
    )
    for index in slow:
        faults.slow(state, f"app-{index}", 2_000)
    lat = content.latencies
    out = []
    for k in range(requests):
        trace = run_request(state, Request(Method.GET, f"/u/{k}"), "alice", lat)
        out.append(int(server_of(trace).removeprefix("app-")))
    return out


def seq(text: str) -> list[int]:
    return [int(c) for c in text]


# Recorded: 24 sequential GETs through `balance roundrobin` / nginx's default round-robin.
ROUND_ROBIN = [
    (H, (1, 1, 1), "012012012012012012012012"),
    (N, (1, 1, 1), "012012012012012012012012"),
    (H, (3, 1, 1), "001020010200102001020010"),
    (N, (3, 1, 1), "010200102001020010200102"),
    (H, (5, 2, 1), "001002010010020100100201"),
    (N, (5, 2, 1), "010020100100201001002010"),
]


@pytest.mark.parametrize(("balancer", "weights", "expected"), ROUND_ROBIN)
def test_round_robin_is_each_programs_own_weighted_order(
    content: Content, balancer: Balancer, weights: tuple[int, ...], expected: str
) -> None:
    assert served(content, balancer, LbAlgorithm.ROUND_ROBIN, weights, 24) == seq(expected)


# Recorded: 16 GETs 50 ms apart, server `slow` answering after 2 s, the others at once.
LEAST_CONNECTIONS = [
    (H, (1, 1, 1), (0,), "0121212121212121"),
    (N, (1, 1, 1), (0,), "0121212121212121"),
    (H, (1, 1, 1), (1,), "0120202020202020"),
    (N, (1, 1, 1), (1,), "0122020202020202"),  # nginx breaks the 0/2 tie by smooth weights
    (H, (1, 2, 1), (), "0120120120120120"),  # idle servers all have key 0: weights unused
    (N, (1, 2, 1), (), "1021102110211021"),  # nginx weights ties by weight
    (H, (2, 1, 1), (1,), "0120202020202020"),
    (N, (2, 1, 1), (1,), "0120020020020020"),
]


@pytest.mark.parametrize(("balancer", "weights", "slow", "expected"), LEAST_CONNECTIONS)
def test_least_connections_tie_breaks_and_weights_are_the_programs_own(
    content: Content,
    balancer: Balancer,
    weights: tuple[int, ...],
    slow: tuple[int, ...],
    expected: str,
) -> None:
    got = served(content, balancer, LbAlgorithm.LEAST_CONNECTIONS, weights, 16, slow)
    assert got == seq(expected)


def test_the_lesson_claim_least_connections_avoids_the_slow_server(content: Content) -> None:
    for balancer in Balancer:
        got = served(content, balancer, LbAlgorithm.LEAST_CONNECTIONS, (1, 1, 1), 30, slow=(0,))
        assert got.count(0) == 1, balancer  # one request before it was known to be slow
        robin = served(content, balancer, LbAlgorithm.ROUND_ROBIN, (1, 1, 1), 30, slow=(0,))
        assert robin.count(0) == 10, balancer


def test_the_arrival_gap_is_what_makes_a_slow_server_pile_up(content: Content) -> None:
    lat = replace(content.latencies, arrival_gap_ms=5_000.0)  # requests 5 s apart: never busy
    state = new_cluster()
    ops.apply_settings(state, {"lb": LbAlgorithm.LEAST_CONNECTIONS})
    faults.slow(state, "app-0", 2_000)
    got = [server_of(run_request(state, Request(Method.GET, "/u/1"), "a", lat)) for _ in range(6)]
    assert got == ["app-0", "app-1", "app-2"] * 2


@pytest.mark.parametrize("balancer", list(Balancer))
@pytest.mark.parametrize("weights", [(1, 1, 1), (3, 1, 1), (1, 2, 3, 4)])
def test_traffic_shares_match_where_the_ring_sends_keys(
    balancer: Balancer, weights: tuple[int, ...]
) -> None:
    """engine.sim.balancer.traffic_shares, for the load model and the pictures: each server's
    slice of the ring is the share of keys that land on it."""
    cfg = ClusterConfig(
        balancer=balancer, lb=LbAlgorithm.CONSISTENT_HASH, servers=len(weights), weights=weights
    )
    shares = traffic_shares(cfg)
    assert sum(shares) == pytest.approx(len(weights))
    paths = [f"/u/{k}" for k in range(20_000)]
    landed = Counter(ring_owner(cfg, p) for p in paths)
    for server, share in enumerate(shares):
        assert landed[server] / len(paths) * len(weights) == pytest.approx(share, abs=0.05)
    plain = traffic_shares(ClusterConfig(balancer=balancer, servers=3, weights=(3, 1, 1)))
    assert plain == pytest.approx([1.8, 0.6, 0.6])


def test_check_progress_counts_as_haproxy_does(content: Content) -> None:
    state = new_cluster()
    assert check_progress(state, 1) == CheckProgress(True, 1, 3)  # at rise: "UP 1/3"
    ops.wait(state, 2)
    assert check_progress(state, 1) == CheckProgress(True, 3, 3)  # full health: "UP 3/3"
    faults.kill(state, "app-1")
    ops.wait(state, 2)
    assert check_progress(state, 1) == CheckProgress(True, 2, 3)  # one failed: "UP 2/3"
    ops.wait(state, 4)
    assert check_progress(state, 1) == CheckProgress(False, 2, 2)  # "DOWN 0/2"
    assert not in_rotation(state, 1)
    faults.revive(state, "app-1")
    ops.wait(state, 2)
    assert check_progress(state, 1) == CheckProgress(False, 1, 2)  # "DOWN 1/2"
