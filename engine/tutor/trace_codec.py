"""A trace as the store keeps it: enough to redraw it at any step on any node.

`{"title", "summary", "steps": [[component, text, latency_ms, cumulative_ms], …], "picture"}`:
the layout stored traces have always had, and since pictures the trace's animation as
`engine.pictures.codec` describes it (what to draw, never the bytes), so that Next and
Previous show the matching frame. A trace kept before pictures, or whose picture this version
cannot read, comes back without one and is shown as text. The store treats the document as
opaque text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import orjson

from engine.pictures import TraceAnimation
from engine.pictures.codec import PictureFormatError, picture_from_data
from engine.replies import TraceStep, TraceSteps

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class KeptTrace:
    """A trace as a reply block, and the animation its pictures are drawn from."""

    block: TraceSteps
    animation: TraceAnimation | None = None

    @property
    def trace_no(self) -> int:
        return self.block.trace_no


def encode(kept: KeptTrace) -> str:
    block = kept.block
    steps = [[s.component, s.text, s.latency_ms, s.cumulative_ms] for s in block.steps]
    doc: dict[str, Any] = {"title": block.title, "summary": block.summary, "steps": steps}
    if kept.animation is not None:
        doc["picture"] = kept.animation  # orjson writes the frozen dataclasses as they are
    return orjson.dumps(doc).decode()


def decode(trace_no: int, document: str) -> KeptTrace:
    doc: dict[str, Any] = orjson.loads(document)
    rows = doc["steps"]
    total = len(rows)
    steps = tuple(
        TraceStep(n, total, str(component), str(text), float(latency), float(cumulative))
        for n, (component, text, latency, cumulative) in enumerate(rows, start=1)
    )
    block = TraceSteps(str(doc["title"]), steps, str(doc["summary"]), trace_no, 0)
    return KeptTrace(block, _animation(trace_no, doc.get("picture")))


def _animation(trace_no: int, data: object) -> TraceAnimation | None:
    if data is None:
        return None
    try:
        picture = picture_from_data(data)
    except PictureFormatError:
        log.warning("trace #%s: its picture is not one this version draws; shown as text", trace_no)
        return None
    return picture if isinstance(picture, TraceAnimation) else None
