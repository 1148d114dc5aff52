"""Every sample reply through every renderer, checked against each platform's invariants."""

from __future__ import annotations

import ast
import dataclasses
import re
import typing
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import discord
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sample_replies import DEADLINE, MENTIONED_USER, NOW, SAMPLES

from bot.console.render import render as console_render
from bot.discord_app import limits as lim
from bot.discord_app.embeds import ERROR_COLOUR, WARNING_COLOUR
from bot.discord_app.render import DiscordMessage
from bot.discord_app.render import render as discord_render
from bot.text_budget import water_level
from engine.replies import (
    Block,
    Button,
    Buttons,
    Checklist,
    ChecklistItem,
    Deadline,
    Fields,
    Heading,
    Notice,
    NoticeLevel,
    Paragraph,
    Preformatted,
    Reply,
    Span,
    SpanStyle,
    TraceStep,
    TraceSteps,
    Visibility,
)

NAMES = sorted(SAMPLES)


def test_the_corpus_has_every_kind_of_block() -> None:
    """A new kind of block needs a sample here (and a case in every renderer, which mypy asks
    for), so that every renderer's invariants run over it."""
    kinds = {type(block) for reply in SAMPLES.values() for block in reply.blocks}
    assert kinds == set(typing.get_args(Block))


LIVE_BROADCAST = re.compile(r"@(everyone|here)", re.IGNORECASE)
LIVE_ROLE_OR_CHANNEL = re.compile(r"<(@&|#)\d+>")
LIVE_USER = re.compile(r"<@!?(\d+)>")


def descriptions(message: DiscordMessage) -> str:
    return "\n".join(e.get("description", "") for e in message.embeds)


def buttons_of(message: DiscordMessage) -> list[dict[str, object]]:
    return [b for row in message.components for b in row["components"]]


def strings(message: DiscordMessage) -> Iterator[str]:
    yield message.content
    for embed in message.embeds:
        yield embed.get("title", "")
        yield embed.get("description", "")
        yield embed.get("footer", {}).get("text", "")
        for f in embed.get("fields", []):
            yield f["name"]
            yield f["value"]
    for button in buttons_of(message):
        yield str(button["label"])


def markdown_strings(message: DiscordMessage) -> Iterator[str]:
    yield message.content
    for embed in message.embeds:
        yield from (embed.get("title", ""), embed.get("description", ""))
        yield from (text for f in embed.get("fields", []) for text in (f["name"], f["value"]))


def check_limits(message: DiscordMessage) -> None:
    assert len(message.content) <= lim.CONTENT
    assert message.content or message.embeds or message.components
    assert len(message.embeds) <= lim.EMBEDS
    total = 0
    for embed in message.embeds:
        assert len(embed.get("title", "")) <= lim.TITLE
        assert len(embed.get("description", "")) <= lim.DESCRIPTION
        assert len(embed.get("footer", {}).get("text", "")) <= lim.FOOTER
        assert len(embed.get("fields", [])) <= lim.FIELDS
        for f in embed.get("fields", []):
            assert 0 < len(f["name"]) <= lim.FIELD_NAME
            assert 0 < len(f["value"]) <= lim.FIELD_VALUE
        size = len(discord.Embed.from_dict(embed))  # Discord's count, as discord.py makes it
        assert size > 0 or "image" in embed  # a picture alone is an embed too
        total += size
    assert total <= lim.TOTAL
    check_components(message)
    check_attachments(message)


def check_attachments(message: DiscordMessage) -> None:
    """Every picture an embed shows is one uploaded file, and every picture file is shown (a
    document is a file below the message, within Discord's size): names unique
    (`attachment://name` finds one), descriptions (the alt text) within Discord's 1,024."""
    shown = [e["image"]["url"] for e in message.embeds if "image" in e]
    names = [a.filename for a in message.attachments]
    pictures = [a.filename for a in message.attachments if a.picture is not None]
    assert len(names) == len(set(names))
    assert sorted(shown) == sorted(f"attachment://{name}" for name in pictures)
    for entry, attachment in zip(message.attachments_json(), message.attachments, strict=True):
        kind = "png|gif" if attachment.picture is not None else "json"
        assert re.fullmatch(rf"[A-Za-z0-9_.-]{{1,64}}\.({kind})", attachment.filename)
        assert 0 < len(entry["description"]) <= lim.DESCRIPTION_OF_FILE
        if attachment.document is not None:
            assert len(attachment.document.data) <= lim.FILE_BYTES


