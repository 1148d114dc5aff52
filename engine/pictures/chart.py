"""Charts: named series over x with units, reference lines, events and the bottleneck marked.

A chart is one or more panels stacked over one x axis (simulated time, offered load, attempt
number); each panel has one unit, so utilisation, rates and latencies never share an axis.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Literal

from engine.pictures.states import MarkerKind


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    points: tuple[tuple[float, float], ...]  # (x, y), x increasing
    emphasis: bool = False  # the series that matters most (the bottleneck's tier)

    def __post_init__(self) -> None:
        if not self.points:
            raise ValueError(f"series {self.name!r} has no points")
        xs = [x for x, _ in self.points]
        if any(b < a for a, b in itertools.pairwise(xs)):
            raise ValueError(f"series {self.name!r}: x must not decrease")
        if not all(math.isfinite(v) for point in self.points for v in point):
            raise ValueError(f"series {self.name!r} has a value that is not a finite number")


@dataclass(frozen=True, slots=True)
class Threshold:
    """A horizontal reference line: saturation at 100%, a p99 objective."""

    value: float
    label: str


@dataclass(frozen=True, slots=True)
class LinePanel:
    title: str  # "utilisation per tier"
    unit: str  # "%", "req/s", "ms"
    series: tuple[Series, ...]
    thresholds: tuple[Threshold, ...] = ()
    y_max: float | None = None  # None: fit the data (and the thresholds)
    kind: Literal["line"] = "line"

    def __post_init__(self) -> None:
        if not self.series:
            raise ValueError(f"panel {self.title!r} has no series")
        names = [s.name for s in self.series]
        if len(set(names)) != len(names):
            raise ValueError(f"panel {self.title!r}: series names repeat: {names}")


@dataclass(frozen=True, slots=True)
class Bar:
    label: str  # "app servers"
    value: float
    note: str = ""  # "3 × 4 cores", "bottleneck: 118%"
    emphasis: bool = False

    def __post_init__(self) -> None:
        if not math.isfinite(self.value) or self.value < 0:
            raise ValueError(f"bar {self.label!r}: value must be a finite number >= 0")


@dataclass(frozen=True, slots=True)
class BarPanel:
    """Horizontal bars, one per category: utilisation per tier in a steady state."""

    title: str
    unit: str
    bars: tuple[Bar, ...]
    thresholds: tuple[Threshold, ...] = ()
    y_max: float | None = None
    kind: Literal["bars"] = "bars"

    def __post_init__(self) -> None:
        if not self.bars:
            raise ValueError(f"panel {self.title!r} has no bars")


Panel = LinePanel | BarPanel


@dataclass(frozen=True, slots=True)
class Marker:
    """A moment on the x axis: an event, or where the bottleneck broke."""

    x: float
    label: str
    kind: MarkerKind = MarkerKind.EVENT


@dataclass(frozen=True, slots=True)
class Region:
    """A stretch of x worth shading: a failover gap, a spike."""

    start: float
    end: float
    label: str

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError(f"region {self.label!r} must start before it ends")


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    panels: tuple[Panel, ...]
    alt: str
    subtitle: str = ""
    x_label: str = ""  # "simulated time"; line panels only
    x_unit: str = ""  # "s"
    markers: tuple[Marker, ...] = ()
    regions: tuple[Region, ...] = ()
    kind: Literal["chart"] = "chart"

    def __post_init__(self) -> None:
        if not self.panels:
            raise ValueError("a chart needs at least one panel")
