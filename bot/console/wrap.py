"""Lines folded at the terminal's width, with a hanging indent so a list item's later lines
stay under its text. Words are never broken: an id, a path or a URL stays whole even when it is
wider than the terminal, so it can still be copied."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable

# Below this a terminal is too narrow to fold usefully: lines are left as they are.
MIN_WIDTH = 20
Width = Callable[[], int | None]


def terminal_width() -> int | None:
    """The terminal's width now (it may have been resized since the last reply)."""
    return shutil.get_terminal_size().columns


def no_wrap() -> int | None:
    """Piped output is not folded: a script reads whole lines."""
    return None


def fold(text: str, width: int | None, indent: int = 0) -> str:
    """Each line of `text` folded at `width`, later pieces indented by `indent` spaces."""
    if width is None or width < MIN_WIDTH:
        return text
    hanging = " " * min(indent, width // 2)
    return "\n".join(_fold_line(line, width, hanging) for line in text.split("\n"))


def _fold_line(line: str, width: int, hanging: str) -> str:
    if len(line) <= width:
        return line
    lead = line[: len(line) - len(line.lstrip(" "))]
    return textwrap.fill(
        line,
        width,
        initial_indent="",
        subsequent_indent=max(lead, hanging, key=len),
        break_long_words=False,
        break_on_hyphens=False,
        drop_whitespace=True,
    )
