"""A chart as an image: a title, then its panels stacked over one shared x axis.

Events and the bottleneck are vertical lines through every line panel, labelled once above
them; shaded regions (a failover gap) sit behind the grid.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from bot.pictures.bars import bars_height, draw_bars
from bot.pictures.layout import MARGIN, WIDTH, Box
from bot.pictures.plot import Scale, draw_panel, legend_width, y_range
from bot.pictures.shapes import polyline
from bot.pictures.text import Fonts, load_fonts, shorten, width
from bot.pictures.theme import GRID, INK, MUTED, PAPER, SKY, VERMILLION, tint
from bot.pictures.ticks import nice_ticks, number
from engine.pictures.chart import BarPanel, Chart, LinePanel, Marker
from engine.pictures.states import MarkerKind

AXIS_LEFT = 62  # room for the y tick labels
PLOT_H = 140
PLOT_H_MANY = 108  # each of three or more stacked panels
PANEL_TITLE = 24
PANEL_GAP = 14
MARKER_ROW = 20


def draw_chart(chart: Chart) -> Image.Image:
    fonts = load_fonts()
    lines = [p for p in chart.panels if isinstance(p, LinePanel)]
    right = WIDTH - MARGIN - min(230, max([legend_width(fonts, p) for p in lines] + [100])) - 8
    x0, x1, x_ticks = _x_range(lines, chart)
    plot_h = PLOT_H if len(lines) <= 2 else PLOT_H_MANY
    marks = MARKER_ROW * _marker_rows(fonts, chart, x0, x1, right) if lines else 0
    y = 52 + (20 if chart.subtitle else 0)
    marks_y = 0
    plan: list[tuple[LinePanel | BarPanel, int]] = []
    for panel in chart.panels:
        if isinstance(panel, LinePanel) and not marks_y and (chart.markers or chart.regions):
            marks_y, y = y, y + marks  # the labels of events go above the first line panel
        plan.append((panel, y))
        y += PANEL_TITLE + (plot_h if isinstance(panel, LinePanel) else bars_height(panel))
        y += PANEL_GAP
    height = y + (40 if lines else 0) + 6
    image = Image.new("RGB", (WIDTH, height), PAPER)
    draw = ImageDraw.Draw(image)
    _heading(draw, fonts, chart)
    scales: list[Scale] = []
    for panel, top in plan:
        draw.text((MARGIN, top + 4), _panel_title(panel), fill=INK, font=fonts.name)
        if isinstance(panel, BarPanel):
            area = Box(MARGIN, top + PANEL_TITLE + 8, WIDTH - MARGIN, top + PANEL_TITLE + 8)
            draw_bars(draw, fonts, panel, area)
            continue
        y_top, ticks = y_range(panel)
        box = Box(AXIS_LEFT, top + PANEL_TITLE, right, top + PANEL_TITLE + plot_h)
        scale = Scale(box, x0, x1, 0.0, y_top)
        _regions(draw, chart, scale)
        for tick in x_ticks:
            x = round(scale.x(tick))
            draw.line([(x, box.y0), (x, box.y1)], fill=GRID)
        draw_panel(image, fonts, panel, scale, ticks)
        scales.append(scale)
    if scales:
        if marks_y:
            _markers(image, fonts, chart, scales, marks_y)
        _x_axis(draw, fonts, chart, scales[-1], x_ticks)
    return image


def _heading(draw: ImageDraw.ImageDraw, fonts: Fonts, chart: Chart) -> None:
    room = WIDTH - 2 * MARGIN
    draw.text((MARGIN, 16), shorten(fonts.title, chart.title, room), fill=INK, font=fonts.title)
    if chart.subtitle:
        subtitle = shorten(fonts.body, chart.subtitle, room)
        draw.text((MARGIN, 40), subtitle, fill=MUTED, font=fonts.body)


def _panel_title(panel: LinePanel | BarPanel) -> str:
    return f"{panel.title} ({panel.unit})" if panel.unit else panel.title


def _x_range(lines: list[LinePanel], chart: Chart) -> tuple[float, float, list[float]]:
    xs = [x for p in lines for s in p.series for x, _ in s.points]
    xs += [m.x for m in chart.markers] + [v for r in chart.regions for v in (r.start, r.end)]
    if not xs:
        return 0.0, 1.0, [0.0, 1.0]
    low, high = min(xs), max(xs)
    if high <= low:
        high = low + 1
    ticks = [t for t in nice_ticks(low, high, 8) if low - 1e-9 <= t <= high + 1e-9]
    return low, high, ticks


def _regions(draw: ImageDraw.ImageDraw, chart: Chart, scale: Scale) -> None:
    for region in chart.regions:
        a, b = round(scale.x(region.start)), round(scale.x(region.end))
        draw.rectangle([a, scale.box.y0, b, scale.box.y1], fill=tint(SKY, 0.82))


def _marker_labels(chart: Chart) -> list[tuple[float, str, bool]]:
    labels = [(m.x, _marker_text(m), m.kind is MarkerKind.BOTTLENECK) for m in chart.markers]
    labels += [((r.start + r.end) / 2, r.label, False) for r in chart.regions]
    return sorted(labels)


def _marker_text(marker: Marker) -> str:
    return f"▲ {marker.label}" if marker.kind is MarkerKind.BOTTLENECK else marker.label


def _label_rows(
    fonts: Fonts, chart: Chart, x0: float, x1: float, right: int
) -> list[tuple[int, int, str, bool]]:
    """(row, left x, text, bottleneck) for every label above the panels, never overlapping."""
    scale = Scale(Box(AXIS_LEFT, 0, right, 1), x0, x1, 0.0, 1.0)
    ends: list[int] = []  # the right end of the last label in each row
    out = []
    for x, text, bottleneck in _marker_labels(chart):
        font = fonts.small_name if bottleneck else fonts.small
        w = width(font, text)
        left = min(max(MARGIN, round(scale.x(x)) - w // 2), WIDTH - MARGIN - w)
        row = next((i for i, end in enumerate(ends) if left > end + 8), len(ends))
        if row == len(ends):
            ends.append(0)
        ends[row] = left + w
        out.append((row, left, text, bottleneck))
    return out


def _marker_rows(fonts: Fonts, chart: Chart, x0: float, x1: float, right: int) -> int:
    return max((row for row, *_ in _label_rows(fonts, chart, x0, x1, right)), default=0) + 1


def _markers(image: Image.Image, fonts: Fonts, chart: Chart, scales: list[Scale], top: int) -> None:
    draw = ImageDraw.Draw(image)
    first = scales[0]
    for marker in chart.markers:
        x = round(first.x(marker.x))
        bottleneck = marker.kind is MarkerKind.BOTTLENECK
        colour = VERMILLION if bottleneck else INK
        line_w = 2 if bottleneck else 1
        # Through each plot, never over the panel titles or the labels above.
        for scale in scales:
            polyline(draw, [(x, scale.box.y0), (x, scale.box.y1)], colour, line_w, (5, 3))
    x0, x1 = first.x0, first.x1
    for row, left, text, bottleneck in _label_rows(fonts, chart, x0, x1, first.box.x1):
        font = fonts.small_name if bottleneck else fonts.small
        colour = VERMILLION if bottleneck else INK
        y = top + row * MARKER_ROW + 8
        w = width(font, text)
        draw.rectangle([left - 2, y - 8, left + w + 2, y + 8], fill=PAPER)
        draw.text((left, y), text, fill=colour, font=font, anchor="lm")


def _x_axis(
    draw: ImageDraw.ImageDraw, fonts: Fonts, chart: Chart, scale: Scale, ticks: list[float]
) -> None:
    y = scale.box.y1
    draw.line([(scale.box.x0, y), (scale.box.x1, y)], fill=MUTED)
    for tick in ticks:
        x = round(scale.x(tick))
        draw.line([(x, y), (x, y + 4)], fill=MUTED)
        draw.text((x, y + 6), number(tick), fill=MUTED, font=fonts.small, anchor="mt")
    label = chart.x_label + (f" ({chart.x_unit})" if chart.x_unit else "")
    draw.text(
        ((scale.box.x0 + scale.box.x1) // 2, y + 24), label, fill=INK, font=fonts.small, anchor="mt"
    )
