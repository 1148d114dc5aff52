"""Strict models of the content files: unknown keys are rejected, ids are stable slugs."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9\-]{0,39}$")]
SourceId = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9\-]{0,29}$")]
Line = Annotated[str, StringConstraints(min_length=1, max_length=400, strip_whitespace=True)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Source(Strict):
    id: SourceId
    title: Annotated[str, StringConstraints(min_length=3, max_length=300)]
    # Where a reader finds it: a web address (https://…), for a footer or `/learn sources`.
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S{4,300}$")] | None = None


class LenientSource(Source):
    """A source read past unknown keys, so its cross-references can still be checked."""

    model_config = ConfigDict(extra="ignore")


class Lesson(Strict):
    id: Slug
    title: Annotated[str, StringConstraints(min_length=3, max_length=80)]
    aliases: list[Slug] = Field(default_factory=list)
    summary: Annotated[str, StringConstraints(min_length=10, max_length=200)]
    points: list[Line] = Field(min_length=3, max_length=6)
    try_: list[Line] = Field(alias="try", min_length=1, max_length=6)
    related: list[Slug] = Field(default_factory=list)
    sources: list[SourceId] = Field(min_length=1)


class LenientLesson(Lesson):
    """A lesson read past unknown keys, so its cross-references can still be checked."""

    model_config = ConfigDict(extra="ignore")


class LatencyValue(Strict):
    value: float = Field(ge=0, le=1_000)
    basis: Annotated[str, StringConstraints(min_length=1, max_length=30)]
    note: Annotated[str, StringConstraints(min_length=3, max_length=300)]


class LatencyFile(Strict):
    latency: dict[str, LatencyValue]


# --- drills -----------------------------------------------------------------------------------

Expression = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_+\-*/(). ]{1,120}$")]


class DrillParam(Strict):
    """A number drawn per attempt, so answers cannot be memorised (drill B's 50k QPS)."""

    name: Slug
    choices: list[float] = Field(min_length=2, max_length=12)
    unit: Annotated[str, StringConstraints(max_length=20)] = ""


class ExpectedNumber(Strict):
    """A number the answer should state, computed from the attempt's parameters."""

    expr: Expression  # arithmetic over the drill's params, e.g. "qps * ratio / (ratio + 1)"
    tolerance: float = Field(default=0.05, gt=0, le=0.5)  # relative
    label: Annotated[str, StringConstraints(min_length=2, max_length=80)]  # e.g. "reads per second"


class ChecklistEntry(Strict):
    id: Slug
    label: Annotated[str, StringConstraints(min_length=3, max_length=80)]
    why: Annotated[str, StringConstraints(min_length=10, max_length=300)]
    keywords: list[Annotated[str, StringConstraints(min_length=2, max_length=60)]] = Field(
        default_factory=list, max_length=40
    )
    numbers: list[ExpectedNumber] = Field(default_factory=list, max_length=4)


class Trap(Strict):
    id: Slug
    label: Annotated[str, StringConstraints(min_length=3, max_length=120)]
    why: Annotated[str, StringConstraints(min_length=10, max_length=300)]
    # Phrases that show the answer fell into it; every phrase of one entry must appear.
    signs: list[list[Annotated[str, StringConstraints(min_length=2, max_length=60)]]] = Field(
        default_factory=list, max_length=8
    )


class Drill(Strict):
    id: Slug
    title: Annotated[str, StringConstraints(min_length=3, max_length=80)]
    topic: Slug
    prompt: Annotated[str, StringConstraints(min_length=20, max_length=600)]
    minutes: int = Field(ge=5, le=10)
    params: list[DrillParam] = Field(default_factory=list, max_length=4)
    checklist: list[ChecklistEntry] = Field(min_length=6, max_length=11)
    traps: list[Trap] = Field(min_length=1, max_length=8)
    follow_ups: list[Line] = Field(min_length=1, max_length=2)
    model_answer: Annotated[str, StringConstraints(min_length=100, max_length=2500)]
    sources: list[SourceId] = Field(default_factory=list)


class LenientDrill(Drill):
    """A drill read past unknown keys, so its cross-references can still be checked."""

    model_config = ConfigDict(extra="ignore")
