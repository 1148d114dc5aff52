"""The harness the two end-to-end benchmarks share (discord_interactions.py, slack_commands.py):
a fake platform in a child process of its own, driven over a pipe, and what both print.

The fake runs in its own interpreter (multiprocessing, spawn) so that building, sending and
absorbing hundreds of requests a second takes neither the server's event loop nor its GIL.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import multiprocessing
import pstats
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any, TypeVar

from benchkit import median, ms

R = TypeVar("R")
PROFILE_LINES = 25


@dataclass(frozen=True, slots=True)
class Plan:
    reps: int
    prime_s: float  # one untimed run of each side first (fills the database, warms the code)
    warmup_s: float  # at the start of every run, discarded
    measure_s: float


def parse_args(
    description: str, extra: Callable[[argparse.ArgumentParser], None] | None = None
) -> tuple[argparse.Namespace, list[str]]:
    """--quick and --profile, and whatever `extra` adds; unknown arguments are handed back."""
    parser = argparse.ArgumentParser(description=description, allow_abbrev=False)
    parser.add_argument(
        "--quick", action="store_true", help="a shorter run (smoke test; figures are noisier)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="add a run under cProfile and print where it goes"
    )
    if extra is not None:
        extra(parser)
    return parser.parse_known_args()


Handler = Callable[[Any], Awaitable[Any]]
Fake = Callable[[], AbstractAsyncContextManager[tuple[Any, Handler]]]


def serve(conn: Connection, fake: Fake) -> None:
    """The child's side: `fake()` starts the fake platform and yields what the parent needs to
    know of it and the handler of each command; commands are answered until the parent sends
    None."""
    asyncio.run(_serve(conn, fake))


async def _serve(conn: Connection, fake: Fake) -> None:
    async with fake() as (facts, handle):
        conn.send(facts)
        while True:
            command = await asyncio.to_thread(conn.recv)
            if command is None:
                return
            conn.send(await handle(command))


class FakeProcess:
    """The parent's side: the child started, its first message (`facts`), commands and answers."""

    def __init__(self, target: Callable[[Connection], None], name: str) -> None:
        context = multiprocessing.get_context("spawn")
        self._ours, theirs = context.Pipe()
        self._child = context.Process(target=target, args=(theirs,), name=name, daemon=True)
        self.facts: Any = None

    async def __aenter__(self) -> FakeProcess:
        self._child.start()
        self.facts = await self.receive()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        with contextlib.suppress(OSError):  # the child may be gone already
            self._ours.send(None)
        self._child.join(10)

    def send(self, command: Any) -> None:
        self._ours.send(command)

    async def receive(self) -> Any:
        return await asyncio.to_thread(self._ours.recv)

    async def ask(self, command: Any) -> Any:
        self.send(command)
        return await self.receive()


def med(runs: Sequence[R], pick: Callable[[R], float]) -> float:
    """The median of one figure over the runs of one side."""
    return median([pick(r) for r in runs])


def at_ms(runs: Sequence[R], pick: Callable[[R], float]) -> str:
    """The median of a figure in seconds, as milliseconds."""
    return ms(med(runs, pick) * 1e9)


def print_profile(source: Any, title: str) -> None:
    """The top functions of a profile (a cProfile.Profile or a stats file), by own time and by
    cumulative time."""
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(source, stream=out).strip_dirs().sort_stats(order).print_stats(PROFILE_LINES)
        print(f"\n{title}, by {order}:")
        print(out.getvalue().split("\n", 4)[-1].rstrip())


def profiled_seconds(source: Any) -> float:
    """The total time a profile recorded."""
    total: float = pstats.Stats(source).total_tt  # type: ignore[attr-defined]
    return total
