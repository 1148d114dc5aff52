"""Charts with their alt text written for them: the way builders make a `Chart`."""

from __future__ import annotations

from collections.abc import Sequence

from engine.pictures.chart import Chart, Marker, Panel, Region
from engine.pictures.describe import describe_chart


def chart(
    title: str,
    panels: Sequence[Panel],
    *,
    subtitle: str = "",
    x_label: str = "",
    x_unit: str = "",
    markers: Sequence[Marker] = (),
    regions: Sequence[Region] = (),
) -> Chart:
    alt = describe_chart(title, panels, markers, regions)
    return Chart(
        title,
        tuple(panels),
        alt,
        subtitle=subtitle,
        x_label=x_label,
        x_unit=x_unit,
        markers=tuple(markers),
        regions=tuple(regions),
    )