def check_components(message: DiscordMessage) -> None:
    assert len(message.components) <= lim.ROWS
    ids = [b["custom_id"] for b in buttons_of(message)]
    assert len(ids) == len(set(ids)), "custom ids must be unique in a message"
    for row in message.components:
        assert row["type"] == 1
        assert 1 <= len(row["components"]) <= lim.BUTTONS_PER_ROW
        for button in row["components"]:
            assert button["type"] == 2
            assert button["style"] in (1, 2, 4)
            assert 1 <= len(button["custom_id"]) <= lim.CUSTOM_ID
            assert 1 <= len(button["label"]) <= lim.LABEL


def check_no_pings(message: DiscordMessage, allowed_users: set[str]) -> None:
    assert message.allowed_mentions == {"parse": []}
    for text in strings(message):
        assert not LIVE_BROADCAST.search(text), text
        assert not LIVE_ROLE_OR_CHANNEL.search(text), text
        assert set(LIVE_USER.findall(text)) <= allowed_users, text


def check_fences(message: DiscordMessage) -> None:
    """In every markdown surface; footers and button labels show text as it is."""
    for text in markdown_strings(message):
        assert text.count(lim.FENCE) % 2 == 0, text


def mention_ids(reply: Reply) -> set[str]:
    return {
        span.text
        for block in reply.blocks
        if isinstance(block, Paragraph)
        for span in block.spans
        if span.style is SpanStyle.MENTION
    }


@pytest.fixture(params=NAMES)
def name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def reply(name: str) -> Reply:
    return SAMPLES[name]


@pytest.fixture
def message(reply: Reply) -> DiscordMessage:
    return discord_render(reply, NOW)


# --- Discord -------------------------------------------------------------------------------


def test_discord_limits_hold(message: DiscordMessage) -> None:
    check_limits(message)


def test_discord_never_pings(reply: Reply, message: DiscordMessage) -> None:
    check_no_pings(message, mention_ids(reply))


def test_discord_code_fences_balance(message: DiscordMessage) -> None:
    check_fences(message)


def test_discord_visibility_is_the_ephemeral_flag(reply: Reply, message: DiscordMessage) -> None:
    assert message.ephemeral is (reply.visibility is Visibility.PRIVATE)


def test_discord_keeps_every_button_up_to_25(reply: Reply, message: DiscordMessage) -> None:
    wanted = [b for block in reply.blocks if isinstance(block, Buttons) for b in block.buttons]
    unique = list({b.action_id: b for b in reversed(wanted)}.values())[::-1]
    shown = buttons_of(message)
    assert [b["custom_id"] for b in shown] == [b.action_id for b in unique[:25]]
    for button, sent in zip(unique, shown, strict=False):
        assert sent["style"] == {"primary": 1, "secondary": 2, "danger": 4}[button.style]
        assert _label_kept(button, str(sent["label"]))
    if len(wanted) > len(shown):
        assert f"{len(wanted) - len(shown)} more buttons not shown" in descriptions(message)


def _label_kept(button: Button, label: str) -> bool:
    if not button.label.strip():
        return True
    if len(button.label) > lim.LABEL:
        return label.endswith(lim.MARKER) and button.label.startswith(label[:20])
    return label.replace("\u200b", "") == button.label


def test_discord_shows_trace_steps_up_to_the_cursor(reply: Reply, message: DiscordMessage) -> None:
    text = descriptions(message)
    footers = [e.get("footer", {}).get("text", "") for e in message.embeds]
    for block in reply.blocks:
        if not isinstance(block, TraceSteps):
            continue
        shown = min(block.cursor, len(block.steps) - 1) + 1 if block.steps else 0
        for step in block.steps:
            label = f"`{step.n}/{step.total}`"
            if step.n <= shown:
                assert label in text or lim.MARKER in text, label
            else:
                assert label not in text, label
        if shown == len(block.steps):
            assert block.summary in footers or any(lim.MARKER in f for f in footers)
        else:
            assert f"Step {shown} of {len(block.steps)}" in footers


def test_discord_render_is_pure(reply: Reply, message: DiscordMessage) -> None:
    assert discord_render(reply, NOW) == message
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.ephemeral = not message.ephemeral  # type: ignore[misc]


async def test_discord_py_accepts_the_components(message: DiscordMessage) -> None:
    view = discord.ui.View(timeout=None)
    for row_index, row in enumerate(message.components):
        for b in row["components"]:
            style = discord.ButtonStyle(b["style"])
            view.add_item(
                discord.ui.Button(
                    style=style, label=b["label"], custom_id=b["custom_id"], row=row_index
                )
            )
    assert len(view.children) == len(buttons_of(message))


