"""The issue's own examples typed into a real `rungs console`: what each reveal says (the three
verdicts with the learner's clause, traps with theirs, the bare-list note, the attempt's
numbers), the rating that follows the verdict, and a team challenge where a buzzword list
meets a real answer."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

RUNGS = Path(sys.executable).parent / "rungs"
pytestmark = pytest.mark.skipif(
    not RUNGS.exists(), reason=f"the rungs console script is not installed at {RUNGS}"
)
BARE_LIST = "peak index cache redis hit ratio ttl stampede replica lag cdn shard"
ALL_NEGATIVE = (
    "We don't need a cache, and we will not use replicas. No CDN. Never shard. Don't tune "
    "indexes. TTL is pointless, lag is irrelevant."
)
READ_YOUR_WRITES = (
    "Replicas are a bit behind, so after a user writes, route their reads to the primary for a "
    "couple of seconds"
)
EXAMPLES = (  # (drill, sketch), in the order the reveals come out
    ("b-read-ladder", BARE_LIST),
    ("b-read-ladder", ALL_NEGATIVE),
    ("b-read-ladder", READ_YOUR_WRITES),
    ("b-read-ladder", "copies of the main database that stream its changes"),
    ("b-read-ladder", "add a cashe in front of the db"),
    ("b-read-ladder", "peak"),
    ("b-read-ladder", "I would shard the database first"),
    ("d-write-scaling", "Add read replicas so each replica takes a share of the writes"),
    ("d-write-scaling", "Switch to multi-master"),
    ("d-write-scaling", "I would not use multi-master"),
    ("e08-db-failover", "with synchronous replication to a quorum, no data is lost"),
    ("e05-sessions", "balance source is bad because of NAT"),
    ("a-cpu-at-80", "sticky sessions solve nothing here"),
)
HEADING = re.compile(r"^.+: covered (\d+)/(\d+)$", re.MULTILINE)


def console(db: Path, lines: list[str]) -> str:
    done = subprocess.run(
        [str(RUNGS), "console", "--db", str(db), "--user", "alice"],
        input="\n".join([*lines, ""]),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


def replies(out: str) -> list[str]:
    return out.split("\n\n")


@pytest.fixture(scope="module")
def reveals(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    lines = []
    for drill, sketch in EXAMPLES:
        lines += [f"/drill {drill}", f"/answer {sketch}", "/reveal", "/rate again"]
    out = console(tmp_path_factory.mktemp("reveal") / "r.db", lines)
    found = [r for r in replies(out) if HEADING.match(r)]
    assert len(found) == len(EXAMPLES), out
    return found


def covered(reveal: str) -> int:
    match = HEADING.match(reveal)
    assert match is not None
    return int(match.group(1))


def test_a_bare_list_of_terms_earns_nothing_and_is_told_why(reveals: list[str]) -> None:
    reveal = reveals[0]
    assert reveal.startswith("Scale the reads: covered 0/10")
    assert "A list of terms is not a design: say what each does and why." in reveal
    assert "[ ] Rung 1: put a cache in front: named only in a list of terms" in reveal
    assert "Suggested rating: again (a list of terms earns little)" in reveal


def test_naming_the_ideas_only_to_reject_them_contradicts_them(reveals: list[str]) -> None:
    reveal = reveals[1]
    assert covered(reveal) <= 1
    assert "[!] Rung 1: put a cache in front: “We don't need a cache" in reveal
    assert "[!] Edge and HTTP caching: “No CDN”: contradicts it" in reveal
    assert "[!] Rung 0: tune the database: “Don't tune indexes”" in reveal
    assert reveal.count("[!] ") >= 4
    assert "Study list: Rung 0: tune the database; " in reveal  # contradicted ones first


def test_paraphrases_and_typos_earn_their_item_with_the_clause_quoted(
    reveals: list[str],
) -> None:
    assert "[x] Replication lag: “Replicas are a bit behind”" in reveals[2]
    quoted = "[x] Rung 2: read replicas: “copies of the main database that stream its changes”"
    assert quoted in reveals[3]
    assert "[x] Rung 1: put a cache in front: “add a cashe in front of the db”" in reveals[4]


def test_a_word_is_not_the_math_and_the_model_answer_uses_the_drawn_numbers(
    tmp_path: Path,
) -> None:
    out = console(tmp_path / "m.db", ["/drill b-read-ladder", "/answer peak", "/reveal"])
    prompt, reveal = replies(out)[0], next(r for r in replies(out) if HEADING.match(r))
    drawn = re.search(r"at (\d+k) QPS", prompt)
    assert drawn is not None
    assert covered(reveal) == 0
    assert "[ ] Do the math first: " in reveal
    assert "Expected: reads per second ≈ " in reveal
    assert "A strong answer: I would start with the math" in reveal
    assert f"at {drawn.group(1)} QPS and" in reveal.split("A strong answer: ")[1]


def test_a_trap_and_the_item_it_opposes_never_both_tick(reveals: list[str]) -> None:
    shard = reveals[6]
    assert (
        "[!] Rung 3 is sharding, and it is not for reads: “I would shard the database first”"
        in (shard)
    )
    assert "Trap: Sharding first. You wrote “I would shard the database first”." in shard
    assert "[x] Rung 3" not in shard
    writes = reveals[7]
    wrong = "[!] Replicas and caches do not add write capacity: “so each replica takes a share"
    assert wrong in writes
    assert "Trap: Adding read replicas or a cache for a write bottleneck." in writes
    assert covered(writes) == 0  # "a share of the writes" is said of replicas, not shards


def test_switching_to_multi_master_and_refusing_it_differ(reveals: list[str]) -> None:
    switch, refuse = reveals[8], reveals[9]
    assert "Trap: Multi-master as the easy fix. You wrote “Switch to multi-master”." in switch
    assert "Trap:" not in refuse
    assert covered(switch) == 0
    assert covered(refuse) == 0  # right, but it names no off-the-shelf distributed database
    assert "[!]" not in refuse


def test_correct_statements_spring_no_trap(reveals: list[str]) -> None:
    for reveal in reveals[10:]:
        assert "Trap:" not in reveal, reveal.splitlines()[0]
    assert "[!]" not in reveals[10]  # synchronous replication: no data lost is no wrong idea


def test_the_rating_follows_the_verdict(tmp_path: Path) -> None:
    out = console(
        tmp_path / "rate.db",
        [
            "/drill b-read-ladder",
            f"/answer {BARE_LIST}",
            "/reveal",
            "/rate easy",
            "/rate easy confirm",
            "/drill b-read-ladder",
            f"/answer {READ_YOUR_WRITES}",
            "/reveal",
            "/rate",
        ],
    )
    assert "! You rated Scale the reads easy, but your sketch covered 0 of 10" in out
    assert "/rate easy confirm" in out
    assert re.search(
        r"Next review of Scale the reads: in 8 day.*rated easy \(the reveal suggested again\)", out
    )
    assert re.search(
        r"Next review of Scale the reads: in 1 day.*rated again \(as the reveal suggested\)", out
    )


def test_a_buzzword_list_scores_far_below_a_real_answer_in_a_team_challenge(
    tmp_path: Path,
) -> None:
    real = (
        "Math first: split QPS into reads and writes. Tune the database: add indexes and fix "
        "slow queries. Put a Redis cache in front (cache-aside), so the database only sees the "
        "misses. Delete the key on write and keep a TTL as a backstop. Guard against "
        "stampedes with single-flight and jittered TTLs. Then add read replicas behind a load "
        "balancer; replicas lag, so read your own writes from the primary for a few seconds. "
        "Put public pages on a CDN. Shard only when the writes outgrow one primary."
    )
    out = console(
        tmp_path / "team.db",
        [
            ":channel study",
            "/challenge start b-read-ladder 5m",
            f"/answer {BARE_LIST}",
            ":user bob",
            f"/answer {real}",
            ":user alice",
            "/challenge end",
            "/leaderboard",
        ],
    )
    reveal = next(r for r in replies(out) if "together you covered" in r)
    points = dict(re.findall(r"^  (alice|bob) .*?(\d+) points", reveal, re.MULTILINE))
    assert "a list of terms" in reveal
    assert int(points["alice"]) == 0
    assert int(points["bob"]) >= 6
    board = next(r for r in replies(out) if r.startswith("Leaderboard"))
    assert board.index("1. bob") < board.index("2. alice")
