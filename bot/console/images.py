"""The console's pictures: `rungs console --images DIR` (or RUNGS_IMAGES_DIR) writes each
reply's pictures into DIR and prints their paths under the reply; `rungs trace … --png FILE`
and `--gif FILE` write one trace's picture or animation. Without them the console prints text
only, and never loads the drawing code."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot import figures
from bot.figures import Drawn, file_name
from engine.replies import Figure, Reply


class ImageFolder:
    """Writes pictures into one folder, numbered in the order they were drawn, so that a
    script's pictures sit in the order of its replies and a later one never overwrites an
    earlier one (`003-trace-2.png`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._count = 0

    async def write(self, reply: Reply) -> list[str]:
        """Draw the reply's pictures and write them; the lines to print under the reply."""
        if not reply.figures:
            return []
        drawn = await figures.draw(reply.figures)
        if drawn is None:
            return ["! The pictures could not be drawn; the text above says the same."]
        self.folder.mkdir(parents=True, exist_ok=True)
        lines = []
        for picture in drawn:
            self._count += 1
            path = self.folder / f"{self._count:03d}-{file_name(picture.figure)}"
            path.write_bytes(picture.data)
            lines.append(picture_line(path, picture))
        return lines


def picture_line(path: Path, picture: Drawn) -> str:
    kind = "GIF" if picture.figure.animated else "PNG"
    size = f"{picture.width}×{picture.height} {kind}, {len(picture.data) / 1024:.0f} KiB"
    return f"[picture: {path} ({size})]"


def write_one(figures_of: Sequence[Figure], target: Path) -> str:
    """Write the first picture of a reply to `target` (the one-shot `--png`/`--gif`)."""
    if not figures_of:
        return "! This reply has no picture (are pictures off? /settings images=on)."
    (picture,) = figures.draw_now(figures_of[:1])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(picture.data)
    return picture_line(target, picture)
