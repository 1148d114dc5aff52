"""The ladder game's rules, as a pure state machine over a small typed value.

The load rises step by step on a copy of the cluster; at each step the model says what breaks
first and offers the next rungs, each with its verdict and bill. The learner picks one (the
cluster and the bill change) or, once the cluster holds, raises the load. The game ends at the
target load (won), when nothing affordable fixes what breaks (the budget ran out), or when the
team ends it. The score is the load reached per $1,000 a month; the debrief names the moves
that climbed the ladder out of order.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from engine.errors import UsageError
from engine.load.catalogue import LoadContent, RungId
from engine.load.model import LoadReport, analyse
from engine.load.pricing import bill
from engine.load.rungs import RungOption, candidates, options
from engine.load.topology import Topology
from engine.load.traffic import Tier, Traffic
from engine.load.verdict import Status, Verdict, verdict

# The ladder of loads and the budget: a game a team finishes in a lunch break.
RATES = (500.0, 1_000.0, 2_000.0, 5_000.0, 10_000.0, 20_000.0, 50_000.0, 100_000.0)
BUDGET_USD = 15_000.0  # per month
MAX_OFFERS = 6
MAX_MOVES = 40
_ALSO = (
    RungId.ADD_REPLICA,
    RungId.SHARD,
    RungId.SCALE_OUT_APP,
    RungId.ADD_CACHE_NODE,
    RungId.CDN,
    RungId.PAIR_LB,
)  # plausible moves offered beside the right ones


class ClimbStatus(StrEnum):
    PLAYING = "playing"
    WON = "won"
    BROKE = "broke"  # what breaks cannot be fixed within the budget
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class ClimbMove:
    rate: float
    rung: RungId
    bottleneck: str  # the tier that was breaking (or closest to it) when the move was made
    in_order: bool
    note: str
    usd_after: float


@dataclass(frozen=True, slots=True)
class ClimbState:
    topology: Topology
    reads: int
    writes: int
    keys: int
    zipf: float
    step: int = 0  # index into RATES
    budget_usd: float = BUDGET_USD
    moves: tuple[ClimbMove, ...] = ()
    status: ClimbStatus = ClimbStatus.PLAYING
    held: float = 0.0  # the highest load the cluster has held

    @property
    def rate(self) -> float:
        return RATES[self.step]

    @property
    def target(self) -> float:
        return RATES[-1]

    def traffic(self) -> Traffic:
        return Traffic(self.rate, self.reads / (self.reads + self.writes), self.keys, self.zipf)


@dataclass(frozen=True, slots=True)
class ClimbView:
    state: ClimbState
    report: LoadReport
    verdict: Verdict
    holds: bool
    offers: tuple[RungOption, ...]
    usd_month: float
    affordable: tuple[bool, ...]  # per offer


def new_climb(
    topology: Topology,
    reads: tuple[int, int] = (100, 1),
    keys: int = 1_000_000,
    zipf: float = 1.0,
    budget_usd: float = BUDGET_USD,
) -> ClimbState:
    return ClimbState(topology, reads[0], reads[1], keys, zipf, budget_usd=budget_usd)


def holds(v: Verdict) -> bool:
    return v.status in (Status.OK, Status.TIGHT)


def view(state: ClimbState, content: LoadContent) -> ClimbView:
    """The step as the model sees it. A turn asks this of the state before and after the move
    and the reply once more; the last few answers are kept, by what they depend on (not the
    moves so far or the load held), so each is computed once."""
    key = (
        state.topology,
        state.step,
        state.reads,
        state.writes,
        state.keys,
        state.zipf,
        state.budget_usd,
        state.status,
    )
    cached = _RECENT.get(key)
    if cached is not None and cached[0] is content:
        return replace(cached[1], state=state)
    found = _view(state, content)
    _RECENT[key] = (content, found)
    while len(_RECENT) > _KEPT:
        del _RECENT[next(iter(_RECENT))]
    return found


_KEPT = 16
_RECENT: dict[tuple[object, ...], tuple[LoadContent, ClimbView]] = {}


def _view(state: ClimbState, content: LoadContent) -> ClimbView:
    caps = content.capacities
    traffic = state.traffic()
    report = analyse(state.topology, traffic, caps)
    v = verdict(report, state.topology, caps)
    ok = holds(v)
    offered: list[RungId] = (
        [] if state.status is not ClimbStatus.PLAYING else _offer_ids(report, state.topology, v)
    )
    found = options(report, state.topology, caps, content.rungs, v, offered)
    usd = bill(state.topology, traffic, caps).usd_month
    affordable = tuple(o.usd_after <= state.budget_usd for o in found)
    return ClimbView(state, report, v, ok, found, usd, affordable)


def _offer_ids(report: LoadReport, top: Topology, v: Verdict) -> list[RungId]:
    ids = candidates(report, top, v)
    for extra in _ALSO:
        if extra not in ids:
            ids.append(extra)
    return ids[: MAX_OFFERS + 2]  # some will not apply (already paired, no cache to shard...)


def choose(state: ClimbState, rung: str, content: LoadContent) -> ClimbState:
    """Climb one rung. Refused (UsageError, nothing changes) when the game is over, the rung is
    not on offer, or it would take the bill past the budget."""
    _playing(state)
    current = view(state, content)
    option = next((o for o in current.offers if o.rung.value == rung), None)
    if option is None:
        on_offer = ", ".join(o.rung.value for o in current.offers) or "none"
        raise UsageError(f"'{rung[:30]}' is not on offer now. On offer: {on_offer}.")
    if option.usd_after > state.budget_usd:
        raise UsageError(
            f"{option.label} would take the bill to ${option.usd_after:,.0f}/month, over the "
            f"${state.budget_usd:,.0f} budget."
        )
    move = _judge(current, option, content)
    after = replace(state, topology=option.topology, moves=(*state.moves, move))
    if len(after.moves) >= MAX_MOVES:
        return replace(after, status=ClimbStatus.ENDED)
    return _settle(after, content)


def raise_load(state: ClimbState, content: LoadContent) -> ClimbState:
    """The next load step, once the cluster holds the current one."""
    _playing(state)
    current = view(state, content)
    if not current.holds:
        first = current.verdict.first
        where = f" ({first.tier.label})" if first else ""
        raise UsageError(
            f"The cluster does not hold {state.rate:,.0f} requests/s yet{where}: "
            "climb a rung first."
        )
    held = max(state.held, state.rate)
    if state.step + 1 >= len(RATES):
        return replace(state, held=held, status=ClimbStatus.WON)
    return _settle(replace(state, step=state.step + 1, held=held), content)


def end(state: ClimbState) -> ClimbState:
    _playing(state)
    return replace(state, status=ClimbStatus.ENDED)


def _playing(state: ClimbState) -> None:
    if state.status is not ClimbStatus.PLAYING:
        raise UsageError(f"This climb is over ({state.status.value}); start a new one.")


def _settle(state: ClimbState, content: LoadContent) -> ClimbState:
    """Held at this load and at the top: won. Broken and nothing affordable fixes it: broke."""
    current = view(state, content)
    if current.holds:
        if state.step + 1 >= len(RATES):
            return replace(state, held=max(state.held, state.rate), status=ClimbStatus.WON)
        return replace(state, held=max(state.held, state.rate))
    fixable = any(o.fixes and ok for o, ok in zip(current.offers, current.affordable, strict=True))
    return state if fixable else replace(state, status=ClimbStatus.BROKE)


def _judge(current: ClimbView, option: RungOption, content: LoadContent) -> ClimbMove:
    v = current.verdict
    tier = v.first.tier if v.first else None
    text = content.rungs[option.rung]
    state = current.state
    if option.rung is RungId.PAIR_LB:
        return ClimbMove(
            state.rate,
            option.rung,
            tier.value if tier else "",
            True,
            "removed a single point of failure (no capacity gained)",
            option.usd_after,
        )
    if tier is None or tier not in text.relieves:
        where = tier.label if tier else "nothing"
        return ClimbMove(
            state.rate,
            option.rung,
            tier.value if tier else "",
            False,
            f"{text.label.lower()} while the {where} were what broke first",
            option.usd_after,
        )
    cheaper = [
        o
        for o in current.offers
        if o.fixes
        and tier in content.rungs[o.rung].relieves
        and content.rungs[o.rung].rank < text.rank
        and o.usd_delta <= option.usd_delta
    ]
    if cheaper:
        return ClimbMove(
            state.rate,
            option.rung,
            tier.value,
            False,
            f"{text.label.lower()} before {cheaper[0].label.lower()}, which fixed it for less",
            option.usd_after,
        )
    if not option.fixes:
        return ClimbMove(
            state.rate,
            option.rung,
            tier.value,
            False,
            f"{text.label.lower()} did not fix the {tier.label}",
            option.usd_after,
        )
    return ClimbMove(state.rate, option.rung, tier.value, True, "", option.usd_after)


@dataclass(frozen=True, slots=True)
class Score:
    reached: float  # requests/s held
    usd_month: float
    per_kusd: float  # requests/s per $1,000 a month


def score(state: ClimbState, content: LoadContent) -> Score:
    usd = bill(state.topology, state.traffic(), content.capacities).usd_month
    return Score(state.held, usd, state.held / (usd / 1000) if usd else 0.0)


def debrief(state: ClimbState, content: LoadContent) -> tuple[str, ...]:
    s = score(state, content)
    lines = [
        f"Held {s.reached:,.0f} of {state.target:,.0f} requests/s for ${s.usd_month:,.0f} a "
        f"month: {s.per_kusd:,.0f} requests/s per $1,000."
    ]
    wrong = [m for m in state.moves if not m.in_order]
    for m in wrong[:5]:
        lines.append(f"Out of order at {m.rate:,.0f} requests/s: {m.note}.")
    if not wrong and state.moves:
        lines.append("Every rung relieved what was breaking, cheapest first.")
    if not state.topology.lb_standby and state.topology.lb_nodes == 1:
        lines.append("The balancer stayed a single point of failure all along (pair it).")
    tiers = [Tier(m.bottleneck) for m in state.moves if m.bottleneck]
    if tiers:
        path = " -> ".join(dict.fromkeys(t.label for t in tiers))
        lines.append(f"What broke, in order: {path}.")
    return tuple(lines)
