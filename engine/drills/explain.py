"""What a verdict means for the learner: a suggested rating, a check on the rating given, and
one short line per item that says which sentence earned it, which one contradicted it, or
why a missed one matters. Pure: the presenters turn these into platform replies.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.drills.scoring import ItemVerdict, Status, Verdict

RATINGS = ("again", "hard", "good", "easy")
BARE_LIST_NOTE = "A list of terms is not a design: say what each does and why."
# Share of the checklist covered from which each rating is suggested.
_EASY_FROM, _GOOD_FROM, _HARD_FROM = 0.85, 0.6, 0.3
QUOTE_CHARS = 90  # a quoted clause is cut to this, so a reveal fits one chat message
REASON_CHARS = 140


def suggested_rating(verdict: Verdict) -> str:
    """ "easy" from 85% covered, "good" from 60%, "hard" from 30%, else "again"; a sprung trap
    or a contradicted item keeps it below "easy"; a bare list of terms is "again"."""
    if verdict.bare_list or not verdict.total:
        return "again"
    share = verdict.share
    if share >= _EASY_FROM:
        rating = "easy"
    elif share >= _GOOD_FROM:
        rating = "good"
    elif share >= _HARD_FROM:
        rating = "hard"
    else:
        rating = "again"
    if rating == "easy" and (verdict.traps or verdict.contradicted):
        return "good"
    return rating


def rating_looks_inconsistent(rating: str, verdict: Verdict) -> bool:
    """Whether a self-rating sits two or more steps above the suggestion ("easy" after
    covering a quarter of the checklist): worth asking once whether it is meant."""
    if rating not in RATINGS:
        raise ValueError(f"not a rating: {rating!r}")
    return RATINGS.index(rating) - RATINGS.index(suggested_rating(verdict)) >= 2


@dataclass(frozen=True, slots=True)
class ItemNote:
    item_id: str
    label: str
    status: Status
    quote: str  # the learner's clause (covered or contradicted), clipped; "" when missed
    reason: str  # why a missed or contradicted item matters (its `why`), clipped
    asked: bool  # the learner only asked about it
    listed: bool  # named only in a list of terms


def notes(verdict: Verdict) -> tuple[ItemNote, ...]:
    """One note per item, in study-list order: contradicted, missed, then covered."""
    order = {Status.CONTRADICTED: 0, Status.MISSED: 1, Status.COVERED: 2}
    ranked = sorted(verdict.items, key=lambda v: order[v.status])
    return tuple(_note(v) for v in ranked)


def _note(verdict: ItemVerdict) -> ItemNote:
    item = verdict.item
    reason = "" if verdict.covered else clip(item.why, REASON_CHARS)
    quote = clip(verdict.evidence, QUOTE_CHARS) if verdict.evidence else ""
    return ItemNote(
        item.id, item.label, verdict.status, quote, reason, verdict.asked, verdict.listed
    )


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word, with an ellipsis when cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def explanation_lines(verdict: Verdict) -> tuple[str, ...]:
    """A plain-text rendering of the notes, one line each, for tests and the console's
    fallback; presenters build richer blocks from `notes`."""
    lines = []
    if verdict.bare_list:
        lines.append(BARE_LIST_NOTE)
    for note in notes(verdict):
        if note.status is Status.COVERED:
            lines.append(f"✓ {note.label}: “{note.quote}”")
        elif note.status is Status.CONTRADICTED:
            lines.append(f"✗ {note.label}: you wrote “{note.quote}”. {note.reason}")
        else:
            lines.append(f"○ {note.label}: {note.reason}")
    for trap, clause in zip(verdict.traps, verdict.trap_evidence, strict=True):
        lines.append(f"! Trap: {trap.label}: “{clip(clause, QUOTE_CHARS)}”")
    return tuple(lines)
