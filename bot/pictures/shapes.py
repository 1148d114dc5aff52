"""Drawing primitives Pillow lacks: dashed lines and boxes, hatching, arrowheads, round badges.

Shapes with curves (badges) are drawn four times larger and scaled down, for smooth edges;
straight horizontal and vertical lines are crisp as they are.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence

from PIL import Image, ImageDraw

from bot.pictures.layout import Box
from bot.pictures.text import Font
from bot.pictures.theme import RGB

Point = tuple[int, int]
_SUPER = 4


def polyline(
    draw: ImageDraw.ImageDraw,
    points: Sequence[Point],
    colour: RGB,
    width: int,
    dash: tuple[int, int] | None = None,
) -> None:
    if dash is None:
        draw.line(list(points), fill=colour, width=width, joint="curve")
        return
    on, off = dash
    carry = 0.0  # where in the dash pattern the previous segment ended
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
        if not length:
            continue
        pos = -carry
        while pos < length:
            start, end = max(pos, 0.0), min(pos + on, length)
            if end > start:
                a = (x0 + (x1 - x0) * start / length, y0 + (y1 - y0) * start / length)
                b = (x0 + (x1 - x0) * end / length, y0 + (y1 - y0) * end / length)
                draw.line([a, b], fill=colour, width=width)
            pos += on + off
        carry = (length + carry) % (on + off)


def box_outline(
    draw: ImageDraw.ImageDraw, box: Box, colour: RGB, width: int, dash: tuple[int, int]
) -> None:
    corners = [(box.x0, box.y0), (box.x1, box.y0), (box.x1, box.y1), (box.x0, box.y1)]
    polyline(draw, [*corners, corners[0]], colour, width, dash)


def hatch(draw: ImageDraw.ImageDraw, box: Box, colour: RGB, spacing: int = 9) -> None:
    """Diagonal hatching inside `box` (lines at 45 degrees, clipped to the box)."""
    w, h = box.x1 - box.x0, box.y1 - box.y0
    for k in range(spacing, w + h, spacing):
        # The line x + y = k (box coordinates), clipped to 0 <= x <= w, 0 <= y <= h.
        x_start, x_end = max(0, k - h), min(w, k)
        if x_end <= x_start:
            continue
        a = (box.x0 + x_start, box.y0 + k - x_start)
        b = (box.x0 + x_end, box.y0 + k - x_end)
        draw.line([a, b], fill=colour, width=1)


def arrowhead(draw: ImageDraw.ImageDraw, tip: Point, before: Point, colour: RGB, size: int) -> None:
    """A filled triangle at `tip`, pointing away from `before`."""
    dx, dy = tip[0] - before[0], tip[1] - before[1]
    length = max((dx * dx + dy * dy) ** 0.5, 1e-9)
    ux, uy = dx / length, dy / length
    back = (tip[0] - ux * size, tip[1] - uy * size)
    half = size * 0.55
    left = (back[0] - uy * half, back[1] + ux * half)
    right = (back[0] + uy * half, back[1] - ux * half)
    draw.polygon([tip, left, right], fill=colour)


def disc(image: Image.Image, centre: Point, radius: int, colour: RGB, ring: RGB | None) -> None:
    """A smooth filled circle (with an optional ring around it) pasted onto `image`."""
    size = 2 * radius + 2
    corner = (centre[0] - size // 2, centre[1] - size // 2)
    if ring is not None:
        image.paste(ring, (corner[0] - 2, corner[1] - 2), _round_mask(size + 4))
    image.paste(colour, corner, _round_mask(size))


@functools.lru_cache(maxsize=16)
def _round_mask(size: int) -> Image.Image:
    """A smooth disc of `size` pixels as a mask. Cached: it is the same every time, and masks
    are only ever read (pasting through a mask never changes it)."""
    big = Image.new("L", (size * _SUPER, size * _SUPER), 0)
    ImageDraw.Draw(big).ellipse([0, 0, size * _SUPER - 1, size * _SUPER - 1], 255)
    return big.resize((size, size), Image.Resampling.LANCZOS)


def badge(
    image: Image.Image, centre: Point, text: str, colour: RGB, font: Font, ring: RGB | None = None
) -> None:
    """A step number in a round badge."""
    disc(image, centre, 9, colour, ring)
    ImageDraw.Draw(image).text(centre, text, fill=(255, 255, 255), font=font, anchor="mm")


def pill(draw: ImageDraw.ImageDraw, left: Point, text: str, bg: RGB, fg: RGB, font: Font) -> Box:
    """A rounded label whose left middle is at `left`; returns where it was drawn."""
    width = round(font.getlength(text)) + 10
    box = Box(left[0], left[1] - 8, left[0] + width, left[1] + 8)
    draw.rounded_rectangle([box.x0, box.y0, box.x1, box.y1], radius=5, fill=bg)
    draw.text((box.cx, left[1]), text, fill=fg, font=font, anchor="mm")
    return box
