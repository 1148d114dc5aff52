"""The platform-neutral reply.

The engine answers every command with a `Reply`: a visibility and a list of typed blocks.
No markup lives here; each platform has one pure renderer that owns its markup and its limits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from engine.pictures import Picture, TraceAnimation


class Visibility(StrEnum):
    PUBLIC = "public"  # everybody in the channel sees it
    PRIVATE = "private"  # only the caller sees it (ephemeral on the platforms)


class SpanStyle(StrEnum):
    PLAIN = "plain"
    STRONG = "strong"
    CODE = "code"
    MENTION = "mention"  # a user id the renderer turns into the platform's mention
    USER_TEXT = "user_text"  # text a user typed: renderers must neutralise pings and markup


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    style: SpanStyle = SpanStyle.PLAIN


@dataclass(frozen=True, slots=True)
class Heading:
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    spans: tuple[Span, ...]

    @classmethod
    def of(cls, *parts: str | Span) -> Paragraph:
        return cls(tuple(p if isinstance(p, Span) else Span(p) for p in parts))


@dataclass(frozen=True, slots=True)
class Fields:
    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    label: str
    covered: bool
    detail: str = ""
    # The learner's own words that earned (or contradicted) the item, shown quoted before the
    # detail. User text: renderers neutralise its pings and markup as they do a USER_TEXT span.
    quote: str = ""
    # The sketch said the opposite (not covered, and marked apart from a plain miss).
    contradicted: bool = False


@dataclass(frozen=True, slots=True)
class Checklist:
    items: tuple[ChecklistItem, ...]


class TraceStep(NamedTuple):
    """One hop of a simulated request: `n/total component: sentence`, with its latency. A
    named tuple rather than a dataclass: a trace has a dozen of them, built on every /trace,
    and a tuple is built several times faster than a frozen dataclass."""

    n: int
    total: int
    component: str
    text: str
    latency_ms: float
    cumulative_ms: float


@dataclass(frozen=True, slots=True)
class TraceSteps:
    title: str
    steps: tuple[TraceStep, ...]
    summary: str
    trace_no: int = 0
    # Which steps a stepping renderer shows first; the console shows them all.
    cursor: int = 0

    @property
    def shown(self) -> int:
        """How many steps a stepping renderer shows: up to the cursor's (0-based), at least the
        first, at most all. The summary belongs after the last one."""
        if not self.steps:
            return 0
        return max(0, min(self.cursor, len(self.steps) - 1)) + 1


@dataclass(frozen=True, slots=True)
class Preformatted:
    """Monospace text such as the cluster diagram; renderers keep its line breaks."""

    text: str


@dataclass(frozen=True, slots=True)
class Deadline:
    at: datetime
    label: str


class NoticeLevel(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Notice:
    text: str
    level: NoticeLevel = NoticeLevel.INFO


class ButtonStyle(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    DANGER = "danger"


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action_id: str  # encoded by engine.commands.buttons: versioned, ids only, <= 100 chars
    style: ButtonStyle = ButtonStyle.SECONDARY


@dataclass(frozen=True, slots=True)
class Buttons:
    buttons: tuple[Button, ...]


@dataclass(frozen=True, slots=True)
class Figure:
    """A picture of what the reply's other blocks say in words: an `engine.pictures` value
    (what to draw, never pixels), drawn only when the reply is shown. A renderer that shows
    images attaches it natively with `alt` as its description; one that does not skips it,
    and nothing is lost: the text is the fallback. For a trace animation, `step` (1-based)
    asks for that one frame as a still; None for the whole animation."""

    picture: Picture
    name: str  # the file's stem: "cluster", "trace-12", "trace-12-step-3", "progress"
    step: int | None = None

    def __post_init__(self) -> None:
        if self.step is not None:
            if not isinstance(self.picture, TraceAnimation):
                raise ValueError("only a trace animation has steps")
            if not 1 <= self.step <= self.picture.frame_count:
                raise ValueError(f"step {self.step} is not in 1..{self.picture.frame_count}")

    @property
    def alt(self) -> str:
        if isinstance(self.picture, TraceAnimation) and self.step is not None:
            return self.picture.frame_alts[self.step - 1]
        return self.picture.alt

    @property
    def animated(self) -> bool:
        return isinstance(self.picture, TraceAnimation) and self.step is None


@dataclass(frozen=True, slots=True)
class Document:
    """A file the reply carries (the caller's /export): the bytes are the engine's, made for
    this reply. Every renderer delivers it natively and only to the caller (a Discord ephemeral
    attachment, a file in the Slack DM with the app, a file the console writes and names) or
    says plainly where it could not; `caption` says what it is, in words."""

    filename: str  # a plain name, no folders: "rungs-export-U7.json"
    media_type: str  # "application/json"
    data: bytes
    caption: str

    def __post_init__(self) -> None:
        if not self.filename or "/" in self.filename or "\\" in self.filename:
            raise ValueError(f"a document's name is a plain file name: {self.filename!r}")


Block = (
    Heading
    | Paragraph
    | Fields
    | Checklist
    | TraceSteps
    | Preformatted
    | Deadline
    | Notice
    | Buttons
    | Figure
    | Document
)


@dataclass(frozen=True, slots=True)
class Reply:
    blocks: tuple[Block, ...]
    visibility: Visibility = Visibility.PRIVATE
    correlation_id: str | None = None

    @property
    def is_error(self) -> bool:
        """True when the reply reports a problem (bad input or a failure) rather than a result."""
        return any(isinstance(b, Notice) and b.level is not NoticeLevel.INFO for b in self.blocks)

    @property
    def figures(self) -> tuple[Figure, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Figure))

    @property
    def documents(self) -> tuple[Document, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Document))

    def without_figures(self) -> Reply:
        """The same reply in words only (pictures turned off, or they could not be drawn)."""
        blocks = tuple(b for b in self.blocks if not isinstance(b, Figure))
        return Reply(blocks, self.visibility, self.correlation_id)

    @classmethod
    def notice(
        cls, text: str, level: NoticeLevel = NoticeLevel.INFO, *extra_blocks: Block
    ) -> Reply:
        return cls((Notice(text, level), *extra_blocks))


def format_ms(value: float) -> str:
    """0.2, 1.25, 12, 0: a latency as the trace shows it, two decimals at most."""
    return f"{value:.2f}".rstrip("0").rstrip(".") if value else "0"


def step_timing(step: TraceStep) -> str:
    """`(+0.8 ms, 1 ms)`: the hop's latency, and the request's so far."""
    return f"(+{format_ms(step.latency_ms)} ms, {format_ms(step.cumulative_ms)} ms)"


def format_duration(seconds: int) -> str:
    """4m 05s, 3h 12m, 2d 5h: the two largest units that matter."""
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


# Unicode category Cc (C0 and C1 controls, DEL) except tab and newline.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """Drop control characters (ANSI escapes, bells, carriage returns) from text a user typed,
    so it cannot move a terminal's cursor or break a message; newlines and tabs stay."""
    return _CONTROLS.sub("", text)
