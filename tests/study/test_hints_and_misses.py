"""Hints during a drill, and the review of misses: selection, transitions, codec, prompts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.content.loader import Content
from engine.drills.scoring import score
from engine.progress.summary import Attempt
from engine.study import misses
from engine.study.hints import (
    MAX_HINTS,
    Hint,
    NoHint,
    NoHintWhy,
    decode_used,
    encode_used,
    next_hint,
    reveal_note,
)

NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def covered_by(content: Content, drill_id: str, sketch: str) -> set[str]:
    """What the project's scorer says the sketch covers (whatever scorer is in place)."""
    drill = content.drills[drill_id]
    params = {p.name: p.choices[0] for p in drill.params}
    return {v.item.id for v in score(drill, params, sketch).items if v.covered}


# --- hints ---------------------------------------------------------------------------------


def test_hints_follow_the_checklist_skipping_what_the_sketch_covers(content: Content) -> None:
    sketch = "First I would profile it to find the real bottleneck, then scale up to a bigger box."
    covered = covered_by(content, "a-cpu-at-80", sketch)
    assert {"a1-confirm-bottleneck", "a2-scale-up-first"} <= covered
    first = next_hint(content, "a-cpu-at-80", covered, [])
    assert isinstance(first, Hint)
    assert (first.item_id, first.number) == ("a3-80-is-a-warning", 1)
    assert first.line.startswith("Hint 1 of 3: Why is 80% busy already uncomfortable?")
    second = next_hint(content, "a-cpu-at-80", covered, [first.item_id])
    assert isinstance(second, Hint)
    assert second.number == 2
    assert second.item_id == "a4-cheap-software-wins"


def test_a_hint_no_longer_needed_is_skipped_once_the_sketch_covers_it(content: Content) -> None:
    empty = next_hint(content, "e05-sessions", set(), [])
    assert isinstance(empty, Hint)
    assert empty.item_id == "e05-diagnosis"
    covered = covered_by(
        content, "e05-sessions", "Each server keeps sessions in memory, so round robin loses them."
    )
    assert "e05-diagnosis" in covered
    later = next_hint(content, "e05-sessions", covered, [empty.item_id])
    assert isinstance(later, Hint)
    assert later.item_id == "e05-shared-store"


def test_at_most_three_hints_a_drill(content: Content) -> None:
    used: list[str] = []
    for _ in range(MAX_HINTS):
        hint = next_hint(content, "d-write-scaling", set(), used)
        assert isinstance(hint, Hint)
        used.append(hint.item_id)
    assert used == ["d1-squeeze-the-primary", "d2-replicas-dont-help", "d3-absorb-bursts"]
    done = next_hint(content, "d-write-scaling", set(), used)
    assert isinstance(done, NoHint)
    assert done.why is NoHintWhy.USED_UP
    assert "3 hints a drill" in done.message


def test_nothing_to_hint_when_everything_is_covered_or_already_hinted(content: Content) -> None:
    everything = {item.id for item in content.drills["e12-queue-load-leveling"].checklist}
    full = next_hint(content, "e12-queue-load-leveling", everything, [])
    assert isinstance(full, NoHint)
    assert full.why is NoHintWhy.ALL_COVERED
    but_one = everything - {"e12-not-for"}
    repeat = next_hint(content, "e12-queue-load-leveling", but_one, ["e12-not-for"])
    assert isinstance(repeat, NoHint)
    assert repeat.why is NoHintWhy.ALREADY_HINTED


def test_the_reveal_says_how_many_hints_were_taken(content: Content) -> None:
    assert reveal_note([], set()) is None
    assert reveal_note(["x"], {"x"}) == (
        "You took 1 hint on this drill; the item it pointed at is covered above."
    )
    assert reveal_note(["x"], set()) == (
        "You took 1 hint on this drill; the item it pointed at is still missing."
    )
    assert reveal_note(["x", "y", "z"], {"x"}) == (
        "You took 3 hints on this drill; 1 of the 3 items they pointed at is covered above."
    )
    assert reveal_note(["x", "y"], {"x", "y"}) == (
        "You took 2 hints on this drill; 2 of the 2 items they pointed at are covered above."
    )


def test_hints_used_round_trip_and_bad_documents_are_refused() -> None:
    assert decode_used(encode_used(["a", "b"])) == ("a", "b")
    assert decode_used(None) == ()
    for bad in ('{"a": 1}', "[1, 2]", '"a"'):
        with pytest.raises(ValueError, match="hints used"):
            decode_used(bad)


# --- the review of misses --------------------------------------------------------------------


def attempt(drill_id: str, days_ago: float, missed: tuple[str, ...], total: int = 10) -> Attempt:
    return Attempt(drill_id, NOW - timedelta(days=days_ago), total - len(missed), total, missed)