# --- Discord: the edge cases by name --------------------------------------------------------


def render_sample(name: str) -> DiscordMessage:
    return discord_render(SAMPLES[name], NOW)


def test_a_long_user_text_fits_whole_and_escaped() -> None:
    message = render_sample("user_text_3900")
    text = descriptions(message)
    assert lim.MARKER not in text
    assert "@\u200beveryone" in text
    assert "<\u200b@&123>" in text
    assert "\\`\\`\\`python" in text
    assert "\\> not a quote" in text
    assert "\\# not a heading" in text
    assert "\\*\\*not bold\\*\\*" in text
    assert "https://example.com/a_b_c" in text  # links are not escaped
    assert f"<t:{int(DEADLINE.timestamp())}:R>" in text


def test_pings_split_over_spans_are_neutralised() -> None:
    text = descriptions(render_sample("user_text_split_pings"))
    assert "<\u200b@!456>" in text


def test_a_mention_span_is_the_only_live_mention() -> None:
    text = descriptions(render_sample("mention"))
    assert f"<@{MENTIONED_USER}>" in text
    assert "alice" in text


def test_a_huge_diagram_is_cut_visibly_and_what_follows_survives() -> None:
    message = render_sample("huge_preformatted")
    text = descriptions(message)
    assert lim.MARKER in text
    assert "After the diagram: 3 app servers, cache warm." in text
    assert message.embeds[0]["title"] == "Cluster"


def test_a_deadline_is_a_native_relative_timestamp() -> None:
    text = descriptions(render_sample("deadline"))
    assert f"Suggested time, 8 minutes: <t:{int(DEADLINE.timestamp())}:R>" in text


def test_notices_are_coloured_and_marked() -> None:
    error = render_sample("error_notice").embeds[0]
    assert error["color"] == ERROR_COLOUR
    assert error["description"].startswith("⛔ ")
    assert render_sample("warning_with_usage").embeds[0]["color"] == WARNING_COLOUR
    assert render_sample("every_block").embeds[-1]["color"] == ERROR_COLOUR


def test_a_trace_steps_one_hop_at_a_time() -> None:
    first = render_sample("trace_cursor_0")
    assert first.embeds[0]["description"].startswith("`1/11` GET /u/7")
    assert "(+0.2 ms, 0.2 ms)" in first.embeds[0]["description"]
    assert first.embeds[0]["footer"]["text"] == "Step 1 of 11"
    assert not first.ephemeral
    last = render_sample("trace_cursor_10")
    assert "`11/11`" in descriptions(last)
    assert "SELECT \\* FROM" in descriptions(last)


def test_many_fields_continue_in_more_embeds() -> None:
    message = render_sample("help_many_fields")
    names = [f["name"] for e in message.embeds for f in e.get("fields", [])]
    assert len(names) == 40


def test_more_than_ten_embeds_end_with_a_marker() -> None:
    message = render_sample("many_headings")
    assert len(message.embeds) == lim.EMBEDS
    assert message.embeds[-1]["description"].endswith(lim.MARKER)


def test_an_empty_reply_still_sends_something() -> None:
    assert render_sample("empty").content


ALLOWED_IMPORTS = {"engine", "bot", "__future__", "collections", "dataclasses", "datetime", "re",
                   "typing", "unicodedata"}  # fmt: skip


def test_the_renderer_imports_no_chat_library() -> None:
    package = Path(__file__).parents[2] / "bot" / "discord_app"
    for module in ("render.py", "embeds.py", "escape.py", "limits.py"):
        tree = ast.parse((package / module).read_text(encoding="utf-8"))
        imported = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        imported += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        for name in imported:
            root = name.split(".")[0]
            assert root in ALLOWED_IMPORTS, (module, name)
            assert not name.startswith(("bot.console", "bot.slack_app")), (module, name)


# --- Console --------------------------------------------------------------------------------


def _clean(text: str) -> str:
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def console_fragments(reply: Reply) -> Iterator[str]:
    """Every piece of text a reply carries that the console must print."""
    for block in reply.blocks:
        match block:
            case Heading(text) | Preformatted(text) | Notice(text):
                yield text
            case Paragraph(spans):
                yield from (_clean(s.text) for s in spans)
            case Fields(items):
                yield from (text for pair in items for text in pair)
            case Checklist(items):
                yield from (text for item in items for text in (item.label, item.detail))
            case TraceSteps():
                yield from (block.title, block.summary, *(s.text for s in block.steps))
            case Deadline(_, label):
                yield label


