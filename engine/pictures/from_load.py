"""Charts of the load model's results: a `/load` steady state, a `/scenario` over simulated
time, a `/climb` so far. Built from `engine.load`'s result values as they are (`LoadAnswer`,
`ScenarioRun`, `ClimbState`), read-only, with nothing computed again: what the chart shows
is what the text says.

The only module of `engine.pictures` that reads `engine.load`: when its results change, this
is the one place to follow them. Utilisation is a share of what a node can serve, offered
(past 100% a backlog grows); it is drawn up to `UTILISATION_CAP` so that one tier at 900%
does not flatten the others, and the cap is said in the panel's title.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from engine.load.answer import LoadAnswer, TierRow
from engine.load.capacity import Capacities
from engine.load.catalogue import LoadContent
from engine.load.climb import ClimbState
from engine.load.scenario_story import ScenarioRun
from engine.load.traffic import TIER_ORDER, Tier
from engine.pictures.chart import (
    Bar,
    BarPanel,
    Chart,
    LinePanel,
    Marker,
    Panel,
    Region,
    Series,
    Threshold,
)
from engine.pictures.charts import chart
from engine.pictures.states import MarkerKind
from engine.text.counts import count

UTILISATION_CAP = 200.0  # % drawn at most
SWEEP_POINTS = 25  # points of the utilisation-over-rate lines
ERROR_SHARE = 0.02  # a share of failing requests worth shading (the time line's own)
SATURATION = Threshold(100.0, "saturation")


def _pct(share: float) -> float:
    """A utilisation as a finite percentage within the drawn range."""
    value = 100 * share
    return UTILISATION_CAP if not math.isfinite(value) else max(0.0, min(value, UTILISATION_CAP))


def _capped(value: float, cap: float) -> float:
    return cap if not math.isfinite(value) else max(0.0, min(value, cap))


def _count(value: float) -> str:
    for scale, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= scale:
            return f"{value / scale:.3g}{suffix}"
    return f"{value:.0f}"


# -- /load --------------------------------------------------------------------------------------


def load_chart(answer: LoadAnswer) -> Chart:
    """`/load`: utilisation per tier now (bars, the bottleneck marked), how each tier's
    utilisation grows with the offered rate up to past the first break, and the requests
    offered, answered and failing."""
    rate = answer.query.rate
    first = answer.verdict.first
    knee = first.saturates_at if first is not None and not first.lag else None
    # The line panel last: its x axis (the offered load) is the chart's.
    panels: list[Panel] = [_tier_bars(answer), _requests(answer), _sweep(answer, knee)]
    markers = [Marker(rate, f"you are here: {_count(rate)}/s")]
    if knee is not None and math.isfinite(knee) and knee > 0:
        label = f"{first.tier.label if first else 'a tier'} saturate at {_count(knee)}/s"
        markers.insert(0, Marker(round(knee, 1), label, MarkerKind.BOTTLENECK))
    latency = next((f for f in answer.facts if f.startswith("latency")), "")
    return chart(
        answer.heading,
        panels,
        subtitle=" · ".join(p for p in (answer.verdict.status.value, latency) if p),
        x_label="offered load",
        x_unit="req/s",
        markers=markers,
    )


def _tier_bars(answer: LoadAnswer) -> BarPanel:
    bars = tuple(
        Bar(row.label, round(_pct(row.rho), 1), note=_tier_note(row), emphasis=row.bottleneck)
        for row in answer.rows
    )
    title = f"utilisation per tier at {_count(answer.query.rate)} req/s"
    return BarPanel(title, "%", bars, thresholds=(SATURATION,), y_max=UTILISATION_CAP)


def _tier_note(row: TierRow) -> str:
    """`3 × 1.82k/s`, and the real figure when the bar is drawn at the cap."""
    note = f"{row.nodes} × {_count(row.capacity / max(row.nodes, 1))}/s"
    if not math.isfinite(row.rho) or 100 * row.rho > UTILISATION_CAP:
        offered = "no capacity left" if not math.isfinite(row.rho) else f"{row.rho:.0%} offered"
        note = f"{offered} · {note}"
    return note


def _sweep(answer: LoadAnswer, knee: float | None) -> LinePanel:
    """Each tier's offered utilisation over the rate. At the traffic's hit ratio and mix a
    tier's load is proportional to the rate (the verdict's break rates are found the same
    way), so the lines are the report's figures scaled, not new runs of the model."""
    rate = answer.query.rate
    top = max(rate, knee or 0.0) * 1.5
    xs = [top * i / (SWEEP_POINTS - 1) for i in range(SWEEP_POINTS)]
    bottleneck = next((row.label for row in answer.rows if row.bottleneck), None)
    series = tuple(
        Series(
            row.label,
            tuple((round(x, 1), round(_pct(row.rho * x / rate), 2)) for x in xs),
            emphasis=row.label == bottleneck,
        )
        for row in answer.rows
    )
    title = f"utilisation as the load grows (drawn up to {UTILISATION_CAP:.0f}%)"
    return LinePanel(title, "%", series, thresholds=(SATURATION,), y_max=UTILISATION_CAP)


def _requests(answer: LoadAnswer) -> BarPanel:
    report = answer.report
    failing = report.errors
    bars = (
        Bar("offered", round(answer.query.rate, 1)),
        Bar("answered in time", round(report.served, 1)),
        Bar("failing or timing out", round(failing, 1)),
    )
    return BarPanel(f"requests at {_count(answer.query.rate)} req/s", "req/s", bars)


