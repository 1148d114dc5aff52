"""Load and check the load content (capacity.yaml, rungs.yaml, under_load.yaml, scenarios/);
every problem is reported as (file, field, reason), like the rest of the content."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from engine.content.load_models import CapacityFile, FollowUpsFile, RungsFile, ScenarioFile
from engine.content.models import Drill
from engine.content.scenario_files import scenario_of
from engine.errors import UsageError
from engine.load.capacity import Capacities, Edge, NodeCapacity, Prices
from engine.load.catalogue import FollowUp, LoadContent, RungId, RungText
from engine.load.query import parse_load, parse_scenario
from engine.load.scenario_spec import Scenario
from engine.load.traffic import Tier
from engine.sim.latency import Latencies

M = TypeVar("M", bound=BaseModel)
Problems = list[tuple[str, str, str]]
CAPACITY, RUNGS, FOLLOW_UPS, SCENARIOS = (
    "capacity.yaml",
    "rungs.yaml",
    "under_load.yaml",
    "scenarios",
)


def load_load_content(
    folder: Path,
    source_ids: set[str],
    latencies: Latencies | None,
    drills: dict[str, Drill],
    problems: Problems,
) -> LoadContent | None:
    capacity = _read(folder / CAPACITY, CAPACITY, CapacityFile, problems)
    caps = _capacities(capacity, source_ids, latencies, problems) if capacity else None
    rungs = _rungs(_read(folder / RUNGS, RUNGS, RungsFile, problems), source_ids, problems)
    scenarios = _scenarios(folder, caps, source_ids, problems)
    follow_ups = _follow_ups(
        _read(folder / FOLLOW_UPS, FOLLOW_UPS, FollowUpsFile, problems),
        drills,
        scenarios,
        problems,
    )
    if caps is None or rungs is None:
        return None
    return LoadContent(caps, rungs, scenarios, follow_ups)


# The C-accelerated safe loader where PyYAML has it (as the rest of the content uses).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(path: Path, name: str, model: type[M], problems: Problems) -> M | None:
    try:
        data: Any = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except FileNotFoundError:
        problems.append((name, "-", f"missing file (looked in {path.parent})"))
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


def _basis(name: str, where: str, basis: str, source_ids: set[str], problems: Problems) -> None:
    if basis != "assumption" and basis not in source_ids:
        problems.append((name, f"{where}.basis", f"'{basis}' is neither 'assumption' nor a source"))


def _capacities(
    f: CapacityFile, source_ids: set[str], lat: Latencies | None, problems: Problems
) -> Capacities | None:
    for section in (
        "app",
        "database",
        "cache_memory",
        "objectives",
        "read_your_writes",
        "local_cache",
        "edge",
    ):
        _basis(CAPACITY, section, getattr(f, section).basis, source_ids, problems)
    for node in ("lb", "cache", "db_read", "db_write", "replica_apply"):
        _basis(CAPACITY, f"nodes.{node}", getattr(f.nodes, node).basis, source_ids, problems)
    for price in ("vm_vcpu_hour", "db_vcpu_hour", "cache_node_hour", "cdn_per_10k_requests"):
        _basis(CAPACITY, f"prices.{price}", getattr(f.prices, price).basis, source_ids, problems)
    if f.app.cores not in f.app.sizes:
        problems.append((CAPACITY, "app.cores", "must be one of app.sizes"))
    if f.nodes.db_read.workers != f.nodes.db_write.workers:
        problems.append((CAPACITY, "nodes.db_write.workers", "one node serves reads and writes"))
    if f.nodes.db_read.workers not in f.database.sizes:
        problems.append((CAPACITY, "nodes.db_read.workers", "must be one of database.sizes"))
    if lat is None:
        return None
    _check_hops(f, lat, problems)
    n = f.nodes
    return Capacities(
        lb=NodeCapacity(n.lb.ops_per_s, n.lb.workers),
        app_cores=f.app.cores,
        app_sizes=tuple(sorted(f.app.sizes)),
        cache=NodeCapacity(n.cache.ops_per_s, n.cache.workers),
        cache_keys_per_node=f.cache_memory.keys_per_node,
        db_read=NodeCapacity(n.db_read.ops_per_s, n.db_read.workers),
        db_write=NodeCapacity(n.db_write.ops_per_s, n.db_write.workers),
        db_sizes=tuple(sorted(f.database.sizes)),
        apply_per_s=n.replica_apply.ops_per_s,
        p99_objective_s=f.objectives.p99_ms / 1000,
        utilisation_target=f.objectives.utilisation_target,
        timeout_s=f.objectives.timeout_ms / 1000,
        ryw_reads_per_write=f.read_your_writes.reads_per_write,
        l1_keys=f.local_cache.keys,
        l1_ttl_s=f.local_cache.ttl_s,
        edge=Edge(f.edge.cacheable_share, f.edge.ttl_s, f.edge.pops),
        prices=Prices(
            f.prices.vm_vcpu_hour.usd,
            f.prices.db_vcpu_hour.usd,
            f.prices.cache_node_hour.usd,
            f.prices.cdn_per_10k_requests.usd,
        ),
        latencies=lat,
    )


def _check_hops(f: CapacityFile, lat: Latencies, problems: Problems) -> None:
    """A node's service time is part of a hop the trace already charges: it must fit in it."""
    hops = {
        "lb": ("lb_l4_ms", lat.lb_l4_ms),
        "cache": ("cache_rtt_ms", lat.cache_rtt_ms),
        "db_read": ("db_read_ms", lat.db_read_ms),
        "db_write": ("db_write_ms", lat.db_write_ms),
    }
    for node, (hop, hop_ms) in hops.items():
        cap = getattr(f.nodes, node)
        service_ms = cap.workers / cap.ops_per_s * 1000
        if service_ms > hop_ms:
            problems.append(
                (
                    CAPACITY,
                    f"nodes.{node}",
                    f"a service time of {service_ms:.3g} ms (workers / ops_per_s) is longer than "
                    f"the whole {hop} hop of latency.yaml ({hop_ms:g} ms)",
                )
            )


