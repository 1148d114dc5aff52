"""Load the drills (one file each under `drills/`) and check what the schema cannot."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from engine.content.models import Drill, LenientDrill, Trap
from engine.drills.arithmetic import evaluate, placeholders
from engine.drills.patterns import valid

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
    _unique(name, "checklist", [item.id for item in drill.checklist], problems)
    _unique(name, "traps", [trap.id for trap in drill.traps], problems)
    _check_templates(drill, name, problems)
    _check_evidence(drill, name, problems)
    for j, source in enumerate(drill.sources):
        if source not in source_ids:
            problems.append((name, f"sources.{j}", f"unknown source '{source}'"))


MAX_COMBINATIONS = 256  # parameter combinations a template is checked against


def _check_templates(drill: Drill, name: str, problems: Problems) -> None:
    """Every placeholder and expected number works out for every combination of the
    parameters' choices (and their examples), so no attempt can draw a broken text."""
    combos = _combinations(drill)
    texts = [("prompt", drill.prompt), ("model_answer", drill.model_answer_template)]
    texts += [(f"follow_ups.{i}", text) for i, text in enumerate(drill.follow_ups)]
    exprs = [(where, expr) for where, text in texts for expr in placeholders(text)]
    for i, item in enumerate(drill.checklist):
        exprs += [(f"checklist.{i}.numbers.{j}.expr", n.expr) for j, n in enumerate(item.numbers)]
    for where, expr in exprs:
        for values in combos:
            try:
                evaluate(expr, values)
            except (ValueError, SyntaxError, ZeroDivisionError) as exc:
                problems.append((name, where, f"{{{expr}}}: {str(exc)[:100]}"))
                break
    for i, param in enumerate(drill.params):
        if param.example is not None and param.example not in param.choices:
            problems.append((name, f"params.{i}.example", "must be one of the choices"))


def _combinations(drill: Drill) -> list[dict[str, float]]:
    combos: list[dict[str, float]] = [drill.example_params]
    for param in drill.params:
        combos = [{**c, param.name: v} for c in combos for v in param.choices][:MAX_COMBINATIONS]
    return combos or [{}]


def _check_evidence(drill: Drill, name: str, problems: Problems) -> None:
    for i, item in enumerate(drill.checklist):
        if not item.numbers and not item.keywords and not item.concerns:
            problems.append((name, f"checklist.{i}", "needs keywords, concerns or numbers"))
        for kind in ("keywords", "concerns", "warns_against", "wrong"):
            for j, pattern in enumerate(getattr(item, kind)):
                if pattern.startswith("!") or not valid(pattern):
                    problems.append((name, f"checklist.{i}.{kind}.{j}", f"bad pattern '{pattern}'"))
    items = {item.id for item in drill.checklist}
    for i, trap in enumerate(drill.traps):
        _check_trap(trap, f"traps.{i}", items, name, problems)
    _check_wrong_is_no_trap(drill, name, problems)


def _check_wrong_is_no_trap(drill: Drill, name: str, problems: Problems) -> None:
    """A wrong idea that is also a sign with exclusions of a trap opposing the item belongs to
    the trap (which contradicts the item where it fires): as a `wrong` pattern it would
    contradict the item even where the exclusions say the claim is right ("with synchronous
    replication, no data is lost")."""
    for i, item in enumerate(drill.checklist):
        for trap in drill.traps:
            if item.id not in trap.opposes:
                continue
            excepted = {
                p for sign in trap.signs if any(q.startswith("!") for q in sign) for p in sign
            }
            for j, pattern in enumerate(item.wrong):
                if pattern in excepted:
                    reason = f"'{pattern}' is a sign of {trap.id} with exceptions: leave it there"
                    problems.append((name, f"checklist.{i}.wrong.{j}", reason))


def _check_trap(trap: Trap, where: str, items: set[str], name: str, problems: Problems) -> None:
    """Every trap has a sign that can fire (at least one pattern that is not an "!"
    exclusion), and opposes only items of its own drill."""
    if not trap.signs:
        problems.append((name, f"{where}.signs", "a trap needs at least one sign"))
    for j, sign in enumerate(trap.signs):
        if all(p.startswith("!") for p in sign):
            problems.append((name, f"{where}.signs.{j}", "a sign needs a pattern without '!'"))
        for k, pattern in enumerate(sign):
            if not valid(pattern):
                problems.append((name, f"{where}.signs.{j}.{k}", f"bad pattern '{pattern}'"))
    for j, item_id in enumerate(trap.opposes):
        if item_id not in items:
            problems.append((name, f"{where}.opposes.{j}", f"no checklist item '{item_id}'"))


def _unique(name: str, field: str, ids: list[str], problems: Problems) -> None:
    seen: set[str] = set()
    for index, item_id in enumerate(ids):
        if item_id in seen:
            problems.append((name, f"{field}.{index}.id", f"duplicate id '{item_id}'"))
        seen.add(item_id)
