"""Every sample reply through the Slack renderer: Slack's limits (counted here, and by
slack_sdk's own block models), no pings, balanced fences, buttons, traces and deadlines."""

from __future__ import annotations

import ast
import dataclasses
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sample_replies import DEADLINE, NOW, SAMPLES, SLACK_USER
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.slack_app import limits as lim
from bot.slack_app.render import ACTION_ID_PATTERN, SlackMessage, engine_id, render
from engine.commands import buttons
from engine.replies import (
    Button,
    Buttons,
    ButtonStyle,
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

JSON = dict[str, Any]
NAMES = sorted(SAMPLES)
WJ = "\u2060"
LIVE_BROADCAST = re.compile(r"@(channel|here|everyone)", re.IGNORECASE)
LIVE_USER = re.compile(r"<@([^>|]*)")
# The only `<…>` the renderer may send: user mentions, dates, links.
OWN_TOKEN = re.compile(r"<@[UW][A-Z0-9]+>|<!date\^\d+\^[^|<>]+\|[^<>]+>|<https?://[^<>|\s]+>")
ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")


# --- What a message carries ---------------------------------------------------------------


def buttons_of(message: SlackMessage) -> list[JSON]:
    return [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]


def mrkdwn_strings(message: SlackMessage) -> Iterator[str]:
    """Every text Slack parses as mrkdwn, the fallback `text` included."""
    yield message.text
    for block in message.blocks:
        if block["type"] == "section":
            yield from (t["text"] for t in [block.get("text"), *block.get("fields", [])] if t)
        elif block["type"] == "context":
            yield from (e["text"] for e in block["elements"])


def plain_strings(message: SlackMessage) -> Iterator[str]:
    for block in message.blocks:
        if block["type"] == "header":
            yield block["text"]["text"]
    yield from (b["text"]["text"] for b in buttons_of(message))


def text_size(block: JSON) -> int:
    """Counted here on its own, not with the renderer's helper."""
    texts = [block.get("text"), *block.get("fields", []), *block.get("elements", [])]
    size = 0
    for obj in texts:
        if obj is None:
            continue
        size += len(obj["text"]["text"] if obj.get("type") == "button" else obj["text"])
    return size


# --- The checks -----------------------------------------------------------------------------


def check_limits(message: SlackMessage) -> None:
    assert 1 <= len(message.blocks) <= lim.BLOCKS
    assert message.text.strip()
    assert len(message.text) <= lim.FALLBACK
    assert sum(text_size(b) for b in message.blocks) <= lim.TOTAL_TEXT
    for block in message.blocks:
        check_block(block)
    action_ids = [b["action_id"] for b in buttons_of(message)]
    assert len(action_ids) == len(set(action_ids)), "Slack refuses repeated action_ids"
    check_with_slack_sdk(message)


def check_block(block: JSON) -> None:
    kind = block["type"]
    assert kind in ("section", "header", "context", "divider", "actions"), kind
    if kind == "section":
        assert ("text" in block) != ("fields" in block)
        if "text" in block:
            check_text(block["text"], "mrkdwn", 3000)
        else:
            assert 1 <= len(block["fields"]) <= 10
            for f in block["fields"]:
                check_text(f, "mrkdwn", 2000)
    elif kind == "header":
        check_text(block["text"], "plain_text", 150)
    elif kind == "context":
        assert 1 <= len(block["elements"]) <= 10
        for element in block["elements"]:
            check_text(element, "mrkdwn", 3000)
    elif kind == "actions":
        assert 1 <= len(block["elements"]) <= 25
        for button in block["elements"]:
            assert button["type"] == "button"
            check_text(button["text"], "plain_text", 75)
            assert 1 <= len(button["action_id"]) <= 255
            assert 1 <= len(button["value"]) <= 2000
            assert button.get("style", "primary") in ("primary", "danger")


def check_text(obj: JSON, kind: str, limit: int) -> None:
    assert obj["type"] == kind
    assert obj["text"].strip(), "Slack refuses an empty text"
    assert len(obj["text"]) <= limit, (len(obj["text"]), limit)
    if kind == "mrkdwn":
        assert obj["verbatim"] is True


def check_with_slack_sdk(message: SlackMessage) -> None:
    """slack_sdk's block models validate their own limits on `to_dict()`; the round trip also
    shows that nothing in a block is unknown to them. A Home tab takes the same blocks."""
    for block in message.blocks:
        assert Block.parse(block).to_dict() == block  # type: ignore[union-attr]
    home = View(type="home", blocks=message.blocks).to_dict()
    assert home["blocks"] == message.blocks


def check_no_pings(message: SlackMessage, allowed_users: set[str]) -> None:
    links = [OWN_TOKEN.sub("", text) for text in mrkdwn_strings(message)]  # `<https://x/@here>`
    for text in [*links, *plain_strings(message)]:
        assert not LIVE_BROADCAST.search(text), text
    for text in [*mrkdwn_strings(message), *plain_strings(message)]:
        for syntax in ("<!channel", "<!here", "<!everyone", "<!subteam", "<#"):
            assert syntax not in text, text
        assert set(re.findall(r"<!(\w+)", text)) <= {"date"}, text
        assert set(LIVE_USER.findall(text)) <= allowed_users, text


def check_escaped(message: SlackMessage) -> None:
    """`&`, `<`, `>` only as entities or in the renderer's own tokens, as Slack asks."""
    for text in mrkdwn_strings(message):
        rest = OWN_TOKEN.sub("", text)
        assert "<" not in rest, text
        assert ">" not in rest, text
        assert not ENTITY.search(rest), text


def check_fences(message: SlackMessage) -> None:
    """A code block is a whole section, fenced once; no other text holds a fence."""
    for text in mrkdwn_strings(message):
        if text.startswith("```\n") and text.endswith("\n```"):
            assert "```" not in text[4:-4], text
        else:
            assert "```" not in text, text


def check_clean(message: SlackMessage) -> None:
    for text in [*mrkdwn_strings(message), *plain_strings(message)]:
        controls = [c for c in text if c not in "\n\t" and unicodedata.category(c) == "Cc"]
        assert controls == [], text


def check_all(reply: Reply, message: SlackMessage) -> None:
    check_limits(message)
    check_no_pings(message, mention_ids(reply))
    check_escaped(message)
    check_fences(message)
    check_clean(message)
    assert message.ephemeral is (reply.visibility is Visibility.PRIVATE)


def mention_ids(reply: Reply) -> set[str]:
    return {
        span.text.strip()
        for block in reply.blocks
        if isinstance(block, Paragraph)
        for span in block.spans
        if span.style is SpanStyle.MENTION
    }


# --- The shared corpus ----------------------------------------------------------------------


@pytest.fixture(params=NAMES)
def reply(request: pytest.FixtureRequest) -> Reply:
    return SAMPLES[str(request.param)]


@pytest.fixture
def message(reply: Reply) -> SlackMessage:
    return render(reply, now=NOW)


def test_slack_limits_hold(message: SlackMessage) -> None:
    check_limits(message)


def test_slack_never_pings(reply: Reply, message: SlackMessage) -> None:
    check_no_pings(message, mention_ids(reply))


def test_slack_escapes_what_slack_parses(message: SlackMessage) -> None:
    check_escaped(message)


def test_slack_code_fences_balance(message: SlackMessage) -> None:
    check_fences(message)


def test_slack_sends_no_control_characters(message: SlackMessage) -> None:
    check_clean(message)


def test_slack_visibility_is_ephemeral(reply: Reply, message: SlackMessage) -> None:
    assert message.ephemeral is (reply.visibility is Visibility.PRIVATE)


def test_slack_keeps_every_button_up_to_25(reply: Reply, message: SlackMessage) -> None:
    wanted = [b for block in reply.blocks if isinstance(block, Buttons) for b in block.buttons]
    shown = buttons_of(message)
    assert [engine_id(e) for e in shown] == [b.action_id for b in wanted[:25]]
    for button, sent in zip(wanted, shown, strict=False):
        assert sent["action_id"].startswith(button.action_id)
        assert ACTION_ID_PATTERN.match(sent["action_id"])
        assert sent.get("style") == {"primary": "primary", "danger": "danger"}.get(button.style)
        assert _label_kept(button, sent["text"]["text"])
    notes = " ".join(
        e["text"] for b in message.blocks if b["type"] == "context" for e in b["elements"]
    )
    if len(wanted) > 25:
        assert f"{len(wanted) - 25} more buttons not shown" in notes


def _label_kept(button: Button, label: str) -> bool:
    if not button.label.strip():
        return label == "·"
    if len(button.label) > lim.BUTTON_TEXT:
        return label.endswith(lim.ELLIPSIS) and button.label.startswith(label[:20])
    return label.replace(WJ, "") == button.label


def test_slack_shows_trace_steps_up_to_the_cursor(reply: Reply, message: SlackMessage) -> None:
    blocks_only = list(mrkdwn_strings(message))[1:]  # not the fallback `text`
    text = "\n".join(blocks_only).replace(WJ, "")  # joiners are invisible
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
        footer = block.summary if shown == len(block.steps) else f"Step {shown} of"
        assert footer in text


def test_slack_render_is_pure(reply: Reply, message: SlackMessage) -> None:
    assert render(reply, now=NOW) == message
    assert render(reply).blocks == message.blocks  # `now` only words the fallback
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.ephemeral = not message.ephemeral  # type: ignore[misc]


# --- The edge cases by name -----------------------------------------------------------------


def render_sample(name: str) -> SlackMessage:
    return render(SAMPLES[name], now=NOW)


def sections(message: SlackMessage) -> str:
    return "\n".join(
        b["text"]["text"] for b in message.blocks if "text" in b and b["type"] == "section"
    )


def test_a_long_user_text_fits_whole_and_defused() -> None:
    message = render_sample("user_text_3900")
    text = sections(message)
    assert lim.MARKER not in text
    assert len([b for b in message.blocks if b["type"] == "section"]) == 2  # split at a line
    assert f"@{WJ}everyone look @{WJ}here" in text
    assert f"&lt;@&amp;123&gt; and &lt;@{WJ}456&gt;" in text
    assert f"{WJ}*{WJ}*not bold*{WJ}*" in text  # an opening star at a word start is defused
    assert f"{WJ}&gt; not a quote" in text
    assert f"{WJ}`{WJ}`{WJ}`python" in text
    assert "<https://example.com/a_b_c>" in text  # a typed link stays a link, whole


def test_slack_syntax_typed_by_a_user_is_shown_not_parsed() -> None:
    message = render_sample("user_text_slack_pings")
    text = sections(message)
    assert "&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt;" in text
    assert "&lt;!subteam^S0614TZR7|@" in text
    assert f"@{WJ}channel @{WJ}here @{WJ}everyone @{WJ}devs but mail@example.com" in text
    assert "&amp;lt;!here&amp;gt; is text, &amp; stays &amp;amp; too" in text
    assert "&lt;!date^1392734382" in text
    assert "snake_case_name :white_check_mark:" in text  # markup inside a word is left alone
    assert "<https://example.com/@alice>" in sections(
        render(Reply((Paragraph.of(Span("see https://example.com/@alice", SpanStyle.USER_TEXT)),)))
    )
    assert f"*{chr(0x2217)}strong{chr(0x2217)} with a star*" in text
    header = message.blocks[0]["text"]["text"]
    assert header.startswith(f"<{WJ}!here> <{WJ}!channel>")
    assert buttons_of(message)[0]["text"]["text"] == f"<{WJ}!channel> @{WJ}here"


def test_pings_split_over_spans_are_silenced() -> None:
    text = sections(render_sample("user_text_split_pings"))
    assert f"@{WJ}everyone" in text
    assert "&lt;@&amp;123&gt;" in text


def test_a_mention_span_of_a_slack_user_is_live_and_nothing_else_is() -> None:
    text = sections(render_sample("mention_slack"))
    assert text.startswith(f"<@{SLACK_USER}> started a challenge; <@W012A3CDE> joined")
    assert "&lt;!channel&gt; did not." in text
    other = sections(render_sample("mention"))  # a Discord id and a name are not Slack users
    assert "<@" not in other
    assert "alice" in other


def test_a_huge_diagram_is_cut_visibly_and_what_follows_survives() -> None:
    message = render_sample("huge_preformatted")
    codes = [b["text"]["text"] for b in message.blocks if b["type"] == "section"][:-1]
    assert len(codes) > 1
    assert all(c.startswith("```\n") and c.endswith("\n```") for c in codes)
    assert lim.MARKER in codes[-1]
    assert sections(message).endswith("After the diagram: 3 app servers, cache warm.")
    assert message.blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Cluster", "emoji": True},
    }


