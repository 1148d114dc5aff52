"""The drill's reveal: the three verdicts per item with the learner's own clause as evidence,
the traps sprung, the study list, the attempt's model answer, and the rating the verdict
suggests.

It fits one chat message on every platform: the quoted clauses and the reasons are clipped to
the longest lengths (from `Clips`) under which the whole reply stays within `TEXT_BUDGET`
characters, which leaves Discord's 6,000 characters room for markup and escapes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import assert_never

from engine.commands import buttons
from engine.content.models import ChecklistEntry, Drill
from engine.drills import texts
from engine.drills.explain import BARE_LIST_NOTE, RATINGS, clip, suggested_rating
from engine.drills.scoring import ItemVerdict, Status, Verdict
from engine.load.follow_up import UnderLoad
from engine.replies import (
    Block,
    Button,
    Buttons,
    ButtonStyle,
    Checklist,
    ChecklistItem,
    Deadline,
    Document,
    Fields,
    Figure,
    Heading,
    Notice,
    Paragraph,
    Preformatted,
    Reply,
    Span,
    SpanStyle,
    TraceSteps,
)

# The plain text of a reveal stays under this: Discord allows 6,000 characters across a
# message's embeds, and escaping a quoted clause (`*` → `\*`) can lengthen it.
TEXT_BUDGET = 4_600
NO_SKETCH = (
    "You revealed without a sketch, so nothing is ticked: the whole checklist is your study list."
)
ASKED = "you only asked about it: say what you would do, and why."
LISTED = "named only in a list of terms: say what it does and why."
CONTRADICTED = "contradicts it, so it counts as not covered."


@dataclass(frozen=True, slots=True)
class Clips:
    """How long a quoted clause, an item's reason, a trap's clause and its reason may be (0:
    left out)."""

    quote: int
    reason: int
    trap_quote: int
    trap_reason: int


# Tried in order; the first under the budget is used. The last one fits the longest verdict
# of every drill: each item contradicted by a long clause, and every trap sprung.
LADDER = (
    Clips(90, 140, 90, 140),
    Clips(80, 100, 80, 90),
    Clips(60, 70, 60, 0),
    Clips(45, 0, 0, 0),
)


def revealed(
    drill: Drill,
    params: Mapping[str, float],
    verdict: Verdict,
    timing: str,
    sketch: str,
    session_id: int,
    follow: UnderLoad | None = None,
    hinted: str | None = None,
) -> Reply:
    """`hinted`: the line about the hints taken on this attempt, if any were."""
    for clips in LADDER:
        reply = _reveal(drill, params, verdict, timing, sketch, session_id, clips, follow, hinted)
        if text_size(reply) <= TEXT_BUDGET:
            return reply
    return reply


def _reveal(
    drill: Drill,
    params: Mapping[str, float],
    verdict: Verdict,
    timing: str,
    sketch: str,
    session_id: int,
    clips: Clips,
    follow: UnderLoad | None,
    hinted: str | None,
) -> Reply:
    blocks: list[Block] = [
        Heading(f"{drill.title}: covered {verdict.covered}/{verdict.total}"),
        Paragraph.of(timing),
    ]
    if hinted is not None:
        blocks.append(Paragraph.of(Span("Hints: ", SpanStyle.STRONG), hinted))
    if not sketch.strip():
        blocks.append(Notice(NO_SKETCH))
    elif verdict.bare_list:
        blocks.append(Notice(BARE_LIST_NOTE))
    blocks.append(Checklist(tuple(checklist_item(v, drill, params, clips) for v in verdict.items)))
    blocks += trap_lines(verdict, clips)
    if verdict.missed:
        study = "; ".join(item.label for item in verdict.missed)
        blocks.append(Paragraph.of(Span("Study list: ", SpanStyle.STRONG), study + "."))
    follow_up = texts.follow_ups(drill, params)[0]
    blocks.append(Paragraph.of(Span("Follow-up: ", SpanStyle.STRONG), follow_up))
    if follow is not None:
        blocks.append(under_load_line(follow))
    answer = texts.model_answer(drill, params)
    blocks.append(Paragraph.of(Span("A strong answer: ", SpanStyle.STRONG), answer))
    blocks += rating_blocks(verdict, session_id, follow is not None)
    return Reply(tuple(blocks))


def under_load_line(follow: UnderLoad) -> Paragraph:
    """The drill's setting run through the load model: the command, and why to try it."""
    return Paragraph.of(
        Span("See it under load: ", SpanStyle.STRONG),
        Span(follow.command, SpanStyle.CODE),
        f". {follow.why}",
    )


