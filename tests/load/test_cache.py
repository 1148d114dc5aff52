"""Che's approximation with the TTL against a small LRU-with-TTL simulation, and the values
of subject.md 4.5."""

from __future__ import annotations

import bisect
import random
from collections import OrderedDict

import pytest

from engine.load.zipf import hit_ratio, popularity, warming_hit_ratio


def simulate_lru(keys: int, s: float, capacity: int, ttl: float, rate: float, seed: int) -> float:
    """Poisson requests over Zipf keys into an LRU of `capacity` keys whose entries expire
    `ttl` seconds after their fill (a hit does not extend them), as the simulation and
    Redis SET EX do. The first third of the requests warms the cache up."""
    rng = random.Random(seed)
    weights = [i**-s for i in range(1, keys + 1)]
    total = sum(weights)
    cumulative, acc = [], 0.0
    for w in weights:
        acc += w / total
        cumulative.append(acc)
    cache: OrderedDict[int, float] = OrderedDict()
    now, hits, counted = 0.0, 0, 0
    n = 150_000
    for i in range(n):
        now += rng.expovariate(rate)
        key = bisect.bisect_left(cumulative, rng.random())
        expires = cache.get(key)
        hit = expires is not None and expires > now
        if hit:
            cache.move_to_end(key)
        else:
            cache.pop(key, None)
            cache[key] = now + ttl
            if len(cache) > capacity:
                cache.popitem(last=False)
        if i >= n // 3:
            counted += 1
            hits += hit
    return hits / counted


@pytest.mark.parametrize(
    ("s", "capacity", "ttl"),
    [
        (0.8, 100, 1e9),
        (1.0, 500, 1e9),
        (1.2, 50, 1e9),
        (1.0, 500, 2.0),
        (0.8, 2000, 5.0),
        (1.0, 100, 0.5),
    ],
)
def test_che_matches_an_lru_simulation(s: float, capacity: int, ttl: float) -> None:
    keys, rate = 10_000, 5_000.0
    simulated = simulate_lru(keys, s, capacity, ttl, rate, seed=1)
    assert hit_ratio(popularity(keys, s), rate, capacity, ttl) == pytest.approx(simulated, abs=0.02)


@pytest.mark.parametrize(
    ("s", "fraction", "expected"),
    [
        (0.8, 0.001, 0.10),
        (0.8, 0.01, 0.23),
        (0.8, 0.1, 0.49),
        (1.0, 0.001, 0.40),
        (1.0, 0.01, 0.59),
        (1.0, 0.1, 0.78),
        (1.2, 0.001, 0.76),
        (1.2, 0.01, 0.88),
    ],
)
def test_subject_table_for_a_million_keys(s: float, fraction: float, expected: float) -> None:
    keys = 1_000_000
    assert hit_ratio(popularity(keys, s), 1e5, int(keys * fraction), 1e12) == pytest.approx(
        expected, abs=0.006
    )


def test_ten_million_keys_and_the_top_key_share() -> None:
    pop = popularity(10_000_000, 1.0)
    assert len(pop.groups) < 200  # grouped: fast whatever N is
    assert pop.top_share(1) == pytest.approx(1 / 16.695, rel=0.002)  # H(10^7) ~ 16.695
    assert 0 < hit_ratio(pop, 5e4, 100_000, 300) < 1


def test_warm_up_climbs_to_the_steady_hit_ratio() -> None:
    pop = popularity(100_000, 1.0)
    steady = hit_ratio(pop, 10_000, 10_000, 300)
    early = warming_hit_ratio(pop, 10_000, 10_000, 300, 1)
    later = warming_hit_ratio(pop, 10_000, 10_000, 300, 30)
    assert 0 < early < later <= steady + 1e-9
    assert warming_hit_ratio(pop, 10_000, 10_000, 300, 10_000) == pytest.approx(steady, rel=1e-6)
