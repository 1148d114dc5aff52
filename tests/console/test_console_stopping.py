"""`rungs console` as a real process stops on SIGTERM or SIGINT while it waits for input: what
it was given is answered and stored, and it exits 0 (a pipe left open, as a supervisor or
`docker stop` would)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

RUNGS = Path(sys.executable).parent / "rungs"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_ends_a_piped_console_cleanly(tmp_path: Path, sig: signal.Signals) -> None:
    db = tmp_path / "console.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNGS_")}
    process = subprocess.Popen(
        [str(RUNGS), "console", "--db", str(db), "--user", "ada", "--channel", "study"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env | {"HOME": str(tmp_path)},
    )  # fmt: skip
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write("/trace GET /u/7\n")
    process.stdin.flush()
    assert "Trace #1" in process.stdout.readline() + process.stdout.readline()
    process.send_signal(sig)  # stdin stays open: the console is waiting for its next line
    try:
        _, errors = process.communicate(timeout=20)
    finally:
        if process.returncode is None:
            process.kill()
    assert process.returncode == 0, errors
    assert "Traceback" not in errors
    with sqlite3.connect(db) as connection:
        [(traces,)] = connection.execute("SELECT count(*) FROM traces")
    assert traces == 1
