"""End-to-end latency: the distribution of a request's time through a path of stations.

How tiers compose: a request's time is its path's fixed delays (network round trips, the
balancer's parsing: content/latency.yaml) plus, at each station it visits, a wait (none with
probability 1 - P(wait), else exponential with rate theta) and an exponential service time.
The stations are taken as independent, which is exact for Poisson flows through M/M/1 stations
in tandem (Burke, Reich) and close for the feed-forward network here; the discrete-event check
in tests/load measures it. A sum of independent exponential phases has a closed-form density
(partial fractions of the product of their Laplace transforms), so P(T > t) is a short sum of
exponentials: no sampling, no convolution grid. The whole traffic is a mixture over paths
(hit, miss, write; which server, which replica), each shifted by its fixed delay; its quantiles
come from bisection on that mixture.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

# Poles closer than this (relative) are pulled apart: the same station visited twice (a cache
# GET and the SET after a miss) would otherwise be a double pole. The shift changes the
# distribution by about this fraction; survival(0) == 1 is checked to catch any loss.
_POLE_GAP = 1e-4
_NEAR = 0.03  # a warm start's bracket around the last quantile


@dataclass(frozen=True, slots=True)
class Visit:
    """One station on a path: its P(wait), the wait's rate, and this class's service rate."""

    p_wait: float
    theta: float
    mu: float

    @property
    def mean(self) -> float:
        wait = self.p_wait / self.theta if self.p_wait > 0 and self.theta > 0 else 0.0
        return wait + 1 / self.mu


@dataclass(frozen=True, slots=True)
class Phases:
    """P(T > t) = sum of coef * exp(-rate * t), for the random part T of one path."""

    terms: tuple[tuple[float, float], ...]

    def survival(self, t: float) -> float:
        if t <= 0:
            return 1.0
        return min(1.0, max(0.0, sum(c * math.exp(-r * t) for c, r in self.terms)))


def phases(visits: Sequence[Visit]) -> Phases:
    """The partial-fraction form of the sum of the visits' waits and services."""
    poles: list[float] = []
    zeros: list[tuple[float, float]] = []  # factors (a*s + b) of the numerator
    for v in visits:
        poles.append(v.mu)
        if v.p_wait > 1e-12 and math.isfinite(v.theta):
            # mu/(mu+s) * ((1-P) + P theta/(theta+s)) = mu ((1-P) s + theta) / ((mu+s)(theta+s))
            poles.append(v.theta)
            zeros.append((1 - v.p_wait, v.theta))
    poles = _separate(poles)
    gain = 1.0  # chosen so that the transform is 1 at s = 0 (a probability distribution)
    for p in poles:
        gain *= p
    for _, b in zeros:
        gain /= b
    terms = []
    for j, p in enumerate(poles):
        numerator = gain
        for a, b in zeros:
            numerator *= b - a * p
        denominator = 1.0
        for i, other in enumerate(poles):
            if i != j:
                denominator *= other - p
        terms.append((numerator / denominator / p, p))
    result = Phases(tuple(terms))
    if abs(sum(c for c, _ in terms) - 1) > 1e-6:  # numerical trouble: fall back to the mean
        mean = sum(v.mean for v in visits)
        return Phases(((1.0, 1 / mean),))
    return result


def _separate(poles: list[float]) -> list[float]:
    ordered = sorted(poles)
    for i in range(1, len(ordered)):
        floor = ordered[i - 1] * (1 + _POLE_GAP)
        ordered[i] = max(ordered[i], floor)
    return ordered


@dataclass(frozen=True, slots=True)
class Branch:
    """A share of the traffic: its fixed delay plus a random part (or a fixed total time, for
    requests stuck behind a saturated station: they wait until the timeout)."""

    weight: float
    fixed: float
    random: Phases | None
    mean_random: float = 0.0


