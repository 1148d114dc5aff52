"""Load and validate the content folder; every problem is reported as (file, field, reason)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from engine.commands.parser import parse_text
from engine.content.drill_checks import load_drills
from engine.content.load_files import load_load_content
from engine.content.models import Drill, LatencyFile, LenientLesson, LenientSource, Lesson, Source
from engine.content.study import StudyPath, load_study
from engine.errors import ContentError, UsageError
from engine.load.catalogue import LoadContent
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
    drills: dict[str, Drill]  # by id, in file-name order
    load: LoadContent  # capacities, prices, rungs and scenarios for /load, /scenario, /climb
    study: StudyPath  # the ladder as a path through the drills, and their hints

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
    """Load every file, check every cross-reference, and raise ContentError listing all problems.

    Items are validated one by one, and an item that fails only the strict checks (an unknown
    key, say) is still read leniently for the cross-reference checks, so one run reports every
    problem rather than the first of each file."""
    folder = directory or default_content_dir()
    problems: Problems = []
    sources = _load_items(folder, SOURCES, "sources", Source, LenientSource, problems)
    lessons = _load_items(folder, LESSONS, "lessons", Lesson, LenientLesson, problems)
    latency = _validate(LATENCY, LatencyFile, _read_yaml(folder, LATENCY, problems), problems)
    _check_unique(SOURCES, "sources", [s.id for s in sources], problems)
    source_ids = {s.id for s in sources}
    topics = _check_lessons(lessons, source_ids, problems)
    latencies = _check_latency(latency, source_ids, problems) if latency else None
    drills = load_drills(folder, source_ids, problems)
    load = load_load_content(folder, source_ids, latencies, drills, problems)
    study = load_study(folder, drills, topics, problems)
    if problems or latencies is None or load is None or study is None:
        raise ContentError(problems)
    return Content(
        lessons={lesson.id: lesson for lesson in lessons},
        topics=topics,
        sources={s.id: s.title for s in sources},
        latencies=latencies,
        drills=drills,
        load=load,
        study=study,
    )


def _read_yaml(folder: Path, name: str, problems: Problems) -> Any:
    path = folder / name
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except FileNotFoundError:
        problems.append((name, "-", f"missing file (looked in {folder})"))
    except (OSError, UnicodeDecodeError) as exc:
        problems.append((name, "-", f"cannot read: {exc}"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "-"
        problems.append((name, where, f"not valid YAML: {getattr(exc, 'problem', exc)}"))
    return None


def _validate(
    name: str, model: type[M], data: Any, problems: Problems, prefix: str = ""
) -> M | None:
    if data is None and not prefix:
        return None  # unreadable file: already reported
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            location = ".".join([prefix, *(str(part) for part in error["loc"])]).strip(".")
            problems.append((name, location or "-", error["msg"]))
        return None


def _load_items(
    folder: Path, name: str, key: str, model: type[M], lenient: type[M], problems: Problems
) -> list[M]:
    """The items of a `key: [...]` file, each validated on its own."""
    data = _read_yaml(folder, name, problems)
    if data is None:
        return []
    if not isinstance(data, dict) or list(data) != [key] or not isinstance(data[key], list):
        problems.append((name, "-", f"expected one top-level key '{key}' holding a list"))
        return []
    if not data[key]:
        problems.append((name, key, "the list is empty"))
    items = []
    for index, raw in enumerate(data[key]):
        item = _validate(name, model, raw, problems, prefix=f"{key}.{index}")
        if item is None:
            item = _validate(name, lenient, raw, [], prefix=f"{key}.{index}")
        if item is not None:
            items.append(item)
    return items


# The C-accelerated safe loader where PyYAML has it; both only build plain data types.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _check_unique(file: str, field: str, ids: list[str], problems: Problems) -> None:
    seen: set[str] = set()
    for index, item in enumerate(ids):
        if item in seen:
            problems.append((file, f"{field}.{index}.id", f"duplicate id '{item}'"))
        seen.add(item)


def _check_lessons(
    lessons: list[Lesson], source_ids: set[str], problems: Problems
) -> dict[str, str]:
    ids = [lesson.id for lesson in lessons]
    _check_unique(LESSONS, "lessons", ids, problems)
    topics = {lesson_id: lesson_id for lesson_id in ids}
    for i, lesson in enumerate(lessons):
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
