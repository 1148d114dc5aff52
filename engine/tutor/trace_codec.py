"""A trace as the store keeps it: enough to redraw it at any step on any node.

`{"title", "summary", "steps": [[component, text, latency_ms, cumulative_ms], …]}`, the layout
stored traces have always had. The store treats the document as opaque text.
"""

from __future__ import annotations

from typing import Any

import orjson

from engine.replies import TraceStep, TraceSteps


def encode(block: TraceSteps) -> str:
    steps = [[s.component, s.text, s.latency_ms, s.cumulative_ms] for s in block.steps]
    return orjson.dumps({"title": block.title, "summary": block.summary, "steps": steps}).decode()


def decode(trace_no: int, document: str) -> TraceSteps:
    doc: dict[str, Any] = orjson.loads(document)
    rows = doc["steps"]
    total = len(rows)
    steps = tuple(
        TraceStep(n, total, str(component), str(text), float(latency), float(cumulative))
        for n, (component, text, latency, cumulative) in enumerate(rows, start=1)
    )
    return TraceSteps(str(doc["title"]), steps, str(doc["summary"]), trace_no, 0)
