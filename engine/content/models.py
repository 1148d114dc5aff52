"""Strict models of the content files: unknown keys are rejected, ids are stable slugs."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from engine.drills.arithmetic import render

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
    example: float | None = None  # shown where no attempt is at hand; one of the choices


class ExpectedNumber(Strict):
    """A number the answer should state, computed from the attempt's parameters."""

    expr: Expression  # arithmetic over the drill's params, e.g. "qps * ratio / (ratio + 1)"
    tolerance: float = Field(default=0.05, gt=0, le=0.5)  # relative
    label: Annotated[str, StringConstraints(min_length=2, max_length=80)]  # e.g. "reads per second"
    # Where two expected values are close ("writes per second" and "DB reads at 99%"), the
    # number counts for this one only in a clause that also says one of these.
    context: list[Annotated[str, StringConstraints(min_length=2, max_length=80)]] = Field(
        default_factory=list, max_length=12
    )


# An evidence pattern: a phrase, or phrases joined by " ... " (a few words of one clause apart).
Pattern = Annotated[str, StringConstraints(min_length=2, max_length=80)]
Patterns = Annotated[list[Pattern], Field(default_factory=list, max_length=120)]


class ChecklistEntry(Strict):
    """One idea of a strong answer, and the ways a sketch shows it, rejects it or gets it wrong.

    A sketch covers the item where a clause that says something affirms one of `keywords`
    (what the item recommends) or names one of `concerns` (the problem it is about, even to
    prevent it), or refuses one of `warns_against` ("no need to shard yet") or of `wrong`
    ("replicas do not take writes"). It contradicts the item where it refuses a keyword
    ("we don't need a cache"), dismisses a concern ("lag is irrelevant") or affirms a `wrong`
    idea ("replicas take a share of the writes"). An item with `numbers` is covered by the
    right numbers for the attempt (or the formula worked out on them), not by its words.
    """

    id: Slug
    label: Annotated[str, StringConstraints(min_length=3, max_length=80)]
    why: Annotated[str, StringConstraints(min_length=10, max_length=300)]
    keywords: Patterns
    concerns: Patterns
    warns_against: Patterns
    wrong: Patterns
    numbers: list[ExpectedNumber] = Field(default_factory=list, max_length=6)


class Trap(Strict):
    id: Slug
    label: Annotated[str, StringConstraints(min_length=3, max_length=120)]
    why: Annotated[str, StringConstraints(min_length=10, max_length=300)]
    # Each sign is a list of patterns that must all be affirmed; a pattern written "!x" must
    # not appear in the same sentence ("no data is lost" is no trap next to "synchronous").
    signs: list[list[Pattern]] = Field(default_factory=list, max_length=16)
    # Checklist items this wrong move contradicts: where the trap fires, its clause cannot
    # also tick them ("I would shard first" is not "sharding comes last").
    opposes: list[Slug] = Field(default_factory=list, max_length=4)


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
    # A template: `{qps}` and `{qps / (ratio + 1)}` are filled with the attempt's numbers.
    model_answer_template: Annotated[str, StringConstraints(min_length=100, max_length=2500)] = (
        Field(alias="model_answer")
    )
    sources: list[SourceId] = Field(default_factory=list)

    @property
    def example_params(self) -> dict[str, float]:
        """Each parameter's example value, for a text shown without an attempt's numbers."""
        return {p.name: p.example if p.example is not None else p.choices[0] for p in self.params}

    @property
    def model_answer(self) -> str:
        """The model answer with the example numbers (`engine.drills.texts` fills in an
        attempt's own)."""
        return render(self.model_answer_template, self.example_params)


class LenientDrill(Drill):
    """A drill read past unknown keys, so its cross-references can still be checked."""

    model_config = ConfigDict(extra="ignore")


# --- the study path and the hints -------------------------------------------------------------

# In the order the week climbs them (see engine/study/daily.py).
Difficulty = Annotated[str, StringConstraints(pattern=r"^(easy|medium|hard)$")]
Nudge = Annotated[str, StringConstraints(min_length=20, max_length=220)]


class PathTopic(Strict):
    """A drill topic's place in a stage; every drill of the topic shares its difficulty."""

    topic: Slug
    difficulty: Difficulty


class PathStage(Strict):
    id: Slug
    title: Annotated[str, StringConstraints(min_length=3, max_length=40)]
    summary: Annotated[str, StringConstraints(min_length=10, max_length=160)]
    lessons: list[Slug] = Field(default_factory=list, max_length=6)  # lesson ids or aliases
    topics: list[PathTopic] = Field(min_length=1, max_length=8)


class PathFile(Strict):
    """`path.yaml`: the stages of the ladder, in the order a learner climbs them."""

    stages: list[PathStage] = Field(min_length=1, max_length=12)


class HintsFile(Strict):
    """`hints.yaml`: drill id -> checklist item id -> a nudge towards that item."""

    hints: dict[Slug, dict[Slug, Nudge]]
