"""The shipped font, and fitting text into boxes: shorten to a width, wrap to lines."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

Font = ImageFont.FreeTypeFont


@dataclass(frozen=True, slots=True)
class Fonts:
    """The faces one render uses. Loaded per render (a quarter of a millisecond) rather than
    shared, so that renders in several threads never share a FreeType face."""

    title: Font
    name: Font
    small_name: Font
    tiny_name: Font
    body: Font
    small: Font
    tag: Font
    badge: Font


def load_fonts(scale: float = 1.0) -> Fonts:
    def face(path: Path, size: float) -> Font:
        return ImageFont.truetype(str(path), round(size * scale))

    return Fonts(
        title=face(BOLD, 17),
        name=face(BOLD, 14),
        small_name=face(BOLD, 12),
        tiny_name=face(BOLD, 11),
        body=face(REGULAR, 13),
        small=face(REGULAR, 12),
        tag=face(BOLD, 10),
        badge=face(BOLD, 11),
    )


def width(font: Font, text: str) -> int:
    return round(font.getlength(text))


def shorten(font: Font, text: str, room: int) -> str:
    """`text`, cut at a word (or a character) and ended with … so that it fits `room` pixels."""
    if width(font, text) <= room:
        return text
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        candidate = " ".join(words).rstrip(",;:·") + "…"
        if width(font, candidate) <= room:
            return candidate
    cut = text
    while cut and width(font, cut + "…") > room:
        cut = cut[:-1]
    return cut + "…" if cut else ""


def wrap(font: Font, text: str, room: int, max_lines: int) -> list[str]:
    """Greedy word wrap into at most `max_lines` lines; the last one is shortened if need be."""
    lines: list[str] = []
    current = ""
    words = text.split()
    for index, word in enumerate(words):
        candidate = f"{current} {word}".strip()
        if width(font, candidate) <= room or not current:
            current = candidate
            continue
        lines.append(current)
        current = word
        if len(lines) == max_lines - 1:
            current = " ".join(words[index:])
            break
    if current:
        lines.append(shorten(font, current, room))
    return lines[:max_lines]
