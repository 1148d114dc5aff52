"""A bar panel: one horizontal bar per tier, saturation marked, the bottleneck called out.

A bar past a threshold (saturation at 100%) is hatched and drawn in the warning colour, and
its value is written beside it, so the bottleneck is plain without colour.
"""

from __future__ import annotations

from PIL import ImageDraw

from bot.pictures.layout import Box
from bot.pictures.shapes import hatch, polyline
from bot.pictures.text import Fonts, shorten, width
from bot.pictures.theme import BLUE, INK, MUTED, ORANGE, PANEL, PAPER, RULE, VERMILLION, tint
from bot.pictures.ticks import nice_ticks, number
from engine.pictures.chart import BarPanel

BAR_ROW = 34
BAR_H = 18


def bars_height(panel: BarPanel) -> int:
    return BAR_ROW * len(panel.bars) + 22  # the scale below


def draw_bars(draw: ImageDraw.ImageDraw, fonts: Fonts, panel: BarPanel, area: Box) -> None:
    """`area`: from the labels' left edge to the right margin; bars start after the labels."""
    label_w = min(170, max(width(fonts.name, b.label) for b in panel.bars) + 12)
    top_value = max([b.value for b in panel.bars] + [t.value for t in panel.thresholds])
    ticks = nice_ticks(0.0, max(panel.y_max or 0.0, top_value * 1.05, 1e-9))
    reserve = max(_value_width(fonts, b.value, b.note, b.emphasis, panel.unit) for b in panel.bars)
    reserve = min(320, max(110, reserve))
    track = Box(area.x0 + label_w, area.y0, area.x1 - reserve, area.y0 + BAR_ROW * len(panel.bars))

    def x_of(value: float) -> int:
        return round(track.x0 + value / ticks[-1] * track.w)

    for tick in ticks:
        x = x_of(tick)
        draw.line([(x, track.y0), (x, track.y1)], fill=RULE)
        draw.text(
            (x, track.y1 + 4), number(tick, panel.unit), fill=MUTED, font=fonts.small, anchor="mt"
        )
    limit = min((t.value for t in panel.thresholds), default=None)
    for index, bar in enumerate(panel.bars):
        cy = track.y0 + index * BAR_ROW + BAR_ROW // 2
        _bar(
            draw,
            fonts,
            bar.label,
            bar.value,
            bar.note,
            bar.emphasis,
            limit,
            panel.unit,
            (area.x0, track.x0, x_of(bar.value), cy),
        )
    for threshold in panel.thresholds:
        x = x_of(threshold.value)
        polyline(draw, [(x, track.y0 - 4), (x, track.y1)], INK, 1, (6, 4))
        draw.text((x + 4, track.y0 - 2), threshold.label, fill=INK, font=fonts.small, anchor="lb")


def _value_width(fonts: Fonts, value: float, note: str, emphasis: bool, unit: str) -> int:
    text = number(value, unit) + (" ▲ bottleneck" if emphasis else "")
    return width(fonts.name, text) + (width(fonts.small, note) + 8 if note else 0) + 16


def _bar(
    draw: ImageDraw.ImageDraw,
    fonts: Fonts,
    label: str,
    value: float,
    note: str,
    emphasis: bool,
    limit: float | None,
    unit: str,
    where: tuple[int, int, int, int],
) -> None:
    left, x0, x1, cy = where
    over = limit is not None and value >= limit
    near = limit is not None and not over and value >= 0.8 * limit
    colour = VERMILLION if over else ORANGE if near else BLUE
    draw.text((left, cy), label, fill=INK, font=fonts.name, anchor="lm")
    draw.rectangle(
        [x0, cy - BAR_H // 2, x0 + (x1 - x0 if x1 > x0 else 0), cy + BAR_H // 2], fill=PANEL
    )
    box = Box(x0, cy - BAR_H // 2, max(x0 + 2, x1), cy + BAR_H // 2)
    draw.rectangle([box.x0, box.y0, box.x1, box.y1], fill=tint(colour, 0.15 if over else 0.0))
    if over:
        hatch(draw, box, tint(colour, 0.6), 6)
        draw.rectangle([box.x0, box.y0, box.x1, box.y1], outline=colour, width=2)
    text = number(value, unit) + (" ▲ bottleneck" if emphasis else "")
    font = fonts.name if emphasis or over else fonts.body
    text_w = width(font, text)
    draw.rectangle([box.x1 + 3, cy - 9, box.x1 + 9 + text_w, cy + 9], fill=PAPER)
    draw.text((box.x1 + 6, cy), text, fill=(158, 64, 0) if over else INK, font=font, anchor="lm")
    if note:
        after = box.x1 + 14 + text_w
        draw.text(
            (after, cy),
            shorten(fonts.small, note, 790 - after),
            fill=MUTED,
            font=fonts.small,
            anchor="lm",
        )
