"""`/load` end to end, as a pure function: the report, the verdict, the next rungs with their
bills, and the platform-neutral text parts a presenter lays out (a compact table with a
utilisation bar per tier, the bottleneck marked, one short verdict paragraph)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.load.catalogue import LoadContent
from engine.load.model import LoadReport, TierLoad, analyse
from engine.load.pricing import Bill, bill
from engine.load.query import LoadQuery
from engine.load.rungs import RungOption, options
from engine.load.topology import Topology
from engine.load.verdict import Status, Verdict, verdict

BAR_CELLS = 10
MAX_RUNGS = 3


@dataclass(frozen=True, slots=True)
class TierRow:
    label: str
    nodes: int
    rate: float  # operations/s offered to the tier
    capacity: float  # operations/s at 100%, all its nodes
    rho: float  # the hottest node's offered utilisation
    busy: float  # what it runs at (<= 1)
    wait_p99_ms: float
    bottleneck: bool

    @property
    def bar(self) -> str:
        return utilisation_bar(self.rho)


@dataclass(frozen=True, slots=True)
class LoadAnswer:
    query: LoadQuery
    report: LoadReport
    verdict: Verdict
    rungs: tuple[RungOption, ...]
    bill: Bill
    rows: tuple[TierRow, ...]
    heading: str
    table: str  # monospace lines
    paragraph: str  # the verdict in one short paragraph
    facts: tuple[str, ...]  # one line each: cache, databases, replication, latency


def run_load(query: LoadQuery, top: Topology, content: LoadContent) -> LoadAnswer:
    caps = content.capacities
    traffic = query.traffic()
    report = analyse(top, traffic, caps)
    v = verdict(report, top, caps)
    found = options(report, top, caps, content.rungs, v)
    ranked = sorted(found, key=lambda o: (not o.fixes, content.rungs[o.rung].rank, o.usd_delta))
    rungs = tuple(ranked[:MAX_RUNGS])
    rows = tier_rows(report, v)
    heading = (
        f"Under load: {_count(query.rate)} requests/s, reads {query.reads}:{query.writes}, "
        f"{_count(query.keys)} keys (zipf {query.zipf:g})"
    )
    return LoadAnswer(
        query=query,
        report=report,
        verdict=v,
        rungs=rungs,
        bill=bill(top, traffic, caps),
        rows=rows,
        heading=heading,
        table=table(rows),
        paragraph=paragraph(report, v, rungs),
        facts=facts(report, caps.timeout_s),
    )


def tier_rows(report: LoadReport, v: Verdict) -> tuple[TierRow, ...]:
    """One row per tier, the one that breaks first marked (the climb shows the same table)."""
    return tuple(_row(t, v) for t in report.tiers)


def _row(t: TierLoad, v: Verdict) -> TierRow:
    marked = v.first is not None and v.first.tier is t.tier and not v.first.lag
    marked = marked and v.status is not Status.OK
    return TierRow(
        t.tier.label,
        t.nodes,
        t.rate,
        t.capacity,
        t.rho,
        t.busy,
        t.wait_p99 * 1000 if math.isfinite(t.wait_p99) else math.inf,
        marked,
    )


def utilisation_bar(rho: float) -> str:
    filled = min(BAR_CELLS, round(rho * BAR_CELLS))
    return "█" * filled + "░" * (BAR_CELLS - filled)


def table(rows: tuple[TierRow, ...]) -> str:
    lines = [f"{'tier':<12}{'nodes':>6}{'ops/s':>9}{'cap/s':>9}  {'load':<16}{'p99 wait':>9}"]
    for r in rows:
        wait = "queues grow" if math.isinf(r.wait_p99_ms) else f"{r.wait_p99_ms:.1f} ms"
        mark = "  ◀ breaks first" if r.bottleneck else ""
        lines.append(
            f"{r.label:<12}{r.nodes:>6}{_count(r.rate):>9}{_count(r.capacity):>9}  "
            f"{r.bar} {r.rho:>4.0%}{wait:>12}{mark}"
        )
    return "\n".join(lines)


def paragraph(report: LoadReport, v: Verdict, rungs: tuple[RungOption, ...]) -> str:
    first = v.first
    lead = {
        Status.OK: "It holds",
        Status.TIGHT: "It holds, just",
        Status.SLOW: "It answers, too slowly",
        Status.SATURATED: f"The {first.tier.label if first else 'cluster'} break first",
        Status.DOWN: "Requests fail outright",
    }[v.status]
    text = f"{lead}: {v.reason}."
    if report.errors > 0:
        text += f" {_count(report.errors)} requests/s fail or time out."
    if v.status is not Status.OK and first is not None and not first.lag:
        text += " One node fewer in that tier and it would " + (
            "still hold." if v.survives_one_failure else "be past 100%."
        )
    if rungs:
        best = rungs[0]
        text += f" Next rung: {best.label.lower()} ({best.move}, {_money(best.usd_delta)}/month)"
        text += f"; it does not fix: {best.not_fixed[0].lower()}{best.not_fixed[1:]}"
        if not text.endswith("."):
            text += "."
    return text


def facts(report: LoadReport, timeout: float) -> tuple[str, ...]:
    out = []
    if report.cache_state == "up":
        out.append(
            f"cache hit ratio {report.hit_ratio:.0%}: {_count(report.db_reads)} reads/s reach "
            "the databases"
        )
    elif report.cache_state == "down":
        out.append(f"the cache is down: all {_count(report.db_reads)} reads/s reach the databases")
    elif report.cache_state == "none":
        out.append(f"no cache: all {_count(report.db_reads)} reads/s reach the databases")
    if report.edge_share:
        out.append(f"the CDN answers {report.edge_share:.0%} of requests at the edge")
    if report.writes_by_primary:
        each = ", ".join(f"{n} {_count(w)}/s" for n, w in report.writes_by_primary[:4])
        out.append(f"writes by primary: {each}")
    for rep in report.replication[:2]:
        out.append(
            f"each replica of {rep.shard} replays {_count(rep.writes)} writes/s "
            f"({rep.apply_rho:.0%} of its replay thread): lag {rep.lag_s * 1000:,.0f} ms"
        )
    if report.p99 >= timeout:
        out.append(f"latency: p50 {_ms(report.p50)}, p99 at the {timeout:g} s timeout")
    else:
        out.append(f"latency in the cluster: p50 {_ms(report.p50)}, p99 {_ms(report.p99)}")
    return tuple(out)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _count(value: float) -> str:
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= scale:
            return f"{value / scale:.3g}{suffix}"
    return f"{value:.0f}" if value >= 10 or value == 0 else f"{value:.2g}"


def _money(usd: float) -> str:
    sign = "+" if usd >= 0 else "-"
    usd = abs(usd)
    return f"{sign}${usd / 1000:.1f}k" if usd >= 1000 else f"{sign}${usd:.0f}"


def short_count(value: float) -> str:
    """50k, 1.2M, 495: a rate as the table shows it."""
    return _count(value)


def money(usd: float) -> str:
    """+$1.2k, -$300: a monthly change as the rungs show it."""
    return _money(usd)
