"""A cluster diagram as an image: the tiers, each node's state, a trace's path, the legend."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageDraw

from bot.pictures import footer
from bot.pictures.layout import WIDTH, DiagramLayout, layout
from bot.pictures.nodes import draw_node, draw_structure, draw_title
from bot.pictures.path import draw_path, place
from bot.pictures.text import Fonts, load_fonts
from bot.pictures.theme import PAPER
from engine.pictures.diagram import ClusterDiagram


@dataclass(frozen=True, slots=True)
class Frame:
    """Where the parts below the tiers start, for one diagram."""

    legend_y: int
    middle_y: int  # the step list, or an animation frame's sentence
    caption_y: int
    height: int


def frame_for(diagram: ClusterDiagram, out: DiagramLayout, fonts: Fonts, animated: bool) -> Frame:
    legend_y = out.bottom + 14
    middle_y = legend_y + footer.legend_height(diagram, fonts) + 6
    middle = 0
    if diagram.path is not None:
        middle = footer.sentence_height(fonts) if animated else footer.steps_height(diagram.path)
    caption_y = middle_y + middle + 10
    return Frame(legend_y, middle_y, caption_y, caption_y + footer.caption_height(diagram) + 8)


def background(
    diagram: ClusterDiagram, fonts: Fonts, animated: bool
) -> tuple[Image.Image, DiagramLayout, Frame]:
    """Everything that does not depend on the current step."""
    out = layout(diagram)
    frame = frame_for(diagram, out, fonts, animated)
    image = Image.new("RGB", (WIDTH, frame.height), PAPER)
    draw = ImageDraw.Draw(image)
    draw_title(draw, fonts, diagram.title)
    draw_structure(draw, fonts, out)
    for slot in out.slots.values():
        draw_node(draw, fonts, slot)
    footer.draw_legend(image, fonts, diagram, frame.legend_y)
    footer.draw_caption(image, fonts, diagram, frame.caption_y)
    return image, out, frame


def draw_diagram(diagram: ClusterDiagram) -> Image.Image:
    fonts = load_fonts()
    image, out, frame = background(diagram, fonts, animated=False)
    if diagram.path is not None:
        draw_path(image, fonts, out, place(out, diagram.path, fonts))
        footer.draw_steps(image, fonts, diagram.path, frame.middle_y)
    return image
