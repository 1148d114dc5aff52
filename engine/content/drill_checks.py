"""Load the drills (one file each under `drills/`) and check what the schema cannot."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from engine.content.models import Drill, LenientDrill
from engine.drills.params import evaluate, placeholders

Problems = list[tuple[str, str, str]]
FOLDER = "drills"


def load_drills(folder: Path, source_ids: set[str], problems: Problems) -> dict[str, Drill]:
    directory = folder / FOLDER
    if not directory.is_dir():
        problems.append((FOLDER, "-", f"missing folder (looked in {folder})"))
        return {}
    drills: dict[str, Drill] = {}
    for path in sorted(directory.glob("*.yaml")):
        name = f"{FOLDER}/{path.name}"
        drill = _load(path, name, problems)
        if drill is None:
            continue
        if drill.id != path.stem:
            problems.append((name, "id", f"'{drill.id}' must equal the file name '{path.stem}'"))
        if drill.id in drills:
            problems.append((name, "id", f"duplicate drill id '{drill.id}'"))
        _check(drill, name, source_ids, problems)
        drills[drill.id] = drill
    if not drills:
        problems.append((FOLDER, "-", "no drills"))
    return drills


def _load(path: Path, name: str, problems: Problems) -> Drill | None:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.append((name, "-", f"cannot read: {exc}"))
        return None
    try:
        return Drill.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            problems.append((name, ".".join(str(p) for p in error["loc"]) or "-", error["msg"]))
    try:  # read past unknown keys so that the cross-references are still checked
        return LenientDrill.model_validate(data)
    except ValidationError:
        return None


def _check(drill: Drill, name: str, source_ids: set[str], problems: Problems) -> None:
    params = {p.name: p.choices[0] for p in drill.params}
    for placeholder in placeholders(drill.prompt):
        if placeholder not in params:
            problems.append((name, "prompt", f"{{{placeholder}}} is not a parameter"))
    _unique(name, "checklist", [item.id for item in drill.checklist], problems)
    _unique(name, "traps", [trap.id for trap in drill.traps], problems)
    for i, item in enumerate(drill.checklist):
        if not item.keywords and not item.numbers:
            problems.append((name, f"checklist.{i}", "needs keywords or numbers to match"))
        for j, number in enumerate(item.numbers):
            try:
                evaluate(number.expr, params)
            except (ValueError, SyntaxError, ZeroDivisionError) as exc:
                problems.append((name, f"checklist.{i}.numbers.{j}.expr", str(exc)[:120]))
    for j, source in enumerate(drill.sources):
        if source not in source_ids:
            problems.append((name, f"sources.{j}", f"unknown source '{source}'"))


def _unique(name: str, field: str, ids: list[str], problems: Problems) -> None:
    seen: set[str] = set()
    for index, item_id in enumerate(ids):
        if item_id in seen:
            problems.append((name, f"{field}.{index}.id", f"duplicate id '{item_id}'"))
        seen.add(item_id)
