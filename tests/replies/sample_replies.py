"""One shared corpus of sample Replies that every renderer runs in the tests.

Realistic replies (traces, a reveal, help) next to the edge cases a renderer must survive:
text past every platform limit, pings and code fences in user text, control characters,
more buttons than fit. Deterministic: no clock, no randomness.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine.commands import buttons
from engine.commands.help import help_reply
from engine.pictures.describe import describe_cluster
from engine.pictures.diagram import ClusterDiagram, Node, ShardGroup
from engine.pictures.progress import progress_chart
from engine.pictures.states import NodeState, Role
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

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
DEADLINE = NOW + timedelta(minutes=4, seconds=12)
MENTIONED_USER = "123456789012345678"

_HOPS = (
    ("lb", "GET /u/7: the load balancer routes to app server 0 (round-robin).", 0.2),
    ("app-0", "app-0 loads alice's session from the shared session store.", 0.8),
    ("app-0", "app-0 → cache: GET user:7 (cache-aside: ask the cache first).", 0.3),
    ("cache", "cache → app-0: MISS: user:7 is not in the cache.", 0.0),
    ("app-0", "app-0 picks replica-0: reads go to a read replica.", 0.0),
    ("app-0", "app-0 → replica-0: SELECT * FROM users WHERE id = 7 (a point read).", 1.0),
    ("replica-0", "replica-0 → app-0: returns the row.", 0.0),
    ("app-0", "app-0 → cache: SET user:7 EX 279 (TTL 300 s with jitter).", 0.3),
    ("app-0", "app-0 builds 200 OK and serializes it.", 2.2),
    ("app-0", "app-0 → lb: the response goes back through the balancer.", 0.0),
    ("lb", "lb → client: 200 OK delivered, 4.8 ms inside the cluster.", 0.0),
)
TRACE_SUMMARY = "cache MISS · 4.8 ms in the cluster (~25 ms for the client) · database queries: 1"

# Text a user might type: every ping, a fence, markdown at line starts, a link with underscores.
HOSTILE = (
    "@everyone look @here, <@&123> and <@456> and <@!789> in <#42>.\n"
    "> not a quote\n# not a heading\n- not a list\n1. not a number\n"
    "**not bold** _not italic_ ~~not struck~~ ||not a spoiler|| `not code`\n"
    "```python\nprint('fence')\n```\n"
    "[not a link](https://example.com) but https://example.com/a_b_c stays a link.\n"
)


# Slack's own mention syntax and mrkdwn, as a user might type them (Slack-only pings too).
SLACK_USER = "U024BE7LH"
SLACK_HOSTILE = (
    "<!channel> <!here> <!everyone> <!subteam^S0614TZR7|@devs> <@U999> <#C123|general>\n"
    "@channel @here @everyone @devs but mail@example.com stays.\n"
    "&lt;!here&gt; is text, & stays &amp; too; <https://evil.example|click me>\n"
    "<!date^1392734382^{date_num}|fake>\n"
    ">>> not a quote\n> not a quote\n*not bold* _not italic_ ~not struck~ `not code`\n"
    "```\nnot a fence\n``` snake_case_name :white_check_mark:\n"
)


def _steps(hops: tuple[tuple[str, str, float], ...]) -> tuple[TraceStep, ...]:
    total, cumulative, steps = len(hops), 0.0, []
    for n, (component, text, latency) in enumerate(hops, start=1):
        cumulative += latency
        steps.append(TraceStep(n, total, component, text, latency, round(cumulative, 2)))
    return tuple(steps)


def _trace(cursor: int, hops: tuple[tuple[str, str, float], ...] = _HOPS) -> Reply:
    """Like the engine's trace reply: steps up to the cursor, and Previous / Next / All."""
    block = TraceSteps("Trace #3: GET /u/7 by alice", _steps(hops), TRACE_SUMMARY, 3, cursor)
    last = len(hops) - 1
    controls = []
    if cursor > 0:
        controls.append(Button("Previous", buttons.trace_step(3, cursor - 1)))
    if cursor < last:
        controls.append(Button("Next", buttons.trace_step(3, cursor + 1), ButtonStyle.PRIMARY))
        controls.append(Button("All steps", buttons.trace_all(3)))
    blocks: tuple[Block, ...] = (block, Buttons(tuple(controls))) if controls else (block,)
    return Reply(blocks, Visibility.PUBLIC)


