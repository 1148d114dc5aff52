"""The rating follows the verdict, and the reveal explains itself in one chat message."""

from __future__ import annotations

import pytest
from labelled_set import load

from engine.content.loader import Content
from engine.drills.explain import (
    BARE_LIST_NOTE,
    explanation_lines,
    notes,
    rating_looks_inconsistent,
    suggested_rating,
)
from engine.drills.scoring import Status, score

# One chat message: a Slack section holds 3,000 characters, a Discord embed description 4,096.
ONE_MESSAGE = 3_000


def test_the_suggested_rating_follows_the_share_covered(content: Content) -> None:
    drill = content.drills["b-read-ladder"]
    params = drill.example_params
    assert suggested_rating(score(drill, params, "")) == "again"
    assert suggested_rating(score(drill, params, drill.model_answer)) == "easy"
    quarter = score(drill, params, "Put Redis in front of the database as a cache-aside tier.")
    assert suggested_rating(quarter) == "again"
    listed = score(drill, params, "cache redis replica lag cdn shard ttl stampede")
    assert listed.bare_list
    assert suggested_rating(listed) == "again"


def test_a_trap_keeps_a_full_answer_below_easy(content: Content) -> None:
    drill = content.drills["b-read-ladder"]
    verdict = score(drill, drill.example_params, drill.model_answer + " Switch to multi master.")
    assert verdict.traps
    assert suggested_rating(verdict) == "good"


def test_easy_after_a_quarter_is_asked_about_once(content: Content) -> None:
    drill = content.drills["a-cpu-at-80"]
    quarter = score(
        drill, {}, "Profile it first to be sure it is CPU. Then scale up to a bigger instance."
    )
    assert quarter.covered / quarter.total <= 0.3
    assert rating_looks_inconsistent("easy", quarter)
    assert rating_looks_inconsistent("good", quarter)
    assert not rating_looks_inconsistent("hard", quarter)
    assert not rating_looks_inconsistent("easy", score(drill, {}, drill.model_answer))
    with pytest.raises(ValueError, match="not a rating"):
        rating_looks_inconsistent("great", quarter)


def test_notes_quote_the_learners_clause_and_say_why_missed_items_matter(content: Content) -> None:
    drill = content.drills["b-read-ladder"]
    verdict = score(
        drill, drill.example_params, "We don't need a cache. Read replicas take the misses."
    )
    found = notes(verdict)
    assert [n.status for n in found][:1] == [Status.CONTRADICTED]  # what to fix first
    cache = next(n for n in found if n.item_id == "b3-cache-in-front")
    assert cache.quote == "We don't need a cache"
    assert cache.reason
    replicas = next(n for n in found if n.item_id == "b7-read-replicas")
    assert replicas.quote == "Read replicas take the misses"
    assert not replicas.reason
    missed = next(n for n in found if n.item_id == "b9-edge-caching")
    assert missed.status is Status.MISSED
    assert missed.reason.startswith("Public or cacheable")


def test_a_bare_list_gets_the_friendly_line(content: Content) -> None:
    drill = content.drills["b-read-ladder"]
    lines = explanation_lines(
        score(drill, drill.example_params, "peak index cache redis ttl cdn shard lag")
    )
    assert lines[0] == BARE_LIST_NOTE


def test_every_explanation_fits_one_chat_message(content: Content) -> None:
    longest = 0
    for answer in load("tune"):
        verdict = score(content.drills[answer.drill], answer.params, answer.text)
        longest = max(longest, len("\n".join(explanation_lines(verdict))))
    assert longest <= ONE_MESSAGE
