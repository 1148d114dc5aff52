"""Below a diagram: the legend, the list of steps (or one step's sentence), the settings."""

from __future__ import annotations

from PIL import Image, ImageDraw

from bot.pictures.layout import MARGIN, RIGHT, Box
from bot.pictures.nodes import legend_states
from bot.pictures.path import hop_words, latency_words
from bot.pictures.shapes import badge, box_outline, hatch, polyline
from bot.pictures.text import Fonts, shorten, width, wrap
from bot.pictures.theme import BLUE, INK, MUTED, RULE, Border, hop_style, state_style, tint
from engine.pictures.diagram import ClusterDiagram, PathStep, TracePath
from engine.pictures.states import HopMark, NodeState

LEGEND_ROW = 22
STEP_ROW = 19
CAPTION_ROW = 16
SENTENCE_LINES = 4


def legend_items(diagram: ClusterDiagram) -> list[tuple[str, NodeState | HopMark]]:
    items: list[tuple[str, NodeState | HopMark]] = [
        (s.value, s) for s in legend_states(diagram.nodes)
    ]
    if diagram.path is not None:
        marks = {s.mark for s in diagram.path.steps}
        items.append(("path of the request", HopMark.REQUEST))
        for mark, words in ((HopMark.FAILED, "failed hop"), (HopMark.ASYNC, "after the reply")):
            if mark in marks:
                items.append((words, mark))
    return items


def legend_height(diagram: ClusterDiagram, fonts: Fonts) -> int:
    return LEGEND_ROW * len(_legend_rows(diagram, fonts))


def _legend_rows(diagram: ClusterDiagram, fonts: Fonts) -> list[list[tuple[int, str, object]]]:
    rows: list[list[tuple[int, str, object]]] = [[]]
    x = MARGIN
    for words, what in legend_items(diagram):
        item_w = 40 + width(fonts.small, words) + 18
        if x + item_w > RIGHT and rows[-1]:
            rows.append([])
            x = MARGIN
        rows[-1].append((x, words, what))
        x += item_w
    return rows


def draw_legend(image: Image.Image, fonts: Fonts, diagram: ClusterDiagram, y: int) -> None:
    draw = ImageDraw.Draw(image)
    for row_index, row in enumerate(_legend_rows(diagram, fonts)):
        cy = y + row_index * LEGEND_ROW + LEGEND_ROW // 2
        for x, words, what in row:
            if isinstance(what, NodeState):
                _state_swatch(draw, fonts, Box(x, cy - 8, x + 34, cy + 8), what)
            elif isinstance(what, HopMark):
                style = hop_style(what)
                polyline(
                    draw, [(x, cy), (x + 34, cy)], style.colour, 3, (6, 4) if style.dashed else None
                )
            draw.text((x + 40, cy), words, fill=INK, font=fonts.small, anchor="lm")


def _state_swatch(draw: ImageDraw.ImageDraw, fonts: Fonts, box: Box, state: NodeState) -> None:
    style = state_style(state)
    draw.rectangle([box.x0, box.y0, box.x1, box.y1], fill=style.fill)
    if style.hatched:
        hatch(draw, box, tint(style.edge, 0.55), 6)
    if style.border is Border.SOLID or style.border is Border.DOUBLE:
        draw.rectangle([box.x0, box.y0, box.x1, box.y1], outline=style.edge, width=2)
    else:
        box_outline(draw, box, style.edge, 2, (4, 3) if style.border is Border.DASHED else (2, 2))
    draw.text((box.cx, box.cy), style.symbol, fill=INK, font=fonts.small, anchor="mm")


def steps_height(path: TracePath) -> int:
    return STEP_ROW * ((len(path.steps) + 1) // 2) + 8


def draw_steps(image: Image.Image, fonts: Fonts, path: TracePath, y: int) -> None:
    """Every step in two columns: number, where, what, and its latency."""
    draw = ImageDraw.Draw(image)
    draw.line([(MARGIN, y), (RIGHT, y)], fill=RULE)
    half = (len(path.steps) + 1) // 2
    col_w = (RIGHT - MARGIN) // 2
    for index, step in enumerate(path.steps):
        col, row = divmod(index, half)
        x = MARGIN + col * col_w
        cy = y + 8 + row * STEP_ROW + STEP_ROW // 2
        badge(image, (x + 10, cy), str(step.number), hop_style(step.mark).colour, fonts.badge)
        where = hop_words(step)
        draw.text((x + 24, cy), where, fill=INK, font=fonts.small_name, anchor="lm")
        late = latency_words(step)
        draw.text((x + col_w - 14, cy), late, fill=MUTED, font=fonts.small, anchor="rm")
        left = x + 30 + width(fonts.small_name, where)
        room = x + col_w - 20 - width(fonts.small, late) - left
        what = shorten(fonts.small, _what(step), room)
        draw.text((left, cy), what, fill=MUTED, font=fonts.small, anchor="lm")


def _what(step: PathStep) -> str:
    return step.label or step.sentence


def sentence_height(fonts: Fonts) -> int:
    return 30 + SENTENCE_LINES * 18


def draw_sentence(image: Image.Image, fonts: Fonts, path: TracePath, number: int, y: int) -> None:
    """One step, for an animation frame: where it is, its latency, and its whole sentence."""
    draw = ImageDraw.Draw(image)
    step = path.steps[number - 1]
    draw.rectangle([0, y, RIGHT + MARGIN, y + sentence_height(fonts)], fill=tint(BLUE, 0.93))
    badge(image, (MARGIN + 10, y + 16), str(step.number), hop_style(step.mark).colour, fonts.badge)
    head = f"Step {step.number}/{len(path.steps)} · {hop_words(step)}"
    draw.text((MARGIN + 26, y + 16), head, fill=INK, font=fonts.name, anchor="lm")
    timing = f"{latency_words(step)} · {step.cumulative_ms:.1f} ms so far"
    draw.text((RIGHT, y + 16), timing, fill=MUTED, font=fonts.body, anchor="rm")
    lines = wrap(fonts.body, step.sentence, RIGHT - MARGIN, SENTENCE_LINES)
    for index, line in enumerate(lines):
        draw.text((MARGIN, y + 32 + index * 18), line, fill=INK, font=fonts.body)


def caption_height(diagram: ClusterDiagram) -> int:
    return CAPTION_ROW * len(diagram.caption) + 6


def draw_caption(image: Image.Image, fonts: Fonts, diagram: ClusterDiagram, y: int) -> None:
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(diagram.caption):
        text = shorten(fonts.small, line, RIGHT - MARGIN)
        draw.text((MARGIN, y + index * CAPTION_ROW), text, fill=MUTED, font=fonts.small)