def _rungs(
    f: RungsFile | None, source_ids: set[str], problems: Problems
) -> dict[RungId, RungText] | None:
    if f is None:
        return None
    known = {r.value for r in RungId}
    out: dict[RungId, RungText] = {}
    for i, rung in enumerate(f.rungs):
        if rung.id not in known:
            problems.append((RUNGS, f"rungs.{i}.id", f"'{rung.id}' is not a rung the model makes"))
            continue
        if RungId(rung.id) in out:
            problems.append((RUNGS, f"rungs.{i}.id", f"duplicate rung '{rung.id}'"))
        for j, source in enumerate(rung.sources):
            if source not in source_ids:
                problems.append((RUNGS, f"rungs.{i}.sources.{j}", f"unknown source '{source}'"))
        out[RungId(rung.id)] = RungText(
            RungId(rung.id),
            rung.label,
            tuple(Tier(t) for t in rung.relieves),
            rung.rank,
            rung.why,
            rung.not_fixed,
            tuple(rung.sources),
        )
    for missing in sorted(known - {r.value for r in out}):
        problems.append((RUNGS, "rungs", f"no words for the rung '{missing}'"))
    return out


def _scenarios(
    folder: Path, caps: Capacities | None, source_ids: set[str], problems: Problems
) -> dict[str, Scenario]:
    directory = folder / SCENARIOS
    if not directory.is_dir():
        problems.append((SCENARIOS, "-", f"missing folder (looked in {folder})"))
        return {}
    out: dict[str, Scenario] = {}
    for path in sorted(directory.glob("*.yaml")):
        name = f"{SCENARIOS}/{path.name}"
        f = _read(path, name, ScenarioFile, problems)
        if f is None:
            continue
        if f.id != path.stem:
            problems.append((name, "id", f"'{f.id}' must equal the file name '{path.stem}'"))
        for j, source in enumerate(f.sources):
            if source not in source_ids:
                problems.append((name, f"sources.{j}", f"unknown source '{source}'"))
        if caps is not None:
            scenario = scenario_of(f, caps, name, problems)
            if scenario is not None:
                out[f.id] = scenario
    if not out and caps is not None:
        problems.append((SCENARIOS, "-", "no scenarios"))
    return out


def _follow_ups(
    f: FollowUpsFile | None,
    drills: dict[str, Drill],
    scenarios: dict[str, Scenario],
    problems: Problems,
) -> dict[str, FollowUp]:
    if f is None:
        return {}
    out: dict[str, FollowUp] = {}
    for i, item in enumerate(f.follow_ups):
        where = f"follow_ups.{i}"
        drill = drills.get(item.drill)
        if drill is None:
            problems.append((FOLLOW_UPS, f"{where}.drill", f"no drill '{item.drill}'"))
            continue
        if item.drill in out:
            problems.append((FOLLOW_UPS, f"{where}.drill", f"'{item.drill}' has two follow-ups"))
        sample = {p.name: p.choices[0] for p in drill.params}
        try:
            text = item.run.format(**{k: int(v) if v == int(v) else v for k, v in sample.items()})
        except (KeyError, ValueError, IndexError) as exc:
            problems.append((FOLLOW_UPS, f"{where}.run", f"placeholder not a parameter: {exc}"))
            continue
        reason = _command_problem(text, scenarios)
        if reason:
            problems.append((FOLLOW_UPS, f"{where}.run", reason))
            continue
        out[item.drill] = FollowUp(item.drill, item.run, item.why)
    return out


def _command_problem(text: str, scenarios: dict[str, Scenario]) -> str | None:
    words = text.split()
    try:
        if words[0] == "/load":
            parse_load(words[1:])
        elif words[0] == "/scenario" and len(words) == 2:
            parse_scenario(words[1:], list(scenarios))
        else:
            return "must be '/load …' or '/scenario <name>'"
    except UsageError as exc:
        return f"not a valid command: {exc.message}"
    return None
