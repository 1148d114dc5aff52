"""Charts built from engine.load's own results (`run_load`, `run_scenario`, a climb): what the
chart shows is what the text says, the bottleneck is the verdict's, and each one draws."""

from __future__ import annotations

import io
import math

import pytest
from PIL import Image

from bot.pictures import render
from engine.content.loader import Content
from engine.load import climb
from engine.load.answer import LoadAnswer, run_load
from engine.load.catalogue import LoadContent
from engine.load.query import parse_load
from engine.load.scenario_story import run_scenario
from engine.load.topology import default_topology
from engine.pictures.chart import BarPanel, Chart, LinePanel
from engine.pictures.from_load import UTILISATION_CAP, climb_chart, load_chart, scenario_chart
from engine.pictures.states import MarkerKind


@pytest.fixture(scope="module")
def load(content: Content) -> LoadContent:
    return content.load


def answer(load: LoadContent, *words: str) -> LoadAnswer:
    return run_load(parse_load(list(words)), default_topology(load.capacities), load)


def drawn(chart: Chart) -> Image.Image:
    rendered = render(chart)
    image = Image.open(io.BytesIO(rendered.data))
    assert image.format == "PNG"
    return image


def test_a_load_past_saturation_marks_the_verdicts_bottleneck(load: LoadContent) -> None:
    result = answer(load, "12000", "reads=95:5")
    first = result.verdict.first
    assert first is not None
    chart = load_chart(result)
    bars, requests, sweep = chart.panels
    assert isinstance(bars, BarPanel)
    assert isinstance(requests, BarPanel)
    assert isinstance(sweep, LinePanel)
    emphasised = [b.label for b in bars.bars if b.emphasis]
    assert emphasised == [first.tier.label] == ["app servers"]
    for bar, row in zip(bars.bars, result.rows, strict=True):
        assert bar.value == pytest.approx(min(100 * row.rho, UTILISATION_CAP), abs=0.1)
    assert "220% offered" in next(b.note for b in bars.bars if b.emphasis)  # past the cap
    assert [b.value for b in requests.bars] == pytest.approx(
        [12_000, result.report.served, result.report.errors], abs=0.1
    )
    (knee,) = [m for m in chart.markers if m.kind is MarkerKind.BOTTLENECK]
    assert knee.x == pytest.approx(first.saturates_at, abs=0.1)
    assert any(m.x == 12_000 and "you are here" in m.label for m in chart.markers)
    # The sweep crosses 100% where the verdict says the tier saturates.
    app = next(s for s in sweep.series if s.emphasis)
    below = [x for x, y in app.points if y < 100]
    above = [x for x, y in app.points if y >= 100]
    assert max(below) < first.saturates_at <= min(above)
    assert "app servers" in chart.alt
    assert "(the bottleneck)" in chart.alt
    drawn(chart)


def test_a_load_that_holds_marks_no_bar(load: LoadContent) -> None:
    result = answer(load, "1000")
    chart = load_chart(result)
    bars = chart.panels[0]
    assert isinstance(bars, BarPanel)
    assert not any(b.emphasis for b in bars.bars)
    assert all(b.value < 100 for b in bars.bars)
    assert chart.subtitle.startswith("ok")
    drawn(chart)


@pytest.mark.parametrize(
    "name",
    [
        "a-cpu-at-80",
        "cache-restart",
        "hot-key",
        "lb-dies-paired",
        "lb-dies-single",
        "primary-failover",
        "retry-storm",
        "traffic-spike",
        "writes-past-primary",
    ],
)
def test_every_scenario_charts_its_own_series(load: LoadContent, name: str) -> None:
    run = run_scenario(load.scenarios[name], load.capacities)
    chart = scenario_chart(run, load.capacities)
    utilisation, rate, errors, p99 = chart.panels
    assert isinstance(rate, LinePanel)
    assert isinstance(errors, LinePanel)
    offered = next(s for s in rate.series if s.name == "offered")
    assert [y for _, y in offered.points] == pytest.approx(list(run.values("offered")), abs=1e-3)
    assert len(errors.series[0].points) == len(run.times)
    events = [m for m in chart.markers if m.kind is MarkerKind.EVENT]
    assert len(events) == sum(m.kind == "event" for m in run.timeline)
    failing = [
        t
        for t, e, o in zip(run.times, run.values("errors"), run.values("offered"), strict=True)
        if o and e / o >= 0.02
    ]
    shaded = [t for t in run.times if any(r.start <= t < r.end for r in chart.regions)]
    assert set(failing) <= {*shaded, run.times[-1]}
    assert isinstance(p99, LinePanel)
    assert all(math.isfinite(y) for s in p99.series for _, y in s.points)
    assert isinstance(utilisation, LinePanel)
    drawn(chart)


def test_the_cache_restart_marks_the_replicas_breaking(load: LoadContent) -> None:
    run = run_scenario(load.scenarios["cache-restart"], load.capacities)
    chart = scenario_chart(run, load.capacities)
    (bottleneck,) = [m for m in chart.markers if m.kind is MarkerKind.BOTTLENECK]
    assert "replicas saturate" in bottleneck.label
    saturated = next(
        t for t, v in zip(run.times, run.values("busy.replica"), strict=True) if v >= 1
    )
    assert bottleneck.x == saturated
    utilisation = chart.panels[0]
    assert isinstance(utilisation, LinePanel)
    assert [s.name for s in utilisation.series if s.emphasis] == ["replicas"]


def test_the_climb_charts_each_rung_bought(load: LoadContent) -> None:
    state = climb.new_climb(default_topology(load.capacities))
    assert climb_chart(state, load) is None  # nothing bought yet
    while not state.moves:
        view = climb.view(state, load)
        if view.holds:
            state = climb.raise_load(state, load)
            continue
        offer = next(o for o, ok in zip(view.offers, view.affordable, strict=True) if ok)
        state = climb.choose(state, offer.rung.value, load)
    chart = climb_chart(state, load)
    assert chart is not None
    rate, bill = chart.panels
    assert isinstance(rate, LinePanel)
    assert isinstance(bill, LinePanel)
    move = state.moves[0]
    assert rate.series[0].points == ((1.0, move.rate),)
    assert bill.series[0].points == ((1.0, move.usd_after),)
    assert bill.thresholds[0].value == state.budget_usd
    assert chart.markers[0].label.startswith(load.rungs[move.rung].label[:20])
    drawn(chart)
