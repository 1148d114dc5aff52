"""The interactive console (a prompt on a terminal) stops on SIGTERM as the piped one does:
the prompt is left, the terminal put back, the sweeper stopped, what was answered is in the
store, and it exits 0 with no traceback (without its handler it exited 1)."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from pathlib import Path

from console_runs import Terminal


def exit_code(terminal: Terminal, timeout: float = 20) -> int | None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        terminal.read(timeout=0.2)  # keep the pty drained while it winds down
        pid, status = os.waitpid(terminal._pid, os.WNOHANG)
        if pid:
            return os.waitstatus_to_exitcode(status)
    return None


def test_sigterm_ends_an_interactive_console_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "console.db"
    terminal = Terminal(db)
    code = None
    try:
        terminal.read("al@~>")
        terminal.type("/trace GET /u/7\r", until="Trace #1")
        terminal.type("/settings tz=Europe/Berlin\r", until="Saved.")
        os.kill(terminal._pid, signal.SIGTERM)  # waiting at the prompt, as a session ends
        code = exit_code(terminal)
    finally:
        if code is None:  # still running (or never got that far): end the one we started
            os.kill(terminal._pid, signal.SIGKILL)
            os.waitpid(terminal._pid, 0)
        os.close(terminal._fd)
    assert code == 0, terminal.text
    assert "Traceback" not in terminal.text
    with sqlite3.connect(db) as connection:
        [(traces,)] = connection.execute("SELECT count(*) FROM traces")
        [(tz,)] = connection.execute("SELECT tz FROM user_settings")
    assert (traces, tz) == (1, "Europe/Berlin")
