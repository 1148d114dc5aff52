"""A sweeper during a PostgreSQL partition (tests/fakes/tcp_proxy.py between it and a real
server) says so once: one warning when its sweeps start failing, no traceback for a database
that does not answer, nothing more while it lasts, and one line when it ends, with how long it
lasted and how many sweeps failed. Before, every poll logged a traceback."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from test_postgres_partition import Partitioned, partitioned  # noqa: F401 - a fixture

from engine.scheduling import Delivery
from engine.scheduling.outage import OutageLog

SWEEPER = "engine.scheduling.sweeper"
POLL_S = 0.2


async def nowhere(delivery: Delivery) -> str | None:
    raise AssertionError("nothing is due")


def sweeper_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == SWEEPER]


async def until(caplog: pytest.LogCaptureFixture, words: str, within_s: float) -> None:
    deadline = time.monotonic() + within_s
    while not any(words in r.getMessage() for r in sweeper_lines(caplog)):
        assert time.monotonic() < deadline, [r.getMessage() for r in caplog.records]
        await asyncio.sleep(0.1)


async def test_a_partition_is_logged_once_and_its_end_once(
    partitioned: Partitioned,  # noqa: F811 - the fixture imported above
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="engine")
    sweeper = partitioned.tutor.sweeper("console", "n1", nowhere, poll_s=POLL_S)
    async with sweeper.running():
        await asyncio.sleep(5 * POLL_S)  # sweeping happily: nothing said
        assert sweeper_lines(caplog) == []
        partitioned.proxy.black_hole()
        await until(caplog, "fail:", within_s=10)
        await asyncio.sleep(8)  # several more polls fail meanwhile, quietly
        await partitioned.proxy.restore()
        await until(caplog, "work again", within_s=15)
    lines = sweeper_lines(caplog)
    assert [r.levelno for r in lines] == [logging.WARNING, logging.WARNING], lines
    started, ended = (r.getMessage() for r in lines)
    assert started.startswith("sweeps on node n1 fail: StoreUnavailableError")
    assert all(r.exc_info is None for r in lines)  # no traceback: not a bug to chase
    failed = int(ended.rsplit(" and ", 1)[1].split()[0])
    assert failed >= 3, ended  # the polls did fail, and were not each logged
    pool = [r for r in caplog.records if "PostgreSQL is not answering" in r.getMessage()]
    assert len(pool) <= 1  # the store's own line is at most one a minute too


def test_a_long_outage_is_mentioned_again_at_most_once_an_interval(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    outage = OutageLog(
        logging.getLogger("rungs.test"), "sweeps", remind_s=60, monotonic=lambda: now[0]
    )
    caplog.set_level(logging.DEBUG, logger="rungs.test")
    for second in range(0, 150, 1):  # a failure a second for two and a half minutes
        now[0] = float(second)
        outage.failed(TimeoutError("the database did not answer"))
    now[0] = 151.0
    outage.succeeded()
    outage.succeeded()  # already over: nothing more
    said = [r.getMessage() for r in caplog.records]
    assert said == [
        "sweeps fail: TimeoutError: the database did not answer; trying again every poll, and "
        "quiet until it recovers",
        "sweeps still fail after 60 s (61 failed): TimeoutError: the database did not answer",
        "sweeps still fail after 120 s (121 failed): TimeoutError: the database did not answer",
        "sweeps work again, after 151 s and 150 failed",
    ]
    # A failure that is not the database being away keeps its traceback, once.
    outage.failed(KeyError("job"))
    assert caplog.records[-1].exc_info is not None
