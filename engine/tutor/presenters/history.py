"""Replies of /cluster history and /cluster undo. Users are kept as ids and shown here: the
caller as "you", others as a mention the platform shows by name (the reply is the caller's
only, and mentions never ping: the renderers allow none), a forgotten user as "a former
member"."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from engine.ports import HistoryEntry
from engine.replies import Heading, Notice, Paragraph, Reply, Span, SpanStyle, Visibility

FORGOTTEN = "a former member"


def history_reply(
    where: str, entries: Sequence[HistoryEntry], caller: str, zone: ZoneInfo
) -> Reply:
    """Each change at the caller's local time (their /settings tz)."""
    if not entries:
        return Reply(
            (Notice(f"No change of this cluster ({where}) is recorded yet: /cluster set …"),),
            Visibility.PRIVATE,
        )
    lines = [Paragraph(_line(entry, caller, zone)) for entry in entries]
    footer = Notice("/cluster undo takes back the newest change not undone yet.")
    heading = Heading(f"Cluster history ({where}), newest first")
    return Reply((heading, *lines, footer), Visibility.PRIVATE)


def _line(entry: HistoryEntry, caller: str, zone: ZoneInfo) -> tuple[Span, ...]:
    local = entry.at.astimezone(zone)
    when = f"{local:%a %d %b %H:%M} {zone.key} · "
    who: Span
    if not entry.user_id:
        who = Span(FORGOTTEN)
    elif entry.user_id == caller:
        who = Span("you")
    else:
        who = Span(entry.user_id, SpanStyle.MENTION)
    mark = " (undone)" if entry.undone else ""
    return (Span(when), who, Span(": "), Span(entry.words, SpanStyle.CODE), Span(mark))


def nothing_to_undo(entries: Sequence[HistoryEntry]) -> str:
    if not entries:
        return "Nothing to undo: no change of this cluster is recorded yet."
    return (
        "Nothing to undo: every recorded change is undone already (or too old to take back). "
        "/cluster history shows them."
    )


def undone_reply(entry: HistoryEntry, whole: bool, visibility: Visibility) -> Reply:
    kept = (
        "The cluster is back as it was before the reset, cache and all."
        if whole
        else "Its setup is back as it was before; what traffic did since (the cache, sessions, "
        "rows written) is kept."
    )
    return Reply((Notice(f"Undone: {entry.words}. {kept}"),), visibility)
