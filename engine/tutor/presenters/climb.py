"""Replies of /climb: the load step, what breaks first (the /load table), the bill against the
budget, the rungs on offer as buttons; at the end, the score and the debrief."""

from __future__ import annotations

from engine.commands import buttons
from engine.load.answer import paragraph, table, tier_rows
from engine.load.catalogue import LoadContent
from engine.load.climb import RATES, ClimbMove, ClimbState, ClimbStatus, ClimbView, debrief
from engine.replies import (
    Block,
    Button,
    Buttons,
    ButtonStyle,
    Fields,
    Heading,
    Notice,
    Paragraph,
    Preformatted,
    Reply,
    Span,
    SpanStyle,
    Visibility,
)
from engine.tutor.presenters.load import rung_field

_OVER = {
    ClimbStatus.WON: "won: the cluster holds the target load",
    ClimbStatus.BROKE: "over: nothing within the budget fixes what breaks",
    ClimbStatus.ENDED: "ended",
}


def turn(state: ClimbState) -> int:
    """Moves and load steps so far: a button carries it, so it acts only at its own turn."""
    return len(state.moves) + state.step


def move_note(move: ClimbMove, content: LoadContent) -> str:
    text = f"Climbed: {content.rungs[move.rung].label.lower()}; the bill is now "
    text += f"${move.usd_after:,.0f}/month."
    return text if move.in_order else f"{text} Out of order: {move.note}."


def climb_reply(
    game: int, current: ClimbView, content: LoadContent, visibility: Visibility, note: str = ""
) -> Reply:
    state = current.state
    step = f"step {state.step + 1} of {len(RATES)}"
    blocks: list[Block] = [
        Heading(f"Climb #{game}: {state.rate:,.0f} requests/s ({step}, target {state.target:,.0f})")
    ]
    if note:
        blocks.append(Notice(note))
    blocks.append(Preformatted(table(tier_rows(current.report, current.verdict))))
    blocks.append(Paragraph.of(paragraph(current.report, current.verdict, ())))
    blocks.append(
        Paragraph.of(
            Span("Bill: ", SpanStyle.STRONG),
            f"${current.usd_month:,.0f} of ${state.budget_usd:,.0f} a month. Held so far: "
            f"{state.held:,.0f} requests/s.",
        )
    )
    if state.status is not ClimbStatus.PLAYING:
        return Reply((*blocks, *_finished(game, state, content)), visibility)
    return Reply((*blocks, *_offers(game, current)), visibility)


def _offers(game: int, current: ClimbView) -> list[Block]:
    state = current.state
    now = turn(state)
    blocks: list[Block] = []
    if current.offers and current.holds:
        labels = ", ".join(o.rung.value for o in current.offers)
        blocks.append(Paragraph.of("It holds, so raise the load; or climb early: " + labels + "."))
    elif current.offers:
        rows = []
        for option, affordable in zip(current.offers, current.affordable, strict=True):
            label, detail = rung_field(option)
            rows.append((label, detail if affordable else f"over the budget. {detail}"))
        blocks.append(Paragraph.of(Span("On offer", SpanStyle.STRONG)))
        blocks.append(Fields(tuple(rows)))
    controls = []
    if current.holds:
        following = RATES[state.step + 1] if state.step + 1 < len(RATES) else state.target
        controls.append(
            Button(
                f"Raise to {following:,.0f}/s",
                buttons.climb_raise(game, now),
                ButtonStyle.PRIMARY,
            )
        )
    for option, affordable in zip(current.offers, current.affordable, strict=True):
        if affordable:
            controls.append(Button(option.label, buttons.climb_pick(game, now, option.rung.value)))
    hint = "/climb raise" if current.holds else "/climb pick <rung>"
    blocks.append(
        Paragraph.of(
            "Holds? Raise the load. Breaks? Climb a rung: ",
            Span(hint, SpanStyle.CODE),
            " or a button. ",
            Span("/climb end", SpanStyle.CODE),
            " stops with a debrief.",
        )
    )
    if controls:
        blocks.append(Buttons(tuple(controls)))
    return blocks


def _finished(game: int, state: ClimbState, content: LoadContent) -> list[Block]:
    lines = debrief(state, content)
    return [
        Paragraph.of(Span(f"Climb #{game} {_OVER[state.status]}. ", SpanStyle.STRONG), lines[0]),
        *(Paragraph.of("• " + line) for line in lines[1:]),
        Buttons((Button("New climb", buttons.climb_start(), ButtonStyle.PRIMARY),)),
    ]
