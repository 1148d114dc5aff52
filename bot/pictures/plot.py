"""One line panel of a chart: grid, ticks, reference lines and the series, anti-aliased.

Lines are drawn three times larger on a transparent layer and scaled down onto the panel, so
slopes are smooth; each series has its own colour *and* dash pattern, and is labelled at its
right end, so no reader needs the colours to tell them apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageDraw

from bot.pictures.layout import Box
from bot.pictures.shapes import polyline
from bot.pictures.text import Fonts, shorten, width
from bot.pictures.theme import INK, MUTED, PAPER, RGB, RULE, SERIES, VERMILLION
from bot.pictures.ticks import nice_ticks, number
from engine.pictures.chart import LinePanel, Series

SUPER = 3
DASHES: tuple[tuple[int, int] | None, ...] = (None, (9, 5), (2, 4), (14, 4), (5, 3), (2, 7))
LABEL_GAP = 15  # least vertical distance between two end labels


@dataclass(frozen=True, slots=True)
class Scale:
    box: Box  # the plotting area
    x0: float
    x1: float
    y0: float
    y1: float

    def x(self, value: float) -> float:
        return self.box.x0 + (value - self.x0) / (self.x1 - self.x0) * self.box.w

    def y(self, value: float) -> float:
        span = self.y1 - self.y0
        return self.box.y1 - (value - self.y0) / span * (self.box.y1 - self.box.y0)


def y_range(panel: LinePanel) -> tuple[float, list[float]]:
    top = max([y for s in panel.series for _, y in s.points] + [t.value for t in panel.thresholds])
    if panel.y_max is not None and top <= panel.y_max:
        ticks = nice_ticks(0.0, panel.y_max)  # a fixed scale (coverage out of 100%)
    else:
        ticks = nice_ticks(0.0, top * 1.05 if top > 0 else 1.0)
    return ticks[-1], ticks


def draw_panel(
    image: Image.Image, fonts: Fonts, panel: LinePanel, scale: Scale, ticks: list[float]
) -> None:
    draw = ImageDraw.Draw(image)
    box = scale.box
    for tick in ticks:
        y = round(scale.y(tick))
        draw.line([(box.x0, y), (box.x1, y)], fill=RULE)
        label = number(tick, "%" if panel.unit == "%" else "")  # the unit is in the title
        draw.text((box.x0 - 6, y), label, fill=MUTED, font=fonts.small, anchor="rm")
    for threshold in panel.thresholds:
        y = round(scale.y(threshold.value))
        polyline(draw, [(box.x0, y), (box.x1, y)], INK, 1, (6, 4))
    _lines(image, panel, scale)
    for threshold in panel.thresholds:  # over the lines, on a patch of paper, to stay legible
        y = round(scale.y(threshold.value))
        w = width(fonts.small, threshold.label)
        draw.rectangle([box.x0 + 4, y - 16, box.x0 + 10 + w, y - 2], fill=PAPER)
        draw.text((box.x0 + 7, y - 3), threshold.label, fill=INK, font=fonts.small, anchor="lb")
    _end_labels(draw, fonts, panel, scale, image.width)


def series_style(index: int, emphasis: bool) -> tuple[RGB, tuple[int, int] | None]:
    """The bottleneck is always the warning colour, solid and thick; the rest take turns."""
    if emphasis:
        return VERMILLION, None
    return SERIES[index % len(SERIES)], DASHES[index % len(DASHES)]


def _lines(image: Image.Image, panel: LinePanel, scale: Scale) -> None:
    box = scale.box
    pad = 8  # room for the line width at the edges
    w, h = box.w + 2 * pad, box.y1 - box.y0 + 2 * pad
    layer = Image.new("RGBA", (w * SUPER, h * SUPER), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    ordered = sorted(enumerate(panel.series), key=lambda pair: pair[1].emphasis)
    for index, series in ordered:
        colour, dash = series_style(index, series.emphasis)
        points = [
            (round((scale.x(x) - box.x0 + pad) * SUPER), round((scale.y(y) - box.y0 + pad) * SUPER))
            for x, y in series.points
        ]
        line_w = (4 if series.emphasis else 2) * SUPER
        big_dash = (dash[0] * SUPER, dash[1] * SUPER) if dash else None
        if len(points) == 1:
            points = points * 2
        polyline(draw, points, colour, line_w, big_dash)
        if len(series.points) <= 24:  # few points: mark each one
            for px, py in points:
                r = line_w
                draw.ellipse([px - r, py - r, px + r, py + r], fill=colour)
    small = layer.reduce(SUPER)  # each pixel the mean of SUPER x SUPER: supersampling
    image.paste(small, (box.x0 - pad, box.y0 - pad), small)


def _end_labels(
    draw: ImageDraw.ImageDraw, fonts: Fonts, panel: LinePanel, scale: Scale, right: int
) -> None:
    """Each series' name at the right end of its line, nudged apart so none overlap."""
    wanted = sorted((scale.y(s.points[-1][1]), index, s) for index, s in enumerate(panel.series))
    placed: list[float] = []
    for y, _, _ in wanted:
        placed.append(max(y, placed[-1] + LABEL_GAP) if placed else y)
    overflow = placed[-1] - (scale.box.y1 + 6) if placed else 0
    if overflow > 0:
        placed = [max(p - overflow, scale.box.y0 - 6 + i * LABEL_GAP) for i, p in enumerate(placed)]
    for (_, index, series), y in zip(wanted, placed, strict=True):
        colour, dash = series_style(index, series.emphasis)
        x = scale.box.x1 + 8
        polyline(
            draw, [(x, round(y)), (x + 16, round(y))], colour, 3 if series.emphasis else 2, dash
        )
        label = _series_label(series)
        font = fonts.small_name if series.emphasis else fonts.small
        room = right - (x + 20) - 4
        draw.text((x + 20, round(y)), shorten(font, label, room), fill=INK, font=font, anchor="lm")


def _series_label(series: Series) -> str:
    return f"{series.name} ◀ bottleneck" if series.emphasis else series.name


def legend_width(fonts: Fonts, panel: LinePanel) -> int:
    return max(width(fonts.small_name, _series_label(s)) for s in panel.series) + 28
