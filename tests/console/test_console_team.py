"""Team study through real `rungs console` processes on one real SQLite file: a whole challenge
played from one script, nodes racing for the same due reveals, and a node killed with SIGKILL
mid-challenge whose reveal comes, once and marked late, from the next start.

The consoles run on a stepped clock (`--start-at`): time moves only with `:wait`, at once, so a
10-second challenge takes no real time and every run prints the same.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.content.loader import Content
from engine.ports import FixedClock
from engine.storage.sqlite import SqliteStore
from engine.tutor import Actor, Tutor

RUNGS = Path(sys.executable).parent / "rungs"
pytestmark = pytest.mark.skipif(
    not RUNGS.exists(), reason=f"the rungs console script is not installed at {RUNGS}"
)
REVEAL = "together you covered"
START = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("RUNGS_")}


def console(db: Path, *, user: str = "alice", at: datetime = START) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(RUNGS), "console", "--db", str(db), "--user", user, "--start-at", at.isoformat()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(),
    )


def finish(process: subprocess.Popen[str], script: str = "") -> str:
    out, err = process.communicate(script, timeout=60)
    assert process.returncode == 0, err
    assert err == ""
    return out


def test_a_team_plays_a_whole_challenge_from_one_script(tmp_path: Path) -> None:
    script = "\n".join(
        [
            ":channel study",
            "/challenge start a-cpu-at-80 10s",
            "/answer profile first; scale up to a bigger instance; 80% leaves no headroom",
            ":user bob",
            "/challenge join",
            "/answer then scale out behind a load balancer, stateless, sessions in redis",
            ":user carol",
            "/challenge status",
            ":wait 11",
            "/leaderboard",
            "/challenge status",
            "",
        ]
    )
    out = finish(console(tmp_path / "team.db"), script)
    assert "Team challenge: One app server at 80% CPU" in out
    assert "  alice  answered\n  bob    answered" in out
    before, marker, after = out.partition("[scheduled post in #study]\n")
    assert marker, out
    assert "(waiting 11s)" in before
    assert after.count(REVEAL) == 1
    reveal, _, rest = after.partition("\n\n")
    assert "alice  covered" in reveal
    assert "bob    covered" in reveal
    assert "Nobody covered: " in reveal
    assert "Late by" not in reveal
    assert "1. alice" in rest  # the leaderboard, after the reveal
    assert "No team challenge is running here" in rest


async def test_two_nodes_racing_deliver_each_reveal_once(tmp_path: Path, content: Content) -> None:
    """One reveal fell due while nothing ran (both nodes' start-up sweeps race for it), the
    other falls due while both run."""
    db = tmp_path / "race.db"
    now = START
    store = await SqliteStore.open(db)
    for channel, ago in (("overdue", timedelta(seconds=40)), ("soon", timedelta(seconds=7))):
        tutor = Tutor(store, content, FixedClock(now - ago))
        actor = Actor("console", "local", "alice", "alice", channel)
        await tutor.handle_text(actor, "/challenge start a-cpu-at-80 10s")
        await tutor.handle_text(actor, "/answer scale up to a bigger instance")
    await store.close()

    nodes = [console(db), console(db, user="bob")]
    outputs = [finish(node, ":wait 5\n") for node in nodes]
    both = "".join(outputs)
    assert both.count(REVEAL) == 2, outputs
    assert both.count("[scheduled post in #overdue, late]") == 1, outputs
    assert both.count("[scheduled post in #soon]") == 1, outputs  # on time


def test_a_node_killed_mid_challenge_reveals_late_on_the_next_start(tmp_path: Path) -> None:
    db = tmp_path / "kill.db"
    node = console(db)
    assert node.stdin is not None
    assert node.stdout is not None
    node.stdin.write(":channel study\n/challenge start a-cpu-at-80 10s\n/answer scale up first\n")
    node.stdin.flush()
    seen = ""
    while "Added to your answer" not in seen:
        line = node.stdout.readline()
        assert line, seen
        seen += line
    node.kill()  # SIGKILL, before the deadline: no clean-up of any kind
    node.wait(timeout=10)
    assert REVEAL not in seen

    # 16 s on: past the deadline and its 5 s of grace, so the next node posts it late.
    later = START + timedelta(seconds=16)
    out = finish(console(db, at=later))
    assert out.startswith("[scheduled post in #study, late]\nLate by 6s: ")
    assert out.count(REVEAL) == 1
    assert "alice  covered" in out
    assert finish(console(db, at=later)) == ""  # a third start posts nothing more


def test_a_long_wait_posts_what_falls_due_during_it_on_time(tmp_path: Path) -> None:
    """`:wait` on the stepped clock moves time on to each due instant in turn: a reveal due
    10 s into a 600 s wait, and a review reminder due at 08:30 of the day after, are posted
    when they fall due, neither "late, while Rungs was not running" nor skipped as stale."""
    script = "\n".join(
        [
            "/drill a-cpu-at-80",
            "/answer scale up first",
            "/reveal",
            "/rate again",  # due again in a day: Sunday 09:00
            "/settings reminders=daily 09:30",
            ":channel study",
            "/challenge start a-cpu-at-80 10s",
            "/answer scale up to a bigger instance",
            ":wait 600",
            *[":wait 3600"] * 25,  # to Sunday 10:10, past the reminder's 09:30
            "",
        ]
    )
    out = finish(console(tmp_path / "wait.db"), script)
    assert out.count(REVEAL) == 1, out
    assert "[scheduled post in #study]\n" in out, out
    assert "[scheduled post for alice only]\n1 review is due: One app server at 80% CPU" in out
    assert "Late by" not in out, out
    assert ", late]" not in out, out
