"""Chart values: validation, the progress builder and the alt text."""

from __future__ import annotations

import math

import pytest
from picture_cases import saturation_chart, stampede_chart

from engine.pictures.chart import Bar, LinePanel, Region, Series
from engine.pictures.charts import chart
from engine.pictures.progress import progress_chart


def test_progress_chart_plots_coverage_and_its_running_mean() -> None:
    result = progress_chart([(2, 10), (5, 10), (8, 10), (9, 10)])
    panel = result.panels[0]
    assert isinstance(panel, LinePanel)
    coverage, mean = panel.series
    assert coverage.points == ((1.0, 20.0), (2.0, 50.0), (3.0, 80.0), (4.0, 90.0))
    assert mean.points == ((3.0, 50.0), (4.0, pytest.approx(73.333, abs=1e-3)))
    assert panel.y_max == 100.0
    assert "the last covered 9 of 10" in result.subtitle
    assert "coverage from 20 to 90" in result.alt


def test_progress_chart_with_one_attempt_has_no_trend() -> None:
    panel = progress_chart([(3, 4)]).panels[0]
    assert isinstance(panel, LinePanel)
    assert [s.name for s in panel.series] == ["coverage"]


@pytest.mark.parametrize("attempts", [[], [(3, 0)], [(5, 4)], [(-1, 4)]])
def test_progress_chart_refuses_impossible_attempts(attempts: list[tuple[int, int]]) -> None:
    with pytest.raises(ValueError, match=r"at least one attempt|0 <= covered <= total"):
        progress_chart(attempts)


def test_series_and_bars_refuse_what_cannot_be_plotted() -> None:
    with pytest.raises(ValueError, match="no points"):
        Series("empty", ())
    with pytest.raises(ValueError, match="must not decrease"):
        Series("back", ((2.0, 1.0), (1.0, 1.0)))
    with pytest.raises(ValueError, match="finite"):
        Series("nan", ((1.0, math.nan),))
    with pytest.raises(ValueError, match="finite"):
        Bar("tier", math.inf)
    with pytest.raises(ValueError, match="before it ends"):
        Region(5.0, 5.0, "nothing")
    with pytest.raises(ValueError, match="at least one panel"):
        chart("empty", [])


def test_chart_alt_text_names_the_bottleneck_and_the_events() -> None:
    stampede = stampede_chart()
    assert "db replicas" in stampede.alt
    assert "(the bottleneck)" in stampede.alt
    assert "Event at 30: cache restarts, empty." in stampede.alt
    assert len(stampede.alt) <= 1_000
    saturated = saturation_chart()
    assert "db replicas 138% (the bottleneck)" in saturated.alt
