"""Erlang C and the end-to-end latency composition."""

from __future__ import annotations

import random

import pytest

from engine.load.latency_dist import Branch, Mixture, Visit, phases
from engine.load.queueing import Flow, erlang_c, station


@pytest.mark.parametrize(
    ("c", "rho", "p_wait", "w_ms"),
    # subject.md 4.4, S = 10 ms: c=8 -> P_wait / W; c=1 -> W = S / (1 - rho)
    [
        (8, 0.5, 0.06, 10.2),
        (8, 0.8, 0.46, 12.9),
        (8, 0.9, 0.70, 18.8),
        (8, 0.99, 0.97, 131),
        (32, 0.9, 0.46, 11.4),
        (1, 0.8, 0.8, 50),
    ],
)
def test_erlang_c_matches_the_subject_table(c: int, rho: float, p_wait: float, w_ms: float) -> None:
    service = 0.010
    q = station(c, [Flow(rho * c / service, service)])
    assert q.p_wait == pytest.approx(p_wait, abs=0.01)
    assert (q.wait + service) * 1000 == pytest.approx(w_ms, rel=0.02)


def test_erlang_c_is_stable_for_many_servers() -> None:
    assert 0 < erlang_c(1_000, 990) < 1


def test_past_capacity_the_station_is_saturated() -> None:
    q = station(4, [Flow(3_000, 0.002)])
    assert q.saturated
    assert q.rho == pytest.approx(1.5)


def test_mixed_service_times_raise_the_wait() -> None:
    one = station(4, [Flow(10_000, 0.0003)])
    mixed = station(4, [Flow(5_000, 0.0002), Flow(5_000, 0.0004)])
    assert mixed.rho == pytest.approx(one.rho)
    assert mixed.wait > one.wait  # Allen-Cunneen: (1 + Cs^2) / 2 > 1 for a mix


def test_phases_match_monte_carlo_with_a_repeated_station() -> None:
    visits = [
        Visit(0.3, 200.0, 1 / 0.0022),
        Visit(0.5, 5000.0, 80_000.0),
        Visit(0.2, 3000.0, 5000.0),
        Visit(0.5, 5000.0, 80_000.0),
    ]
    rng = random.Random(1)
    samples = []
    for _ in range(60_000):
        t = 0.0
        for v in visits:
            if rng.random() < v.p_wait:
                t += rng.expovariate(v.theta)
            t += rng.expovariate(v.mu)
        samples.append(t)
    samples.sort()
    mix = Mixture((Branch(1.0, 0.0, phases(visits), sum(v.mean for v in visits)),))
    for q in (0.5, 0.9, 0.99):
        assert mix.quantile(q) == pytest.approx(samples[int(q * len(samples))], rel=0.04)
    assert mix.mean() == pytest.approx(sum(samples) / len(samples), rel=0.02)
