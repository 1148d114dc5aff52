"""Slack's Block Kit limits, and the cuts that keep text inside them visibly.

Sources: reference/platforms.md §3 and slack_sdk's block models (which enforce most of these).
A message over any of them is an `invalid_blocks` (or `msg_blocks_too_long`) error from Slack,
so the renderer never sends one: it merges, splits, or cuts with `MARKER`.

Cuts never land inside something Slack parses as one piece: an entity (`&amp;`), a `<…>`
token (mention, date, link), inline code or bold the renderer made, or a word joiner and the
character it guards (see `escape`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

Extent = tuple[int, int]

BLOCKS = 50  # per message (a Home tab or modal allows 100; a message's 50 fits both)
SECTION_TEXT = 3000
FIELDS = 10  # per section
FIELD_TEXT = 2000
FIELD_NAME = 250  # ours: a field's bold name keeps most of its 2,000 for the value
HEADER = 150
CONTEXT_ELEMENTS = 10
CONTEXT_TEXT = 3000
ACTIONS = 25  # elements in one actions block; also the most buttons a reply shows
BUTTON_TEXT = 75
ACTION_ID = 255
VALUE = 2000
ENGINE_ID = 100  # the engine's own bound on a button id (engine.commands.buttons)
# Slack refuses a message whose blocks carry more than about 12,000 characters of text
# (`msg_blocks_too_long`; bolt-js#2509, #2867: "12,000 text characters with a buffer for block
# containers", and one report of a refusal at 11,341). Ours stays well below.
TOTAL_TEXT = 10_000
FALLBACK = 3000  # the message's plain `text`: notifications show a line or two anyway

MARKER = "…(truncated)"
ELLIPSIS = "…"  # for short plain-text surfaces (a header, a button), where MARKER is too long
_SOFT_WINDOW = 40  # a cut moves back to a line or word break this close to the limit

# What a cut or a split must not break, in text the renderer made (user text has no raw `<`,
# its `&` are entities, and its markup characters carry a word joiner; see `escape`). A token
# is never broken; bold or inline code only when one is longer than a whole piece of text.
_UNBREAKABLE = (
    r"<[^<>\n]*>"  # a mention, a date, a link
    r"|&(?:amp|lt|gt);"
    r"|\u2060[^<&\n]"  # a word joiner and the character it keeps from being markup
)
TOKENS = re.compile(_UNBREAKABLE)
ATOMS = re.compile(
    _UNBREAKABLE
    + r"|(?<!\u2060)`[^`\n]*`"  # inline code
    + r"|(?<![\w\u2060])\*[^*\n]*\*(?!\w)"  # bold
)


def atoms(text: str, upto: int | None = None, kind: re.Pattern[str] = ATOMS) -> list[Extent]:
    """Where the atoms are, in order: those that start before `upto` (all, without it).

    Scanning stops there, so a cut near the start of a long text costs little.
    """
    spans: list[Extent] = []
    for match in kind.finditer(text):
        if upto is not None and match.start() >= upto:
            break
        spans.append(match.span())
    return spans


def safe(text: str, at: int, spans: Sequence[Extent] | None = None) -> int:
    """The largest position <= `at` that is not inside an atom (0 when there is none)."""
    spans = atoms(text, at) if spans is None else spans
    index = bisect_left(spans, (at, at)) - 1  # the last atom that starts before `at`
    if index >= 0 and spans[index][1] > at:
        return spans[index][0]
    return at


def safest(text: str, at: int) -> int:
    """`safe`, or when markup longer than the text before `at` holds it, outside tokens."""
    return safe(text, at) or safe(text, at, atoms(text, at, TOKENS))


def truncate(text: str, limit: int, marker: str = MARKER) -> str:
    """`text` if it fits in `limit` characters, else as much as fits followed by `marker`."""
    return text if len(text) <= limit else cut(text, limit, marker)


def cut(text: str, limit: int, marker: str = MARKER) -> str:
    """The start of `text`, cut at a safe place near `limit`, always followed by `marker`."""
    if limit <= len(marker):
        return ELLIPSIS[: max(limit, 0)]
    room = limit - len(marker) - 1
    at = safest(text, room)
    brk = max(text.rfind("\n", 0, at), text.rfind(" ", 0, at))
    if brk > 0 and brk >= at - _SOFT_WINDOW:
        at = safest(text, brk)
    kept = text[:at].rstrip()
    return f"{kept} {marker}" if kept else marker


def split(text: str, limit: int, breaks: str = "\n ") -> list[str]:
    """Pieces of at most `limit` characters, broken at the first of `breaks` that helps.

    A break inside an atom is not taken; with no break at all, the piece ends at the last safe
    place. Bold or code longer than a piece is broken like plain text (tokens never are).
    """
    pieces: list[str] = []
    while len(text) > limit:
        at, skip = _break(text, limit, breaks)
        pieces.append(text[:at])
        text = text[at + skip :]
    pieces.append(text)
    return [piece for piece in pieces if piece.strip()]


def _break(text: str, limit: int, breaks: str) -> tuple[int, int]:
    """Where the next piece ends, and whether a break character is dropped there."""
    for kind in (ATOMS, TOKENS):
        spans = atoms(text, limit + 1, kind)
        for brk in breaks:
            found = text.rfind(brk, 0, limit + 1)
            while found > 0 and safe(text, found, spans) != found:
                found = text.rfind(brk, 0, found)
            if found > 0:
                return found, 1
        if at := safe(text, limit, spans):
            return at, 0
    return limit, 0  # only a token longer than a piece could get here, and none is
