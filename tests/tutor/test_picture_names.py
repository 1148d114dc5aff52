"""A trace's picture names people as its text does: resolved field by field (the hot path),
it must come out exactly as resolving every text of its stored JSON would. And the stored
trace, written by orjson from the values, is the validating schema's document compacted."""

from __future__ import annotations

from collections.abc import Callable

import orjson
import pytest

from engine.content.loader import Content
from engine.pictures import TraceAnimation
from engine.pictures.codec import dump_picture, load_picture, picture_data
from engine.pictures.from_cluster import trace_animation
from engine.sim import failover, faults
from engine.sim import operations as ops
from engine.sim.request import Method, Request
from engine.sim.state import ClusterState, new_cluster
from engine.sim.trace import Trace, run_request
from engine.tutor import names, trace_codec
from engine.tutor.presenters.traces import trace_block

ANN, BOB = names.ref("U-ann"), names.ref("U-bob")


def _trace(content: Content, state: ClusterState, line: str, user: str) -> Trace:
    method, path = line.split()
    return run_request(state, Request(Method(method), path), user, content.latencies)


def _run(content: Content, state: ClusterState, line: str, user: str) -> TraceAnimation:
    return trace_animation(state, _trace(content, state, line, user), content.latencies)


def _sticky_after_bob(content: Content) -> TraceAnimation:
    state = new_cluster()
    ops.apply_settings(state, {"sticky": "on", "replicas": 2})
    _run(content, state, "PUT /u/7", BOB)
    return _run(content, state, "GET /u/7", ANN)


def _stale_read(content: Content) -> TraceAnimation:
    state = new_cluster()
    ops.apply_settings(state, {"replicas": 2})
    _run(content, state, "GET /u/7", BOB)
    _run(content, state, "PUT /u/7", BOB)
    return _run(content, state, "GET /u/7", ANN)


def _failed(content: Content) -> TraceAnimation:
    state = new_cluster()
    for node in ("app-0", "app-1", "app-2"):
        faults.kill(state, node)
    return _run(content, state, "GET /u/7", ANN)


def _lost_write(content: Content) -> TraceAnimation:
    state = new_cluster()
    ops.apply_settings(state, {"replicas": 2, "lag": 500})
    _run(content, state, "PUT /u/7", BOB)
    faults.kill(state, "db")
    failover.promote(state, "replica-0")
    return _run(content, state, "POST /u/7", ANN)


def _nobody(content: Content) -> TraceAnimation:
    state = new_cluster()
    return _run(content, state, "GET /u/7", "a script")


BUILDS: dict[str, Callable[[Content], TraceAnimation]] = {
    "sticky after another learner": _sticky_after_bob,
    "stale read of another's write": _stale_read,
    "failed": _failed,
    "write after a failover": _lost_write,
    "names nobody": _nobody,
}


def _written_after_a_failover(content: Content) -> tuple[ClusterState, Trace]:
    state = new_cluster()
    ops.apply_settings(state, {"replicas": 2, "lag": 500, "sticky": "on"})
    _trace(content, state, "PUT /u/7", BOB)
    faults.kill(state, "db")
    failover.promote(state, "replica-0")
    return state, _trace(content, state, "POST /u/7", ANN)


def _all_down(content: Content) -> tuple[ClusterState, Trace]:
    state = new_cluster()
    for node in ("app-0", "app-1", "app-2"):
        faults.kill(state, node)
    return state, _trace(content, state, "GET /u/7", ANN)


def _replicated_write(content: Content) -> tuple[ClusterState, Trace]:
    state = new_cluster()
    ops.apply_settings(state, {"replicas": 2})
    return state, _trace(content, state, "PUT /u/7", ANN)


TRACES: dict[str, Callable[[Content], tuple[ClusterState, Trace]]] = {
    "written after a failover": _written_after_a_failover,
    "every server down": _all_down,
    "a write that replicates after the response": _replicated_write,
}


def _through_json(animation: TraceAnimation, user_id: str, name: str) -> TraceAnimation:
    """The oracle: every text of the picture's document resolved, as JSON."""
    document = dump_picture(animation)
    inside = orjson.dumps(name).decode()[1:-1]
    resolved = load_picture(names.resolve(document, user_id, inside))
    assert isinstance(resolved, TraceAnimation)
    return resolved


@pytest.mark.parametrize("case", sorted(BUILDS))
@pytest.mark.parametrize(
    ("viewer", "name", "named"),
    [
        ("U-ann", "Ann", "Ann"),
        ("U-ann", 'Ann "the" \\ Lee ⟦x⟧', "Lee"),  # JSON escapes, and brackets of her own
        ("U-bob", "Bob", names.SOMEONE),  # Ann's trace, shown to Bob on its Next button
    ],
)
def test_resolving_the_picture_is_resolving_all_its_texts(
    content: Content, case: str, viewer: str, name: str, named: str
) -> None:
    animation = BUILDS[case](content)
    shown = names.resolve_animation(animation, viewer, name)
    assert shown == _through_json(animation, viewer, name)
    if case == "names nobody":
        assert shown is animation  # nothing rebuilt
        return
    assert shown is not None
    assert ANN not in dump_picture(shown)
    assert named in shown.alt
    assert named in shown.diagram.title


def test_the_picture_stored_is_the_picture_read_back(content: Content) -> None:
    for case, build in BUILDS.items():
        animation = build(content)
        assert load_picture(dump_picture(animation)) == animation, case


def _schema_document(kept: trace_codec.KeptTrace) -> object:
    """The oracle: the stored trace as the validating schema's dump, compacted as JSON (the
    path's steps as [source, targets, mark, label], the summary left out)."""
    assert kept.animation is not None
    rows = [[s.component, s.text, s.latency_ms, s.cumulative_ms] for s in kept.block.steps]
    picture = orjson.loads(orjson.dumps(picture_data(kept.animation)))
    path = picture["diagram"]["path"]
    path["steps"] = [[s["source"], s["targets"], s["mark"], s["label"]] for s in path["steps"]]
    del path["summary"]
    return {
        "title": kept.block.title,
        "summary": kept.block.summary,
        "steps": rows,
        "picture": picture,
    }


@pytest.mark.parametrize("case", sorted(TRACES))
def test_a_stored_trace_is_the_schema_s_document_compacted(content: Content, case: str) -> None:
    state, trace = TRACES[case](content)
    kept = trace_codec.KeptTrace(
        trace_block(trace), trace_animation(state, trace, content.latencies)
    )
    document = trace_codec.encode(kept)
    assert orjson.loads(document) == _schema_document(kept)
    assert trace_codec.decode(kept.trace_no, document) == kept