def _reveal() -> Reply:
    items = tuple(
        ChecklistItem(
            f"Point {i}: cache-aside with a TTL and jitter",
            i % 3 != 0,
            f"matched: item {i}, " + "read replicas lag behind the primary; " * 10,
        )
        for i in range(1, 11)
    )
    rate = tuple(
        Button(r.capitalize(), buttons.rate(r, 42)) for r in ("again", "hard", "good", "easy")
    )
    return Reply(
        (
            Heading("Design a read-heavy profile service: covered 7/10"),
            Paragraph.of("Revealed after 6m 03s, within the suggested 8 minutes."),
            Checklist(items),
            Notice("Trap: sticky sessions. They hide state in one server.", NoticeLevel.WARNING),
            Paragraph.of(Span("Study list: ", SpanStyle.STRONG), "point 3; point 6; point 9."),
            Paragraph.of(
                Span("A strong answer: ", SpanStyle.STRONG), "Put a cache in front. " * 40
            ),
            Paragraph.of("Rate it: ", Span("/rate again|hard|good|easy", SpanStyle.CODE)),
            Buttons(rate),
        )
    )


def _many_fields(count: int, name: str, value: str) -> Reply:
    rows = tuple((f"{name} {i}", f"{value} {i}") for i in range(count))
    return Reply(
        (
            Heading("Rungs: climb the scaling ladder"),
            Paragraph.of("Start with ", Span("/trace GET /u/7", SpanStyle.CODE), "."),
            Fields(rows),
            Paragraph.of("More on one command: ", Span("/help <command>", SpanStyle.CODE), "."),
        )
    )


def _user_text(length: int) -> str:
    text = HOSTILE
    while len(text) < length:
        text += f"line {len(text)}: *stars* and _underscores_ @everyone\n"
    return text[:length]


def _buttons(count: int, per_block: int = 5) -> Reply:
    styles = (ButtonStyle.PRIMARY, ButtonStyle.SECONDARY, ButtonStyle.DANGER)
    all_buttons = [
        Button(f"Step {i}", buttons.trace_step(9, i), styles[i % 3]) for i in range(count)
    ]
    blocks: list[Block] = [Heading(f"{count} buttons")]
    for start in range(0, count, per_block):
        blocks.append(Buttons(tuple(all_buttons[start : start + per_block])))
    return Reply(tuple(blocks))


