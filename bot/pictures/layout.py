"""Where everything of a cluster diagram goes: boxes per node, the buses between tiers.

Pure geometry, no drawing: the tiers are rows from the client down to the databases, and
the links between tiers run along horizontal buses, so every route is made of horizontal and
vertical segments that stay crisp without anti-aliasing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from engine.pictures.diagram import ClusterDiagram, Node

WIDTH = 800
MARGIN = 20
LEFT = MARGIN
RIGHT = WIDTH - MARGIN
TOP = 60  # below the title
NODE_H = 60
CLIENT_H = 44
LINK = 44  # vertical room for a bus between two tiers
SPLIT_LINK = 60  # below the app servers: two buses, to the cache and to the databases
GAP = 10
GROUP_PAD = 6
GROUP_LABEL = 18
WIDE = 150  # a node box's width when there is room
NARROW = 68  # below this a box drops its detail line
COMPACT = 110  # below this a box uses short names and tags
MAX_ROW = 8  # app servers per row before a second, staggered row


@dataclass(frozen=True, slots=True)
class Box:
    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def cx(self) -> int:
        return (self.x0 + self.x1) // 2

    @property
    def cy(self) -> int:
        return (self.y0 + self.y1) // 2

    @property
    def w(self) -> int:
        return self.x1 - self.x0


@dataclass(frozen=True, slots=True)
class Slot:
    node: Node
    box: Box
    group: int | None = None  # shard group index for data nodes
    from_side: bool = False  # a data node below its group's first row: entered from the lane


@dataclass(slots=True)
class DiagramLayout:
    slots: dict[str, Slot] = field(default_factory=dict)
    tiers: list[tuple[str, int, int]] = field(default_factory=list)  # name, y0, y1
    # Where each tier's leftmost box starts: its name goes left of it, where there is room.
    tier_left: dict[str, int] = field(default_factory=dict)
    groups: list[tuple[str, Box]] = field(default_factory=list)
    bus_apps: int = 0  # between the balancers and the app servers
    bus_data: int = 0  # below the app servers
    bus_db: int = 0  # above the databases
    lane_x: int = 0  # the way past the cache, down to the databases
    group_lanes: dict[int, int] = field(default_factory=dict)
    no_cache: Box | None = None
    bottom: int = 0

    def box(self, node_id: str) -> Box:
        return self.slots[node_id].box


def layout(diagram: ClusterDiagram) -> DiagramLayout:
    out = DiagramLayout()
    _fill(out, diagram)
    for name, y0, y1 in out.tiers:
        lefts = [s.box.x0 for s in out.slots.values() if y0 <= s.box.y0 < y1]
        lefts += [f.x0 for _, f in out.groups if y0 <= f.y0 < y1]
        if out.no_cache is not None and y0 <= out.no_cache.y0 < y1:
            lefts.append(out.no_cache.x0)
        out.tier_left[name] = min(lefts, default=RIGHT)
    return out


def _fill(out: DiagramLayout, diagram: ClusterDiagram) -> None:
    y = _row(out, "client", [diagram.client], TOP, CLIENT_H, 140)
    y = _row(out, "balancer", list(diagram.balancers), y + LINK, NODE_H, 180)
    out.bus_apps = y + LINK // 2
    y = _apps(out, list(diagram.apps), y + LINK)
    out.bus_data = y + SPLIT_LINK // 2
    y = _cache(out, diagram, y + SPLIT_LINK)
    out.bus_db = y + LINK // 2
    out.bottom = _data(out, diagram, y + LINK)


def _centred(count: int, box_w: int, gap: int) -> list[int]:
    """Left edges of `count` boxes centred between LEFT and RIGHT."""
    total = count * box_w + (count - 1) * gap
    start = LEFT + (RIGHT - LEFT - total) // 2
    return [start + i * (box_w + gap) for i in range(count)]


def _row(
    out: DiagramLayout, tier: str, nodes: list[Node], y: int, h: int, w: int, gap: int = 3 * GAP
) -> int:
    for x, node in zip(_centred(len(nodes), w, gap), nodes, strict=True):
        out.slots[node.id] = Slot(node, Box(x, y, x + w, y + h))
    out.tiers.append((tier, y, y + h))
    return y + h


def _apps(out: DiagramLayout, nodes: list[Node], y: int) -> int:
    room = RIGHT - LEFT
    if len(nodes) <= MAX_ROW:
        gap = 2 * GAP
        w = min(WIDE, (room - gap * (len(nodes) - 1)) // len(nodes))
        return _row(out, "app servers", nodes, y, NODE_H, w, gap)
    # Two rows, the second shifted by half a step, so each link passes between two boxes.
    per_row = math.ceil(len(nodes) / 2)
    pitch = room / (per_row + 0.5)
    w = int(pitch) - 2 * GAP
    for index, node in enumerate(nodes):
        row, col = divmod(index, per_row)
        x = round(LEFT + GAP + col * pitch + row * pitch / 2)
        top = y + row * (NODE_H + 2 * GAP)
        out.slots[node.id] = Slot(node, Box(x, top, x + w, top + NODE_H))
    bottom = y + 2 * NODE_H + 2 * GAP
    out.tiers.append(("app servers", y, bottom))
    return bottom


def _cache(out: DiagramLayout, diagram: ClusterDiagram, y: int) -> int:
    if diagram.caches:
        bottom = _row(out, "cache", list(diagram.caches), y, NODE_H, 220)
        right = max(out.box(n.id).x1 for n in diagram.caches)
    else:
        x = LEFT + (RIGHT - LEFT - 220) // 2
        out.no_cache = Box(x, y + 12, x + 220, y + NODE_H - 12)
        out.tiers.append(("cache", y, y + NODE_H))
        bottom, right = y + NODE_H, x + 220
    out.lane_x = min(right + 3 * GAP, RIGHT - GAP)
    return bottom


def _data(out: DiagramLayout, diagram: ClusterDiagram, y: int) -> int:
    count = len(diagram.shards)
    room = RIGHT - LEFT
    group_w = min(room, (room - GAP * (count - 1)) // count)
    sizes = [1 + len(g.replicas) for g in diagram.shards]
    inner = group_w - 2 * GROUP_PAD - GAP  # the lane takes GAP on the left
    # A group in one row when it fits, else in one column: the primary above its replicas.
    cols = max(sizes) if max(sizes) * (NARROW + GAP) - GAP <= inner else 1
    box_w = min(WIDE, (inner - GAP * (cols - 1)) // cols)
    rows = math.ceil(max(sizes) / cols)
    height = GROUP_LABEL + rows * NODE_H + (rows - 1) * GAP + 2 * GROUP_PAD
    used = max(min(cols, s) for s in sizes) * (box_w + GAP) - GAP + 2 * GROUP_PAD + GAP
    group_w = min(group_w, max(used, 180))
    for index, (x, group) in enumerate(
        zip(_centred(count, group_w, GAP), diagram.shards, strict=True)
    ):
        frame = Box(x, y, x + group_w, y + height)
        out.groups.append((group.label, frame))
        out.group_lanes[index] = x + GROUP_PAD + GAP // 2
        _group_nodes(out, index, frame, (group.primary, *group.replicas), cols, box_w)
    out.tiers.append(("databases", y, y + height))
    return y + height


def _group_nodes(
    out: DiagramLayout, index: int, frame: Box, nodes: tuple[Node, ...], cols: int, box_w: int
) -> None:
    shown = min(cols, len(nodes))
    span = shown * box_w + (shown - 1) * GAP
    left = frame.x0 + GROUP_PAD + GAP + (frame.w - 2 * GROUP_PAD - GAP - span) // 2
    for position, node in enumerate(nodes):
        row, col = divmod(position, cols)
        x = left + col * (box_w + GAP)
        top = frame.y0 + GROUP_PAD + row * (NODE_H + GAP)  # the label goes below
        box = Box(x, top, x + box_w, top + NODE_H)
        out.slots[node.id] = Slot(node, box, index, from_side=row > 0)
