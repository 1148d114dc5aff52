"""The still parts of a cluster diagram: title, tier names, links, shard frames, node boxes."""

from __future__ import annotations

import re

from PIL import ImageDraw

from bot.pictures.layout import COMPACT, MARGIN, RIGHT, Box, DiagramLayout, Slot
from bot.pictures.routes import links
from bot.pictures.shapes import box_outline, hatch, polyline
from bot.pictures.text import Fonts, shorten, width
from bot.pictures.theme import FAINT, INK, MUTED, PANEL, RULE, Border, state_style, tint
from engine.pictures.diagram import Node
from engine.pictures.states import NodeState, Role

_DASH = {Border.DASHED: (7, 4), Border.DOTTED: (2, 3)}
_REPLICA = re.compile(r"^(?:shard-\d+-)?replica-(\d+)$")


def draw_title(draw: ImageDraw.ImageDraw, fonts: Fonts, title: str) -> None:
    draw.text((MARGIN, 18), shorten(fonts.title, title, RIGHT - MARGIN), fill=INK, font=fonts.title)
    draw.line([(MARGIN, 46), (RIGHT, 46)], fill=RULE, width=1)


def draw_structure(draw: ImageDraw.ImageDraw, fonts: Fonts, out: DiagramLayout) -> None:
    for name, y0, y1 in out.tiers:
        label = name.upper()
        if MARGIN + width(fonts.tag, label) + 10 <= out.tier_left[name]:
            draw.text((MARGIN, (y0 + y1) // 2), label, fill=MUTED, font=fonts.tag, anchor="lm")
    for points in links(out):
        polyline(draw, points, FAINT, 1)
    for label, frame in out.groups:
        draw.rounded_rectangle(
            [frame.x0, frame.y0, frame.x1, frame.y1], radius=8, fill=PANEL, outline=RULE
        )
        draw.text((frame.x0 + 8, frame.y1 - 4), label, fill=MUTED, font=fonts.small, anchor="ls")
    for points in links(out):  # again over the frames, so links into a group stay visible
        if points[-1][1] > min((f.y0 for _, f in out.groups), default=10**6):
            polyline(draw, points, FAINT, 1)
    if out.no_cache is not None:
        box = out.no_cache
        box_outline(draw, box, FAINT, 1, (4, 4))
        draw.text((box.cx, box.cy), "no cache tier", fill=MUTED, font=fonts.small, anchor="mm")


def draw_node(draw: ImageDraw.ImageDraw, fonts: Fonts, slot: Slot) -> None:
    node, box = slot.node, slot.box
    style = state_style(node.state)
    corners = [box.x0, box.y0, box.x1, box.y1]
    draw.rounded_rectangle(corners, radius=6, fill=style.fill)
    if style.hatched:
        hatch(draw, Box(box.x0 + 3, box.y0 + 3, box.x1 - 3, box.y1 - 3), tint(style.edge, 0.72))
    _border(draw, box, style.edge, style.border)
    compact = box.w < COMPACT
    name_font = fonts.tiny_name if compact else fonts.name
    room = box.w - 10
    name = display_name(slot, compact)
    head = name if compact else f"{style.symbol} {name}"
    draw.text((box.x0 + 5, box.y0 + 6), shorten(name_font, head, room), fill=INK, font=name_font)
    if node.role is Role.CLIENT:
        detail = shorten(fonts.small, node.detail, room)
        draw.text((box.x0 + 5, box.y0 + 25), detail, fill=MUTED, font=fonts.small)
        return
    tag = f"{style.symbol} {short_tag(node.state)}" if compact else style.tag
    tag_font = fonts.tag
    draw.text(
        (box.x0 + 5, box.y0 + 25), shorten(tag_font, tag, room), fill=style.text, font=tag_font
    )
    detail = shorten(fonts.small, node.detail, room)
    if detail and (detail == node.detail or len(detail) >= 8):  # a stub of a word says nothing
        draw.text((box.x0 + 5, box.y0 + 41), detail, fill=MUTED, font=fonts.small)


def _border(
    draw: ImageDraw.ImageDraw, box: Box, colour: tuple[int, int, int], kind: Border
) -> None:
    corners = [box.x0, box.y0, box.x1, box.y1]
    if kind is Border.SOLID:
        draw.rounded_rectangle(corners, radius=6, outline=colour, width=2)
    elif kind is Border.DOUBLE:
        draw.rounded_rectangle(corners, radius=6, outline=colour, width=2)
        inner = [box.x0 + 4, box.y0 + 4, box.x1 - 4, box.y1 - 4]
        draw.rounded_rectangle(inner, radius=4, outline=colour, width=1)
    else:
        box_outline(draw, box, colour, 2, _DASH[kind])


def display_name(slot: Slot, compact: bool = False) -> str:
    """Inside a shard's frame, `shard-2-replica-0` is simply `replica-0` (`rep-0` when the
    boxes are small); other names stay as they are."""
    match = _REPLICA.match(slot.node.id)
    if match is None:
        return slot.node.id
    return f"rep-{match[1]}" if compact else f"replica-{match[1]}"


def short_tag(state: NodeState) -> str:
    return {NodeState.DOWN_IN_ROTATION: "DOWN", NodeState.OUT_OF_ROTATION: "OUT"}.get(
        state, state_style(state).tag
    )


def legend_states(nodes: tuple[Node, ...]) -> list[NodeState]:
    """The states present, in the legend's fixed order."""
    present = {n.state for n in nodes if n.role is not Role.CLIENT}
    return [s for s in NodeState if s in present]
