"""A drill's texts with this attempt's own numbers: the model answer, the follow-ups and
the values each numeric item expects.

Content writes them as templates, `{qps}` or a computed value such as
`{qps * ratio / (ratio + 1)}` (checked at load time against every combination of the
parameters' choices), so the reveal never quotes 50k QPS to a learner who drew 30k.
Where an attempt lacks a parameter (a session stored before the drill had it), the
parameter's example value stands in.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine.content.models import ChecklistEntry, Drill
from engine.drills.arithmetic import compact, evaluate, render


def values(drill: Drill, params: Mapping[str, float]) -> dict[str, float]:
    """The attempt's values, with each missing parameter's example in its place."""
    return {**drill.example_params, **{k: float(v) for k, v in params.items()}}


def model_answer(drill: Drill, params: Mapping[str, float]) -> str:
    return render(drill.model_answer_template, values(drill, params))


def follow_ups(drill: Drill, params: Mapping[str, float]) -> tuple[str, ...]:
    numbers = values(drill, params)
    return tuple(render(text, numbers) for text in drill.follow_ups)


def prompt(drill: Drill, params: Mapping[str, float]) -> str:
    return render(drill.prompt, values(drill, params))


def expected(
    drill: Drill, item: ChecklistEntry, params: Mapping[str, float]
) -> tuple[tuple[str, str], ...]:
    """(label, value) of the numbers `item` expects for this attempt: "reads per second",
    "29.7k"."""
    numbers = values(drill, params)
    return tuple((n.label, compact(evaluate(n.expr, numbers))) for n in item.numbers)
