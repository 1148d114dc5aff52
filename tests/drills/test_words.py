"""The word-level rules: stems, phrases, gaps, typos and numbers, one at a time."""

from __future__ import annotations

import pytest

from engine.content.loader import Content
from engine.drills.arithmetic import compact, evaluate, render
from engine.drills.clauses import Parsed
from engine.drills.evidence import prepare
from engine.drills.fuzzy import Corrector
from engine.drills.numbers import read_numbers
from engine.drills.patterns import Index, Pattern, valid


def found(text: str, pattern: str) -> list[str]:
    parsed = Parsed(text)
    phrase = Pattern.of(pattern)
    together = frozenset({phrase.parts[0][0]}) if len(phrase.parts[0]) == 1 else frozenset()
    index = Index(parsed, {}, together)
    return [" ".join(parsed.words[o.start : o.end]) for o in index.find(phrase)]


@pytest.mark.parametrize("text", ["we scale-out", "we scale out", "we SCALEOUT", "Scale Out!"])
def test_hyphens_and_spaces_are_optional(text: str) -> None:
    assert found(text, "scale-out")
    assert found(text, "scale out")


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("add read replicas", "replica"),
        ("caching helps", "cache"),
        ("it was cached", "cache"),
        ("invalidating keys", "invalidate"),
        ("sharded tables", "shard"),
        ("use a cache aside pattern", "cacheaside"),
    ],
)
def test_word_stems_and_joined_forms_match(text: str, pattern: str) -> None:
    assert found(text, pattern)


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("my favourite album", "lb"),
        ("a cdnx thing", "cdn"),
        ("reshard", "shard"),
        ("replication lags", "read replica"),
        ("copies. The database", "copies ... database"),  # a gap never crosses a clause
    ],
)
def test_never_inside_another_word_out_of_order_or_across_clauses(text: str, pattern: str) -> None:
    assert not found(text, pattern)


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("stream to two followers", "replicas"),
        ("promote the new master", "primary"),
        ("the db is the next bottleneck", "database ... bottleneck"),
        ("move to a larger machine", "bigger server"),
    ],
)
def test_words_for_the_same_thing_match(text: str, pattern: str) -> None:
    assert found(text, pattern)


@pytest.mark.parametrize(
    ("text", "pattern", "matched"),
    [
        ("we scale it up first", "scale up", ["scale it up"]),
        ("a bigger ec2 instance", "bigger instance", ["bigger ec2 instance"]),
        ("pool the connections", "pool connections", ["pool the connections"]),
        ("scale, then up", "scale up", []),  # not across a comma
        ("scale out and up", "scale up", []),
        ("fail not open", "fail open", []),  # a negation inside is another claim
        ("a bigger and faster instance", "bigger instance", []),
        ("scale the whole fleet up", "scale up", []),  # at most one word between
    ],
)
def test_one_word_may_stand_inside_a_phrase(text: str, pattern: str, matched: list[str]) -> None:
    assert found(text, pattern) == matched


@pytest.mark.parametrize(
    ("text", "pattern", "matched"),
    [
        ("invalidation of the cache", "cache invalidation", ["invalidation of the cache"]),
        ("lag on the replicas", "replica lag", ["lag on the replicas"]),
        ("the depth of each queue", "queue depth", ["depth of each queue"]),
        ("up for scale", "scale up", []),  # a plain word: no turned form
        ("invalidation, of the cache", "cache invalidation", []),
    ],
)
def test_a_two_word_name_said_the_other_way_round(
    text: str, pattern: str, matched: list[str]
) -> None:
    assert found(text, pattern) == matched


def test_a_gap_joins_parts_of_one_clause() -> None:
    assert found("copies of the main database that stream its changes", "copies ... database") == [
        "copies of the main database"
    ]
    assert not found("copies " + "word " * 9 + "database", "copies ... database")


def test_pattern_syntax() -> None:
    assert valid("read replicas")
    assert valid("copies ... database")
    assert valid("99.99")
    assert not valid("... database")
    assert not valid("copies ... ")


def test_clauses_split_at_sentences_bullets_and_joining_words() -> None:
    parsed = Parsed(
        "We don't need a cache; no CDN. Replicas lag, so they aren't safe\n"
        "- scale up: cheapest, no code change\n"
        "stale-while-revalidate keeps serving e.g. the old page"
    )
    assert [c.text for c in parsed.clauses] == [
        "We don't need a cache",
        "no CDN",
        "Replicas lag",
        "so they aren't safe",
        "scale up: cheapest, no code change",
        "stale-while-revalidate keeps serving e.g. the old page",
    ]
    assert Parsed("Should we shard?").clauses[0].question


def test_typos_are_corrected_towards_the_drill_words_only() -> None:
    corrector = Corrector(["cache", "replication", "shard", "lease"], ["the", "share"])
    assert corrector.correct("cashe") is not None
    assert corrector.correct("replicaton") is not None
    assert corrector.correct("share") is None  # a real word, one edit from "shard"
    assert corrector.correct("least") is None  # a common word, one edit from "lease"
    assert corrector.correct("lag") is None  # short words are never touched
    assert corrector.correct("cache") is None  # already right
    assert corrector.correct("xyzzy") is None


@pytest.mark.parametrize("text", ["~49.5k reads", "49,500/s", "about 49500", "49.5K"])
def test_numbers_in_the_forms_people_write(text: str) -> None:
    values = [n.value for n in read_numbers(text.lower())]
    assert any(abs(v - 49_500) < 1 for v in values)


def test_worked_out_sums_count_as_their_value() -> None:
    values = [n.value for n in read_numbers("50,000 × 100/101 ≈ 49.5k and (500 - 100) x 20")]
    assert any(abs(v - 49_504.95) < 0.1 for v in values)
    assert 8_000 in values


def test_templates_render_computed_values_and_expressions_are_arithmetic_only() -> None:
    values = {"qps": 80_000.0, "ratio": 50.0}
    assert render("{qps} QPS at {ratio}:1", values) == "80k QPS at 50:1"
    assert render("{qps / (ratio + 1)} writes/s", values) == "1.57k writes/s"
    assert evaluate("qps * ratio / (ratio + 1)", values) == pytest.approx(78_431.37, rel=1e-4)
    assert compact(1_500_000) == "1.5M"
    for bad in ("__import__('os')", "qps ** 2", "open", "unknown * 2"):
        with pytest.raises(ValueError, match="not allowed"):
            evaluate(bad, values)


def test_everyday_words_are_not_typos_of_pattern_words(content: Content) -> None:
    """Words found corrected in the labelled sets that were real words ("stable" is not
    "stale", "logic" is not "login", "matter" is not "master")."""
    for drill_id, word in (
        ("b-read-ladder", "stable"),
        ("e05-sessions", "logic"),
        ("e08-db-failover", "matter"),
        ("e14-cascading-failure", "contention"),
    ):
        assert prepare(content.drills[drill_id]).corrector.correct(word) is None, word


def test_numbers_spelled_out_in_words_are_read() -> None:
    found = [
        (n.written, n.value)
        for n in read_numbers(
            "eight thousand jobs, drained in about a hundred and sixty minutes; twenty-five"
        )
    ]
    assert found == [
        ("eight thousand", 8_000.0),
        ("a hundred and sixty", 160.0),
        ("twenty-five", 25.0),
    ]
    assert read_numbers("one request refills it, a few wait") == []  # small words are no sums
