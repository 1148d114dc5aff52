"""The console the way a user runs it: the installed `rungs` script, a real SQLite file, a
script on standard input, and the text that comes back.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

RUNGS = Path(sys.executable).parent / "rungs"
CONTENT = Path(__file__).resolve().parents[2] / "content"

pytestmark = pytest.mark.skipif(
    not RUNGS.exists(), reason=f"the rungs console script is not installed at {RUNGS}"
)

FIRST_STEP = (
    "1/11 GET /u/7: the load balancer routes to app server 0 (round-robin). "
    "Servers are stateless, so any one can serve it."
)


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def replies(self) -> list[str]:
        """Each reply, as printed: the console ends every reply with a blank line."""
        assert self.stdout.endswith("\n\n"), self.stdout[-200:]
        return self.stdout[: -len("\n\n")].split("\n\n")


def clean_env() -> dict[str, str]:
    """The user's environment minus any Rungs settings, so the test only sees its own files."""
    return {k: v for k, v in os.environ.items() if not k.startswith("RUNGS_")}


def rungs(*args: str | Path, stdin: str = "") -> Run:
    done = subprocess.run(
        [str(RUNGS), *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=clean_env(),
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def console(db: Path, script: str, *extra: str) -> Run:
    return rungs("console", "--db", db, "--user", "alice", *extra, stdin=script)


def commands_in(script: str) -> list[str]:
    """The lines that get a reply: everything but blank lines and comments."""
    return [
        line for line in script.splitlines() if line.strip() and not line.strip().startswith("#")
    ]


def step_lines(reply: str) -> list[str]:
    return [line for line in reply.splitlines() if re.match(r"^\d+/\d+ ", line)]


def served_by(reply: str) -> str:
    """The app server named by the first step: 'routes to app server N'."""
    match = re.search(r"routes to app server (\d+)", reply)
    assert match, reply
    return f"app-{match.group(1)}"


def is_hit(reply: str) -> bool:
    summary = reply.splitlines()[-1]
    assert "cache HIT" in summary or "cache MISS" in summary, summary
    return "cache HIT" in summary


def assert_usage_reply(reply: str, *, usage: str) -> None:
    """A bad line gets '! reason' on one line, then the usage, and nothing else."""
    lines = reply.splitlines()
    assert len(lines) == 2, reply
    assert lines[0].startswith("! "), reply
    assert len(lines[0]) < 200, reply
    assert usage in lines[1], reply
    assert "Traceback" not in reply
    assert "Something went wrong" not in reply


# --- a whole scripted session ---------------------------------------------------------------

SESSION = """\
# alice in her own space: a cold read, then the warm cache
/trace GET /u/7

/trace GET /u/7
/cluster kill app-1
# the health-check window: app-1 is dead but still in rotation
/trace GET /u/8
/trace GET /u/9
/trace GET /u/10
/cluster wait 6
/trace GET /u/11
/trace GET /u/12
/cluster show
   # bad input, each answered on its own
/tarce
/trace FETCH /u/7
/cluster set servers=0
{long_line}
/trace GET /u/7\x07\x07
/cluster show
:user bob
:channel study
/trace GET /u/7
:user alice
/trace GET /u/7
:channel
/trace GET /u/7
:user bob
/trace GET /u/7
"""


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[str], Run]:
    db = tmp_path_factory.mktemp("console") / "x.db"
    script = SESSION.format(long_line="x" * 100_000)
    run = console(db, script)
    lines = commands_in(script)
    return lines, run.replies, run


def reply_to(session: tuple[list[str], list[str], Run], index: int) -> str:
    lines, replies, _ = session
    assert len(replies) == len(lines), (len(replies), len(lines))
    return replies[index]


def test_the_session_exits_0_with_one_reply_per_command(
    session: tuple[list[str], list[str], Run],
) -> None:
    lines, replies, run = session
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    # Comments and blank lines get no reply; every other line gets exactly one, followed by a
    # blank line.
    assert len(replies) == len(lines)
    assert all(reply.strip() for reply in replies)
    assert "\n\n\n" not in run.stdout
    assert "Something went wrong" not in run.stdout
    assert "Traceback" not in run.stdout


def test_the_first_trace_is_a_cold_read_down_to_the_database(
    session: tuple[list[str], list[str], Run],
) -> None:
    reply = reply_to(session, 0)
    assert reply.splitlines()[0] == "Trace #1: GET /u/7 by alice"
    steps = step_lines(reply)
    assert len(steps) == 11
    assert [s.split(" ", 1)[0] for s in steps] == [f"{k}/11" for k in range(1, 12)]
    assert steps[0].startswith(FIRST_STEP), steps[0]
    assert "MISS" in reply
    assert not is_hit(reply)
    assert "SELECT" in reply
    assert "database queries: 1" in reply.splitlines()[-1]


def test_the_repeat_is_a_warm_cache_hit_on_the_next_server(
    session: tuple[list[str], list[str], Run],
) -> None:
    reply = reply_to(session, 1)
    assert reply.splitlines()[0] == "Trace #2: GET /u/7 by alice"
    assert served_by(reply) == "app-1"
    assert is_hit(reply)
    assert "HIT" in reply
    assert "SELECT" not in reply  # no database query at all
    assert "replica-0" not in reply
    assert "db" not in reply.split()
    summary = reply.splitlines()[-1]
    assert "database queries: 0" in summary
    assert "1/2" in summary  # the hit ratio so far
    total = len(step_lines(reply))
    assert total < 11
    assert all(
        line.split(" ", 1)[0] == f"{k}/{total}" for k, line in enumerate(step_lines(reply), 1)
    )


def test_killing_a_server_explains_the_health_check_window(
    session: tuple[list[str], list[str], Run],
) -> None:
    reply = reply_to(session, 2)
    assert "app-1" in reply
    assert "health check" in reply
    assert "/cluster wait" in reply


def test_requests_in_the_window_still_reach_the_dead_server_and_are_retried(
    session: tuple[list[str], list[str], Run],
) -> None:
    window = [reply_to(session, i) for i in (3, 4, 5)]
    routed = [served_by(reply) for reply in window]
    assert routed == ["app-2", "app-0", "app-1"]  # the rotation does not know app-1 is dead
    retried = window[2]
    assert "app-1 refuses the connection" in retried
    assert re.search(r"^\d+/\d+ lb retries on app server [02]\b", retried, re.MULTILINE)
    assert "200 OK" in retried
    assert "failed" not in retried.splitlines()[-1]
    for reply in window[:2]:
        assert "lb retries" not in reply


def test_after_the_wait_the_balancer_skips_the_dead_server(
    session: tuple[list[str], list[str], Run],
) -> None:
    wait = reply_to(session, 6)
    assert "app-1" in wait
    assert "marks it DOWN" in wait
    for index in (7, 8):
        reply = reply_to(session, index)
        assert "skipping app-1" in reply
        assert served_by(reply) != "app-1"
        assert "app-1 refuses the connection" not in reply
        assert "lb retries" not in reply


def test_cluster_show_draws_app_1_down(session: tuple[list[str], list[str], Run]) -> None:
    diagram = reply_to(session, 9)
    assert re.search(r"\bapp-1\b.*\bDOWN\b", diagram), diagram
    assert re.search(r"\bapp-0\b\s+up\b", diagram), diagram
    assert re.search(r"\bapp-2\b\s+up\b", diagram), diagram
    for tier in ("[lb]", "[cache]", "[db]"):
        assert tier in diagram


@pytest.mark.parametrize(
    ("index", "reason", "usage"),
    [
        (10, "Did you mean /trace?", "/help"),
        (11, "FETCH", "/trace <METHOD> <path>"),
        (12, "1 to 16", "/cluster set"),
        (13, "100,000", "/help"),
        (14, "control characters", "/help"),
    ],
)
def test_bad_lines_get_a_one_line_reason_and_the_usage(
    session: tuple[list[str], list[str], Run], index: int, reason: str, usage: str
) -> None:
    reply = reply_to(session, index)
    assert_usage_reply(reply, usage=usage)
    assert reason in reply.splitlines()[0]
    assert "x" * 100 not in reply  # the long line is not echoed back
    assert "\x07" not in reply


def test_bad_lines_break_nothing(session: tuple[list[str], list[str], Run]) -> None:
    # The diagram after the bad lines is the diagram before them: nothing changed.
    before, after = reply_to(session, 9), reply_to(session, 15)
    assert after == before


def test_switching_user_and_channel(session: tuple[list[str], list[str], Run]) -> None:
    assert reply_to(session, 16) == "(now speaking as bob)"
    assert reply_to(session, 17) == "(now in #study)"
    assert reply_to(session, 19) == "(now speaking as alice)"
    assert reply_to(session, 21) == "(now in your own space)"


def test_a_channel_shares_one_cluster_and_a_private_space_does_not(
    session: tuple[list[str], list[str], Run],
) -> None:
    bob_in_study = reply_to(session, 18)
    alice_in_study = reply_to(session, 20)
    alice_own = reply_to(session, 22)
    bob_own = reply_to(session, 24)
    # alice warmed /u/7 in her own space; #study has a cluster of its own, still cold.
    assert bob_in_study.startswith("Trace #1: GET /u/7 by bob")
    assert not is_hit(bob_in_study)
    assert served_by(bob_in_study) == "app-0"  # and app-1 is alive there
    # bob warmed #study's cache for alice.
    assert alice_in_study.startswith("Trace #2: GET /u/7 by alice")
    assert is_hit(alice_in_study)
    # Back in her own space, alice's cache is still warm and her numbering goes on.
    assert alice_own.startswith("Trace #8: GET /u/7 by alice")
    assert is_hit(alice_own)
    assert "skipping app-1" in alice_own
    # bob's own space is neither alice's nor #study's.
    assert bob_own.startswith("Trace #1: GET /u/7 by bob")
    assert not is_hit(bob_own)


def test_a_bad_console_line_is_answered_and_the_session_goes_on(tmp_path: Path) -> None:
    run = console(tmp_path / "x.db", ":user\n:channel #no spaces\n:shout\n/trace GET /u/7\n")
    assert run.returncode == 0
    assert len(run.replies) == 4
    for reply in run.replies[:3]:
        assert reply.startswith("! "), reply
        assert ":user NAME" in reply
    assert "by alice" in run.replies[3]


def test_an_unknown_node_gets_a_one_line_reason_and_the_usage(tmp_path: Path) -> None:
    run = console(tmp_path / "x.db", "/cluster kill app-9\n/cluster show\n")
    assert run.returncode == 0
    reply, diagram = run.replies
    assert_usage_reply(reply, usage="/cluster kill <node>")
    assert "app-9" in reply
    assert "DOWN" not in diagram


def test_empty_input_exits_0_and_prints_nothing(tmp_path: Path) -> None:
    run = console(tmp_path / "x.db", "")
    assert run.returncode == 0
    assert run.stdout == ""
    assert run.stderr == ""


def test_input_without_a_final_newline_is_still_answered(tmp_path: Path) -> None:
    run = console(tmp_path / "x.db", "# only a comment\n\n/trace GET /u/7")
    assert run.returncode == 0
    assert len(run.replies) == 1
    assert step_lines(run.replies[0])[0].startswith(FIRST_STEP)


# --- state persists across processes --------------------------------------------------------


def test_the_cluster_survives_a_restart_on_the_same_database(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    first = console(db, "/trace GET /u/7\n/cluster kill app-2\n")
    assert first.returncode == 0
    assert not is_hit(first.replies[0])

    second = console(db, "/trace GET /u/7\n/cluster show\n")
    assert second.returncode == 0, second.stderr
    trace, diagram = second.replies
    assert trace.startswith("Trace #2: GET /u/7 by alice")
    assert is_hit(trace)
    assert served_by(trace) == "app-1"  # the rotation carried on where it stopped
    assert "database queries: 0" in trace.splitlines()[-1]
    assert re.search(r"\bapp-2\b.*\bDOWN\b", diagram), diagram


def test_a_fresh_database_file_is_a_fresh_cluster(tmp_path: Path) -> None:
    console(tmp_path / "a.db", "/trace GET /u/7\n")
    run = console(tmp_path / "b.db", "/trace GET /u/7\n")
    assert not is_hit(run.replies[0])
    assert step_lines(run.replies[0])[0].startswith(FIRST_STEP)


# --- one-shot trace -------------------------------------------------------------------------


def test_one_shot_trace_prints_the_trace_and_exits_0(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    run = rungs("trace", "GET /u/7", "--db", db, "--user", "alice")
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    (reply,) = run.replies
    assert reply.startswith("Trace #1: GET /u/7 by alice")
    steps = step_lines(reply)
    assert len(steps) == 11
    assert steps[0].startswith(FIRST_STEP)
    assert "cache MISS" in reply.splitlines()[-1]

    again = rungs("trace", "GET /u/7", "--db", db, "--user", "alice")
    assert again.returncode == 0
    assert is_hit(again.replies[0])


def test_one_shot_trace_shares_the_console_cluster(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    console(db, "/trace GET /u/7\n")
    run = rungs("trace", "GET /u/7", "--db", db, "--user", "alice")
    assert is_hit(run.replies[0])


def test_one_shot_trace_of_a_bad_request_gives_the_reason(tmp_path: Path) -> None:
    run = rungs("trace", "FETCH /u/7", "--db", tmp_path / "x.db")
    (reply,) = run.replies
    assert_usage_reply(reply, usage="/trace <METHOD> <path>")
    assert "FETCH" in reply


# --- content check --------------------------------------------------------------------------


def test_content_check_of_the_shipped_content_is_ok() -> None:
    run = rungs("content", "check")
    assert run.returncode == 0, run.stderr
    assert "OK" in run.stdout
    assert run.stderr == ""


def test_content_check_of_an_intact_copy_is_ok(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    run = rungs("content", "check", folder)
    assert run.returncode == 0, run.stderr
    assert str(folder) in run.stdout
    assert "OK" in run.stdout


def _broken_copy(tmp_path: Path, *, unknown_key: bool) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    lessons_file = folder / "lessons.yaml"
    data = yaml.safe_load(lessons_file.read_text(encoding="utf-8"))
    lessons = data["lessons"]
    assert len(lessons) >= 4
    if unknown_key:
        lessons[0]["colour"] = "red"
    lessons[1]["related"] = [*lessons[1].get("related", []), "no-such-lesson"]
    lessons[2]["try"] = [lessons[2]["try"][0], "/tarce GET /u/7"]
    lessons[3]["sources"] = [*lessons[3]["sources"], "NO-SUCH-SOURCE"]
    lessons_file.write_text(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8"
    )
    return folder


def _problem_line(output: str, field: str) -> str:
    lines = [line for line in output.splitlines() if f": {field}: " in line]
    assert len(lines) == 1, f"no single line for {field} in:\n{output}"
    return lines[0]


CROSS_REFERENCE_PROBLEMS = [
    ("lessons.1.related.", "no-such-lesson"),
    ("lessons.2.try.1", "/tarce"),
    ("lessons.3.sources.", "NO-SUCH-SOURCE"),
]


def test_content_check_reports_every_cross_reference_problem(tmp_path: Path) -> None:
    folder = _broken_copy(tmp_path, unknown_key=False)
    run = rungs("content", "check", folder)
    assert run.returncode != 0
    output = run.stdout + run.stderr
    assert "OK" not in run.stdout
    for field_prefix, reason in CROSS_REFERENCE_PROBLEMS:
        line = [ln for ln in output.splitlines() if f": {field_prefix}" in ln]
        assert len(line) == 1, f"{field_prefix} missing from:\n{output}"
        assert line[0].startswith(str(folder / "lessons.yaml") + ":"), line[0]
        assert reason in line[0], line[0]
    assert "Did you mean /trace?" in _problem_line(output, "lessons.2.try.1")
    assert "3 problems in" in output


def test_content_check_reports_every_problem_of_a_file_at_once(tmp_path: Path) -> None:
    # An unknown key must not hide the other problems of the same file: a writer fixing
    # content wants the whole list in one run.
    folder = _broken_copy(tmp_path, unknown_key=True)
    run = rungs("content", "check", folder)
    assert run.returncode != 0
    output = run.stdout + run.stderr
    unknown = _problem_line(output, "lessons.0.colour")
    assert unknown.startswith(str(folder / "lessons.yaml") + ":")
    assert "not permitted" in unknown or "unknown" in unknown.lower()
    for field_prefix, reason in CROSS_REFERENCE_PROBLEMS:
        lines = [ln for ln in output.splitlines() if f": {field_prefix}" in ln and reason in ln]
        assert len(lines) == 1, f"{field_prefix} ({reason}) missing from:\n{output}"


def test_content_check_of_a_missing_folder_fails_and_names_the_files(tmp_path: Path) -> None:
    run = rungs("content", "check", tmp_path / "nowhere")
    assert run.returncode != 0
    output = run.stdout + run.stderr
    for name in ("sources.yaml", "lessons.yaml", "latency.yaml"):
        assert name in output
    assert "Traceback" not in output


def test_the_console_refuses_to_start_on_broken_content(tmp_path: Path) -> None:
    folder = _broken_copy(tmp_path, unknown_key=False)
    env = clean_env() | {"RUNGS_CONTENT_DIR": str(folder)}
    done = subprocess.run(
        [str(RUNGS), "console", "--db", str(tmp_path / "x.db")],
        input="/trace GET /u/7\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert done.returncode != 0
    assert "content check" in done.stderr
    assert "Trace #" not in done.stdout
    assert "Traceback" not in done.stderr
