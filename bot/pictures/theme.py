"""Colours, line styles and marks: how each state and each kind of hop looks.

The palette is Okabe and Ito's, chosen to stay distinct under the common colour-vision
deficiencies; no state relies on colour alone: each also has its own border, fill pattern,
symbol and capitalised tag.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import assert_never

from engine.pictures.states import HopMark, NodeState

RGB = tuple[int, int, int]

INK = (28, 28, 30)
MUTED = (96, 96, 104)
FAINT = (190, 190, 196)
RULE = (222, 222, 228)
GRID = (236, 236, 240)
PAPER = (255, 255, 255)
PANEL = (246, 246, 248)

# Okabe-Ito.
ORANGE = (230, 159, 0)
SKY = (86, 180, 233)
GREEN = (0, 158, 115)
YELLOW = (240, 228, 66)
BLUE = (0, 114, 178)
VERMILLION = (213, 94, 0)
PURPLE = (204, 121, 167)
BLACK = (0, 0, 0)

# Series colours for charts, in order; each series also gets its own dash pattern. Vermillion is
# kept for the bottleneck.
SERIES = (BLUE, ORANGE, GREEN, PURPLE, SKY, (90, 90, 90))


class Border(StrEnum):
    SOLID = "solid"
    DASHED = "dashed"
    DOTTED = "dotted"
    DOUBLE = "double"


@dataclass(frozen=True, slots=True)
class StateStyle:
    tag: str  # capitalised words on the node: the state by label, not colour alone
    symbol: str  # drawn before the name; one glyph of the shipped font
    edge: RGB  # border colour
    fill: RGB  # box colour
    text: RGB  # tag colour: a darker shade of the edge, readable on the fill
    border: Border
    hatched: bool = False


def state_style(state: NodeState) -> StateStyle:
    match state:
        case NodeState.UP:
            return StateStyle("UP", "●", GREEN, (230, 245, 239), (0, 102, 74), Border.SOLID)
        case NodeState.SLOW:
            return StateStyle("SLOW", "◷", ORANGE, (253, 241, 214), (128, 84, 0), Border.SOLID)
        case NodeState.DOWN_IN_ROTATION:
            # Solid border: the balancer still counts it in; ⚠: requests still go to it.
            return StateStyle(
                "DOWN · IN ROTATION",
                "⚠",
                VERMILLION,
                (251, 228, 214),
                (158, 64, 0),
                Border.SOLID,
                hatched=True,
            )
        case NodeState.DOWN:
            return StateStyle(
                "DOWN", "✕", VERMILLION, (251, 228, 214), (158, 64, 0), Border.DASHED, True
            )
        case NodeState.OUT_OF_ROTATION:
            return StateStyle(
                "OUT OF ROTATION", "○", (128, 128, 128), (238, 238, 240), MUTED, Border.DOTTED
            )
        case NodeState.RISING:
            return StateStyle("RISING", "▲", SKY, (228, 242, 251), (20, 100, 150), Border.DASHED)
        case NodeState.STALE:
            return StateStyle("STALE", "◐", PURPLE, (248, 232, 241), (140, 60, 105), Border.SOLID)
        case NodeState.FENCED:
            return StateStyle("FENCED", "⊘", BLACK, (226, 226, 228), INK, Border.DOUBLE, True)
        case _:
            assert_never(state)


@dataclass(frozen=True, slots=True)
class HopStyle:
    colour: RGB
    dashed: bool
    tag: str  # shown beside the hop's badge; "" for none


def hop_style(mark: HopMark) -> HopStyle:
    match mark:
        case HopMark.REQUEST | HopMark.REPLY | HopMark.LOCAL:
            return HopStyle(BLUE, False, "")
        case HopMark.HIT:
            return HopStyle(BLUE, False, "HIT")
        case HopMark.MISS:
            return HopStyle(BLUE, False, "MISS")
        case HopMark.STALE:
            return HopStyle(PURPLE, False, "STALE")
        case HopMark.FAILED:
            return HopStyle(VERMILLION, True, "FAILED")
        case HopMark.ASYNC:
            return HopStyle((110, 110, 118), True, "LATER")
        case _:
            assert_never(mark)


def tag_colours(mark: HopMark) -> tuple[RGB, RGB]:
    """(background, text) of a hop's tag: a hit is good news, a miss a cost, stale a hazard."""
    match mark:
        case HopMark.HIT:
            return GREEN, PAPER
        case HopMark.MISS:
            return ORANGE, INK
        case HopMark.STALE:
            return PURPLE, PAPER
        case HopMark.FAILED:
            return VERMILLION, PAPER
        case HopMark.ASYNC | HopMark.REQUEST | HopMark.REPLY | HopMark.LOCAL:
            return (110, 110, 118), PAPER
        case _:
            assert_never(mark)


def tint(colour: RGB, amount: float) -> RGB:
    """`colour` mixed with white: 0 is the colour, 1 is white."""
    r, g, b = colour
    return (
        round(r + (255 - r) * amount),
        round(g + (255 - g) * amount),
        round(b + (255 - b) * amount),
    )
