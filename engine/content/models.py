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


class LenientSource(Source):
    """A source read past unknown keys, so its cross-references can still be checked."""

    model_config = ConfigDict(extra="ignore")


class Lesson(Strict):
    id: Slug
    title: Annotated[str, StringConstraints(min_length=3, max_length=80)]
    aliases: list[Slug] = Field(default_factory=list)
    summary: Annotated[str, StringConstraints(min_length=10, max_length=200)]
    points: list[Line] = Field(min_length=3, max_length=6)
    try_: list[Line] = Field(alias="try", min_length=1, max_length=3)
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
