"""Embed drafts: collected block by block, cut to the 6,000-character budget, packed into
Discord embed JSON with every per-embed limit kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.discord_app import limits as lim
from bot.discord_app.escape import FENCE_OVERHEAD, fence
from bot.text_budget import water_level

JSON = dict[str, Any]

INFO_COLOUR = 0x5865F2
WARNING_COLOUR = 0xFEE75C
ERROR_COLOUR = 0xED4245
# Room kept for what packing adds: the fences of a code block split over two embeds.
_SPLIT_RESERVE = 4 * FENCE_OVERHEAD


@dataclass(slots=True)
class Section:
    """One piece of an embed description: markup ready to send, or the body of a code block."""

    text: str
    code: bool = False
    joiner: str = "\n\n"

    def markup(self) -> str:
        return fence(self.text) if self.code else self.text


@dataclass(slots=True)
class Draft:
    title: str = ""
    sections: list[Section] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)
    footer: str = ""
    colour: int = INFO_COLOUR
    sealed: bool = False  # nothing more goes into this embed (a trace ends with its footer)
    image: str = ""  # the file name of an attached picture the embed shows (attachment://…)

    @property
    def empty(self) -> bool:
        return not (self.title or self.sections or self.fields or self.footer or self.image)

    def texts(self) -> list[str]:
        parts = [self.title, self.footer, *(s.text for s in self.sections)]
        return parts + [text for pair in self.fields for text in pair]

    def overhead(self) -> int:
        joiners = sum(len(s.joiner) for s in self.sections[1:])
        return joiners + FENCE_OVERHEAD * sum(s.code for s in self.sections)

    def cap(self, limit: int) -> None:
        """Cut every text longer than `limit`, visibly; names and values stay non-empty."""
        self.title = lim.truncate(self.title, limit)
        self.footer = lim.truncate(self.footer, limit)
        for section in self.sections:
            section.text = lim.truncate(section.text, limit)
        self.fields = [
            (lim.truncate(name, max(limit, 1)), lim.truncate(value, max(limit, 1)))
            for name, value in self.fields
        ]


def fit_budget(drafts: list[Draft]) -> None:
    """Cut the longest texts so that all embeds together stay within 6,000 characters."""
    lengths = [len(text) for draft in drafts for text in draft.texts()]
    overhead = sum(draft.overhead() for draft in drafts) + _SPLIT_RESERVE
    if sum(lengths) + overhead > lim.TOTAL:
        level = water_level(lengths, lim.TOTAL - overhead)
        for draft in drafts:
            draft.cap(level)


def pack(draft: Draft) -> list[JSON]:
    """One draft as one embed, or several when its description passes 4,096 characters."""
    pieces = _descriptions(draft.sections)
    embeds: list[JSON] = [{"type": "rich", "color": draft.colour} for _ in pieces or [""]]
    if draft.title:
        embeds[0]["title"] = draft.title
    for embed, piece in zip(embeds, pieces, strict=False):
        embed["description"] = piece
    if draft.fields:
        embeds[-1]["fields"] = [
            {"name": name, "value": value, "inline": False} for name, value in draft.fields
        ]
    if draft.footer:
        embeds[-1]["footer"] = {"text": draft.footer}
    if draft.image:  # shown below the text of the embed, at the width of the embed
        embeds[-1]["image"] = {"url": f"attachment://{draft.image}"}
    return [embed for embed in embeds if embed_size(embed) or "image" in embed]


def _descriptions(sections: list[Section]) -> list[str]:
    pieces: list[str] = []
    current = ""
    for section in sections:
        for chunk in _chunks(section):
            joined = f"{current}{section.joiner}{chunk}" if current else chunk
            if len(joined) <= lim.DESCRIPTION:
                current = joined
                continue
            pieces.append(current)
            current = chunk
    return [*pieces, current] if current else pieces


def _chunks(section: Section) -> list[str]:
    markup = section.markup()
    if len(markup) <= lim.DESCRIPTION:
        return [markup] if markup.strip() else []
    if section.code:
        bodies = lim.split_text(section.text, lim.DESCRIPTION - FENCE_OVERHEAD, "\n")
        return [fence(body) for body in bodies]
    return lim.split_text(section.text, lim.DESCRIPTION)


def embed_size(embed: JSON) -> int:
    """Characters Discord counts towards the 6,000 total (as discord.py's `len(Embed)`)."""
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    return size + len(embed.get("footer", {}).get("text", ""))


def enforce(embeds: list[JSON], cut: bool = False) -> list[JSON]:
    """The backstop: at most 10 embeds and 6,000 characters, whatever came before.

    Anything left out, here or before (`cut`), is marked at the end of the last embed.
    """
    kept: list[JSON] = []
    total = 0
    for embed in embeds[: lim.EMBEDS]:
        size = embed_size(embed)
        if total + size > lim.TOTAL:
            break
        kept.append(embed)
        total += size
    if cut or len(kept) < len(embeds):
        _mark_cut(kept, lim.TOTAL - total)
    return kept


def _mark_cut(kept: list[JSON], room: int) -> None:
    """Say that something was left out, in the last embed that was kept."""
    if not kept:
        kept.append({"type": "rich", "color": INFO_COLOUR, "description": lim.MARKER})
        return
    last = kept[-1]
    text = last.get("description", "")
    allowed = min(lim.DESCRIPTION, len(text) + room)
    marked = f"{text}\n{lim.MARKER}" if text else lim.MARKER
    marked = marked if len(marked) <= allowed else lim.cut(text, allowed)
    if marked:
        last["description"] = marked