def test_console_prints_all_text(reply: Reply) -> None:
    output = console_render(reply, NOW)
    for fragment in console_fragments(reply):
        assert fragment in output


def test_console_prints_no_control_characters(reply: Reply) -> None:
    output = console_render(reply, NOW)
    assert [ch for ch in output if ch not in "\n\t" and unicodedata.category(ch) == "Cc"] == []


# --- Discord: any reply at all --------------------------------------------------------------

# Pings, fences and markdown that could break out, control and astral characters, and breaks.
TOKENS = ("@everyone", "@here", "<@&12>", "<@34>", "<@!56>", "<#78>", "```", "`", "**", "_",
          "~~", "||", "\\", "word", "é", "🧗", "<", "@", "> ", "# ", "- ", "1. ", "\n", " ",
          "\x1b")  # fmt: skip
texts = st.builds(
    lambda parts, times: "".join(parts) * times,
    st.lists(st.sampled_from(TOKENS), max_size=12),
    st.sampled_from((1, 1, 1, 30, 400)),
)
spans = st.builds(Span, texts, st.sampled_from(list(SpanStyle)))
steps = st.lists(st.builds(lambda t: TraceStep(1, 1, "lb", t, 0.5, 0.5), texts), max_size=12)
blocks = st.one_of(
    st.builds(Heading, texts),
    st.builds(lambda s: Paragraph(tuple(s)), st.lists(spans, max_size=5)),
    st.builds(lambda i: Fields(tuple(i)), st.lists(st.tuples(texts, texts), max_size=30)),
    st.builds(
        lambda i: Checklist(tuple(i)),
        st.lists(st.builds(ChecklistItem, texts, st.booleans(), texts), max_size=12),
    ),
    st.builds(lambda s, t, c: TraceSteps(t, tuple(s), t, 1, c), steps, texts, st.integers(0, 20)),
    st.builds(Preformatted, texts),
    st.builds(Deadline, st.just(DEADLINE), texts),
    st.builds(Notice, texts, st.sampled_from(list(NoticeLevel))),
    st.builds(
        lambda b: Buttons(tuple(b)),
        st.lists(
            st.builds(Button, texts, st.integers(0, 99).map(lambda i: f"r1:ts:1:{i}")),
            max_size=12,
        ),
    ),
)
replies = st.builds(
    lambda b, v: Reply(tuple(b), v),
    st.lists(blocks, max_size=14),
    st.sampled_from(list(Visibility)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(replies)
def test_discord_invariants_hold_for_any_reply(reply: Reply) -> None:
    message = discord_render(reply, NOW)
    check_limits(message)
    check_no_pings(message, {s.text.strip() for s in _spans(reply) if s.style is SpanStyle.MENTION})
    check_fences(message)


def _spans(reply: Reply) -> Iterator[Span]:
    for block in reply.blocks:
        if isinstance(block, Paragraph):
            yield from block.spans


@given(st.text(max_size=300), st.integers(0, 300))
def test_truncate_never_passes_the_limit_and_shows_the_cut(text: str, limit: int) -> None:
    cut = lim.truncate(text, limit)
    assert len(cut) <= limit
    assert cut == text or cut.endswith("…") or lim.MARKER in cut or not cut


@given(st.lists(st.sampled_from(("```", "a", " ", "\n", "\\")), max_size=200), st.integers(14, 400))
def test_a_cut_closes_an_open_fence(parts: list[str], limit: int) -> None:
    text = "".join(parts)
    if text.count(lim.FENCE) % 2:
        text += "\n" + lim.FENCE
    cut = lim.cut(text, limit)
    assert len(cut) <= limit
    assert cut.count(lim.FENCE) % 2 == 0
    assert cut.endswith(lim.MARKER)


@given(st.text(max_size=2000), st.integers(1, 300))
def test_split_keeps_every_piece_within_the_limit(text: str, limit: int) -> None:
    pieces = lim.split_text(text, limit)
    assert all(0 < len(p) <= limit for p in pieces)
    assert len("".join(pieces)) >= len(text) - len(pieces)  # only the break characters go


@given(st.lists(st.integers(0, 5000), max_size=40), st.integers(0, 6000))
def test_the_water_level_fits_the_budget(lengths: list[int], budget: int) -> None:
    level = water_level(lengths, budget)
    if sum(lengths) <= budget:
        assert level >= max(lengths, default=0)
    else:  # the highest level that fits
        assert (
            sum(min(n, level) for n in lengths) <= budget < sum(min(n, level + 1) for n in lengths)
        )
