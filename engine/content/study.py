"""The study path (`path.yaml`) and the hints (`hints.yaml`), checked against the drills.

Every drill topic sits in exactly one stage and every listed topic has a drill, so the ladder is
a total order of the drills: stage by stage, topic by topic, and within a topic in file-name
order. Every drill has one nudge per checklist item, and no nudge names an item it lacks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from engine.content.models import Drill, HintsFile, PathFile, PathStage

M = TypeVar("M", bound=BaseModel)
Problems = list[tuple[str, str, str]]
PATH, HINTS = "path.yaml", "hints.yaml"
# The C-accelerated safe loader where PyYAML has it (about ten times faster on hints.yaml).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Rung:
    """A drill's place on the ladder."""

    drill_id: str
    stage_id: str
    order: int  # 0 for the first drill of the ladder
    difficulty: str  # "easy", "medium" or "hard"


@dataclass(frozen=True, slots=True)
class StudyPath:
    stages: tuple[PathStage, ...]
    rungs: Mapping[str, Rung]  # by drill id, in ladder order
    hints: Mapping[str, Mapping[str, str]]  # drill id -> item id -> nudge, in checklist order

    def ladder(self) -> tuple[str, ...]:
        """Every drill id, in ladder order."""
        return tuple(self.rungs)

    def stage_drills(self, stage_id: str) -> tuple[str, ...]:
        return tuple(r.drill_id for r in self.rungs.values() if r.stage_id == stage_id)

    def stage(self, stage_id: str) -> PathStage:
        return next(s for s in self.stages if s.id == stage_id)


def load_study(
    folder: Path, drills: Mapping[str, Drill], lesson_topics: Mapping[str, str], problems: Problems
) -> StudyPath | None:
    """Read both files; None (with the problems recorded) when either cannot be used."""
    path = _read(folder, PATH, PathFile, problems)
    hints = _read(folder, HINTS, HintsFile, problems)
    if path is None or hints is None:
        return None
    before = len(problems)
    rungs = _rungs(path, drills, lesson_topics, problems)
    if len(problems) == before:  # stage by stage, the lessons only mean something then
        _check_stage_lessons(path, lesson_topics, problems)
    nudges = _hints(hints, drills, problems)
    if len(problems) > before:
        return None
    return StudyPath(tuple(path.stages), rungs, nudges)


def _read(folder: Path, name: str, model: type[M], problems: Problems) -> M | None:
    try:
        data: Any = yaml.load((folder / name).read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506
    except FileNotFoundError:
        problems.append((name, "-", f"missing file (looked in {folder})"))
        return None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.append((name, "-", f"cannot read: {str(exc)[:200]}"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"]) or "-"
            problems.append((name, where, error["msg"]))
        return None


def _rungs(
    path: PathFile,
    drills: Mapping[str, Drill],
    lesson_topics: Mapping[str, str],
    problems: Problems,
) -> dict[str, Rung]:
    by_topic: dict[str, list[str]] = {}
    for drill in drills.values():
        by_topic.setdefault(drill.topic, []).append(drill.id)
    rungs: dict[str, Rung] = {}
    placed: dict[str, str] = {}  # topic -> where it was first listed
    stage_ids: set[str] = set()
    for i, stage in enumerate(path.stages):
        if stage.id in stage_ids:
            problems.append((PATH, f"stages.{i}.id", f"duplicate stage id '{stage.id}'"))
        stage_ids.add(stage.id)
        for j, lesson in enumerate(stage.lessons):
            if lesson not in lesson_topics:
                problems.append((PATH, f"stages.{i}.lessons.{j}", f"no lesson '{lesson}'"))
        for j, entry in enumerate(stage.topics):
            where = f"stages.{i}.topics.{j}.topic"
            if entry.topic in placed:
                problems.append(
                    (PATH, where, f"'{entry.topic}' is already at {placed[entry.topic]}")
                )
                continue
            placed[entry.topic] = where
            if entry.topic not in by_topic:
                problems.append((PATH, where, f"no drill has the topic '{entry.topic}'"))
            for drill_id in by_topic.get(entry.topic, []):
                rungs[drill_id] = Rung(drill_id, stage.id, len(rungs), entry.difficulty)
    for topic in sorted(set(by_topic) - set(placed)):
        problems.append((PATH, "stages", f"the drill topic '{topic}' is in no stage"))
    return rungs


def _check_stage_lessons(
    path: PathFile, lesson_topics: Mapping[str, str], problems: Problems
) -> None:
    """Every lesson is read in one stage, and a drill topic with a lesson (by id or alias) is in
    the stage that lists that lesson, so `/path` sends a learner to the right reading."""
    where: dict[str, int] = {}
    for i, stage in enumerate(path.stages):
        for lesson in stage.lessons:
            lesson_id = lesson_topics.get(lesson)
            if lesson_id is not None and where.setdefault(lesson_id, i) != i:
                problems.append(
                    (
                        PATH,
                        f"stages.{i}.lessons",
                        f"'{lesson_id}' is already in stage {where[lesson_id]}",
                    )
                )
    for i, stage in enumerate(path.stages):
        for j, entry in enumerate(stage.topics):
            lesson_id = lesson_topics.get(entry.topic)
            if lesson_id is not None and where.get(lesson_id) != i:
                problems.append(
                    (
                        PATH,
                        f"stages.{i}.topics.{j}.topic",
                        f"its lesson '{lesson_id}' is not among this stage's lessons",
                    )
                )
    for lesson_id in sorted(set(lesson_topics.values()) - set(where)):
        problems.append((PATH, "stages", f"the lesson '{lesson_id}' is in no stage"))


def _hints(
    hints: HintsFile, drills: Mapping[str, Drill], problems: Problems
) -> dict[str, dict[str, str]]:
    nudges: dict[str, dict[str, str]] = {}
    for drill_id, items in hints.hints.items():
        drill = drills.get(drill_id)
        if drill is None:
            problems.append((HINTS, f"hints.{drill_id}", f"no drill '{drill_id}'"))
            continue
        checklist = [item.id for item in drill.checklist]
        for item_id in items:
            if item_id not in checklist:
                problems.append(
                    (HINTS, f"hints.{drill_id}.{item_id}", "not an item of this drill's checklist")
                )
        for item_id in checklist:
            if item_id not in items:
                problems.append((HINTS, f"hints.{drill_id}.{item_id}", "missing"))
        nudges[drill_id] = {item_id: items[item_id] for item_id in checklist if item_id in items}
    for drill_id in drills:
        if drill_id not in hints.hints:
            problems.append((HINTS, f"hints.{drill_id}", "missing: every drill needs its nudges"))
    return nudges
