"""`/review misses`: re-ask only the checklist items a learner missed most, one focused prompt
per item, until each has been covered once.

The state is a small value with pure transitions and a JSON codec, so the Tutor can keep it in
the store between messages. An item answered without covering it goes to the back of the queue
and comes round again after the others.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from engine.content.loader import Content
from engine.drills.params import draw, render
from engine.progress.summary import Attempt
from engine.text.counts import count

MAX_ITEMS = 5
VERSION = 1


@dataclass(frozen=True, slots=True)
class MissTarget:
    drill_id: str
    item_id: str
    missed: int  # times missed across the attempts it was chosen from


@dataclass(frozen=True, slots=True)
class MissReview:
    pending: tuple[MissTarget, ...]  # the item being asked first
    covered: tuple[MissTarget, ...] = ()  # in the order they were covered
    answers: int = 0

    @property
    def current(self) -> MissTarget | None:
        return self.pending[0] if self.pending else None

    @property
    def finished(self) -> bool:
        return not self.pending


@dataclass(frozen=True, slots=True)
class FocusedPrompt:
    title: str  # the drill's
    context: str  # the drill's prompt, with its numbers
    question: str  # the item's nudge
    missed: int

    @property
    def text(self) -> str:
        return (
            f"{self.title} (missed {count(self.missed, 'time')}). {self.context}\n"
            f"{self.question} Answer in a sentence or two."
        )


def select_misses(
    content: Content, attempts: Sequence[Attempt], limit: int = MAX_ITEMS
) -> tuple[MissTarget, ...]:
    """The items missed most often; ties go to the one missed most recently, then ladder order.
    Items no longer in a drill's checklist are left out."""
    counts: dict[tuple[str, str], int] = {}
    latest: dict[tuple[str, str], float] = {}
    for attempt in attempts:
        drill = content.drills.get(attempt.drill_id)
        if drill is None:
            continue
        items = {item.id for item in drill.checklist}
        for item_id in attempt.missed:
            if item_id in items:
                key = (attempt.drill_id, item_id)
                counts[key] = counts.get(key, 0) + 1
                latest[key] = max(latest.get(key, 0.0), attempt.ended_at.timestamp())

    def rank(key: tuple[str, str]) -> tuple[int, float, int, int]:
        drill_id, item_id = key
        position = [i.id for i in content.drills[drill_id].checklist].index(item_id)
        return (-counts[key], -latest[key], content.study.rungs[drill_id].order, position)

    ranked = sorted(counts, key=rank)[:limit]
    return tuple(MissTarget(drill, item, counts[(drill, item)]) for drill, item in ranked)


def start_review(
    content: Content, attempts: Sequence[Attempt], limit: int = MAX_ITEMS
) -> MissReview | None:
    """None when nothing has been missed yet."""
    targets = select_misses(content, attempts, limit)
    return MissReview(targets) if targets else None


def answer(review: MissReview, covered: bool) -> MissReview:
    """Record an answer to the current item: covered, it is done; not, it goes to the back."""
    current = review.current
    if current is None:
        raise ValueError("this review of misses is already finished")
    rest = review.pending[1:]
    if covered:
        return MissReview(rest, (*review.covered, current), review.answers + 1)
    return MissReview((*rest, current), review.covered, review.answers + 1)


def skip(review: MissReview) -> MissReview:
    """Put the current item at the back without answering it."""
    if review.current is None:
        raise ValueError("this review of misses is already finished")
    return replace(review, pending=(*review.pending[1:], review.current))


def review_params(content: Content, target: MissTarget) -> dict[str, float]:
    """The numbers a numeric drill's prompt uses in this review (the same every time, so the
    prompt and the scoring of the answer agree)."""
    return draw(content.drills[target.drill_id], f"misses:{target.drill_id}:{target.item_id}")


def focused_prompt(content: Content, target: MissTarget) -> FocusedPrompt:
    drill = content.drills[target.drill_id]
    return FocusedPrompt(
        title=drill.title,
        context=render(drill.prompt, review_params(content, target)),
        question=content.study.hints[target.drill_id][target.item_id],
        missed=target.missed,
    )


def summary(review: MissReview) -> str:
    """The closing line once every item is covered."""
    items = count(len(review.covered), "item")
    return f"Review of misses done: {items} covered, in {count(review.answers, 'answer')}."


def still_known(review: MissReview, content: Content) -> MissReview:
    """Drop items that left the content since the review was stored."""

    def known(target: MissTarget) -> bool:
        drill = content.drills.get(target.drill_id)
        return drill is not None and any(i.id == target.item_id for i in drill.checklist)

    return MissReview(
        tuple(filter(known, review.pending)), tuple(filter(known, review.covered)), review.answers
    )


def encode(review: MissReview) -> str:
    def rows(targets: tuple[MissTarget, ...]) -> list[list[Any]]:
        return [[t.drill_id, t.item_id, t.missed] for t in targets]

    return json.dumps(
        {
            "v": VERSION,
            "pending": rows(review.pending),
            "covered": rows(review.covered),
            "answers": review.answers,
        }
    )


def decode(text: str) -> MissReview:
    """The stored review; ValueError for anything that is not one."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"review of misses: not JSON ({exc.msg})") from None
    if not isinstance(data, dict) or data.get("v") != VERSION:
        raise ValueError("review of misses: not a version 1 document")
    answers = data.get("answers")
    if not isinstance(answers, int) or isinstance(answers, bool) or answers < 0:
        raise ValueError("review of misses: answers must be a count")
    return MissReview(_targets(data.get("pending")), _targets(data.get("covered")), answers)


def _targets(rows: Any) -> tuple[MissTarget, ...]:
    if not isinstance(rows, list):
        raise ValueError("review of misses: expected a list of items")
    targets = []
    for row in rows:
        if not (
            isinstance(row, list)
            and len(row) == 3
            and isinstance(row[0], str)
            and isinstance(row[1], str)
            and isinstance(row[2], int)
            and not isinstance(row[2], bool)
            and row[2] >= 1
        ):
            raise ValueError("review of misses: an item must be [drill id, item id, times missed]")
        targets.append(MissTarget(row[0], row[1], row[2]))
    return tuple(targets)