def checklist_item(
    verdict: ItemVerdict, drill: Drill, params: Mapping[str, float], clips: Clips
) -> ChecklistItem:
    """Covered: the clause that earned it. Contradicted: the clause that says otherwise, and
    why it matters. Missed: why it matters, with the numbers this attempt expects."""
    item = verdict.item
    quote = clip(verdict.evidence, clips.quote) if verdict.evidence and clips.quote else ""
    reason = clip(item.why, clips.reason) if clips.reason else ""
    match verdict.status:
        case Status.COVERED:
            return ChecklistItem(item.label, True, quote=quote)
        case Status.CONTRADICTED:
            detail = _join(CONTRADICTED, reason)
            return ChecklistItem(item.label, False, detail, quote=quote, contradicted=True)
        case Status.MISSED:
            lead = ASKED if verdict.asked else LISTED if verdict.listed else ""
            expected = _expected(drill, item, params)
            return ChecklistItem(item.label, False, _join(lead, reason, expected))
        case _:
            assert_never(verdict.status)


def _expected(drill: Drill, item: ChecklistEntry, params: Mapping[str, float]) -> str:
    numbers = texts.expected(drill, item, params)
    if not numbers:
        return ""
    return "Expected: " + "; ".join(f"{label} ≈ {value}" for label, value in numbers) + "."


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def trap_lines(verdict: Verdict, clips: Clips) -> list[Block]:
    lines: list[Block] = []
    for trap, clause in zip(verdict.traps, verdict.trap_evidence, strict=True):
        spans = [Span("Trap: ", SpanStyle.STRONG), Span(f"{trap.label}. ")]
        if clause.strip() and clips.trap_quote:
            quote = clip(clause, clips.trap_quote)
            spans += [Span("You wrote “"), Span(quote, SpanStyle.USER_TEXT), Span("”. ")]
        if clips.trap_reason:
            spans.append(Span(clip(trap.why, clips.trap_reason)))
        lines.append(Paragraph(tuple(spans)))
    return lines


def rating_blocks(verdict: Verdict, session_id: int, under_load: bool = False) -> list[Block]:
    """The rating the verdict suggests, and a button per rating with the suggestion first in
    colour: taking it is one click, or `/rate` with no word."""
    suggested = suggested_rating(verdict)
    controls = [rate_button(r, r == suggested, session_id) for r in RATINGS]
    if under_load:
        controls.append(Button("See it under load", buttons.under_load(session_id)))
    why = f"you covered {verdict.covered} of {verdict.total}"
    if verdict.bare_list:
        why = "a list of terms earns little"
    elif verdict.traps or verdict.contradicted:
        why += ", with a trap or a contradiction"
    return [
        Paragraph.of(
            Span("Suggested rating: ", SpanStyle.STRONG),
            f"{suggested} ({why}). Rate your recall to schedule the next review: ",
            Span("/rate", SpanStyle.CODE),
            f" takes {suggested}, or ",
            Span("/rate again|hard|good|easy", SpanStyle.CODE),
            ".",
        ),
        Buttons(tuple(controls)),
    ]


def rate_button(rating: str, suggested: bool, session_id: int) -> Button:
    label = rating.capitalize() + (" (suggested)" if suggested else "")
    style = ButtonStyle.PRIMARY if suggested else ButtonStyle.SECONDARY
    return Button(label, buttons.rate(rating, session_id), style)


def text_size(reply: Reply) -> int:
    """The characters of text a reply carries (before any platform's markup)."""
    size = 0
    for block in reply.blocks:
        match block:
            case Heading(text) | Notice(text):
                size += len(text) + 2
            case Paragraph(spans):
                size += sum(len(s.text) for s in spans) + 2
            case Checklist(items):
                size += sum(len(i.label) + len(i.quote) + len(i.detail) + 8 for i in items)
            case Fields(items):
                size += sum(len(k) + len(v) + 2 for k, v in items)
            case TraceSteps() | Preformatted() | Deadline() | Buttons() | Figure() | Document():
                pass  # no such block in a reveal; buttons' labels and pictures are not text
            case _:
                assert_never(block)
    return size
