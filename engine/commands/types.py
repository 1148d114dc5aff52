"""Typed commands: what the parser produces and the Tutor executes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.sim.request import Method


@dataclass(frozen=True, slots=True)
class TraceCommand:
    method: Method
    path: str


@dataclass(frozen=True, slots=True)
class TraceViewCommand:
    """A button on a trace: show step `cursor` (0-based) of a stored trace, or all of it."""

    trace_no: int
    cursor: int | None  # None shows every step


@dataclass(frozen=True, slots=True)
class ClusterShowCommand:
    pass


@dataclass(frozen=True, slots=True)
class ClusterResetCommand:
    seed: int | None = None


@dataclass(frozen=True, slots=True)
class ClusterSetCommand:
    changes: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class ClusterKillCommand:
    node: str


@dataclass(frozen=True, slots=True)
class ClusterReviveCommand:
    node: str


@dataclass(frozen=True, slots=True)
class ClusterSlowCommand:
    node: str
    ms: int | None = None


@dataclass(frozen=True, slots=True)
class ClusterWaitCommand:
    seconds: float


@dataclass(frozen=True, slots=True)
class ClusterAddCommand:
    kind: str


@dataclass(frozen=True, slots=True)
class LearnCommand:
    topic: str | None = None


@dataclass(frozen=True, slots=True)
class HelpCommand:
    command: str | None = None


ClusterCommand = (
    ClusterShowCommand
    | ClusterResetCommand
    | ClusterSetCommand
    | ClusterKillCommand
    | ClusterReviveCommand
    | ClusterSlowCommand
    | ClusterWaitCommand
    | ClusterAddCommand
)

Command = TraceCommand | TraceViewCommand | ClusterCommand | LearnCommand | HelpCommand