def _diagram(size: int) -> str:
    row = "  lb ──► app-0 ──► cache ──► replica-0   ```fence``` and ````four````\n"
    return (row * (size // len(row) + 1))[:size]


def _every_block() -> Reply:
    return Reply(
        (
            Heading("Every block"),
            Paragraph.of(
                "plain ",
                Span("strong", SpanStyle.STRONG),
                " ",
                Span("code `tick`", SpanStyle.CODE),
                " ",
                Span(MENTIONED_USER, SpanStyle.MENTION),
                " ",
                Span("typed *by* @here", SpanStyle.USER_TEXT),
            ),
            Fields((("servers", "3"), ("cache", "warm"))),
            Checklist((ChecklistItem("stateless", True), ChecklistItem("sharding", False, "why"))),
            TraceSteps("Trace #1", _steps(_HOPS[:3]), "3 hops", 1, 1),
            Preformatted("lb -> app-0\n     app-1"),
            Deadline(DEADLINE, "Suggested time ends"),
            Notice("Heads up.", NoticeLevel.WARNING),
            Notice("Broken.", NoticeLevel.ERROR),
            Buttons((Button("Reveal", buttons.reveal(42), ButtonStyle.PRIMARY),)),
        ),
        Visibility.PUBLIC,
    )


def _long_hops() -> tuple[tuple[str, str, float], ...]:
    return tuple((c, f"{t} " + "The hop explained at length. " * 25, ms) for c, t, ms in _HOPS)


def _picture(alt_words: str = "") -> ClusterDiagram:
    """A small cluster drawn by hand (the sample corpus needs no simulation)."""
    apps = (
        Node("app-0", Role.APP, NodeState.UP, "3 served"),
        Node("app-1", Role.APP, NodeState.DOWN_IN_ROTATION, "out in 2 checks"),
    )
    balancers = (Node("lb", Role.BALANCER, NodeState.UP, "haproxy · L7 · round-robin"),)
    shards = (ShardGroup("database", Node("db", Role.PRIMARY, NodeState.UP, "primary")),)
    caption = ("balancer haproxy L7, round-robin", "no cache (cache=0)")
    alt = describe_cluster(balancers, apps, (), shards, caption) + alt_words
    client = Node("client", Role.CLIENT, NodeState.UP)
    return ClusterDiagram("Cluster", client, balancers, apps, (), shards, caption, alt[:1000])


def _pictured() -> Reply:
    trace = _trace(0)
    return Reply((*trace.blocks[:1], Figure(_picture(), "trace-3"), *trace.blocks[1:]))


SAMPLES: dict[str, Reply] = {
    "trace_cursor_0": _trace(0),
    "trace_cursor_5": _trace(5),
    "trace_cursor_10": _trace(10),
    "trace_cursor_past_end": _trace(99),
    "trace_long_steps": _trace(10, _long_hops()),
    "trace_no_steps": Reply((TraceSteps("Trace #4: nothing", (), "no hops", 4, 0),)),
    "reveal": _reveal(),
    "help_engine": help_reply(None),
    "help_cluster": help_reply("cluster"),
    "help_many_fields": _many_fields(40, "/command", "what it does, in a sentence."),
    "fields_oversized": _many_fields(30, "n" * 300, "v" * 2000),
    "fields_blank": Reply((Fields((("", "value"), ("name", ""), (" ", " "))),)),
    "user_text_3900": Reply(
        (
            Heading("Your sketch so far"),
            Paragraph.of(Span(_user_text(3900), SpanStyle.USER_TEXT)),
            Deadline(DEADLINE, "Suggested time ends"),
        )
    ),
    "user_text_long": Reply((Paragraph.of(Span(_user_text(9000), SpanStyle.USER_TEXT)),)),
    "user_text_split_pings": Reply(
        (
            Paragraph.of("@", Span("everyone", SpanStyle.USER_TEXT)),
            Paragraph.of("<@", Span("&123>", SpanStyle.USER_TEXT), " <@!", Span("456>")),
            Heading("@here <@&9> in a heading"),
            Fields((("@everyone", "<@&77> @here"),)),
            Notice("Unknown drill @everyone <@&5>", NoticeLevel.WARNING),
            Buttons((Button("@everyone", buttons.reveal(42)),)),
        )
    ),
    "user_text_control_chars": Reply(
        (
            Paragraph.of(
                Span("\x1b[31mred\x1b[0m bell\x07 cr\r\nnext\tline\x00", SpanStyle.USER_TEXT)
            ),
        )
    ),
    "unicode": Reply(
        (
            Heading("Ünïcödé 🙂 𝔘𝔫𝔦"),
            Paragraph.of(Span("עברית e\u0301 🧗‍♀️ 中文", SpanStyle.USER_TEXT)),
        )
    ),
    "mention": Reply(
        (
            Paragraph.of(
                Span(MENTIONED_USER, SpanStyle.MENTION),
                " started a challenge with ",
                Span("alice", SpanStyle.MENTION),
                ".",
            ),
        ),
        Visibility.PUBLIC,
    ),
    "huge_preformatted": Reply(
        (
            Heading("Cluster"),
            Preformatted(_diagram(20_000)),
            Notice("After the diagram: 3 app servers, cache warm."),
        )
    ),
    "buttons_12": _buttons(12),
    "buttons_25": _buttons(25, per_block=7),
    "buttons_30": _buttons(30),
    "buttons_only": Reply((Buttons((Button("Reveal", buttons.reveal(42)),)),)),
    "button_limits": Reply(
        (Buttons((Button("L" * 120, "r1:" + "x" * 97, ButtonStyle.DANGER), Button("", "r1:e"))),)
    ),
    "deadline": Reply(
        (
            Heading("Drill: a read-heavy profile service"),
            Deadline(DEADLINE, "Suggested time, 8 minutes"),
            Deadline(NOW - timedelta(minutes=2), ""),
            Buttons(
                (
                    Button("Answer", buttons.drill_answer(), ButtonStyle.PRIMARY),
                    Button("Reveal", buttons.reveal(42)),
                )
            ),
        )
    ),
    "error_notice": Reply(
        (Notice("Something went wrong on our side (ref 7f3a9c).", NoticeLevel.ERROR),),
        correlation_id="7f3a9c",
    ),
    "warning_with_usage": Reply(
        (
            Notice("There is no command /trcae. Did you mean /trace?", NoticeLevel.WARNING),
            Paragraph.of(Span("/trace <METHOD> <path> ``` `x`", SpanStyle.CODE)),
        )
    ),
    "many_headings": Reply(
        tuple(b for i in range(14) for b in (Heading(f"Part {i}"), Paragraph.of(f"Body {i}.")))
    ),
    "every_block": _every_block(),
    "empty": Reply(()),
    # Added for Slack: its mention and mrkdwn syntax, and cases the others did not need.
    "mention_slack": Reply(
        (
            Paragraph.of(
                Span(SLACK_USER, SpanStyle.MENTION),
                " started a challenge; ",
                Span(" W012A3CDE ", SpanStyle.MENTION),
                " joined, ",
                Span("<!channel>", SpanStyle.MENTION),
                " did not.",
            ),
        ),
        Visibility.PUBLIC,
    ),
    "user_text_slack_pings": Reply(
        (
            Heading("<!here> " + SLACK_HOSTILE[:60]),
            Paragraph.of("Your sketch: ", Span(SLACK_HOSTILE, SpanStyle.USER_TEXT)),
            Paragraph.of("@", Span("channel", SpanStyle.USER_TEXT), " <", Span("!here>")),
            Paragraph.of(
                Span("*strong* with a star", SpanStyle.STRONG), Span(" @", SpanStyle.CODE)
            ),
            Fields(((SLACK_HOSTILE[:40], SLACK_HOSTILE),)),
            Checklist((ChecklistItem(SLACK_HOSTILE[:50], True, SLACK_HOSTILE[50:120]),)),
            Preformatted(SLACK_HOSTILE),
            Notice(SLACK_HOSTILE[:80], NoticeLevel.ERROR),
            Deadline(DEADLINE, "<!channel> due"),
            Buttons((Button("<!channel> @here", buttons.reveal(42)),)),
        ),
        Visibility.PUBLIC,
    ),
    "reveal_three_verdicts_quoting_the_learner": Reply(
        (
            Heading("Scale the reads: covered 1/3"),
            Notice("A list of terms is not a design: say what each does and why."),
            Checklist(
                (
                    ChecklistItem("Rung 1: a cache", True, quote=HOSTILE[:90]),
                    ChecklistItem(
                        "Sharding is not for reads",
                        False,
                        "contradicts it, so it counts as not covered.",
                        quote=SLACK_HOSTILE[:90],
                        contradicted=True,
                    ),
                    ChecklistItem("Replication lag", False, "you only asked about it."),
                )
            ),
            Paragraph.of(
                Span("Trap: ", SpanStyle.STRONG),
                "Sharding first. You wrote “",
                Span(HOSTILE[:80], SpanStyle.USER_TEXT),
                "”.",
            ),
            Buttons(
                tuple(
                    Button(r.capitalize(), buttons.rate(r, 42, confirm=r == "easy"))
                    for r in ("again", "hard", "good", "easy")
                )
            ),
        )
    ),
    "buttons_duplicate_ids": Reply(
        (
            Buttons((Button("Reveal", buttons.reveal(42)), Button("Again", buttons.reveal(42)))),
            Paragraph.of("Between the rows."),
            Buttons(
                (Button("Reveal too", buttons.reveal(42)), Button("Rate", buttons.rate("good", 42)))
            ),
        )
    ),
    "trace_with_picture": _pictured(),
    "cluster_with_picture": Reply(
        (
            Heading("Cluster (#study)"),
            Preformatted("lb → app-0, app-1"),
            Figure(_picture(), "cluster"),
        ),
        Visibility.PUBLIC,
    ),
    "pictures_only": Reply((Figure(_picture(), "cluster"),)),
    "pictures_repeated_and_long_alt": Reply(
        (
            Paragraph.of("Two pictures, and the first again."),
            Figure(_picture(" @everyone " + "x" * 2000), "cluster"),
            Figure(progress_chart([(3, 10), (5, 10), (7, 10)]), "progress"),
            Figure(_picture(), "cluster"),
        )
    ),
    "picture_after_huge_text": Reply(
        (
            Paragraph.of(Span(_user_text(9000), SpanStyle.USER_TEXT)),
            Figure(progress_chart([(1, 2)]), "progress"),
        )
    ),
    "long_line_of_markup": Reply(
        (
            Paragraph(
                tuple(
                    Span(text, style)
                    for i in range(300)
                    for text, style in (
                        (f"bold & <{i}> ", SpanStyle.STRONG),
                        (f"code {i} ", SpanStyle.CODE),
                        ("_typed_ @here & <x> ", SpanStyle.USER_TEXT),
                    )
                )
            ),
        )
    ),
    "export_document": Reply(
        (
            Notice("Everything Rungs stores about you: 3 records, in rungs-export-x.json."),
            Document(
                "rungs-export-discord-42.json",
                "application/json",
                b'{"yours": {"user_settings": [{"tz": "@everyone"}]}}',
                "Everything about you @everyone <@&123> " + "x" * 2000,
            ),
        )
    ),
    "export_too_large": Reply(
        (Document("big.json", "application/json", b"[" + b" " * (11 * 2**20) + b"]", "big"),)
    ),
}
