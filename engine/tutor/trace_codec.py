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
        doc["picture"] = _compact(kept.animation, steps, block.summary)
    return orjson.dumps(doc).decode()


# A stored trace is written on every /trace, so its size is PostgreSQL's (and SQLite's) work on
# every command: the picture's path repeats what the trace's own steps say (each step's number,
# sentence and latencies, and the summary), which as objects with their keys was half of the
# document. Stored, the path's steps are `[source, targets, mark, label]` and its summary is
# left out; reading puts them back from the trace's steps. Older documents, with the steps in
# full, read as they always did.


def _compact(animation: TraceAnimation, rows: list[list[Any]], summary: str) -> object:
    """The animation as it is stored: its values as they are (orjson writes the frozen
    dataclasses in C, in their fields' order), with the path's steps compact and its summary
    left out where they are the trace's own."""
    path = animation.path
    if len(path.steps) != len(rows):
        return animation
    for n, (step, row) in enumerate(zip(path.steps, rows, strict=True), start=1):
        if (step.number, step.sentence, step.latency_ms, step.cumulative_ms) != (
            n,
            row[1],
            row[2],
            row[3],
        ):
            return animation  # not the trace's own steps: kept whole
    # The picture values keep a __dict__ (engine/pictures/diagram.py): their fields, in order.
    stored_path = dict(vars(path))
    stored_path["steps"] = [[s.source, s.targets, s.mark, s.label] for s in path.steps]
    if path.summary == summary:
        del stored_path["summary"]
    diagram = dict(vars(animation.diagram))
    diagram["path"] = stored_path
    return {**vars(animation), "diagram": diagram}


def _expanded(data: object, rows: list[Any], summary: str) -> object:
    path = data.get("diagram", {}).get("path") if isinstance(data, dict) else None
    if not isinstance(path, dict):
        return data
    steps = path.get("steps")
    if isinstance(steps, list) and steps and all(isinstance(s, list) for s in steps):
        if len(steps) != len(rows):
            return data  # not readable: the validation says so
        path["steps"] = [
            {
                "number": n,
                "source": source,
                "targets": targets,
                "mark": mark,
                "label": label,
                "sentence": row[1],
                "latency_ms": row[2],
                "cumulative_ms": row[3],
            }
            for n, ((source, targets, mark, label), row) in enumerate(
                zip(steps, rows, strict=True), start=1
            )
        ]
    path.setdefault("summary", summary)
    return data


def decode(trace_no: int, document: str) -> KeptTrace:
    doc: dict[str, Any] = orjson.loads(document)
    rows = doc["steps"]
    total = len(rows)
    steps = tuple(
        TraceStep(n, total, str(component), str(text), float(latency), float(cumulative))
        for n, (component, text, latency, cumulative) in enumerate(rows, start=1)
    )
    block = TraceSteps(str(doc["title"]), steps, str(doc["summary"]), trace_no, 0)
    picture = doc.get("picture")
    if picture is not None:
        picture = _expanded(picture, rows, block.summary)
    return KeptTrace(block, _animation(trace_no, picture))


def _animation(trace_no: int, data: object) -> TraceAnimation | None:
    if data is None:
        return None
    try:
        picture = picture_from_data(data)
    except PictureFormatError:
        log.warning("trace #%s: its picture is not one this version draws; shown as text", trace_no)
        return None
    return picture if isinstance(picture, TraceAnimation) else None