def test_a_long_line_is_split_between_tokens_never_inside_one() -> None:
    message = render_sample("long_line_of_markup")
    for piece in [b["text"]["text"] for b in message.blocks if b["type"] == "section"]:
        assert piece.count("*") % 2 == 0, piece  # no bold cut in two
        assert piece.count("`") % 2 == 0, piece  # no inline code cut in two
        assert not re.search(r"&(a|am|l|g|lt|gt)?$", piece.removesuffix(lim.MARKER).rstrip())
        assert not piece.startswith(("amp;", "lt;", "gt;", "mp;", "t;"))


def test_a_deadline_is_a_native_slack_date_with_a_fallback() -> None:
    message = render_sample("deadline")
    stamp = int(DEADLINE.timestamp())
    text = sections(message)
    assert (
        f"Suggested time, 8 minutes: <!date^{stamp}^{{date_short_pretty}} at {{time}}"
        f"|2026-11-28 09:04 UTC>"
    ) in text
    assert "Suggested time, 8 minutes: 2026-11-28 09:04 UTC (in 4m 12s)" in message.text
    assert "2026-11-28 08:58 UTC (2m 00s ago)" in message.text
    assert "(in 4m 12s)" not in render(SAMPLES["deadline"]).text  # no clock, no relative words


def test_a_trace_steps_one_hop_at_a_time() -> None:
    first = render_sample("trace_cursor_0")
    assert [b["type"] for b in first.blocks] == ["header", "section", "context", "actions"]
    assert sections(first).startswith("`1/11` GET /u/7")
    assert "(+0.2 ms, 0.2 ms)" in sections(first)
    assert first.blocks[2]["elements"][0]["text"] == "Step 1 of 11"
    assert not first.ephemeral
    last = render_sample("trace_cursor_10")
    assert "`11/11`" in sections(last)
    assert f"SELECT {WJ}* FROM" in sections(last)  # a star at a word start is defused


