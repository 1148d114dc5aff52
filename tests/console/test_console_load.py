"""The seed's four drills played through /load, /scenario and /climb in `rungs console`, the
way a user types them: the installed script, a real SQLite file, a script on standard input."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_console_script import RUNGS, commands_in, console

pytestmark = pytest.mark.skipif(
    not RUNGS.exists(), reason=f"the rungs console script is not installed at {RUNGS}"
)

SEED_DRILLS = """
# One server at 80% CPU: it holds, just, with no room for a burst or a lost node.
/cluster set servers=1
/load 1450
/scenario a-cpu-at-80
# Reads at 50k QPS with 100:1: the app servers go first, then the cache and the replicas.
/cluster reset
/load 50k reads=100:1
# Writes past one primary: replicas cannot help, a second shard does.
/cluster set servers=16 cache=10000
/load 12000 reads=1:1
# The balancer as a single point of failure.
/cluster reset
/cluster kill lb
/load 5000
/scenario lb-dies-paired
# Bad input changes nothing.
/load 0
/load 10^12
/load 5000 reads=1:0
/load 5000 zipf=-1
/scenario no-such-thing
"""


def test_the_seeds_drills_under_load(tmp_path: Path) -> None:
    run = console(tmp_path / "rungs.db", SEED_DRILLS)

    assert run.returncode == 0, run.stderr
    replies = run.replies
    assert len(replies) == len(commands_in(SEED_DRILLS))
    by_command = dict(zip(commands_in(SEED_DRILLS), replies, strict=True))
    cpu = by_command["/load 1450"]
    assert "app servers      1" in cpu
    assert " 80% " in cpu
    assert "It holds, just: app-0 runs at 80%, above the 70% target" in cpu
    assert "One node fewer in that tier and it would be past 100%." in cpu
    assert "p99 rises" in by_command["/scenario a-cpu-at-80"]
    reads = by_command["/load 50k reads=100:1"]
    assert "The app servers break first" in reads
    assert "Scale the app servers out (3 -> " in reads
    writes = by_command["/load 12000 reads=1:1"]
    assert "Shard the database (1 -> 2 shards)" in writes
    assert "replicas cannot replay 6,000 writes/s on one replay thread" in writes
    down = by_command["/load 5000"]
    assert "Requests fail outright: the balancer is down" in down
    assert "pair the balancer" in down
    assert "standby" in by_command["/scenario lb-dies-paired"]
    for bad in ("/load 0", "/load 10^12", "/load 5000 reads=1:0", "/load 5000 zipf=-1"):
        assert by_command[bad].startswith("! "), bad
        assert by_command[bad].count("\n") == 1  # one line of reason, one of usage
    assert "There is no scenario" in by_command["/scenario no-such-thing"]


CLIMB = """
/climb
/climb raise
/climb raise
/climb raise
/climb raise
/climb pick scale-out-app
/climb raise
"""


def test_a_climb_is_played_and_picked_up_again_after_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "rungs.db"
    first = console(db, CLIMB)
    assert first.returncode == 0, first.stderr
    replies = first.replies
    assert "Climb #1: 500 requests/s (step 1 of 8" in replies[0]
    assert "Climb #1: 10,000 requests/s" in replies[4]
    assert "The app servers break first" in replies[4]
    assert "Climbed: scale the app servers out" in replies[5]
    assert "The load rises to 20,000 requests/s." in replies[6]

    second = console(db, "/climb\n/climb end\n")

    assert "Climb #1: 20,000 requests/s" in second.replies[0]
    assert "Climb #1 ended." in second.replies[1]
    assert "requests/s per $1,000" in second.replies[1]
