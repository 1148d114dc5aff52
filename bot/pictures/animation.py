"""A trace as an animated GIF: one frame per step, played once, ending on the last step.

Frames share the diagram, so it is drawn once and each frame adds the path as it stands at
that step and the step's sentence. All frames are mapped onto one palette taken from the last
frame (which holds every colour the path uses), so the GIF encoder only stores the pixels that
change from one frame to the next.
"""

from __future__ import annotations

from PIL import Image

from bot.pictures import footer
from bot.pictures.diagram import background
from bot.pictures.path import draw_path, place
from bot.pictures.text import load_fonts
from engine.pictures.diagram import TraceAnimation

# How long a frame stays: time to read its sentence, within bounds.
MIN_MS, MAX_MS, MS_PER_CHAR = 1_800, 7_000, 38
LAST_EXTRA_MS = 1_500


def frames(animation: TraceAnimation) -> list[Image.Image]:
    fonts = load_fonts()
    base, out, frame = background(animation.diagram, fonts, animated=True)
    path = animation.path
    placed = place(out, path, fonts)
    images = []
    for step in path.steps:
        image = base.copy()
        draw_path(image, fonts, out, placed, current=step.number)
        footer.draw_sentence(image, fonts, path, step.number, frame.middle_y)
        images.append(image)
    return images


def frame(animation: TraceAnimation, number: int) -> Image.Image:
    """One frame alone (step `number`, 1-based): what a Next button shows."""
    if not 1 <= number <= animation.frame_count:
        raise ValueError(f"step {number} is not in 1..{animation.frame_count}")
    fonts = load_fonts()
    image, out, layout_frame = background(animation.diagram, fonts, animated=True)
    draw_path(image, fonts, out, place(out, animation.path, fonts), current=number)
    footer.draw_sentence(image, fonts, animation.path, number, layout_frame.middle_y)
    return image


def durations(animation: TraceAnimation) -> list[int]:
    steps = animation.path.steps
    times = [min(MAX_MS, max(MIN_MS, MS_PER_CHAR * len(s.sentence))) for s in steps]
    times[-1] += LAST_EXTRA_MS
    return [t // 10 * 10 for t in times]  # GIF stores hundredths of a second
