"""`rungs db upgrade` and `rungs db backup`, and the `rungs db` command line around them and
`copy`: what they print, their exit status, and what they leave in the database."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_db_copy import _migrate_partly
from transfer_fixtures import play_community, postgres_schema, speaker

from bot.cli import main
from engine.content.loader import Content
from engine.ports import FixedClock, UserKey
from engine.storage import open_store
from engine.storage.migrations import migrations
from engine.storage.transfer import TransferError, backup_database, schema_status, upgrade
from engine.tutor import Tutor

START = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
LATEST = len(migrations("sqlite"))


@pytest.fixture(autouse=True)
def no_database_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RUNGS_DATABASE_URL", raising=False)


async def test_upgrade_applies_what_is_pending_and_says_so(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    _migrate_partly(db, upto=LATEST - 2)
    before, after = await upgrade(f"sqlite:///{db}")
    assert before.pending == tuple(m.number for m in migrations("sqlite")[-2:])
    assert after.current
    assert after.version == migrations("sqlite")[-1].number
    again_before, again_after = await upgrade(f"sqlite:///{db}")
    assert again_before == again_after


def test_rungs_db_upgrade_prints_the_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "old.db"
    _migrate_partly(db, upto=LATEST - 1)
    assert main(["db", "upgrade", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    last = migrations("sqlite")[-1].number
    assert f"applied 1 migration ({last:04d})" in out
    assert f"Schema version {last} (sqlite" in out
    assert main(["db", "upgrade", "--db", str(db)]) == 0
    assert "nothing to apply" in capsys.readouterr().out


def test_a_database_from_a_newer_rungs_is_refused_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "newer.db"
    _migrate_partly(db, upto=LATEST - 1)
    with sqlite3.connect(db) as connection:
        connection.execute("INSERT INTO schema_migrations VALUES (9999, '9999_x.sql', 'now')")
    assert main(["db", "upgrade", "--db", str(db)]) == 1
    assert "newer Rungs" in capsys.readouterr().err
    with sqlite3.connect(db) as connection:
        versions = [v for (v,) in connection.execute("SELECT version FROM schema_migrations")]
    assert migrations("sqlite")[-1].number not in versions  # nothing was applied


async def test_upgrade_on_postgres(tmp_path: Path) -> None:
    async with postgres_schema() as url:
        before, after = await upgrade(url)
        assert before.applied == ()
        assert after.current
        assert (await schema_status(url)).version == migrations("postgres")[-1].number


async def test_a_backup_of_a_live_database_holds_what_was_committed(
    tmp_path: Path, content: Content
) -> None:
    """Taken while another connection holds an open write transaction: the backup has every
    committed row and none of the uncommitted, passes its integrity check and opens as a store
    (the tutor finds alice's drill in it)."""
    live = tmp_path / "live.db"
    await play_community(f"sqlite:///{live}", content, FixedClock(START))
    writer = sqlite3.connect(live, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM drill_sessions")  # not committed while the backup runs
        report = await backup_database(f"sqlite:///{live}", tmp_path / "backups" / "b.db")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert report.path.is_file()
    assert report.pages > 0
    assert list(report.path.parent.iterdir()) == [report.path]  # no partial file left behind
    store = await open_store(f"sqlite:///{report.path}")
    try:
        reply = await Tutor(store, content, FixedClock(START)).handle_text(
            speaker("alice"), "/progress"
        )
        assert not reply.is_error
        assert len(await store.sessions(UserKey("slack", "T1", "alice"), 10)) == 1
    finally:
        await store.close()


async def test_backup_refuses_to_overwrite_and_points_postgres_at_pg_dump(
    tmp_path: Path,
) -> None:
    db = tmp_path / "live.db"
    _migrate_partly(db, upto=LATEST)
    existing = tmp_path / "exists.db"
    existing.write_bytes(b"keep me")
    with pytest.raises(TransferError, match="already exists"):
        await backup_database(f"sqlite:///{db}", existing)
    assert existing.read_bytes() == b"keep me"
    with pytest.raises(TransferError, match="pg_dump"):
        await backup_database("postgresql://rungs@db/rungs", tmp_path / "x.db")
    with pytest.raises(TransferError, match="no SQLite database"):
        await backup_database(f"sqlite:///{tmp_path / 'missing.db'}", tmp_path / "y.db")


def test_rungs_db_backup_and_copy_print_what_they_did(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "live.db"
    _migrate_partly(db, upto=LATEST)
    with sqlite3.connect(db) as connection:
        connection.execute(
            "INSERT INTO clusters VALUES ('s', 1, '{}', '2026-11-28T09:00:00+00:00')"
        )
    assert main(["db", "backup", str(tmp_path / "b.db"), "--db", str(db)]) == 0
    assert f"to {tmp_path / 'b.db'}" in capsys.readouterr().out

    target = f"sqlite:///{tmp_path / 'copy.db'}"
    assert main(["db", "copy", f"sqlite:///{db}", target]) == 0
    out = capsys.readouterr().out
    assert "clusters" in out
    assert "Copied 1 rows in" in out
    assert "matched" in out
    assert main(["db", "copy", f"sqlite:///{db}", target]) == 1
    assert "--replace" in capsys.readouterr().err
    assert main(["db", "copy", f"sqlite:///{db}", target, "--replace"]) == 0
    assert "Emptied first: clusters." in capsys.readouterr().out


def test_rungs_db_copy_masks_a_password_and_names_a_bad_scheme(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "live.db"
    _migrate_partly(db, upto=LATEST)
    code = main(["db", "copy", f"sqlite:///{db}", "postgresql://rungs:hunter2@127.0.0.1:1/x"])
    captured = capsys.readouterr()
    assert code == 1
    assert "cannot connect to PostgreSQL" in captured.err
    assert "hunter2" not in captured.out + captured.err
    assert main(["db", "copy", f"sqlite:///{db}", "mysql://x"]) == 2
    assert "unsupported database URL scheme 'mysql'" in capsys.readouterr().err
