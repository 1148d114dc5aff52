"""Drawing a reply's pictures for an adapter: off the event loop, and never at the cost of the
reply. `bot.pictures` (Pillow) is imported the first time a picture is drawn, in the worker
thread, so a process that never draws never loads it. If drawing fails, the failure is logged
and the adapter sends the reply's text alone (`Reply.without_figures`), which says the same.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from engine.replies import Figure

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Drawn:
    """One figure as bytes: what an upload sends."""

    figure: Figure
    data: bytes
    media_type: str  # "image/png", "image/gif"
    width: int
    height: int


def file_name(figure: Figure) -> str:
    """`trace-3.gif`, `cluster.png`: the figure's name with the type of what it draws, in the
    characters every platform takes in a file name."""
    stem = re.sub(r"[^A-Za-z0-9_.-]", "-", figure.name)[:60] or "picture"
    return f"{stem}.{'gif' if figure.animated else 'png'}"


def draw_now(figures: Sequence[Figure]) -> list[Drawn]:
    """Draw in this thread (the console's one-shot commands, the worker below)."""
    from bot.pictures import render, render_frame  # lazily: Pillow loads on first use
    from engine.pictures import TraceAnimation

    drawn = []
    for figure in figures:
        picture = figure.picture
        if isinstance(picture, TraceAnimation) and figure.step is not None:
            rendered = render_frame(picture, figure.step)
        else:
            rendered = render(picture)
        size = (rendered.width, rendered.height)
        drawn.append(Drawn(figure, rendered.data, rendered.media_type, *size))
    return drawn


async def draw(figures: Sequence[Figure]) -> list[Drawn] | None:
    """The figures as bytes, drawn in a worker thread; None if any could not be drawn (the
    caller sends the text alone). No figures: an empty list, without a thread."""
    if not figures:
        return []
    try:
        return await asyncio.to_thread(draw_now, list(figures))
    except Exception:
        ref = secrets.token_hex(4)
        log.exception("drawing a reply's pictures failed; sent as text [ref %s]", ref)
        return None
