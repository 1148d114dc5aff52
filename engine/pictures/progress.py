"""`/progress` as a chart: checklist coverage per attempt, and its running trend."""

from __future__ import annotations

from collections.abc import Sequence

from engine.pictures.chart import Chart, LinePanel, Series
from engine.pictures.charts import chart
from engine.text.counts import count

TREND_WINDOW = 3  # the same three attempts the text trend compares


def progress_chart(
    attempts: Sequence[tuple[int, int]], title: str = "Coverage per attempt"
) -> Chart:
    """`attempts`: (covered, total) per revealed drill, oldest first; at least one."""
    if not attempts:
        raise ValueError("a progress chart needs at least one attempt")
    if any(total <= 0 or not 0 <= covered <= total for covered, total in attempts):
        raise ValueError("each attempt needs 0 <= covered <= total and total > 0")
    shares = [100 * covered / total for covered, total in attempts]
    points = tuple((float(n), share) for n, share in enumerate(shares, start=1))
    series = [Series("coverage", points)]
    if len(shares) >= TREND_WINDOW:
        mean = [
            (float(n), sum(shares[n - TREND_WINDOW : n]) / TREND_WINDOW)
            for n in range(TREND_WINDOW, len(shares) + 1)
        ]
        series.append(Series(f"mean of last {TREND_WINDOW}", tuple(mean)))
    last = attempts[-1]
    panel = LinePanel("checklist covered", "%", tuple(series), y_max=100.0)
    return chart(
        title,
        [panel],
        subtitle=(
            f"{count(len(attempts), 'attempt')}; the last covered {last[0]} of {last[1]} items"
        ),
        x_label="attempt",
    )
