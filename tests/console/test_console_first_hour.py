"""A new learner's first hour in `rungs console`, as a script on standard input with a real
SQLite file: the path, the recommended first drill and why, a hint, the reveal noting it, the
next rung, a review of misses, an interview date, reminders, progress per topic with the
streak freeze, the boards per period, and the cluster's history with undo."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

RUNGS = Path(sys.executable).parent / "rungs"
pytestmark = pytest.mark.skipif(
    not RUNGS.exists(), reason=f"the rungs console script is not installed at {RUNGS}"
)

SCRIPT = """\
/drill list
/learn two-ways-to-scale
/drill
/hint
/answer profile it first to confirm it is cpu-bound, then scale up to a bigger instance
/hint
/reveal
/rate hard
/drill
/reveal
/review misses
/answer bananas
/review skip
/review stop
/settings interview=2099-01-01
/settings reminders=daily 08:30
/progress
/leaderboard day
/leaderboard month
/path now
/cluster set servers=3
/cluster kill app-2
/cluster history
/cluster undo
/cluster undo
/cluster undo
"""


def test_a_learners_first_hour(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(RUNGS), "console", "--db", str(tmp_path / "rungs.db"), "--user", "alice"],
        input=SCRIPT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    replies = done.stdout.rstrip("\n").split("\n\n")
    assert len(replies) == len(SCRIPT.splitlines())
    (
        path,
        lesson,
        first,
        hint,
        _,
        second_hint,
        reveal,
        rated,
        second,
        _,
        review,
        missed,
        skipped,
        stopped,
        interview,
        reminders,
        progress,
        day,
        month,
        bad,
        _,
        _,
        history,
        undo_kill,
        undo_set,
        nothing,
    ) = replies
    assert path.startswith("Your path up the scaling ladder")
    assert "Next: One app server at 80% CPU (a-cpu-at-80)." in path
    assert "7. Beyond the ladder" in path
    assert lesson.startswith("Two ways to scale")
    assert "Next on your path: It is the first rung of the ladder: Two ways to scale." in first
    assert hint.startswith("Hint 1 of 3: ")
    assert second_hint.startswith("Hint 2 of 3: ")
    assert "Hints: You took 2 hints on this drill" in reveal
    assert rated.startswith("Next review of One app server at 80% CPU")
    assert "Drill: Session storage and statelessness" in second
    assert "the first drill of Statelessness" in second
    assert review.startswith("A review of your misses: the 5 items you missed most")
    assert missed.startswith("Not yet: ")
    assert skipped.startswith("Skipped: it comes round again later.")
    assert stopped.startswith("Review of misses stopped: 0 of 5 items covered.")
    assert "interview" in interview
    assert "Give an interview date at most two years ahead." in interview
    assert "reminders    daily at 08:30 UTC, only when a review is due" in reminders
    assert "Streak       1 day of study in a row." in progress
    assert "Streak freeze: One missed day a week" in progress
    assert "Two ways to scale  1 drill, 1 tried" in progress
    assert day.startswith("Leaderboard: today (")
    assert month.startswith("Leaderboard: this month (")
    assert "Unexpected 'now'." in bad
    assert history.startswith("Cluster history (alice's own), newest first")
    assert history.index("you: kill app-2") < history.index("you: set servers=3")
    assert undo_kill.startswith("Undone: kill app-2. Its setup is back as it was before")
    assert undo_set.startswith("Undone: set servers=3.")
    assert "Nothing to undo: every recorded change is undone already" in nothing
