"""The analytic model against a ciw discrete-event simulation of the same network (a short
selection of the grid; bench/load_des.py runs all of it, longer)."""

from __future__ import annotations

import pytest
from des import run_des
from grid import Config, below_saturation, past_saturation

from engine.load.capacity import Capacities
from engine.load.model import LoadReport, analyse
from engine.load.traffic import Tier
from engine.load.verdict import verdict

REQUESTS = 15_000  # per configuration: one to two seconds of ciw each (the bench runs 60k)


def tier_utilisation(
    report: LoadReport, des_util: dict[str, float], tier: Tier
) -> tuple[float, float]:
    members = [n for n in report.nodes if n.tier is tier]
    analytic = sum(n.rho * n.count for n in members) / sum(n.count for n in members)
    names = [k for k in des_util if _tier_of(k) is tier]
    return analytic, sum(des_util[k] for k in names) / len(names)


def _tier_of(name: str) -> Tier:
    if name.startswith("lb"):
        return Tier.LB
    if name.startswith("app"):
        return Tier.APP
    if name.startswith("cache"):
        return Tier.CACHE
    return Tier.REPLICA if "replica" in name else Tier.PRIMARY


def _pick(configs: list[Config], names: list[str]) -> list[Config]:
    return [c for c in configs if c.name in names]


@pytest.mark.parametrize(
    "name",
    ["default 4k 100:1 (app 73%)", "no replica: reads+writes on primary", "one cache node, 58k/s"],
)
def test_below_saturation_agrees(caps: Capacities, name: str) -> None:
    config = next(c for c in below_saturation(caps) if c.name == name)
    report = analyse(config.top, config.traffic, caps)
    horizon = REQUESTS / config.traffic.rate
    des = run_des(
        config.top,
        config.traffic,
        caps,
        report.hit_ratio,
        seed=7,
        horizon=horizon,
        warmup=horizon * 0.1,
    )
    assert des.completed > REQUESTS * 0.8
    for tier in report.tiers:
        analytic, simulated = tier_utilisation(report, des.utilisation, tier.tier)
        assert abs(analytic - simulated) <= 0.03, (tier.tier, analytic, simulated)
    assert report.mean == pytest.approx(des.mean, rel=0.10)
    assert report.p99 == pytest.approx(des.p99, rel=0.20)


def test_past_saturation_the_same_tier_breaks_first(caps: Capacities) -> None:
    config = next(c for c in past_saturation(caps) if c.name.startswith("primary"))
    report = analyse(config.top, config.traffic, caps)
    first = verdict(report, config.top, caps).first
    assert first is not None
    assert first.tier is Tier.PRIMARY
    assert first.rho > 1
    horizon = 8_000 / config.traffic.rate
    des = run_des(
        config.top,
        config.traffic,
        caps,
        report.hit_ratio,
        seed=3,
        horizon=horizon,
        warmup=horizon * 0.2,
    )
    by_tier: dict[Tier, float] = {}
    for node, factor in des.overload.items():
        tier = _tier_of(node)
        by_tier[tier] = max(by_tier.get(tier, 0.0), factor)
    assert max(by_tier, key=lambda t: by_tier[t]) is Tier.PRIMARY
    assert des.utilisation["db"] > 0.97  # it really is saturated in the simulation