def test_repeated_button_ids_stay_clickable_and_recoverable() -> None:
    shown = buttons_of(render_sample("buttons_duplicate_ids"))
    reveal = buttons.reveal(42)
    assert [b["action_id"] for b in shown] == [
        reveal,
        f"{reveal}#2",
        f"{reveal}#3",
        buttons.rate("good", 42),
    ]
    assert [engine_id(b) for b in shown] == [reveal, reveal, reveal, buttons.rate("good", 42)]
    assert engine_id({"action_id": reveal}) == ""  # no value: the engine answers "run it again"


def test_many_fields_continue_in_more_sections() -> None:
    message = render_sample("help_many_fields")
    rows = [b["fields"] for b in message.blocks if "fields" in b]
    assert [len(r) for r in rows] == [10, 10, 10, 10]
    assert rows[0][0]["text"] == "*/command 0*\nwhat it does, in a sentence. 0"


def test_notices_are_marked() -> None:
    assert sections(render_sample("error_notice")).startswith("⛔ Something went wrong")
    assert sections(render_sample("warning_with_usage")).startswith("⚠️ There is no command")


def test_headings_are_header_blocks_with_dividers_between() -> None:
    kinds = [b["type"] for b in render_sample("many_headings").blocks]
    assert kinds[:5] == ["header", "section", "divider", "header", "section"]
    assert kinds.count("header") == 14


