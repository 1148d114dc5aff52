"""Spaced repetition for drills, with FSRS (the `fsrs` package): when to see a drill again."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from fsrs import Card, Rating, Scheduler

# A drill is a 5-10 minute exercise, not a flash card: the shortest gap is a day, and the
# schedule carries no random fuzz, so the same ratings give the same dates.
_SCHEDULER = Scheduler(
    learning_steps=(timedelta(days=1),),
    relearning_steps=(timedelta(days=1),),
    enable_fuzzing=False,
)
RATINGS = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}


def next_review(card: str | None, rating: str, now: datetime) -> tuple[str, datetime]:
    """Apply a self-rating to a drill's card (None: first review); returns the card and its due."""
    current = Card.from_dict(json.loads(card)) if card else Card(card_id=1, due=now)
    reviewed, _ = _SCHEDULER.review_card(current, RATINGS[rating], now)
    return json.dumps(reviewed.to_dict()), reviewed.due
