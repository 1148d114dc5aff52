"""Stopping a long-running mode on SIGTERM (`docker stop`, systemd) or SIGINT (Ctrl-C): the
signal sets an event, and the mode winds down in its own order (no new requests, in-flight work
finished within a grace period, the sweeper stopped, deferred saves flushed, the store closed)
and exits 0, instead of dying where it stands."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Coroutine
from typing import Any

GRACE_S = 10.0  # in-flight work gets this long after a stop signal (docker stop waits 10 s)


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


async def until_stopped(signals: tuple[signal.Signals, ...] = STOP_SIGNALS) -> None:
    """Return once one of `signals` (SIGTERM or SIGINT) arrives."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in signals:
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on every loop
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in signals:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)


async def run_until_stopped(
    work: Coroutine[Any, Any, None], stop: Coroutine[Any, Any, None]
) -> bool:
    """Run `work` until it ends or a stop signal comes; on the signal, run `stop` (which makes
    `work` end: a client's close) and wait for `work`. Returns whether a signal stopped it;
    `work`'s own exception (a refused login) is raised either way."""
    working = asyncio.create_task(work)
    signalled = asyncio.create_task(until_stopped())
    try:
        done, _ = await asyncio.wait({working, signalled}, return_when=asyncio.FIRST_COMPLETED)
        stopped = working not in done
        if stopped:
            await stop
        else:
            stop.close()  # never awaited: nothing to stop
        await working
        return stopped
    finally:
        signalled.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await signalled
