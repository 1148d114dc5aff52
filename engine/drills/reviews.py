"""Spaced repetition for drills, with FSRS (the `fsrs` package): when to see a drill again."""

from __future__ import annotations

from datetime import datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

from engine.ports import ReviewCard

# A drill is a 5-10 minute exercise, not a flash card: the shortest gap is a day, and the
# schedule carries no random fuzz, so the same ratings give the same dates.
_SCHEDULER = Scheduler(
    learning_steps=(timedelta(days=1),),
    relearning_steps=(timedelta(days=1),),
    enable_fuzzing=False,
)
RATINGS = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}


def next_review(card: ReviewCard | None, rating: str, now: datetime) -> tuple[ReviewCard, datetime]:
    """Apply a self-rating to a drill's card (None: first review); returns the card and its due."""
    current = _fsrs(card) if card else Card(card_id=1, due=now)
    reviewed, _ = _SCHEDULER.review_card(current, RATINGS[rating], now)
    return _ours(reviewed), reviewed.due


def _fsrs(card: ReviewCard) -> Card:
    return Card(
        card_id=card.card_id,
        state=State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


def _ours(card: Card) -> ReviewCard:
    return ReviewCard(
        card_id=card.card_id,
        state=int(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )
