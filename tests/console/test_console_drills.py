"""A team drilling through the console, as a script: drill, answer, reveal, rate; a restart;
/progress still shows it all; /forget-me empties it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

RUNGS = Path(sys.executable).parent / "rungs"
pytestmark = pytest.mark.skipif(
    not RUNGS.exists(), reason=f"the rungs console script is not installed at {RUNGS}"
)


def console(db: Path, script: str) -> str:
    done = subprocess.run(
        [str(RUNGS), "console", "--db", str(db), "--user", "alice"],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


def test_a_team_drills_and_progress_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    first = console(
        db,
        "\n".join(
            [
                "/drill a-cpu-at-80",
                "/answer profile it first; scale up to a bigger instance; 80% leaves no headroom",
                "/answer then scale out behind a load balancer, stateless, redis sessions",
                "/reveal",
                "/rate good",
                ":user bob",
                "/answer nothing running yet",
                "/drill c-lb-ha",
                "/reveal",
                "/rate again",
                "/rate again",
                "",
            ]
        ),
    )
    assert "Drill: One app server at 80% CPU" in first
    assert "covered" in first
    assert "Next review of" in first
    assert "No drill is running" in first  # bob's /answer before his drill
    assert "Rate a drill right after its /reveal" in first  # bob rates twice

    second = console(db, "/progress\n:user bob\n/progress\n")
    alice, bob = second.split("Your progress")[1:3]
    assert "Drills done  1" in alice
    assert "One app server at 80% CPU" in alice
    assert "covered 0/10" in bob

    third = console(db, "/forget-me\n/forget-me confirm\n/progress\n:user bob\n/progress\n")
    assert "about you deleted" in third
    assert "No drills yet" in third
    assert third.count("Drills done") == 1  # bob's progress is untouched
