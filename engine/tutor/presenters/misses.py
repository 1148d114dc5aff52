"""Replies of a review of misses: the focused prompt, the verdict on an answer, the end."""

from __future__ import annotations

from engine.content.loader import Content
from engine.drills.scoring import ItemVerdict
from engine.replies import Block, Heading, Notice, Paragraph, Reply, Span, SpanStyle
from engine.study.misses import MissReview, focused_prompt, summary
from engine.text.counts import count

HOW = (
    "Answer in a sentence or two with ",
    Span("/answer <text>", SpanStyle.CODE),
    "; ",
    Span("/review skip", SpanStyle.CODE),
    " puts this item at the back, ",
    Span("/review stop", SpanStyle.CODE),
    " ends the review.",
)


def started(content: Content, review: MissReview) -> Reply:
    head = Notice(
        f"A review of your misses: the {count(len(review.pending), 'item')} you missed most, "
        "one at a time, until each is covered once."
    )
    return Reply((head, *_prompt(content, review)))


def asking(content: Content, review: MissReview, note: str | None) -> Reply:
    lead: tuple[Block, ...] = (Notice(note),) if note else ()
    return Reply((*lead, *_prompt(content, review)))


def answered(content: Content, item: ItemVerdict, review: MissReview) -> Reply:
    return Reply((_verdict(item), *_prompt(content, review)))


def finished(content: Content, item: ItemVerdict, review: MissReview) -> Reply:
    return Reply(
        (
            _verdict(item),
            Notice(summary(review)),
            Paragraph.of(
                "Next: ", Span("/drill", SpanStyle.CODE), " serves the next drill on your path."
            ),
        )
    )


def stopped(review: MissReview) -> Reply:
    done = len(review.covered)
    total = done + len(review.pending)
    return Reply((Notice(f"Review of misses stopped: {done} of {count(total, 'item')} covered."),))


def _verdict(item: ItemVerdict) -> Block:
    if item.covered:
        return Notice(f"Covered: {item.item.label} (matched: {', '.join(item.matched)}).")
    return Notice(
        f"Not yet: {item.item.label}. {item.item.why} It comes round again after the others."
    )


def _prompt(content: Content, review: MissReview) -> tuple[Block, ...]:
    target = review.current
    assert target is not None
    prompt = focused_prompt(content, target)
    done = len(review.covered)
    total = done + len(review.pending)
    return (
        Heading(f"Review of misses: {done} of {total} covered"),
        Paragraph.of(
            Span(prompt.title, SpanStyle.STRONG), f" (missed {count(prompt.missed, 'time')})"
        ),
        Paragraph.of(prompt.context),
        Paragraph.of(Span(prompt.question, SpanStyle.STRONG)),
        Paragraph.of(*HOW),
    )
