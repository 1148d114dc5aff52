"""Alt text: what a picture shows, in words, for screen readers and text-only clients.

Every node that is not simply up is named with its state; the nodes that are up are counted.
Discord caps an attachment's description at 1,024 characters and Slack an image's alt text at
2,000, so descriptions are cut to `ALT_LIMIT` at a word boundary.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.pictures.chart import BarPanel, LinePanel, Marker, Panel, Region
from engine.pictures.diagram import Node, PathStep, ShardGroup, TracePath
from engine.pictures.states import HopMark, MarkerKind, NodeState

ALT_LIMIT = 1_000


def fit(text: str, limit: int = ALT_LIMIT) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def node_words(node: Node) -> str:
    words = f"{node.id} {node.state.value}"
    return f"{words} ({node.detail})" if node.detail and node.state is not NodeState.UP else words


def tier_words(title: str, nodes: Sequence[Node]) -> str:
    """`app servers (3): app-1 down, still in rotation (1 of 3 failed checks); 2 up`."""
    if not nodes:
        return f"no {title}"
    if len(nodes) == 1:
        return f"{title}: {node_words(nodes[0])}"
    unusual = [node_words(n) for n in nodes if n.state is not NodeState.UP]
    up = sum(1 for n in nodes if n.state is NodeState.UP)
    parts = unusual + ([f"{up} up" if unusual else f"all {up} up"] if up else [])
    return f"{title} ({len(nodes)}): {'; '.join(parts)}"


def describe_cluster(
    balancers: Sequence[Node],
    apps: Sequence[Node],
    caches: Sequence[Node],
    shards: Sequence[ShardGroup],
    caption: Sequence[str],
) -> str:
    data = []
    for group in shards:
        nodes = (group.primary, *group.replicas)
        data.append(f"{group.label}: " + ", ".join(node_words(n) for n in nodes))
    tiers = [
        tier_words("balancer", balancers),
        tier_words("app servers", apps),
        tier_words("cache", caches),
        "; ".join(data),
    ]
    return " → ".join(tiers) + ". Settings: " + "; ".join(caption) + "."


def path_route(steps: Sequence[PathStep]) -> str:
    """`client → lb → app-0 → cache (MISS) → app-0 → …`: where the request went."""
    route = ["client"]
    for step in steps:
        mark, targets = step.mark, step.targets
        if not targets or mark is HopMark.ASYNC:
            continue
        if route[-1] != step.source:
            route.append(step.source)
        if mark in _NOTED:
            route[-1] += _NOTED[mark]
        route.append(targets[0])
    return " → ".join(route)


# The marks a route notes beside the node the hop leaves: `cache (MISS)`.
_NOTED = {
    mark: f" ({mark.upper()})"
    for mark in (HopMark.HIT, HopMark.MISS, HopMark.STALE, HopMark.FAILED)
}


def describe_path(path: TracePath) -> str:
    client = f", ~{path.client_ms:.0f} ms for {path.user}" if path.client_ms is not None else ""
    late = [f"{s.source} → {', '.join(s.targets)}" for s in path.steps if s.mark is HopMark.ASYNC]
    after = f" After the response: {'; '.join(late)}." if late else ""
    return (
        f"{path.request} by {path.user}: {path.outcome.value}, {path.status}, "
        f"{path.total_ms:.1f} ms in the cluster{client}. Path: {path_route(path.steps)}.{after}"
    )


def describe_chart(
    title: str, panels: Sequence[Panel], markers: Sequence[Marker], regions: Sequence[Region]
) -> str:
    parts = [f"Chart: {title}."]
    for panel in panels:
        parts.append(_panel_words(panel))
    for marker in markers:
        what = "Bottleneck" if marker.kind is MarkerKind.BOTTLENECK else "Event"
        parts.append(f"{what} at {marker.x:g}: {marker.label}.")
    for region in regions:
        parts.append(f"Shaded {region.start:g}–{region.end:g}: {region.label}.")
    return fit(" ".join(parts))


def _panel_words(panel: Panel) -> str:
    if isinstance(panel, BarPanel):
        bars = "; ".join(
            f"{b.label} {b.value:.0f}{panel.unit}" + (" (the bottleneck)" if b.emphasis else "")
            for b in panel.bars
        )
        return f"{panel.title}: {bars}."
    return f"{panel.title} ({panel.unit}): " + "; ".join(_series_words(panel)) + "."


def _series_words(panel: LinePanel) -> list[str]:
    words = []
    for series in panel.series:
        ys = [y for _, y in series.points]
        peak_x, peak = max(series.points, key=lambda p: p[1])
        text = f"{series.name} from {ys[0]:.0f} to {ys[-1]:.0f}, peak {peak:.0f} at {peak_x:g}"
        words.append(text + (" (the bottleneck)" if series.emphasis else ""))
    return words
