"""Reply → Discord message data (embeds, components, flags). Pure: same reply, same message.

Plain data only, no discord.py: the adapter turns a `DiscordMessage` into library objects.
Every Discord limit holds for any Reply (see `limits`); nothing in it can ping except a
`SpanStyle.MENTION` user mention, and `allowed_mentions` is none even for that.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import assert_never

from bot.discord_app import limits as lim
from bot.discord_app.attachments import Attachment, file_name
from bot.discord_app.embeds import (
    ERROR_COLOUR,
    JSON,
    WARNING_COLOUR,
    Draft,
    Section,
    embed_size,
    enforce,
    fit_budget,
    pack,
)
from bot.discord_app.escape import (
    ZWSP,
    code_body,
    code_span,
    literal,
    neutralise,
    plain,
    silence_broadcasts,
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
    NoticeLevel,
    Paragraph,
    Preformatted,
    Reply,
    Span,
    SpanStyle,
    TraceStep,
    TraceSteps,
    Visibility,
    step_timing,
)
from engine.text.counts import count

BUTTON_STYLES = {ButtonStyle.PRIMARY: 1, ButtonStyle.SECONDARY: 2, ButtonStyle.DANGER: 4}
NOTICE_LOOK = {
    NoticeLevel.WARNING: ("⚠️ ", WARNING_COLOUR),
    NoticeLevel.ERROR: ("⛔ ", ERROR_COLOUR),
}
EMPTY_CONTENT = "(nothing to show)"
ATTACHMENT = "attachment://"
_USER_ID = re.compile(r"\d{1,20}")


def _no_mentions() -> JSON:
    return {"parse": []}


@dataclass(frozen=True, slots=True)
class DiscordMessage:
    content: str
    embeds: tuple[JSON, ...]
    components: tuple[JSON, ...]  # action rows of buttons
    ephemeral: bool
    allowed_mentions: JSON = field(default_factory=_no_mentions)
    attachments: tuple[Attachment, ...] = ()

    def without_pictures(self) -> DiscordMessage:
        """The same message with no picture in its embeds and no picture to upload (its
        documents stay: they are files, not pictures)."""
        embeds = tuple({k: v for k, v in e.items() if k != "image"} for e in self.embeds)
        shown = tuple(e for e in embeds if embed_size(e)) or embeds[:0]
        content = self.content or ("" if shown or self.components else EMPTY_CONTENT)
        documents = tuple(a for a in self.attachments if a.document is not None)
        return DiscordMessage(
            content, shown, self.components, self.ephemeral, self.allowed_mentions, documents
        )

    def attachments_json(self) -> list[JSON]:
        """The message's `attachments`: one entry per uploaded file, by its index."""
        return [
            {"id": index, "filename": a.filename, "description": a.description}
            for index, a in enumerate(self.attachments)
        ]


def render(reply: Reply, now: datetime) -> DiscordMessage:
    """`now` is not needed: a deadline is a `<t:…:R>` timestamp, relative on the reader's clock.

    It stays in the signature so that every platform's renderer is called the same way.
    """
    drafts = _Drafts()
    for block in reply.blocks:
        drafts.add(block)
    rows, hidden = action_rows(
        b for block in reply.blocks if isinstance(block, Buttons) for b in block.buttons
    )
    if hidden:
        drafts.text(Section(f"{lim.MARKER} {count(hidden, 'more button')} not shown."))
    filled = [draft for draft in drafts.items if not draft.empty]
    shown = filled[: lim.EMBEDS]  # the 6,000 characters go to embeds that can be sent
    fit_budget(shown)
    embeds = enforce([e for draft in shown for e in pack(draft)], cut=len(shown) < len(filled))
    content = "" if embeds or rows else EMPTY_CONTENT
    shown_images = {e["image"]["url"].removeprefix(ATTACHMENT) for e in embeds if "image" in e}
    attachments = tuple(
        a for a in drafts.attachments if a.document is not None or a.filename in shown_images
    )
    private = reply.visibility is Visibility.PRIVATE
    return DiscordMessage(content, tuple(embeds), tuple(rows), private, attachments=attachments)


