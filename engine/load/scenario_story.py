"""A scenario's result: the figures over time as named series a chart can be drawn from, and a
short time line of what happened and why, written from those same figures."""

from __future__ import annotations

from dataclasses import dataclass

from engine.load.capacity import Capacities
from engine.load.scenario_run import Step, simulate
from engine.load.scenario_spec import Restart, Scenario, Spike
from engine.load.traffic import Tier

_ERRORS_ON = 0.02  # a share of failing requests worth a line on the time line
_MAX_LINES = 14


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    unit: str
    values: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Moment:
    t: float
    text: str
    kind: str  # "event" (scheduled) or "effect" (what the figures show)


@dataclass(frozen=True, slots=True)
class ScenarioRun:
    scenario: Scenario
    times: tuple[float, ...]
    series: tuple[Series, ...]
    timeline: tuple[Moment, ...]
    requests: float  # offered over the run, retries included
    failed: float
    lost_writes: float
    verdict: str  # one closing sentence

    def values(self, name: str) -> tuple[float, ...]:
        return next(s.values for s in self.series if s.name == name)


def run_scenario(scenario: Scenario, caps: Capacities) -> ScenarioRun:
    steps, happened = simulate(scenario, caps)
    moments = [Moment(t, _sentence(text), "event") for t, text in happened]
    moments += _effects(steps, caps, _trigger_end(scenario))
    moments.sort(key=lambda m: (m.t, m.kind != "event"))
    failed = sum(s.errors for s in steps)
    lost = _lost_writes(happened)
    return ScenarioRun(
        scenario=scenario,
        times=tuple(s.t for s in steps),
        series=_series(steps),
        timeline=tuple(moments[:_MAX_LINES]),
        requests=sum(s.offered for s in steps),
        failed=failed,
        lost_writes=lost,
        verdict=_closing(scenario, steps),
    )


def _sentence(text: str) -> str:
    """Capitalised, unless it starts with a node's name (db, cache, app-0 stay as typed)."""
    first = text.split(" ", 1)[0]
    if first in ("db", "cache", "lb") or "-" in first:
        return text
    return text[0].upper() + text[1:]


def _series(steps: list[Step]) -> tuple[Series, ...]:
    out = [
        Series("offered", "req/s", tuple(s.offered for s in steps)),
        Series("fresh", "req/s", tuple(s.fresh for s in steps)),
        Series("answered", "req/s", tuple(s.answered for s in steps)),
        Series("errors", "req/s", tuple(s.errors for s in steps)),
        Series("p99", "ms", tuple(s.p99_ms for s in steps)),
        Series("hit_ratio", "share", tuple(s.hit_ratio for s in steps)),
        Series("lag", "s", tuple(s.lag_s for s in steps)),
    ]
    tiers = [t for t in Tier if any(t.value in s.busy for s in steps)]
    for tier in tiers:
        values = tuple(s.busy.get(tier.value, 0.0) for s in steps)
        out.append(Series(f"busy.{tier.value}", "share", values))
    return tuple(out)


def _effects(steps: list[Step], caps: Capacities, trigger_end: float) -> list[Moment]:
    out: list[Moment] = []
    for tier in Tier:
        out += _saturation(steps, tier)
    out += _error_spells(steps)
    out += _slow_spells(steps, caps)
    out += _metastable(steps, trigger_end)
    out += _lag_spells(steps)
    out += _warm_up(steps)
    return out


def _saturation(steps: list[Step], tier: Tier) -> list[Moment]:
    out, on = [], False
    for s in steps:
        rho = s.offered_rho.get(tier.value, 0.0)
        if not on and rho >= 1:
            on = True
            text = tier.verb("saturates", "saturate").capitalize()
            out.append(
                Moment(
                    s.t,
                    f"{text}: offered {rho:.0%} of what "
                    f"{'they' if tier.plural else 'it'} can serve, so a backlog "
                    "builds",
                    "effect",
                )
            )
        elif on and s.busy.get(tier.value, 0.0) < 1:
            on = False
            text = tier.verb("has", "have").capitalize()
            out.append(Moment(s.t, f"{text} worked off the backlog", "effect"))
    return out


def _error_spells(steps: list[Step]) -> list[Moment]:
    out, on = [], False
    for s in steps:
        share = s.errors / s.offered if s.offered else 0.0
        if not on and share >= _ERRORS_ON:
            on = True
            out.append(Moment(s.t, f"{share:.0%} of requests fail: {s.reason}", "effect"))
        elif on and share < _ERRORS_ON:
            on = False
            out.append(Moment(s.t, "Errors are back under 2%", "effect"))
    return out


