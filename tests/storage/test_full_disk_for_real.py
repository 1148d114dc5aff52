"""A disk that is really full (a tiny tmpfs, mounted for the test: root only, skipped
otherwise), where SQLite's errors are not the SQLITE_FULL that `max_page_count` gives: a new
database that fills the disk while it is migrated, an existing one on a disk that filled up
while Rungs was down (SQLite reports SQLITE_IOERR_SHMSIZE mapping the WAL's memory), and a
running one whose disk fills. Each is named as a full disk: one line from the real `rungs
console` at start-up (exit 2), the reply and the log at the write."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_database_faults import ANA, assert_one_clear_line, run_console

from engine.content.loader import Content
from engine.ports import FixedClock
from engine.replies import Notice
from engine.storage import StoreOpenError, open_store
from engine.tutor import Tutor


def _mount(folder: Path, size: str) -> None:
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")


@pytest.fixture
def tiny_disk(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a tiny tmpfs needs root")
    folder = tmp_path / "tiny"
    folder.mkdir()
    _mount(folder, getattr(request, "param", "300k"))
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def fill(folder: Path) -> None:
    """Every byte left, taken by another file."""
    handle = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(handle, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(handle)


async def test_a_disk_that_fills_during_the_first_migrations_is_named(tiny_disk: Path) -> None:
    with pytest.raises(StoreOpenError, match="the disk is full"):
        await open_store(f"sqlite:///{tiny_disk / 'rungs.db'}")
    assert_one_clear_line(run_console(tiny_disk / "rungs.db"), "the disk is full", "rungs.db")


@pytest.mark.parametrize("tiny_disk", ["4m"], indirect=True)
async def test_a_disk_that_filled_while_rungs_was_down_is_named(tiny_disk: Path) -> None:
    db = tiny_disk / "rungs.db"
    store = await open_store(f"sqlite:///{db}")
    await store.close()
    fill(tiny_disk)
    with pytest.raises(StoreOpenError, match="the disk is full"):
        await open_store(f"sqlite:///{db}")
    assert_one_clear_line(run_console(db), "the disk is full", "rungs.db")


@pytest.mark.parametrize("tiny_disk", ["4m"], indirect=True)
async def test_a_disk_that_fills_while_rungs_runs_is_named_at_the_write(
    tiny_disk: Path, content: Content, caplog: pytest.LogCaptureFixture
) -> None:
    from store_databases import NOW

    store = await open_store(f"sqlite:///{tiny_disk / 'rungs.db'}")
    try:
        tutor = Tutor(store, content, FixedClock(NOW))
        await tutor.handle_text(ANA, "/trace GET /u/7")
        fill(tiny_disk)
        notices = ""
        for path in range(40):  # until the WAL's free pages run out too
            reply = await tutor.handle_text(ANA, f"/trace GET /u/{path}")
            notices = " ".join(b.text for b in reply.blocks if isinstance(b, Notice))
            if "full" in notices:
                break
        assert "the disk of its database is full" in notices, reply
        assert "something went wrong" not in notices.lower()
        assert any("the disk is full" in r.getMessage() for r in caplog.records)
    finally:
        await store.close()