@dataclass(frozen=True)
class Mixture:
    branches: tuple[Branch, ...]
    # Flattened once for speed: (weight * coef, rate, shift) per exponential term, and
    # (weight, time) for the fixed parts (a random branch counts whole before its shift).
    _terms: tuple[tuple[float, float, float], ...] = field(init=False, repr=False)
    _steps: tuple[tuple[float, float], ...] = field(init=False, repr=False)
    _total: float = field(init=False, repr=False)

    def __post_init__(self) -> None:
        terms: list[tuple[float, float, float]] = []
        steps: list[tuple[float, float]] = []
        for b in self.branches:
            steps.append((b.weight, b.fixed))
            if b.random is not None:
                terms.extend((b.weight * c, r, b.fixed) for c, r in b.random.terms)
        object.__setattr__(self, "_terms", tuple(terms))
        object.__setattr__(self, "_steps", tuple(steps))
        object.__setattr__(self, "_total", sum(b.weight for b in self.branches))

    @property
    def total(self) -> float:
        return self._total

    def survival(self, t: float) -> float:
        """P(T > t) over the mixture: a random branch survives whole before its fixed delay
        and by its exponential terms after it; a fixed branch survives until its time."""
        if self._total <= 0:
            return 0.0
        s = 0.0
        for weight, fixed in self._steps:
            if t < fixed:
                s += weight
        exp = math.exp
        for wc, rate, shift in self._terms:
            if t >= shift:
                s += wc * exp(-rate * (t - shift))
        return min(1.0, max(0.0, s / self._total))

    def mean(self) -> float:
        total = self.total
        if total <= 0:
            return 0.0
        return sum(b.weight * (b.fixed + b.mean_random) for b in self.branches) / total

    def quantile(self, q: float, near: float | None = None) -> float:
        """The q-quantile, to a relative 5e-4. Regula falsi (Illinois) on log P(T > t): in the
        tail that is nearly a straight line in t, so a few evaluations do what bisection needs
        twenty for; the bracket always holds the answer. `near` (the last step's quantile, in a
        scenario) is tried first as a narrow bracket: two evaluations instead of a search."""
        if not self.branches or self._total <= 0:
            return 0.0
        target = math.log(1 - q)
        bracket = self._near(near, target) if near is not None else None
        if bracket is not None:
            lo, f_lo, hi, f_hi = bracket
        else:
            lo, hi = self._bracket(q)
            f_lo, f_hi = self._log_gap(lo, target), self._log_gap(hi, target)
        side = 0
        for _ in range(60):
            if hi - lo <= 5e-4 * hi:
                break
            mid = (lo * f_hi - hi * f_lo) / (f_hi - f_lo) if f_hi != f_lo else (lo + hi) / 2
            if not lo < mid < hi:
                mid = (lo + hi) / 2
            f_mid = self._log_gap(mid, target)
            if f_mid > 0:
                lo, f_lo = mid, f_mid
                f_hi = f_hi / 2 if side == -1 else f_hi
                side = -1
            else:
                hi, f_hi = mid, f_mid
                f_lo = f_lo / 2 if side == 1 else f_lo
                side = 1
            if abs(f_mid) < 1e-3:  # P(T > t) within 0.1% of 1 - q
                return mid
        return (lo + hi) / 2

    def _bracket(self, q: float) -> tuple[float, float]:
        lo = min(b.fixed for b in self.branches)
        hi = max(b.fixed + (30 * b.mean_random if b.random else 0.0) for b in self.branches)
        hi = max(hi, lo + 1e-6)
        while self.survival(hi) > 1 - q:
            hi *= 2
        return lo, hi

    def _near(self, near: float, target: float) -> tuple[float, float, float, float] | None:
        """A bracket of +-3% around `near`, if the quantile is in it."""
        lo, hi = near * (1 - _NEAR), near * (1 + _NEAR)
        if lo <= 0:
            return None
        f_lo, f_hi = self._log_gap(lo, target), self._log_gap(hi, target)
        return (lo, f_lo, hi, f_hi) if f_lo > 0 >= f_hi else None

    def _log_gap(self, t: float, target: float) -> float:
        """log P(T > t) - log(1 - q): positive below the quantile, negative above it."""
        return math.log(max(self.survival(t), 1e-300)) - target
