"""A trace's path on the diagram: each hop along its route, numbered, with hit/miss tags.

With `current` set (an animation frame) the steps before it are drawn as done, the current
one thick with its node ringed, and the ones after it faint, so each frame differs where the
request is.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from PIL import Image, ImageDraw

from bot.pictures.layout import Box, DiagramLayout
from bot.pictures.routes import Point, offset, point_at, route
from bot.pictures.shapes import arrowhead, badge, pill, polyline
from bot.pictures.text import Fonts, width
from bot.pictures.theme import BLUE, FAINT, PAPER, YELLOW, hop_style, tag_colours, tint
from engine.pictures.diagram import PathStep, TracePath
from engine.pictures.states import HopMark

_LANE = 4  # a hop runs this far right of its direction of travel
_R = 11  # a badge's radius, with a little room


@dataclass(frozen=True, slots=True)
class Placed:
    step: PathStep
    lines: tuple[tuple[Point, ...], ...]  # one per target
    badge_at: Point
    tag_box: Box | None  # where the hit/miss tag goes, if the step has one


class _Room:
    """Rectangles already taken, so badges and tags never cover each other or a node."""

    def __init__(self, boxes: list[Box]) -> None:
        self.taken = list(boxes)

    def free(self, box: Box) -> bool:
        return not any(
            box.x0 < o.x1 and o.x0 < box.x1 and box.y0 < o.y1 and o.y0 < box.y1 for o in self.taken
        )

    def take(self, box: Box) -> None:
        self.taken.append(box)


def _disc(at: Point) -> Box:
    return Box(at[0] - _R, at[1] - _R, at[0] + _R, at[1] + _R)


def place(out: DiagramLayout, path: TracePath, fonts: Fonts) -> list[Placed]:
    room = _Room([])
    boxes = _Room([Box(b.x0 - 2, b.y0 - 2, b.x1 + 2, b.y1 + 2) for b in _boxes(out)])
    placed = []
    for step in path.steps:
        lines = tuple(tuple(offset(route(out, step.source, t), _LANE)) for t in step.targets)
        spots = _along(list(lines[0])) if lines else _around(out.box(step.source))
        at = next((p for p in spots if room.free(_disc(p))), spots[0])
        room.take(_disc(at))
        tag_box = _tag(step, at, fonts, room, boxes)
        placed.append(Placed(step, lines, at, tag_box))
    return placed


def _boxes(out: DiagramLayout) -> list[Box]:
    return [slot.box for slot in out.slots.values()]


def _along(points: list[Point]) -> list[Point]:
    """Spots on the line every 4 pixels, from near its arrowhead back to its start; then the
    same spots beside the line, for when every spot on it is taken."""
    spots: list[Point] = []
    walked = 0
    for (x1, y1), (x0, y0) in itertools.pairwise(reversed(points)):
        length = abs(x1 - x0) + abs(y1 - y0)
        for d in range(-walked % 4, length, 4):
            if walked + d >= 18:  # clear of the arrowhead
                t = d / length
                spots.append((round(x1 + (x0 - x1) * t), round(y1 + (y0 - y1) * t)))
        walked += length
    if not spots:
        spots = [point_at(points, 0.5)[0]]
    return spots + [(x + dx, y) for x, y in spots[::3] for dx in (2 * _R + 2, -2 * _R - 2)]


def _around(box: Box) -> list[Point]:
    """Spots on a node's border for a step inside it: the top edge, then the bottom."""
    top = [(box.x1 - 14 - 4 * i, box.y0) for i in range((box.w - 28) // 4)]
    return top + [(box.x1 - 14 - 4 * i, box.y1) for i in range((box.w - 28) // 4)]


def _tag(step: PathStep, at: Point, fonts: Fonts, room: _Room, boxes: _Room) -> Box | None:
    text = hop_style(step.mark).tag
    if not text:
        return None
    w = width(fonts.tag, text) + 10
    right = Box(at[0] + _R + 3, at[1] - 8, at[0] + _R + 3 + w, at[1] + 8)
    left = Box(at[0] - _R - 3 - w, at[1] - 8, at[0] - _R - 3, at[1] + 8)
    choice = next((b for b in (right, left) if room.free(b) and boxes.free(b)), right)
    room.take(choice)
    return choice


def draw_path(
    image: Image.Image,
    fonts: Fonts,
    out: DiagramLayout,
    placed: list[Placed],
    current: int | None = None,
) -> None:
    """Draw every step as `place` laid them out; `current` is a step number to highlight
    (None: every step drawn as done)."""
    draw = ImageDraw.Draw(image)
    order = sorted(placed, key=lambda p: p.step.number == current)
    for item in order:
        _draw_lines(draw, item, _phase(item.step.number, current))
    if current is not None:
        _ring(draw, out, placed[current - 1].step)
    for item in order:
        _draw_badge(image, draw, fonts, item, _phase(item.step.number, current))


def _phase(number: int, current: int | None) -> str:
    if current is None or number < current:
        return "done"
    return "now" if number == current else "later"


def _draw_lines(draw: ImageDraw.ImageDraw, item: Placed, phase: str) -> None:
    style = hop_style(item.step.mark)
    colour = FAINT if phase == "later" else style.colour
    width = {"done": 3, "now": 5, "later": 2}[phase]
    dash = (6, 4) if style.dashed or phase == "later" else None
    for line in item.lines:
        points = list(line)
        if phase == "now":
            polyline(draw, points, tint(YELLOW, 0.2), width + 6)
        polyline(draw, points, colour, width, dash)
        arrowhead(draw, points[-1], points[-2], colour, 13 if phase == "now" else 10)


def _ring(draw: ImageDraw.ImageDraw, out: DiagramLayout, step: PathStep) -> None:
    for node in step.targets or (step.source,):
        box = out.box(node)
        corners = [box.x0 - 4, box.y0 - 4, box.x1 + 4, box.y1 + 4]
        draw.rounded_rectangle(corners, radius=9, outline=BLUE, width=3)


def _draw_badge(
    image: Image.Image, draw: ImageDraw.ImageDraw, fonts: Fonts, item: Placed, phase: str
) -> None:
    step = item.step
    style = hop_style(step.mark)
    colour = tint(style.colour, 0.55) if phase == "later" else style.colour
    ring = YELLOW if phase == "now" else PAPER
    badge(image, item.badge_at, str(step.number), colour, fonts.badge, ring)
    if item.tag_box is not None and phase != "later":
        bg, fg = tag_colours(step.mark)
        pill(draw, (item.tag_box.x0, item.tag_box.cy), style.tag, bg, fg, fonts.tag)


def hop_words(step: PathStep) -> str:
    """`client → lb`, `at app-0`, `db → replica-0, replica-1`."""
    if not step.targets:
        return f"at {step.source}"
    return f"{step.source} → {', '.join(step.targets)}"


def latency_words(step: PathStep) -> str:
    if step.mark is HopMark.ASYNC:
        return "after reply"
    return f"+{step.latency_ms:g} ms" if step.latency_ms else "+0 ms"