def test_an_empty_reply_still_sends_something() -> None:
    message = render_sample("empty")
    assert message.text
    assert message.blocks


def test_a_reply_of_buttons_only_names_them_in_the_fallback() -> None:
    assert render_sample("buttons_only").text == "Reveal"


def test_more_than_50_blocks_are_cut_visibly_keeping_the_buttons() -> None:
    reply = Reply(
        (*(b for i in range(40) for b in (Heading(f"Part {i}"), Paragraph.of(f"Body {i}."))),
         Buttons((Button("Next", buttons.trace_step(1, 1)),)))
    )  # fmt: skip
    message = render(reply)
    check_all(reply, message)
    assert message.blocks[-1]["type"] == "actions"
    assert message.blocks[-2]["elements"][0]["text"].startswith(lim.MARKER)
    assert "divider" not in [b["type"] for b in message.blocks]


ALLOWED_IMPORTS = {"engine", "bot", "__future__", "collections", "dataclasses", "datetime",
                   "math", "bisect", "re", "typing"}  # fmt: skip
RENDERER = ("render.py", "blocks.py", "markup.py", "fallback.py", "escape.py", "limits.py")


def test_the_renderer_imports_no_chat_library() -> None:
    """Plain data in, plain data out: the app (not the renderer) talks to slack_sdk."""
    package = Path(__file__).parents[2] / "bot" / "slack_app"
    for module in RENDERER:
        tree = ast.parse((package / module).read_text(encoding="utf-8"))
        imported = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "bot.slack_app":
                imported += [f"bot.slack_app.{a.name}" for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                imported.append(node.module or "")
        for name in imported:
            assert name.split(".")[0] in ALLOWED_IMPORTS, (module, name)
            assert not name.startswith(("bot.console", "bot.discord_app")), (module, name)
            if name.startswith("bot.slack_app"):  # only the renderer's own modules
                assert name.split(".")[2] + ".py" in RENDERER, (module, name)


# --- Any reply at all -----------------------------------------------------------------------

# Slack's pings and markup, Discord's too, entities, control and astral characters, breaks.
TOKENS = ("<!channel>", "<!here>", "<!everyone>", "<!subteam^S1|@team>", "<@U123>", "<#C1>",
          "@channel", "@here", "@everyone", "@team", "<!date^1^{time}|x>", "&", "&amp;", "&lt;",
          "<", ">", "> ", ">>>", "```", "`", "*", "_", "~", "|", "@", "!", "^", "word", "a_b",
          "é", "🧗", "https://x.io/a_b", "https://x.io/@here", "\n", " ", "\x1b", "\r",
          "\u2060")  # fmt: skip
texts = st.builds(
    lambda parts, times: "".join(parts) * times,
    st.lists(st.sampled_from(TOKENS), max_size=12),
    st.sampled_from((1, 1, 1, 30, 400)),
)
spans = st.one_of(
    st.builds(Span, texts, st.sampled_from(list(SpanStyle))),
    st.builds(lambda u: Span(u, SpanStyle.MENTION), st.sampled_from(("U024BE7LH", "W1X", "u1"))),
)
steps = st.lists(st.builds(lambda t: TraceStep(1, 1, "lb", t, 0.5, 0.5), texts), max_size=12)
engine_ids = st.integers(0, 40).map(lambda i: f"r1:ts:1:{i}")
blocks = st.one_of(
    st.builds(Heading, texts),
    st.builds(lambda s: Paragraph(tuple(s)), st.lists(spans, max_size=6)),
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
            st.builds(Button, texts, engine_ids, st.sampled_from(list(ButtonStyle))), max_size=12
        ),
    ),
)
replies = st.builds(
    lambda b, v: Reply(tuple(b), v),
    st.lists(blocks, max_size=30),
    st.sampled_from(list(Visibility)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(replies)
def test_slack_invariants_hold_for_any_reply(reply: Reply) -> None:
    message = render(reply, now=NOW)
    check_all(reply, message)
    wanted = [
        b.action_id for block in reply.blocks if isinstance(block, Buttons) for b in block.buttons
    ]
    assert [engine_id(e) for e in buttons_of(message)] == wanted[:25]


@given(
    st.text(alphabet=st.sampled_from(list("ab &;<>*`_\n\u2060")), max_size=400), st.integers(1, 300)
)
def test_split_keeps_every_piece_within_the_limit_and_tokens_whole(text: str, limit: int) -> None:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    pieces = lim.split(escaped, limit)
    assert all(0 < len(p) <= limit for p in pieces)
    if all(end - start <= limit for start, end in lim.atoms(escaped)):
        for piece in pieces:
            assert not re.search(r"&[a-z]{0,3}$", piece), piece  # no entity cut open


@given(st.text(max_size=300), st.integers(0, 300))
def test_truncate_never_passes_the_limit_and_shows_the_cut(text: str, limit: int) -> None:
    cut = lim.truncate(text, limit)
    assert len(cut) <= limit
    assert cut == text or cut.endswith((lim.ELLIPSIS, lim.MARKER)) or not cut