def _slow_spells(steps: list[Step], caps: Capacities) -> list[Moment]:
    """p99 past the objective while nothing fails yet; a spell ends after 30 s back under 80%
    of the objective (noise near the line would otherwise repeat the sentence)."""
    limit = caps.p99_objective_s * 1000
    out, on, calm = [], False, 0
    for s in steps:
        failing = s.errors / max(s.offered, 1) >= _ERRORS_ON
        if not on and s.p99_ms > limit and not failing:
            on, calm = True, 0
            out.append(
                Moment(
                    s.t,
                    f"p99 rises to {s.p99_ms:.0f} ms, past the {limit:.0f} ms "
                    "objective, before anything fails",
                    "effect",
                )
            )
        elif on:
            calm = calm + 1 if s.p99_ms < 0.8 * limit else 0
            on = calm < 30
    return out


def _warm_up(steps: list[Step]) -> list[Moment]:
    """After the cache comes back empty: when its hit ratio is back to 95% of where it was."""
    before = steps[0].hit_ratio if steps else 0.0
    down = next((i for i, s in enumerate(steps) if s.cache_state == "down"), None)
    if not before or down is None:
        return []
    back = next((i for i in range(down, len(steps)) if steps[i].cache_state == "up"), None)
    if back is None:
        return []
    for s in steps[back:]:
        if s.hit_ratio >= 0.95 * before:
            took = s.t - steps[back].t
            return [
                Moment(
                    s.t,
                    (
                        f"The cache is warm again: hit ratio {s.hit_ratio:.0%}, {took:.0f} s "
                        "after it came back; the hot keys returned first, the long tail last"
                    ),
                    "effect",
                )
            ]
    return []


def _lag_spells(steps: list[Step]) -> list[Moment]:
    for s in steps:
        if s.lag_s >= 1:
            worst = max(x.lag_s for x in steps)
            return [
                Moment(
                    s.t,
                    (
                        "Replica lag passes 1 s: each replica replays every write on one thread "
                        f"and falls behind (it reaches {worst:.0f} s); reads from replicas are "
                        "that stale"
                    ),
                    "effect",
                )
            ]
    return []


def _trigger_end(scenario: Scenario) -> float:
    """When the last spike or restart is over (0 when there is none)."""
    end = 0.0
    for e in scenario.events:
        if isinstance(e, Spike | Restart):
            end = max(end, e.at + e.duration)
    return end


def _metastable(steps: list[Step], trigger_end: float) -> list[Moment]:
    """The retry storm's signature: the trigger is gone, the failure stays."""
    if not trigger_end:
        return []
    for s in steps:
        if s.t >= trigger_end + 20 and s.errors >= 0.5 * s.offered and s.offered > 0:
            ratio = s.offered / max(s.fresh, 1)
            return [
                Moment(
                    s.t,
                    (
                        f"The trigger has been gone for {s.t - trigger_end:.0f} s, yet "
                        f"{s.errors / s.offered:.0%} of requests fail: retries keep the offered "
                        f"load at {ratio:.1f}x the new traffic and every server is busy with "
                        "requests whose clients have given up. A metastable failure"
                    ),
                    "effect",
                )
            ]
        if s.t >= trigger_end + 20:
            return []
    return []


def _lost_writes(happened: list[tuple[float, str]]) -> float:
    total = 0.0
    for _, text in happened:
        if "commits it had not yet shipped" in text:
            total += float(text.split("about ")[1].split(" ")[0].replace(",", ""))
    return total


def _closing(scenario: Scenario, steps: list[Step]) -> str:
    """The run's last word: did it recover, and if not, is the trigger still there?"""
    trigger_end = _trigger_end(scenario)
    tail = steps[-10:]
    failing = sum(s.errors for s in tail) / max(sum(s.offered for s in tail), 1)
    amplification = sum(s.offered for s in tail) / max(sum(s.fresh for s in tail), 1)
    if failing >= 0.5 and trigger_end and steps[-1].t - trigger_end >= 20:
        return (
            f"The trigger ended at {trigger_end:.0f} s, yet {failing:.0%} of requests still fail "
            f"at the end: retries keep the offered load at {amplification:.1f}x the new traffic, "
            "so the system stays down on its own: a metastable failure."
        )
    if failing >= _ERRORS_ON:
        return f"At the end {failing:.0%} of requests still fail."
    bad = [s for s in steps if s.errors / max(s.offered, 1) >= _ERRORS_ON]
    if bad:
        return (
            f"It recovers: errors lasted {len(bad)} s in all, and the last "
            f"{len(steps) - int(bad[-1].t) - 1} s ran clean."
        )
    return "Nothing failed; the figures show how close it came."
