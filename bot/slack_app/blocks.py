"""Parts of a message, collected in reply order, cut to the text budget, packed into Block Kit
JSON with every per-block limit kept, and held to 50 blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil
from typing import Any, assert_never

from bot.slack_app import limits as lim
from bot.slack_app.escape import FENCE_OVERHEAD, fence
from bot.text_budget import water_level

JSON = dict[str, Any]
_FIELD_MARKUP = len("**\n")


@dataclass(slots=True)
class Text:
    """Markup for a section; consecutive texts share a section, `joiner` apart."""

    body: str
    joiner: str = "\n\n"
    code: bool = False  # the body of a code block: fenced per section when packed


@dataclass(slots=True)
class Field:
    name: str  # mrkdwn, bold when packed
    value: str


@dataclass(slots=True)
class Header:
    text: str


@dataclass(slots=True)
class Context:
    text: str


@dataclass(slots=True)
class Divider:
    pass


@dataclass(slots=True)
class Actions:
    buttons: list[JSON] = field(default_factory=list)


Part = Text | Field | Header | Context | Divider | Actions


def fit_budget(parts: list[Part], reserve: int) -> None:
    """Cut the longest texts so that all of them, with markup, fit `lim.TOTAL_TEXT - reserve`."""
    texts = [(part, name) for part in parts for name in _text_slots(part)]
    lengths = [len(getattr(part, name)) for part, name in texts]
    overhead = reserve + sum(_overhead(part) for part in parts)
    if sum(lengths) + overhead <= lim.TOTAL_TEXT:
        return
    level = water_level(lengths, lim.TOTAL_TEXT - overhead)
    for part, name in texts:
        setattr(part, name, lim.truncate(getattr(part, name), max(level, 1)))


def _text_slots(part: Part) -> tuple[str, ...]:
    match part:
        case Text():
            return ("body",)
        case Header() | Context():
            return ("text",)
        case Field():
            return ("name", "value")
        case Divider() | Actions():
            return ()  # button labels are short and never cut for the budget: overhead
        case _:
            assert_never(part)


def _overhead(part: Part) -> int:
    """What packing adds to a part's text: joiners, fences, field markup, button labels."""
    match part:
        case Text(body, joiner, code):
            pieces = ceil(len(body) / (lim.SECTION_TEXT - FENCE_OVERHEAD)) or 1
            return len(joiner) + (FENCE_OVERHEAD * pieces if code else 0)
        case Field():
            return _FIELD_MARKUP
        case Actions(buttons):
            return sum(len(b["text"]["text"]) for b in buttons)
        case Header() | Context() | Divider():
            return 0
        case _:
            assert_never(part)


def pack(parts: list[Part]) -> list[JSON]:
    """Parts as blocks: texts merged into sections, fields ten to a section, buttons 25 to an
    actions block; every text within its own limit."""
    blocks: list[JSON] = []
    run: list[Part] = []
    for part in parts:
        code = part.body if isinstance(part, Text) and part.code else None
        if run and (code is not None or type(part) is not type(run[-1])):
            blocks += _flush(run)
            run = []
        if code is None:
            run.append(part)
        else:
            blocks += [section(fence(piece)) for piece in _code_pieces(code)]
    return blocks + _flush(run)


def _flush(run: list[Part]) -> list[JSON]:
    texts = [p for p in run if isinstance(p, Text)]
    if texts:
        joined = "".join(p.joiner + p.body if i else p.body for i, p in enumerate(texts))
        return [section(piece) for piece in lim.split(joined, lim.SECTION_TEXT)]
    fields = [_field(p) for p in run if isinstance(p, Field)]
    if fields:
        rows = [fields[i : i + lim.FIELDS] for i in range(0, len(fields), lim.FIELDS)]
        return [{"type": "section", "fields": row} for row in rows]
    buttons = [b for p in run if isinstance(p, Actions) for b in p.buttons]
    if buttons:
        rows = [buttons[i : i + lim.ACTIONS] for i in range(0, len(buttons), lim.ACTIONS)]
        return [{"type": "actions", "elements": row} for row in rows]
    return [_single(p) for p in run if not isinstance(p, Actions)]


def _single(part: Part) -> JSON:
    match part:
        case Header(text):
            return {"type": "header", "text": plain_text(lim.truncate(text, lim.HEADER))}
        case Context(text):
            return {
                "type": "context",
                "elements": [mrkdwn_text(lim.truncate(text, lim.CONTEXT_TEXT))],
            }
        case Divider():
            return {"type": "divider"}
        case Text() | Field() | Actions():
            raise ValueError(f"{type(part).__name__} parts are packed in runs, not alone")
        case _:
            assert_never(part)


def _code_pieces(body: str) -> list[str]:
    return lim.split(body, lim.SECTION_TEXT - FENCE_OVERHEAD, "\n")


def section(text: str) -> JSON:
    return {"type": "section", "text": mrkdwn_text(text)}


def _field(part: Field) -> JSON:
    name = lim.truncate(part.name, lim.FIELD_NAME)
    bold = f"*{name}*" if name else ""
    room = lim.FIELD_TEXT - len(bold) - 1
    text = "\n".join(t for t in (bold, lim.truncate(part.value, room)) if t)
    return mrkdwn_text(text)


def mrkdwn_text(text: str) -> JSON:
    # `verbatim`: Slack links nothing on its own (no channel names, no bare @-names); the
    # renderer's own `<…>` tokens (mentions, dates, links) are still parsed.
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def plain_text(text: str) -> JSON:
    return {"type": "plain_text", "text": text, "emoji": True}


def text_size(block: JSON) -> int:
    """Characters of text a block carries (what Slack's ~12,000 total counts)."""
    match block:
        case {"type": "section", "fields": fields}:
            return sum(len(f["text"]) for f in fields)
        case {"type": "section" | "header", "text": text}:
            return len(text["text"])
        case {"type": "context" | "actions", "elements": elements}:
            return sum(len(e["text"]["text"] if "action_id" in e else e["text"]) for e in elements)
    return 0


def enforce(blocks: list[JSON]) -> list[JSON]:
    """The backstop: at most 50 blocks and `lim.TOTAL_TEXT` characters, whatever came before.

    Dividers go first; then content is cut from the end, keeping every actions block (the
    buttons are how a reader goes on), with a note where the cut is.
    """
    if _fits(blocks):
        return blocks
    if len(blocks) > lim.BLOCKS:
        blocks = [b for b in blocks if b["type"] != "divider"]
        if _fits(blocks):
            return blocks
    note = context_note(f"{lim.MARKER} (more than fits in one Slack message)")
    size_left = lim.TOTAL_TEXT - text_size(note)
    count_left = lim.BLOCKS - 1
    for block in blocks:
        if block["type"] == "actions":
            size_left -= text_size(block)
            count_left -= 1
    kept: list[JSON] = []
    dropped_at: int | None = None
    for block in blocks:
        if block["type"] != "actions":
            size = text_size(block)
            if dropped_at is not None or count_left < 1 or size > size_left:
                dropped_at = len(kept) if dropped_at is None else dropped_at
                continue
            size_left -= size
            count_left -= 1
        kept.append(block)
    if dropped_at is not None:
        kept.insert(dropped_at, note)
    return kept


def _fits(blocks: list[JSON]) -> bool:
    return len(blocks) <= lim.BLOCKS and sum(map(text_size, blocks)) <= lim.TOTAL_TEXT


def context_note(text: str) -> JSON:
    return {"type": "context", "elements": [mrkdwn_text(text)]}
