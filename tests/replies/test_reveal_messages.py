"""The drill's reveal on every platform: it fits one message whole (the longest drill, a
4,000-character sketch, and the worst verdict the content's limits allow), and the learner's
quoted clauses can never ping."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sample_replies import HOSTILE, NOW, SLACK_HOSTILE
from test_renderers import check_fences as discord_fences
from test_renderers import check_limits as discord_limits
from test_renderers import check_no_pings as discord_no_pings
from test_renderers import strings as discord_strings
from test_slack_renderer import check_escaped as slack_escaped
from test_slack_renderer import check_limits as slack_limits
from test_slack_renderer import check_no_pings as slack_no_pings
from test_slack_renderer import check_with_slack_sdk, mrkdwn_strings

from bot.console.render import render as console_render
from bot.discord_app import limits as discord_lim
from bot.discord_app.render import render as discord_render
from bot.slack_app import limits as slack_lim
from bot.slack_app.render import SlackMessage
from bot.slack_app.render import render as slack_render
from engine.content.loader import Content
from engine.content.models import Drill
from engine.drills import texts
from engine.drills.params import draw
from engine.drills.scoring import ItemVerdict, Status, Verdict, score
from engine.replies import Checklist, Reply
from engine.tutor.presenters.reveal import LADDER, TEXT_BUDGET, revealed, text_size

SKETCH_CHARS = 4_000


def reveal(drill: Drill, verdict: Verdict, sketch: str) -> Reply:
    params = draw(drill, "fits")
    return revealed(drill, params, verdict, "Revealed with 1m 00s left.", sketch, 7)


def longest(content: Content) -> Drill:
    """The drill whose reveal carries the most text when every item is contradicted."""
    return max(content.drills.values(), key=lambda d: text_size(worst_reveal(d)))


def worst_verdict(drill: Drill, clause: str) -> Verdict:
    """Every item contradicted by a long clause and every trap sprung: the longest reveal."""
    items = tuple(ItemVerdict(i, Status.CONTRADICTED, (), clause) for i in drill.checklist)
    traps = tuple(drill.traps)
    return Verdict(items, traps, tuple(clause for _ in traps))


def worst_reveal(drill: Drill, clause: str = "a clause " * 40) -> Reply:
    return reveal(drill, worst_verdict(drill, clause), clause)


def slack_strings(message: SlackMessage) -> Iterator[str]:
    yield from mrkdwn_strings(message)
    for block in message.blocks:
        if block["type"] == "header":
            yield block["text"]["text"]


def assert_whole_on_every_platform(reply: Reply) -> None:
    """No platform cuts it: every limit holds and no truncation marker appears."""
    discord = discord_render(reply, NOW)
    discord_limits(discord)
    discord_fences(discord)
    assert not any(discord_lim.MARKER in text for text in discord_strings(discord))
    assert len(discord.components) == 1  # the four rating buttons, one row

    slack = slack_render(reply, now=NOW)
    slack_limits(slack)
    check_with_slack_sdk(slack)
    blocks = [text for text in slack_strings(slack) if text is not slack.text]
    assert not any(slack_lim.MARKER in text for text in blocks)
    assert sum(b["type"] == "actions" for b in slack.blocks) == 1

    console = console_render(reply, NOW)
    checklist = next(b for b in reply.blocks if isinstance(b, Checklist))
    assert all(item.label in console for item in checklist.items)


def test_the_longest_drill_with_a_4000_character_sketch_fits_one_message(
    content: Content,
) -> None:
    drill = longest(content)
    params = draw(drill, "fits")
    answer = texts.model_answer(drill, params)
    wrong = " I would shard the database first. We do not need a cache."
    sketch = (answer + wrong) * (SKETCH_CHARS // len(answer + wrong) + 1)
    sketch = sketch[:SKETCH_CHARS]
    assert len(sketch) == SKETCH_CHARS
    verdict = score(drill, params, sketch)
    assert verdict.covered >= verdict.total // 2  # a realistic, long, mostly right sketch
    reply = revealed(drill, params, verdict, "Revealed on time.", sketch, 7)
    assert_whole_on_every_platform(reply)
    text = console_render(reply, NOW)
    assert answer in text  # the whole model answer, with this attempt's numbers
    assert f"covered {verdict.covered}/{verdict.total}" in text


@pytest.mark.parametrize("clause", ["a clause " * 40, "*a* _b_ `c` ~d~ |e| " * 25])
def test_the_worst_verdict_of_every_drill_fits_one_message(content: Content, clause: str) -> None:
    for drill in content.drills.values():
        reply = worst_reveal(drill, clause)
        assert text_size(reply) <= TEXT_BUDGET, drill.id
        assert_whole_on_every_platform(reply)


def test_quotes_and_reasons_shorten_only_as_far_as_the_budget_needs(content: Content) -> None:
    drill = content.drills["b-read-ladder"]
    params = draw(drill, "fits")
    sketch = "Put a Redis cache in front of the database, because it answers most reads."
    full = revealed(drill, params, score(drill, params, sketch), "On time.", sketch, 7)
    checklist = next(b for b in full.blocks if isinstance(b, Checklist))
    longest_why = max(drill.checklist, key=lambda i: len(i.why))
    shown = next(i for i in checklist.items if i.label == longest_why.label)
    assert len(shown.detail) > LADDER[1].reason  # the first rung: nothing needed shortening
    worst = worst_reveal(longest(content))
    worst_items = next(b for b in worst.blocks if isinstance(b, Checklist)).items
    assert max(len(i.quote) for i in worst_items) < LADDER[0].quote  # a later rung


def test_a_quoted_clause_never_pings_on_discord_or_slack(content: Content) -> None:
    drill = content.drills["b-read-ladder"]
    params = draw(drill, "pings")
    pings = "(<!here> @everyone @here <@&123> <@456> <!channel>)"
    sketch = f"put a redis cache in front {pings} because it answers most reads"
    verdict = score(drill, params, sketch)
    quoted = next(v.evidence for v in verdict.items if v.covered)
    assert "@everyone" in quoted
    assert "<!here>" in quoted  # the scorer's clause keeps them: the renderers must not
    reply = revealed(drill, params, verdict, "On time.", sketch, 7)
    item = next(i for b in reply.blocks if isinstance(b, Checklist) for i in b.items if i.quote)
    assert "@everyone" in item.quote
    assert "<!channel>" in item.quote

    discord = discord_render(reply, NOW)
    discord_no_pings(discord, set())
    assert "@\u200beveryone" in "".join(discord_strings(discord))
    slack = slack_render(reply, now=NOW)
    slack_no_pings(slack, set())
    slack_escaped(slack)
    assert "&lt;!here&gt;" in "".join(mrkdwn_strings(slack))


@pytest.mark.parametrize("hostile", [HOSTILE, SLACK_HOSTILE])
def test_a_hostile_clause_in_every_slot_is_shown_and_silenced(
    content: Content, hostile: str
) -> None:
    """Every place a reveal quotes the learner (an item's evidence, a trap's clause)."""
    drill = content.drills["d-write-scaling"]
    items = tuple(
        ItemVerdict(i, Status.CONTRADICTED if n % 2 else Status.COVERED, (), hostile)
        for n, i in enumerate(drill.checklist)
    )
    verdict = Verdict(items, (drill.traps[0],), (hostile,))
    reply = reveal(drill, verdict, hostile)
    discord = discord_render(reply, NOW)
    discord_limits(discord)
    discord_no_pings(discord, set())
    discord_fences(discord)
    slack = slack_render(reply, now=NOW)
    slack_limits(slack)
    slack_no_pings(slack, set())
    slack_escaped(slack)