class _Drafts:
    """The embeds being built, in order: a heading or a trace opens a new one."""

    def __init__(self) -> None:
        self.items = [Draft()]
        self.attachments: list[Attachment] = []

    def fresh(self) -> Draft:
        if not self.items[-1].empty:
            self.items.append(Draft())
        return self.items[-1]

    def for_text(self) -> Draft:
        """Fields show below the description, so text after fields goes into a new embed."""
        last = self.items[-1]
        return self.fresh() if last.sealed or last.fields else last

    def for_field(self) -> Draft:
        last = self.items[-1]
        return self.fresh() if last.sealed or len(last.fields) >= lim.FIELDS else last

    def text(self, section: Section) -> Draft:
        draft = self.for_text()
        if section.text.strip():
            draft.sections.append(section)
        return draft

    def add(self, block: Block) -> None:
        match block:
            case Heading(text):
                self.fresh().title = lim.truncate(plain(text), lim.TITLE)
            case Paragraph(spans):
                self.text(Section(paragraph(spans)))
            case Fields(items):
                for name, value in items:
                    self.for_field().fields.append(_field(name, value))
            case Checklist():
                self.checklist(block)
            case TraceSteps():
                self.trace(block)
            case Preformatted(text):
                self.text(Section(code_body(text), code=True))
            case Deadline(at, label):
                stamp = f"<t:{int(at.timestamp())}:R>"
                self.text(Section(f"{plain(label)}: {stamp}" if label.strip() else stamp))
            case Notice():
                self.notice(block)
            case Buttons():
                pass  # components, collected by `action_rows`
            case Figure() | Document():
                self.attach(block)
            case _:
                assert_never(block)

    def checklist(self, block: Checklist) -> None:
        for index, item in enumerate(block.items):
            mark = "✅" if item.covered else "❌" if item.contradicted else "⬜"
            line = f"{mark} {plain(item.label)}"
            line += f" — “{plain(item.quote)}”" if item.quote.strip() else ""
            line += f" — {plain(item.detail)}" if item.detail else ""
            self.text(Section(line, joiner="\n" if index else "\n\n"))

    def figure(self, block: Figure) -> None:
        """The picture under the text it shows (a trace's steps, the cluster's diagram)."""
        name = file_name(block)
        if any(a.filename == name for a in self.attachments):
            return  # Discord names files uniquely; a reply never repeats a picture
        last = self.items[-1]
        draft = self.fresh() if last.image else last
        draft.image = name
        alt = lim.truncate(block.alt, lim.DESCRIPTION_OF_FILE)
        self.attachments.append(Attachment(block, name, alt))

    def attach(self, block: Figure | Document) -> None:
        if isinstance(block, Figure):
            self.figure(block)
        else:
            self.document(block)

    def document(self, block: Document) -> None:
        """A file below the message (an ephemeral reply's file is seen by its caller alone);
        one too large for Discord stays out, and the message says so."""
        if len(block.data) > lim.FILE_BYTES:
            size = len(block.data) / 2**20
            self.text(
                Section(f"⚠️ {plain(block.filename)} ({size:.1f} MiB) is too large to attach.")
            )
            return
        description = lim.truncate(plain(block.caption), lim.DESCRIPTION_OF_FILE)
        self.attachments.append(Attachment(block, block.filename, description))

    def notice(self, block: Notice) -> None:
        prefix, colour = NOTICE_LOOK.get(block.level, ("", 0))
        draft = self.text(Section(prefix + plain(block.text)))
        if colour and draft.colour != ERROR_COLOUR:
            draft.colour = colour  # an error's red is never downgraded to yellow

    def trace(self, block: TraceSteps) -> None:
        """Steps 1 to cursor+1 as numbered lines; the summary once the last step is shown."""
        draft = self.fresh()
        draft.title = lim.truncate(plain(block.title), lim.TITLE)
        shown = block.shown
        for step in block.steps[:shown]:
            draft.sections.append(Section(step_line(step), joiner="\n"))
        if shown == len(block.steps):
            draft.footer = lim.truncate(literal(block.summary), lim.FOOTER)
        else:
            draft.footer = f"Step {shown} of {len(block.steps)}"
        draft.sealed = True


def step_line(step: TraceStep) -> str:
    return f"`{step.n}/{step.total}` {plain(step.text)}  {step_timing(step)}"


def _field(name: str, value: str) -> tuple[str, str]:
    name, value = plain(name), plain(value)
    return (
        lim.truncate(name, lim.FIELD_NAME) if name.strip() else ZWSP,
        lim.truncate(value, lim.FIELD_VALUE) if value.strip() else ZWSP,
    )


def paragraph(spans: Iterable[Span]) -> str:
    """Spans as markdown. Text between live mentions is neutralised as a whole, so that
    `@` in one span and `everyone` in the next cannot meet as a ping."""
    parts: list[str] = []
    group: list[str] = []
    for span in spans:
        if span.style is SpanStyle.MENTION and _USER_ID.fullmatch(span.text.strip()):
            parts += [neutralise("".join(group)), f"<@{span.text.strip()}>"]
            group = []
        else:
            group.append(_span(span))
    parts.append(neutralise("".join(group)))
    return silence_broadcasts("".join(parts))


def _span(span: Span) -> str:
    if span.style is SpanStyle.CODE:
        return code_span(span.text)
    if span.style is SpanStyle.STRONG:
        body = span.text.strip()
        if not body:
            return span.text
        lead = span.text[: len(span.text) - len(span.text.lstrip())]
        trail = span.text[len(span.text.rstrip()) :]
        return f"{lead}**{plain(body)}**{trail}"
    return plain(span.text)


def action_rows(buttons: Iterable[Button]) -> tuple[list[JSON], int]:
    """Rows of at most five buttons, at most five rows; returns how many did not fit.

    A button whose id repeats an earlier one is left out too: Discord wants ids unique.
    """
    seen: set[str] = set()
    shown: list[JSON] = []
    hidden = 0
    for button in buttons:
        if not 1 <= len(button.action_id) <= lim.CUSTOM_ID:
            raise ValueError(f"button id must be 1-100 characters: {button.action_id!r}")
        if button.action_id in seen or len(shown) >= lim.ROWS * lim.BUTTONS_PER_ROW:
            hidden += 1
            continue
        seen.add(button.action_id)
        shown.append(_button(button))
    per_row = lim.BUTTONS_PER_ROW
    rows = [
        {"type": 1, "components": shown[i : i + per_row]} for i in range(0, len(shown), per_row)
    ]
    return rows, hidden


def _button(button: Button) -> JSON:
    label = lim.truncate(literal(button.label).strip(), lim.LABEL)
    return {
        "type": 2,
        "style": BUTTON_STYLES.get(button.style, 2),
        "label": label or "·",
        "custom_id": button.action_id,
    }
