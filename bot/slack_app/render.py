"""Reply → Slack message: Block Kit blocks, the plain-text fallback, the ephemeral flag.

Pure: same reply, same message; plain data only, no slack_sdk, so the app passes `text` and
`blocks` straight to `chat.postMessage`, `respond(...)` or a Home view. Every Slack limit
holds for any Reply (see `limits`); the blocks fit a message (50) and so a Home tab (100).
Nothing in it can ping except a `SpanStyle.MENTION` of a Slack user id.

Buttons: each element's `value` is the engine's button id, always, and `action_id` is that
same id, made unique within the message by a `#2`, `#3`… suffix when the reply repeats an id
(Slack's docs want action_ids unique within a block; unique within the message is simpler to
reason about, and Slack refuses the message otherwise). So an app reads a click's engine id from
`action["value"]` (see `engine_id`), never from `action_id`; every action_id starts with the
engine id's `r1:` version prefix, so one listener on `ACTION_ID_PATTERN` receives them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, assert_never

from bot.slack_app import limits as lim
from bot.slack_app.blocks import (
    JSON,
    Actions,
    Context,
    Divider,
    Field,
    Header,
    Part,
    Text,
    enforce,
    fit_budget,
    pack,
    plain_text,
    section,
)
from bot.slack_app.escape import code_body, label, plain
from bot.slack_app.fallback import EMPTY, fallback_text
from bot.slack_app.markup import (
    NOTICE_PREFIX,
    checklist_mark,
    date_token,
    paragraph,
    step_line,
)
from engine.replies import (
    Block,
    Button,
    Buttons,
    ButtonStyle,
    Checklist,
    Deadline,
    Document,
    Fields,
    Figure,
    Heading,
    Notice,
    Paragraph,
    Preformatted,
    Reply,
    TraceSteps,
    Visibility,
)
from engine.text.counts import count

ACTION_ID_PATTERN = re.compile(r"^r\d+:")
BUTTON_STYLES = {ButtonStyle.PRIMARY: "primary", ButtonStyle.DANGER: "danger"}
_NOTE_RESERVE = 100  # room kept in the text budget for a "… more" note


@dataclass(frozen=True, slots=True)
class SlackMessage:
    text: str  # the fallback for notifications and screen readers: never empty
    blocks: list[JSON]
    ephemeral: bool


def engine_id(action: Mapping[str, Any]) -> str:
    """The engine's button id in one entry of a `block_actions` payload's `actions`.

    An empty string when there is none: `engine.commands.buttons.parse_button` answers that
    with its polite "run the command again".
    """
    value = action.get("value")
    return value if isinstance(value, str) else ""


def render(reply: Reply, *, now: datetime | None = None) -> SlackMessage:
    """`now` only words the fallback text ("in 4m 12s"); in the blocks, a deadline is a Slack
    date, rendered by each reader's client on its own clock."""
    parts = _Parts()
    for block in reply.blocks:
        parts.add(block)
    if parts.hidden:
        parts.items.append(Context(f"{lim.MARKER} {count(parts.hidden, 'more button')} not shown."))
    fit_budget(parts.items, _NOTE_RESERVE)
    blocks = enforce(pack(parts.items)) or [section(EMPTY)]
    return SlackMessage(fallback_text(reply, now), blocks, reply.visibility is Visibility.PRIVATE)


class _Parts:
    """The parts of the message, in reply order, and the buttons handed out so far."""

    def __init__(self) -> None:
        self.items: list[Part] = []
        self.action_ids: set[str] = set()
        self.shown = 0
        self.hidden = 0

    def text(self, body: str, joiner: str = "\n\n", code: bool = False) -> None:
        if body.strip():
            self.items.append(Text(body, joiner, code))

    def heading(self, text: str) -> None:
        title = lim.truncate(label(text), lim.HEADER, lim.ELLIPSIS)
        if not title:
            return
        if self.items:
            self.items.append(Divider())
        self.items.append(Header(title))

    def add(self, block: Block) -> None:
        match block:
            case Heading(text):
                self.heading(text)
            case Paragraph(spans):
                self.text(paragraph(spans))
            case Fields(items):
                self.fields(items)
            case Checklist(items):
                for index, item in enumerate(items):
                    line = f"{checklist_mark(item)} {plain(item.label)}"
                    line += f" — “{plain(item.quote)}”" if item.quote.strip() else ""
                    line += f" — {plain(item.detail)}" if item.detail.strip() else ""
                    self.text(line, joiner="\n" if index else "\n\n")
            case TraceSteps():
                self.trace(block)
            case Preformatted(text):
                self.text(code_body(text), code=True)
            case Deadline(at, text):
                stamp = date_token(at)
                self.text(f"{plain(text)}: {stamp}" if text.strip() else stamp)
            case Notice(text, level):
                self.text(NOTICE_PREFIX.get(level, "") + plain(text))
            case Buttons(buttons):
                self.buttons(buttons)
            case Figure() | Document():
                pass  # uploaded as files: pictures beside the message, documents to the DM
            case _:
                assert_never(block)

    def fields(self, items: Iterable[tuple[str, str]]) -> None:
        for name, value in items:
            title = lim.truncate(plain(" ".join(name.split())), lim.FIELD_NAME)
            text = lim.truncate(plain(value), lim.FIELD_TEXT - len(title) - 3)
            if title.strip() or text.strip():
                self.items.append(Field(title.strip(), text))

    def trace(self, block: TraceSteps) -> None:
        """Steps 1 to cursor+1 as numbered lines; the summary once the last step is shown."""
        self.heading(block.title)
        shown = block.shown
        for index, step in enumerate(block.steps[:shown]):
            self.text(step_line(step), joiner="\n" if index else "\n\n")
        if shown == len(block.steps):
            footer = plain(block.summary)
        else:
            footer = f"Step {shown} of {len(block.steps)}"
        if footer.strip():
            self.items.append(Context(lim.truncate(footer, lim.CONTEXT_TEXT)))

    def buttons(self, buttons: Iterable[Button]) -> None:
        elements: list[JSON] = []
        for button in buttons:
            if not 1 <= len(button.action_id) <= lim.ENGINE_ID:
                raise ValueError(f"button id must be 1-100 characters: {button.action_id!r}")
            if self.shown >= lim.ACTIONS:
                self.hidden += 1
                continue
            self.shown += 1
            elements.append(button_element(button, self._unique(button.action_id)))
        if elements:
            self.items.append(Actions(elements))

    def _unique(self, wanted: str) -> str:
        action_id, copy = wanted, 1
        while action_id in self.action_ids:
            copy += 1
            action_id = f"{wanted}#{copy}"
        self.action_ids.add(action_id)
        return action_id


def button_element(button: Button, action_id: str) -> JSON:
    text = lim.truncate(label(button.label), lim.BUTTON_TEXT, lim.ELLIPSIS)
    element: JSON = {
        "type": "button",
        "text": plain_text(text or "·"),
        "action_id": action_id,
        "value": button.action_id,
    }
    if style := BUTTON_STYLES.get(button.style):
        element["style"] = style
    return element
