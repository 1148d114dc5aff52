"""/export in the console, as a user runs it: the installed `rungs console` writes the export
into the data directory's exports folder, readable by its owner only (0600, in a 0700 folder,
even over an older file of the same name), and prints its path under the reply."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

RUNGS = Path(sys.executable).parent / "rungs"
SKETCH = "scale up first, then out behind a load balancer"
SCRIPT = f"/drill a-cpu-at-80\n/answer {SKETCH}\n/export\n"


def run(tmp_path: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNGS_")}
    env |= {"XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    done = subprocess.run(
        [str(RUNGS), "console", "--db", str(tmp_path / "rungs.db"), "--user", "ada"],
        input=SCRIPT, capture_output=True, text=True, timeout=60, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_console_writes_the_export_to_a_private_file(tmp_path: Path) -> None:
    out = run(tmp_path)
    found = re.search(r"\[file: (\S+) \((\d+ bytes|\d+ KiB), application/json, only you\)\]", out)
    assert found, out
    path = Path(found.group(1))
    assert path.name == "rungs-export-console-ada.json"
    assert path.is_relative_to(tmp_path / "data")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    doc = json.loads(path.read_text(encoding="utf-8"))
    (session,) = doc["yours"]["drill_sessions"]
    assert session["answer"] == SKETCH
    assert doc["user"] == {"platform": "console", "workspace": "local", "user_id": "ada"}
    # Run again over a file someone made readable: it is 0600 again, and rewritten.
    path.chmod(0o644)
    run(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = json.loads(path.read_text(encoding="utf-8"))
    assert again["exported_at"] > doc["exported_at"]
