"""Discord's message limits, and the cuts that keep text inside them visibly.

Sources: reference/platforms.md §2c (discord-api-docs). A message over any of these is a
400 from Discord, so the renderer never sends one: it splits, or it cuts with `MARKER`.
"""

from __future__ import annotations

CONTENT = 2000
EMBEDS = 10
TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
TOTAL = 6000  # title, description, field names and values, footer: across all embeds
ROWS = 5
BUTTONS_PER_ROW = 5
CUSTOM_ID = 100
LABEL = 80
DESCRIPTION_OF_FILE = 1024  # an attachment's description (its alt text)
FILE_BYTES = 10 * 2**20  # the files of one message, for a bot in any server (10 MiB)

MARKER = "…(truncated)"
FENCE = "```"
_CLOSE = "\n" + FENCE
_SOFT_WINDOW = 40  # a cut moves back to a line or word break this close to the limit


def truncate(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else as much as fits followed by `MARKER`."""
    return text if len(text) <= limit else cut(text, limit)


def cut(text: str, limit: int) -> str:
    """The start of `text`, always followed by `MARKER`; an open code fence is closed first."""
    if limit <= len(MARKER):
        return "…"[: max(limit, 0)]
    room = limit - len(MARKER) - 1
    kept = _soft(text[:room])
    if kept.count(FENCE) % 2:
        kept = _soft(kept[: max(room - len(_CLOSE), 0)])
        if kept.count(FENCE) % 2:
            kept += _CLOSE
    return f"{kept} {MARKER}" if kept else MARKER


def _soft(text: str) -> str:
    """Back up to a line or word break near the end, and drop a dangling escape backslash."""
    brk = max(text.rfind("\n"), text.rfind(" "))
    if brk > 0 and brk >= len(text) - _SOFT_WINDOW:
        text = text[:brk]
    text = text.rstrip()
    if (len(text) - len(text.rstrip("\\"))) % 2:
        text = text[:-1]
    return text


def split_text(text: str, limit: int, breaks: str = "\n ") -> list[str]:
    """Pieces of at most `limit` characters, broken at the first of `breaks` that helps."""
    pieces: list[str] = []
    while len(text) > limit:
        at, skip = limit, 0
        for brk in breaks:
            found = text.rfind(brk, 0, limit + 1)
            if found > 0:
                at, skip = found, 1
                break
        pieces.append(text[:at])
        text = text[at + skip :]
    pieces.append(text)
    return [piece for piece in pieces if piece]
