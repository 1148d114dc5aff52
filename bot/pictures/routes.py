"""The lines between nodes: the cluster's fixed links, and the route of each hop of a trace.

Routes run down the tiers along the buses of the layout; a hop back up takes the same route
reversed. `offset` moves a route a few pixels to the right of its direction of travel, so a
request and its answer run side by side instead of on top of each other.
"""

from __future__ import annotations

import itertools

from bot.pictures.layout import DiagramLayout, Slot
from engine.pictures.states import Role

Point = tuple[int, int]
BUS_SPLIT = 8  # the cache's bus runs this far above the middle of the gap, the databases' below
_DEPTH = {
    Role.CLIENT: 0,
    Role.BALANCER: 1,
    Role.APP: 2,
    Role.CACHE: 3,
    Role.PRIMARY: 4,
    Role.REPLICA: 4,
}


def route(out: DiagramLayout, source: str, target: str) -> list[Point]:
    a, b = out.slots[source], out.slots[target]
    if _DEPTH[a.node.role] > _DEPTH[b.node.role]:
        return list(reversed(_down(out, b, a)))
    return _down(out, a, b)


def _down(out: DiagramLayout, a: Slot, b: Slot) -> list[Point]:
    """From `a` to `b`, where `b` is at the same tier as `a` or below it."""
    top, bottom = (a.box.cx, a.box.y1), (b.box.cx, b.box.y0)
    roles = (a.node.role, b.node.role)
    if roles == (Role.CLIENT, Role.BALANCER):
        return [
            top,
            (top[0], (top[1] + bottom[1]) // 2),
            (bottom[0], (top[1] + bottom[1]) // 2),
            bottom,
        ]
    if roles == (Role.BALANCER, Role.APP):
        return [top, (top[0], out.bus_apps), (bottom[0], out.bus_apps), bottom]
    # An app server has two ports below: to the cache (left) and to the databases (right),
    # each with its own bus, so that the two kinds of call never share a line.
    if roles == (Role.APP, Role.CACHE):
        port = (a.box.x0 + a.box.w * 3 // 10, a.box.y1)
        bus = out.bus_data - BUS_SPLIT
        return [port, (port[0], bus), (bottom[0], bus), bottom]
    if a.node.role is Role.APP and b.node.role in (Role.PRIMARY, Role.REPLICA):
        port = (a.box.x0 + a.box.w * 7 // 10, a.box.y1)
        lane, bus = out.lane_x, out.bus_data + BUS_SPLIT
        start = [port, (port[0], bus), (lane, bus), (lane, out.bus_db)]
        return start + _into_data(out, b)
    if a.node.role is Role.PRIMARY and b.node.role is Role.REPLICA:
        return _replication(out, a, b)
    return [(a.box.cx, a.box.cy), (b.box.cx, b.box.cy)]


def _into_data(out: DiagramLayout, b: Slot) -> list[Point]:
    if not b.from_side or b.group is None:
        return [(b.box.cx, out.bus_db), (b.box.cx, b.box.y0)]
    lane = out.group_lanes[b.group]
    return [(lane, out.bus_db), (lane, b.box.cy), (b.box.x0, b.box.cy)]


def _replication(out: DiagramLayout, a: Slot, b: Slot) -> list[Point]:
    if b.box.y0 == a.box.y0:  # same row: under the boxes
        under = a.box.y1 + 5
        return [(a.box.cx, a.box.y1), (a.box.cx, under), (b.box.cx, under), (b.box.cx, b.box.y1)]
    lane = out.group_lanes[a.group] if a.group is not None else a.box.x0 - 5
    return [(a.box.x0, a.box.cy), (lane, a.box.cy), (lane, b.box.cy), (b.box.x0, b.box.cy)]


def links(out: DiagramLayout) -> list[list[Point]]:
    """The fixed links of the cluster, drawn faintly under everything else."""
    by_role: dict[Role, list[Slot]] = {}
    for slot in out.slots.values():
        by_role.setdefault(slot.node.role, []).append(slot)
    lines: list[list[Point]] = []
    for upper, lower in (
        (Role.CLIENT, Role.BALANCER),
        (Role.BALANCER, Role.APP),
        (Role.APP, Role.CACHE),
        (Role.APP, Role.PRIMARY),
        (Role.APP, Role.REPLICA),
        (Role.PRIMARY, Role.REPLICA),
    ):
        for a in by_role.get(upper, []):
            for b in by_role.get(lower, []):
                if upper is Role.PRIMARY and a.group != b.group:
                    continue
                if b.from_side and upper is Role.APP:  # the group's lane shows only in use
                    continue
                lines.append(_down(out, a, b))
    return lines


def offset(points: list[Point], d: int) -> list[Point]:
    """The orthogonal polyline moved `d` pixels to the right of its direction of travel."""
    if d == 0 or len(points) < 2:
        return points
    normals = []
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        dx, dy = _sign(x1 - x0), _sign(y1 - y0)
        normals.append((-dy * d, dx * d))  # right of travel, with y pointing down
    moved = [(points[0][0] + normals[0][0], points[0][1] + normals[0][1])]
    for i in range(1, len(points) - 1):
        (ax, ay), (bx, by) = normals[i - 1], normals[i]
        # At a right-angle turn the corner moves along both normals.
        nx = ax if ax else bx
        ny = ay if ay else by
        moved.append((points[i][0] + nx, points[i][1] + ny))
    last = normals[-1]
    moved.append((points[-1][0] + last[0], points[-1][1] + last[1]))
    return moved


def _sign(v: int) -> int:
    return (v > 0) - (v < 0)


def point_at(points: list[Point], fraction: float) -> tuple[Point, bool]:
    """The point `fraction` of the way along the polyline, and whether its segment is level."""
    lengths = [abs(x1 - x0) + abs(y1 - y0) for (x0, y0), (x1, y1) in itertools.pairwise(points)]
    goal = sum(lengths) * fraction
    for ((x0, y0), (x1, y1)), length in zip(itertools.pairwise(points), lengths, strict=True):
        if goal <= length and length:
            t = goal / length
            return (round(x0 + (x1 - x0) * t), round(y0 + (y1 - y0) * t)), y0 == y1
        goal -= length
    return points[-1], True
