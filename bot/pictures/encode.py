"""Images to bytes: PNG for stills, a GIF that plays once for animations. Same input, same
bytes: no timestamps, no text chunks, fixed settings."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # Diagrams and charts are flat colours: a palette of 256 keeps them small and exact enough.
    image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(
        buffer, format="PNG"
    )
    return buffer.getvalue()


def gif(images: Sequence[Image.Image], durations_ms: Sequence[int]) -> bytes:
    """An animated GIF that plays once: without a NETSCAPE loop block, viewers stop at the end."""
    palette = images[-1].quantize(255, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    mapped = [im.quantize(palette=palette, dither=Image.Dither.NONE) for im in images]
    buffer = io.BytesIO()
    mapped[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=mapped[1:],
        duration=list(durations_ms),
        optimize=False,
        disposal=1,
    )
    return buffer.getvalue()