def history() -> list[Attempt]:
    return [
        attempt(
            "a-cpu-at-80", 9, ("a6-still-a-spof", "a10-scaling-trigger", "a9-bottleneck-moves-down")
        ),
        attempt("a-cpu-at-80", 5, ("a6-still-a-spof", "a10-scaling-trigger")),
        attempt("e02-cache-stampede", 4, ("e02-ttl-jitter", "e02-monitor"), total=8),
        attempt("e02-cache-stampede", 1, ("e02-ttl-jitter", "e02-gone-from-content"), total=8),
        attempt("retired-drill", 1, ("r1",)),
    ]


def test_the_items_missed_most_then_most_recently_then_ladder_order(content: Content) -> None:
    chosen = misses.select_misses(content, history(), limit=4)
    assert [(t.drill_id, t.item_id, t.missed) for t in chosen] == [
        ("e02-cache-stampede", "e02-ttl-jitter", 2),  # twice, last missed a day ago
        ("a-cpu-at-80", "a6-still-a-spof", 2),  # twice, last 5 days ago; before a10 on the list
        ("a-cpu-at-80", "a10-scaling-trigger", 2),
        ("e02-cache-stampede", "e02-monitor", 1),  # once, 4 days ago (a9 was 9 days ago)
    ]
    assert misses.start_review(content, []) is None


def test_a_review_runs_until_each_item_is_covered_once(content: Content) -> None:
    review = misses.start_review(content, history(), limit=3)
    assert review is not None
    assert review.current is not None
    assert review.current.item_id == "e02-ttl-jitter"
    review = misses.answer(review, covered=False)  # not yet: to the back of the queue
    assert [t.item_id for t in review.pending] == [
        "a6-still-a-spof",
        "a10-scaling-trigger",
        "e02-ttl-jitter",
    ]
    review = misses.skip(review)
    assert review.current is not None
    assert review.current.item_id == "a10-scaling-trigger"
    for _ in range(3):
        review = misses.answer(review, covered=True)
    assert review.finished
    assert review.current is None
    assert [t.item_id for t in review.covered] == [
        "a10-scaling-trigger",
        "e02-ttl-jitter",
        "a6-still-a-spof",
    ]
    assert misses.summary(review) == "Review of misses done: 3 items covered, in 4 answers."
    with pytest.raises(ValueError, match="finished"):
        misses.answer(review, covered=True)


def test_the_focused_prompt_is_the_drill_in_brief_and_the_items_nudge(content: Content) -> None:
    target = misses.MissTarget("b-read-ladder", "b4-hit-ratio-math", 3)
    prompt = misses.focused_prompt(content, target)
    assert prompt.title == "Scale the reads"
    assert "{" not in prompt.context
    assert "QPS" in prompt.context
    assert prompt.question == content.study.hints["b-read-ladder"]["b4-hit-ratio-math"]
    assert prompt.text.startswith("Scale the reads (missed 3 times). Reads are the bottleneck at ")
    # The same numbers every time, so the prompt and the scoring of the answer agree.
    assert misses.review_params(content, target) == misses.review_params(content, target)


def test_the_codec_round_trips_and_refuses_what_is_not_a_review(content: Content) -> None:
    review = misses.start_review(content, history())
    assert review is not None
    review = misses.answer(misses.answer(review, covered=False), covered=True)
    assert misses.decode(misses.encode(review)) == review
    for bad in (
        "not json",
        "[]",
        '{"v": 2, "pending": [], "covered": [], "answers": 0}',
        '{"v": 1, "pending": [["a", "b"]], "covered": [], "answers": 0}',
        '{"v": 1, "pending": [["a", "b", 0]], "covered": [], "answers": 0}',
        '{"v": 1, "pending": [], "covered": [], "answers": -1}',
        '{"v": 1, "pending": [], "covered": [], "answers": true}',
    ):
        with pytest.raises(ValueError, match="review of misses"):
            misses.decode(bad)


def test_items_that_left_the_content_are_dropped_from_a_stored_review(content: Content) -> None:
    stored = misses.MissReview(
        (
            misses.MissTarget("a-cpu-at-80", "a6-still-a-spof", 2),
            misses.MissTarget("a-cpu-at-80", "a99-gone", 1),
            misses.MissTarget("retired", "r1", 1),
        )
    )
    kept = misses.still_known(stored, content)
    assert [t.item_id for t in kept.pending] == ["a6-still-a-spof"]


@given(st.lists(st.booleans(), max_size=40))
def test_any_answers_keep_every_item_exactly_once(answers: list[bool]) -> None:
    targets = tuple(misses.MissTarget("d", f"i{n}", 1) for n in range(4))
    review = misses.MissReview(targets)
    applied: list[bool] = []
    for covered in answers:
        if review.finished:
            break
        review = misses.answer(review, covered)
        applied.append(covered)
    assert sorted(review.pending + review.covered, key=lambda t: t.item_id) == list(targets)
    assert review.answers == len(applied)
    assert len(review.covered) == sum(applied)
    assert review.finished == (sum(applied) == len(targets))
