"""A piped console run survives input that is not UTF-8: the bad line is answered like any
other, and the lines after it run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

RUNGS = Path(sys.executable).parent / "rungs"


@pytest.mark.skipif(not RUNGS.exists(), reason=f"the rungs console script is not at {RUNGS}")
def test_an_invalid_byte_on_a_piped_stdin_gets_an_answer_and_the_run_goes_on(
    tmp_path: Path,
) -> None:
    """One byte that is not UTF-8, in the middle of a script, on a strict-UTF-8 stdin."""
    script = b"/learn\n/trace GET /u/\xff7\n/progress\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNGS_")}
    env["PYTHONIOENCODING"] = "utf-8:strict"
    done = subprocess.run(
        [str(RUNGS), "console", "--db", str(tmp_path / "rungs.db")],
        input=script,
        capture_output=True,
        timeout=60,
        env=env,
        check=False,
    )
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode()
    assert "Traceback" not in done.stderr.decode()
    replies = out.strip().split("\n\n")
    assert len(replies) >= 3, out
    assert "A path may hold" in out  # the broken line got its own usage reply
    assert "drills" in replies[-1].lower() or "progress" in replies[-1].lower()
