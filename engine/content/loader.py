"""Load and validate the content folder; every problem is reported as (file, field, reason)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from engine.commands.parser import parse_text
from engine.content.models import LatencyFile, Lesson, LessonsFile, SourcesFile
from engine.errors import ContentError, UsageError
from engine.sim.latency import Latencies

M = TypeVar("M", bound=BaseModel)
Problems = list[tuple[str, str, str]]

SOURCES, LESSONS, LATENCY = "sources.yaml", "lessons.yaml", "latency.yaml"


@dataclass(frozen=True, slots=True)
class Content:
    lessons: dict[str, Lesson]  # by id, in file order
    topics: dict[str, str]  # id or alias -> lesson id
    sources: dict[str, str]  # id -> title
    latencies: Latencies

    def find_lesson(self, topic: str) -> Lesson | None:
        lesson_id = self.topics.get(topic.lower())
        return self.lessons[lesson_id] if lesson_id else None


def default_content_dir() -> Path:
    """The content shipped in the wheel, or the checkout's `content/` in a development install."""
    packaged = Path(str(resources.files("engine"))) / "_content"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "content"


def load_content(directory: Path | None = None) -> Content:
    """Load every file, check every cross-reference, and raise ContentError listing all problems."""
    folder = directory or default_content_dir()
    problems: Problems = []
    sources = _load(folder, SOURCES, SourcesFile, problems)
    lessons = _load(folder, LESSONS, LessonsFile, problems)
    latency = _load(folder, LATENCY, LatencyFile, problems)
    source_ids = {s.id for s in sources.sources} if sources else set()
    if sources:
        _check_unique(SOURCES, "sources", [s.id for s in sources.sources], problems)
    topics = _check_lessons(lessons, source_ids, problems) if lessons else {}
    latencies = _check_latency(latency, source_ids, problems) if latency else None
    if problems or sources is None or lessons is None or latencies is None:
        raise ContentError(problems)
    return Content(
        lessons={lesson.id: lesson for lesson in lessons.lessons},
        topics=topics,
        sources={s.id: s.title for s in sources.sources},
        latencies=latencies,
    )


def _load(folder: Path, name: str, model: type[M], problems: Problems) -> M | None:
    path = folder / name
    try:
        data: Any = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except FileNotFoundError:
        problems.append((name, "-", f"missing file (looked in {folder})"))
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append((name, "-", f"cannot read: {exc}"))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "-"
        problems.append((name, where, f"not valid YAML: {getattr(exc, 'problem', exc)}"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            location = ".".join(str(part) for part in error["loc"]) or "-"
            problems.append((name, location, error["msg"]))
        return None


# The C-accelerated safe loader where PyYAML has it; both only build plain data types.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _check_unique(file: str, field: str, ids: list[str], problems: Problems) -> None:
    seen: set[str] = set()
    for index, item in enumerate(ids):
        if item in seen:
            problems.append((file, f"{field}.{index}.id", f"duplicate id '{item}'"))
        seen.add(item)


def _check_lessons(
    lessons: LessonsFile, source_ids: set[str], problems: Problems
) -> dict[str, str]:
    ids = [lesson.id for lesson in lessons.lessons]
    _check_unique(LESSONS, "lessons", ids, problems)
    topics = {lesson_id: lesson_id for lesson_id in ids}
    for i, lesson in enumerate(lessons.lessons):
        where = f"lessons.{i}"
        for j, alias in enumerate(lesson.aliases):
            if alias in topics:
                problems.append(
                    (
                        LESSONS,
                        f"{where}.aliases.{j}",
                        f"'{alias}' is already an id or alias of another lesson",
                    )
                )
            topics[alias] = lesson.id
        for j, related in enumerate(lesson.related):
            if related not in ids or related == lesson.id:
                problems.append((LESSONS, f"{where}.related.{j}", f"no other lesson '{related}'"))
        for j, source in enumerate(lesson.sources):
            if source not in source_ids:
                problems.append(
                    (
                        LESSONS,
                        f"{where}.sources.{j}",
                        f"unknown source '{source}' (not in {SOURCES})",
                    )
                )
        for j, command in enumerate(lesson.try_):
            try:
                parse_text(command)
            except UsageError as exc:
                problems.append(
                    (LESSONS, f"{where}.try.{j}", f"not a valid command: {exc.message}")
                )
    return topics


def _check_latency(
    latency: LatencyFile, source_ids: set[str], problems: Problems
) -> Latencies | None:
    names = [f.name for f in fields(Latencies)]
    for name in sorted(set(names) - set(latency.latency)):
        problems.append((LATENCY, f"latency.{name}", "missing"))
    for name, value in latency.latency.items():
        if name not in names:
            problems.append((LATENCY, f"latency.{name}", "not a hop the simulation charges"))
        if value.basis != "assumption" and value.basis not in source_ids:
            problems.append(
                (
                    LATENCY,
                    f"latency.{name}.basis",
                    f"'{value.basis}' is neither 'assumption' nor a source id",
                )
            )
    if set(names) - set(latency.latency):
        return None
    return Latencies(**{name: latency.latency[name].value for name in names})
