"""The analytic load model against a ciw discrete-event simulation of the same network
(issue #14): over the grid below saturation, utilisation per tier within 3 percentage points,
mean latency within 10%, p99 within 20%; past saturation, the same tier breaks first; and the
analytic model at least 100x faster than the simulation of the same case.

The simulation is tests/load/des.py; the grid is tests/load/grid.py (the tests run a few of
these configurations, shorter).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import benchkit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "load"))

from des import run_des
from grid import Config, below_saturation, past_saturation

from engine.content.loader import load_content
from engine.load.capacity import Capacities
from engine.load.model import analyse
from engine.load.traffic import Tier
from engine.load.verdict import verdict


def _tier_of(name: str) -> Tier:
    if name.startswith("lb"):
        return Tier.LB
    if name.startswith("app"):
        return Tier.APP
    if name.startswith("cache"):
        return Tier.CACHE
    return Tier.REPLICA if "replica" in name else Tier.PRIMARY


def _analytic_ns(config: Config, caps: Capacities) -> float:
    analyse(config.top, config.traffic, caps)
    times = []
    for _ in range(30):
        start = time.perf_counter_ns()
        analyse(config.top, config.traffic, caps)
        times.append(time.perf_counter_ns() - start)
    return benchkit.median(times)


def below(caps: Capacities, requests: int) -> tuple[bool, float]:
    print(f"below saturation ({requests:,} requests per configuration, seed 1, 10% warm-up)")
    print(
        f"  {'configuration':<38}{'max rho':>8}{'util pp':>8}{'mean a/s ms':>16}{'err':>7}"
        f"{'p99 a/s ms':>16}{'err':>7}{'speed-up':>10}"
    )
    ok, worst_util, worst_mean, worst_p99, least = True, 0.0, 0.0, 0.0, float("inf")
    for config in below_saturation(caps):
        report = analyse(config.top, config.traffic, caps)
        horizon = requests / config.traffic.rate
        start = time.perf_counter_ns()
        des = run_des(
            config.top,
            config.traffic,
            caps,
            report.hit_ratio,
            seed=1,
            horizon=horizon,
            warmup=horizon * 0.1,
        )
        des_ns = time.perf_counter_ns() - start
        ratio = des_ns / _analytic_ns(config, caps)
        util = 0.0
        for tier in report.tiers:
            members = [n for n in report.nodes if n.tier is tier.tier]
            a = sum(n.rho * n.count for n in members) / sum(n.count for n in members)
            names = [k for k in des.utilisation if _tier_of(k) is tier.tier]
            s = sum(des.utilisation[k] for k in names) / len(names)
            util = max(util, abs(a - s))
        mean_err = report.mean / des.mean - 1
        p99_err = report.p99 / des.p99 - 1
        good = util <= 0.03 and abs(mean_err) <= 0.10 and abs(p99_err) <= 0.20
        ok &= good
        worst_util, least = max(worst_util, util), min(least, ratio)
        worst_mean, worst_p99 = max(worst_mean, abs(mean_err)), max(worst_p99, abs(p99_err))
        print(
            f"  {config.name:<38}{max(t.rho for t in report.tiers):>8.2f}{util * 100:>8.1f}"
            f"{report.mean * 1e3:>8.2f}/{des.mean * 1e3:<7.2f}{mean_err:>+7.1%}"
            f"{report.p99 * 1e3:>8.2f}/{des.p99 * 1e3:<7.2f}{p99_err:>+7.1%}{ratio:>9.0f}x"
            f"{'' if good else '  <- outside'}"
        )
    benchkit.check(
        "utilisation per tier, worst", f"{worst_util * 100:.1f} pp", "<= 3 pp", worst_util <= 0.03
    )
    benchkit.check("mean latency, worst", f"{worst_mean:.1%}", "<= 10%", worst_mean <= 0.10)
    benchkit.check("p99 latency, worst", f"{worst_p99:.1%}", "<= 20%", worst_p99 <= 0.20)
    return ok, least


def past(caps: Capacities, requests: int) -> float:
    print(
        f"past saturation ({requests:,} requests, 20% warm-up): the tier whose hottest node "
        "is offered the most past its capacity (arrivals / completions)"
    )
    agree, least = 0, float("inf")
    configs = past_saturation(caps)
    for config in configs:
        report = analyse(config.top, config.traffic, caps)
        first = verdict(report, config.top, caps).first
        horizon = requests / config.traffic.rate
        start = time.perf_counter_ns()
        des = run_des(
            config.top,
            config.traffic,
            caps,
            report.hit_ratio,
            seed=1,
            horizon=horizon,
            warmup=horizon * 0.2,
        )
        least = min(least, (time.perf_counter_ns() - start) / _analytic_ns(config, caps))
        by_tier: dict[Tier, float] = {}
        for node, factor in des.overload.items():
            by_tier[_tier_of(node)] = max(by_tier.get(_tier_of(node), 0.0), factor)
        des_first = max(by_tier, key=lambda t: by_tier[t])
        same = first is not None and first.tier is des_first
        agree += same
        shown = ", ".join(
            f"{t.value} {f:.2f}" for t, f in sorted(by_tier.items(), key=lambda x: -x[1])[:3]
        )
        print(
            f"  {config.name:<40} analytic: {first.tier.value if first else '-'} "
            f"(rho {first.rho if first else 0:.2f}); simulation: {shown}"
            f"{'' if same else '  <- disagree'}"
        )
    benchkit.check(
        "past saturation, same tier breaks first",
        f"{agree}/{len(configs)}",
        "all",
        agree == len(configs),
    )
    return least


def main() -> None:
    args = benchkit.parse_args(__doc__.splitlines()[0])
    benchkit.header("load model against a discrete-event simulation (ciw)", args.quick)
    caps = load_content().load.capacities
    requests = 15_000 if args.quick else 60_000
    _, least_below = below(caps, requests)
    least_past = past(caps, requests // 2)
    least = min(least_below, least_past)
    benchkit.check(
        "analytic vs simulation of the same case, least", f"{least:,.0f}x", ">= 100x", least >= 100
    )
    benchkit.summary()


if __name__ == "__main__":
    main()
