"""The one entry point adapters need: a `Picture` in, bytes with a file name and alt text out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import assert_never

from bot.pictures import animation, encode
from bot.pictures.chart import draw_chart
from bot.pictures.diagram import draw_diagram
from engine.pictures import Chart, ClusterDiagram, Picture, TraceAnimation

PNG = "image/png"
GIF = "image/gif"


@dataclass(frozen=True, slots=True)
class Rendered:
    data: bytes
    filename: str  # what an upload is called: "cluster.png", "trace.gif"
    media_type: str
    width: int
    height: int
    frames: int  # 1 for a still
    alt: str  # the picture's description: an attachment's description, an image's alt text


def render(picture: Picture, stem: str = "") -> Rendered:
    """PNG for a diagram or a chart, a GIF that plays once for a trace animation."""
    match picture:
        case ClusterDiagram():
            image = draw_diagram(picture)
            name = stem or ("trace" if picture.path is not None else "cluster")
            return Rendered(encode.png(image), f"{name}.png", PNG, *image.size, 1, picture.alt)
        case Chart():
            image = draw_chart(picture)
            return Rendered(
                encode.png(image), f"{stem or 'chart'}.png", PNG, *image.size, 1, picture.alt
            )
        case TraceAnimation():
            images = animation.frames(picture)
            data = encode.gif(images, animation.durations(picture))
            w, h = images[0].size
            return Rendered(data, f"{stem or 'trace'}.gif", GIF, w, h, len(images), picture.alt)
        case _:
            assert_never(picture)


def render_frame(picture: TraceAnimation, step: int, stem: str = "") -> Rendered:
    """Step `step` (1-based) of a trace animation alone, as a PNG: what Next and Previous show."""
    image = animation.frame(picture, step)
    alt = picture.frame_alts[step - 1]
    name = f"{stem or 'trace'}-step-{step}.png"
    return Rendered(encode.png(image), name, PNG, *image.size, 1, alt)
