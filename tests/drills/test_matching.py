"""The matcher's rules, one at a time: what must match and what must not."""

from __future__ import annotations

import pytest

from engine.content.loader import Content
from engine.drills.matching import Phrase, Sketch
from engine.drills.params import compact, evaluate, render
from engine.drills.scoring import score


def found(text: str, keyword: str) -> str | None:
    return Sketch(text).find(Phrase.of(keyword))


@pytest.mark.parametrize("text", ["we scale-out", "we scale out", "we SCALEOUT", "Scale Out!"])
def test_hyphens_and_spaces_are_optional(text: str) -> None:
    assert found(text, "scale-out") is not None
    assert found(text, "scaleout") is not None


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("add read replicas", "replica"),
        ("caching helps", "cache"),
        ("it was cached", "cache"),
        ("invalidating keys", "invalidate"),
        ("sharded tables", "shard"),
    ],
)
def test_word_stems_match(text: str, keyword: str) -> None:
    assert found(text, keyword) is not None


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("my favourite album", "lb"),
        ("a cdnx thing", "cdn"),
        ("reshard", "shard"),
        ("the dbs", "db bottleneck"),
        ("replication lags", "read replica"),
    ],
)
def test_never_inside_another_word_or_out_of_order(text: str, keyword: str) -> None:
    assert found(text, keyword) is None


def test_phrases_need_consecutive_words_and_report_what_matched() -> None:
    assert found("put an LB in front", "lb") == "lb"
    assert found("read from a replica", "read replica") is None
    assert found("Read Replicas behind an internal LB", "read replica") == "read replicas"


@pytest.mark.parametrize("text", ["~49.5k reads", "49,500/s", "about 49500", "50k reads", "49.5K"])
def test_numbers_in_the_forms_people_write(text: str) -> None:
    assert Sketch(text).find_number(49_504.95, 0.05) is not None


def test_numbers_outside_the_tolerance_do_not_match() -> None:
    sketch = Sketch("we get 40k reads and 4,950 writes")
    assert sketch.find_number(49_504.95, 0.05) is None
    assert sketch.find_number(4_950.5, 0.01) == "4,950"


def test_params_render_compactly_and_expressions_are_arithmetic_only() -> None:
    values = {"qps": 80_000.0, "ratio": 50.0}
    assert render("{qps} QPS at {ratio}:1", values) == "80k QPS at 50:1"
    assert evaluate("qps * ratio / (ratio + 1)", values) == pytest.approx(78_431.37, rel=1e-4)
    assert compact(1_500_000) == "1.5M"
    for bad in ("__import__('os')", "qps ** 2", "open", "unknown * 2"):
        with pytest.raises(ValueError, match="not allowed"):
            evaluate(bad, values)


def test_a_rejected_trap_does_not_fire(content: Content) -> None:
    drill = content.drills["e02-cache-stampede"]
    fell = {t.id for t in score(drill, {}, "On a miss, clients retry immediately.").traps}
    assert "e02-trap-retry-no-backoff" in fell
    for good in (
        "Clients must not retry immediately.",
        "Don't retry immediately; back off.",
        "never retry right away",
    ):
        assert "e02-trap-retry-no-backoff" not in {t.id for t in score(drill, {}, good).traps}
