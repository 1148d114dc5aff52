"""The console's history file is private: mode 0600 (an older one too), no answer's text in
it, and empty after /forget-me confirm. The real prompt_toolkit FileHistory underneath."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

pytest.importorskip("prompt_toolkit", reason="prompt_toolkit (the console's prompt) is missing")

from bot.console.history import PrivateHistory

SECRET = "my private sketch: cache then replicas"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_history_file_is_0600(tmp_path: Path) -> None:
    path = tmp_path / "data" / "history"
    PrivateHistory(path)
    assert mode(path) == 0o600


def test_an_older_world_readable_file_is_made_0600(tmp_path: Path) -> None:
    path = tmp_path / "history"
    path.write_text("\n# 2026-01-01\n+/trace GET /u/7\n")
    path.chmod(0o644)
    history = PrivateHistory(path)
    assert mode(path) == 0o600
    assert list(history.load_history_strings()) == ["/trace GET /u/7"]


@pytest.mark.parametrize("line", [f"/answer {SECRET}", f"answer {SECRET}", f"/ANSWER {SECRET}"])
def test_answers_never_reach_the_file(tmp_path: Path, line: str) -> None:
    path = tmp_path / "history"
    history = PrivateHistory(path)
    history.store_string("/trace GET /u/7")
    history.store_string(line)
    history.store_string("/reveal")
    written = path.read_text()
    assert "/trace GET /u/7" in written
    assert "/reveal" in written
    assert SECRET not in written


def test_forget_me_confirm_empties_the_history(tmp_path: Path) -> None:
    path = tmp_path / "history"
    history = PrivateHistory(path)
    for line in ("/trace GET /u/7", "/forget-me"):
        history.store_string(line)
        history.handled(line)
    assert "/trace GET /u/7" in path.read_text()  # asking is not confirming
    history.handled("/forget-me confirm")
    assert path.read_text() == ""
    assert mode(path) == 0o600
    assert list(PrivateHistory(path).load_history_strings()) == []
