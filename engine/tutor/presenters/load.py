"""Replies of /load and /scenario: the compact table with a bar per tier, the verdict paragraph,
the next rungs with their bills; a scenario's time line and its figures over time.

Built from the engine's result values (LoadAnswer, ScenarioRun), which the handler also hands
back, so a chart of the same figures can be attached beside the text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from engine.commands import buttons
from engine.load.answer import LoadAnswer, money, short_count
from engine.load.rungs import RungOption
from engine.load.scenario_spec import Scenario
from engine.load.scenario_story import ScenarioRun
from engine.load.traffic import TIER_ORDER
from engine.replies import (
    Block,
    Button,
    Buttons,
    ButtonStyle,
    Fields,
    Heading,
    Paragraph,
    Preformatted,
    Reply,
    Span,
    SpanStyle,
    Visibility,
)

FIGURE_ROWS = 12  # a scenario's figures, sampled to about this many rows


def load_reply(answer: LoadAnswer, visibility: Visibility, note: str = "") -> Reply:
    blocks: list[Block] = [Heading(answer.heading)]
    if note:
        blocks.append(Paragraph.of(note))
    blocks += [Preformatted(answer.table), Paragraph.of(answer.paragraph)]
    blocks += [Paragraph.of("• " + fact) for fact in answer.facts]
    if answer.verdict.spofs:
        blocks.append(
            Paragraph.of(
                Span("Single points of failure: ", SpanStyle.STRONG),
                "; ".join(answer.verdict.spofs) + ".",
            )
        )
    if answer.rungs:
        blocks.append(Paragraph.of(Span("Next rungs", SpanStyle.STRONG)))
        blocks.append(Fields(tuple(rung_field(r) for r in answer.rungs)))
    bill = answer.bill
    blocks.append(
        Paragraph.of(
            f"Bill today: ${bill.usd_month:,.0f}/month for {bill.nodes} nodes. Climb it rung "
            "by rung with ",
            Span("/climb", SpanStyle.CODE),
            ".",
        )
    )
    return Reply(tuple(blocks), visibility)


def rung_field(option: RungOption) -> tuple[str, str]:
    """A rung as a field: its label and move; what it costs, whether it fixes, what it leaves."""
    plural = "" if abs(option.nodes_delta) == 1 else "s"
    nodes = f", {option.nodes_delta:+d} node{plural}" if option.nodes_delta else ""
    fixes = "fixes it" if option.fixes else "does not fix it"
    after = option.after.first
    then = f"; then {after.tier.label} at {after.rho:.0%}" if after is not None else ""
    return (
        f"{option.label} ({option.move})",
        f"{money(option.usd_delta)}/month{nodes}; {fixes}{then}. Does not fix: "
        f"{option.not_fixed[0].lower()}{option.not_fixed[1:]}",
    )


def scenario_list(scenarios: Mapping[str, Scenario], visibility: Visibility) -> Reply:
    rows = tuple((s.id, f"{s.title}: {s.summary}") for s in scenarios.values())
    first = next(iter(scenarios), "cache-restart")
    return Reply(
        (
            Heading("Scenarios: named failures over simulated time"),
            Fields(rows),
            Paragraph.of(
                "Run one with ",
                Span(f"/scenario {first}", SpanStyle.CODE),
                ". Each has a fixed seed, so a teammate who runs it sees exactly the same run.",
            ),
        ),
        visibility,
    )


def scenario_reply(run: ScenarioRun, sources: Mapping[str, str], visibility: Visibility) -> Reply:
    s = run.scenario
    blocks: list[Block] = [
        Heading(f"{s.title} (seed {s.seed}, {s.duration_s} s simulated)"),
        Paragraph.of(s.summary),
        Fields(tuple((f"{m.t:>4.0f} s", m.text) for m in run.timeline)),
        Preformatted(figures(run)),
        Paragraph.of(Span("Verdict: ", SpanStyle.STRONG), _closing(run)),
    ]
    named = [sources.get(ref, ref) for ref in s.sources]
    if named:
        blocks.append(Paragraph.of(Span("Sources: ", SpanStyle.STRONG), "; ".join(named) + "."))
    return Reply(tuple(blocks), visibility)


def _closing(run: ScenarioRun) -> str:
    text = run.verdict
    share = run.failed / run.requests if run.requests else 0.0
    text += f" In all {short_count(run.failed)} of {short_count(run.requests)} requests failed "
    text += f"({share:.1%})"
    if run.lost_writes:
        text += f", and about {run.lost_writes:,.0f} committed writes were lost"
    return text + "."


def figures(run: ScenarioRun) -> str:
    """The figures over time, sampled: rate, errors, p99, hit ratio, and each tier's load."""
    names = {s.name for s in run.series}
    tiers = [t for t in TIER_ORDER if f"busy.{t.value}" in names]
    head = f"{'t s':>5}{'req/s':>8}{'err':>6}{'p99 ms':>8}{'hit':>5}"
    head += "".join(f"{_short(t.value):>7}" for t in tiers)
    lines = [head]
    for i in _sampled(len(run.times)):
        offered = run.values("offered")[i]
        errors = run.values("errors")[i]
        share = errors / offered if offered else 0.0
        row = (
            f"{run.times[i]:>5.0f}{short_count(offered):>8}{share:>6.0%}"
            f"{run.values('p99')[i]:>8.0f}{run.values('hit_ratio')[i]:>5.0%}"
        )
        row += "".join(f"{run.values(f'busy.{t.value}')[i]:>7.0%}" for t in tiers)
        lines.append(row)
    return "\n".join(lines)


def _short(tier: str) -> str:
    return {"primary": "db", "replica": "repl"}.get(tier, tier)


def _sampled(count: int) -> Sequence[int]:
    if count <= FIGURE_ROWS:
        return range(count)
    every = -(-count // FIGURE_ROWS)
    picked = list(range(0, count, every))
    return picked if picked[-1] == count - 1 else [*picked, count - 1]


def under_load_note(why: str) -> str:
    return f"See it under load: {why}"


def scenario_button(scenario_id: str) -> Button:
    return Button(f"Run {scenario_id}", buttons.scenario(scenario_id), ButtonStyle.PRIMARY)


def with_note(reply: Reply, note: str) -> Reply:
    """The reply with a paragraph after its heading (why a drill's follow-up runs it)."""
    head, rest = reply.blocks[:1], reply.blocks[1:]
    return Reply((*head, Paragraph.of(note), *rest), reply.visibility)


def with_buttons(reply: Reply, extra: Sequence[Button]) -> Reply:
    if not extra:
        return reply
    return Reply((*reply.blocks, Buttons(tuple(extra))), reply.visibility)