# -- /scenario ----------------------------------------------------------------------------------


def scenario_chart(run: ScenarioRun, caps: Capacities) -> Chart:
    """`/scenario`: per second of simulated time, utilisation per tier, the rate offered and
    answered, errors and p99; the scheduled events and the first saturation marked, the
    seconds with failing requests shaded."""
    times = run.times
    busiest = _first_saturated(run)

    def points(
        values: Sequence[float], scale: float = 1.0, cap: float = math.inf
    ) -> tuple[tuple[float, float], ...]:
        return tuple(
            (float(t), round(_capped(v * scale, cap), 3))
            for t, v in zip(times, values, strict=True)
        )

    tiers = tuple(
        Series(tier.label, points(run.values(f"busy.{tier.value}"), 100, 100), tier is busiest)
        for tier in TIER_ORDER
        if f"busy.{tier.value}" in {s.name for s in run.series}
    )
    timeout_ms = caps.timeout_s * 1000
    panels: list[Panel] = [
        LinePanel("utilisation per tier", "%", tiers, thresholds=(SATURATION,), y_max=100.0),
        LinePanel(
            "rate",
            "req/s",
            (
                Series("offered", points(run.values("offered"))),
                Series("answered", points(run.values("answered"))),
            ),
        ),
        LinePanel("errors", "req/s", (Series("errors", points(run.values("errors"))),)),
        LinePanel(
            "p99 latency",
            "ms",
            (Series("p99", points(run.values("p99"), cap=timeout_ms)),),
            thresholds=(Threshold(caps.p99_objective_s * 1000, "objective"),),
        ),
    ]
    scenario = run.scenario
    return chart(
        f"/scenario {scenario.id}: {scenario.title}",
        panels,
        subtitle=(
            f"seed {scenario.seed} · {scenario.duration_s} s · {_count(run.failed)} requests "
            f"failed of {_count(run.requests)}"
        ),
        x_label="simulated time",
        x_unit="s",
        markers=_scenario_markers(run, busiest),
        regions=_error_regions(run),
    )


def _first_saturated(run: ScenarioRun) -> Tier | None:
    """The tier that reaches 100% busy first (the bottleneck of the run), if any does."""
    first: tuple[float, Tier] | None = None
    for tier in TIER_ORDER:
        name = f"busy.{tier.value}"
        if name not in {s.name for s in run.series}:
            continue
        hit = next((t for t, v in zip(run.times, run.values(name), strict=True) if v >= 1), None)
        if hit is not None and (first is None or hit < first[0]):
            first = (hit, tier)
    return first[1] if first else None


def _scenario_markers(run: ScenarioRun, busiest: Tier | None) -> list[Marker]:
    markers = [Marker(m.t, _short(m.text)) for m in run.timeline if m.kind == "event"]
    if busiest is not None:
        name = f"busy.{busiest.value}"
        at = next(t for t, v in zip(run.times, run.values(name), strict=True) if v >= 1)
        label = f"{busiest.verb('saturates', 'saturate')}"
        markers.append(Marker(at, label, MarkerKind.BOTTLENECK))
    return markers


def _error_regions(run: ScenarioRun) -> list[Region]:
    regions, start = [], None
    pairs = zip(run.times, run.values("errors"), run.values("offered"), strict=True)
    last = run.times[-1] if run.times else 0.0
    for t, errors, offered in pairs:
        failing = offered > 0 and errors / offered >= ERROR_SHARE
        if failing and start is None:
            start = t
        elif not failing and start is not None:
            regions.append(Region(start, t, "requests failing"))
            start = None
    if start is not None and start < last:
        regions.append(Region(start, last, "requests failing"))
    return regions


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


# -- /climb -------------------------------------------------------------------------------------


def climb_chart(state: ClimbState, content: LoadContent) -> Chart | None:
    """`/climb` so far: the load at each rung bought and the bill after it, against the
    budget; each rung named, the ones bought out of order marked. None before the first."""
    if not state.moves:
        return None
    moves = state.moves
    xs = [float(n) for n in range(1, len(moves) + 1)]
    panels: list[Panel] = [
        LinePanel(
            "load when the rung was added",
            "req/s",
            (Series("load", tuple(zip(xs, (m.rate for m in moves), strict=True))),),
        ),
        LinePanel(
            "monthly bill after the rung",
            "$",
            (Series("bill", tuple(zip(xs, (m.usd_after for m in moves), strict=True))),),
            thresholds=(Threshold(state.budget_usd, "budget"),),
        ),
    ]
    markers = [
        Marker(
            x,
            _short(content.rungs[m.rung].label if m.rung in content.rungs else str(m.rung), 28),
            MarkerKind.EVENT if m.in_order else MarkerKind.BOTTLENECK,
        )
        for x, m in zip(xs, moves, strict=True)
    ]
    wrong = sum(not m.in_order for m in moves)
    return chart(
        f"/climb: {count(len(moves), 'rung')}, "
        f"held {_count(state.held)} of {_count(state.target)} req/s",
        panels,
        subtitle=f"{wrong} out of order · budget ${state.budget_usd:,.0f} a month",
        x_label="rung",
        markers=markers,
    )
