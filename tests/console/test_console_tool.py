"""The console and the command line as a tool (issue 16, item 6), the way a user meets them:
the installed `rungs` script, piped scripts, and a pseudo-terminal for what only a terminal
has (folding at its width, Tab completion)."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import pytest
from console_runs import RUNGS, Terminal, console, rungs

pytestmark = pytest.mark.skipif(
    not RUNGS.exists(), reason=f"the rungs console script is not installed at {RUNGS}"
)

FIRST_STEP = re.compile(r"^1/11 GET /u/7: the load balancer routes to app server 0", re.M)


def test_version_prints_the_installed_version() -> None:
    run = rungs("--version")
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"rungs {version('rungs')}\n"


def test_trace_takes_the_request_quoted_or_not(tmp_path: Path) -> None:
    unquoted = rungs("trace", "--db", tmp_path / "a.db", "GET", "/u/7")
    quoted = rungs("trace", "--db", tmp_path / "b.db", "GET /u/7")
    assert unquoted.returncode == quoted.returncode == 0, unquoted.stderr + quoted.stderr
    assert FIRST_STEP.search(unquoted.stdout), unquoted.stdout
    assert FIRST_STEP.search(quoted.stdout), quoted.stdout
    wrong = rungs("trace", "--db", tmp_path / "c.db", "GET", "u/7")
    assert wrong.returncode == 1
    assert "A path starts with a slash" in wrong.stdout


def test_help_lists_the_console_lines_and_explains_one(tmp_path: Path) -> None:
    run = console(tmp_path / "x.db", "/help\n/help :wait\n/help :nope\n")
    assert run.returncode == 0, run.stderr
    listing, wait, nope = run.replies  # the console's lines are part of /help's one reply
    assert "/trace <METHOD> <path>" in listing  # the engine's help, then the console's own
    for line in (":user NAME", ":channel [NAME]", ":wait SECONDS"):
        assert line in listing, listing
    assert "ends in \\ goes on into the next one" in listing
    assert "/answer alone reads your text" in listing
    assert wait.startswith(":wait SECONDS: pause while scheduled posts fall due"), wait
    assert nope.startswith("! There is no console line :nope."), nope


def test_help_explains_a_subcommand_in_full(tmp_path: Path) -> None:
    run = console(tmp_path / "x.db", "/help cluster kill\n/help cluster\n/help cluster klil\n")
    kill, cluster, typo = run.replies
    assert kill.splitlines()[:2] == [
        "/cluster kill: crash a node (an app server's process, or its whole host)",
        "/cluster kill <node> [process|host]",
    ]
    assert re.search(r"^  node +a node: lb, app-0", kill, re.M), kill
    assert re.search(r"^  mode +process: refused at once", kill, re.M), kill
    assert "/cluster kill app-1 host" in kill
    assert "/help cluster <subcommand>" in cluster
    assert typo.startswith("! /cluster has no 'klil'. Did you mean /help cluster kill?"), typo


def test_a_bare_request_suggests_the_trace(tmp_path: Path) -> None:
    run = console(tmp_path / "x.db", "GET /u/7\nput /u/7\n/u/7\n/cluster show\n")
    get, put, path, show = run.replies
    assert get.splitlines()[0] == "! That reads as a request. Did you mean /trace GET /u/7?"
    assert "Did you mean /trace PUT /u/7?" in put
    assert "Did you mean /trace GET /u/7?" in path
    assert "0 requests" in show  # none of them ran


def test_time_zones_in_any_case_and_a_city_gets_its_zone(tmp_path: Path) -> None:
    script = "/settings tz=europe/berlin\n/settings tz=utc\n/settings tz=berlin\n/settings\n"
    berlin, utc, city, shown = console(tmp_path / "x.db", script).replies
    assert re.search(r"^  tz +Europe/Berlin$", berlin, re.M), berlin
    assert re.search(r"^  tz +UTC$", utc, re.M), utc
    assert city.startswith("! 'berlin' is a city, not a time zone: write Europe/Berlin."), city
    assert re.search(r"^  tz +UTC$", shown, re.M), shown  # the refusal changed nothing


def test_cluster_set_refuses_a_key_twice_and_the_other_balancers_settings(
    tmp_path: Path,
) -> None:
    script = (
        "/cluster set servers=3 servers=4\n"
        "/cluster set max_fails=3\n"
        "/cluster set balancer=nginx retries=2\n"
        "/cluster show\n"
        "/cluster set balancer=nginx max_fails=3\n"
    )
    twice, foreign, both, show, fine = console(tmp_path / "x.db", script).replies
    assert twice.startswith("! servers is given twice, as servers=3 and servers=4"), twice
    assert foreign.startswith("! max_fails: nginx setting, and this cluster models HAProxy"), (
        foreign
    )
    assert "add balancer=nginx to the same line" in foreign
    assert both.startswith("! retries: HAProxy setting, but this line sets balancer=nginx"), both
    assert "[lb] haproxy" in show  # nothing was applied
    assert "app-2" in show
    assert "app-3" not in show
    assert fine.startswith("Cluster updated: balancer=nginx, max_fails=3."), fine


def test_counts_take_the_right_noun(tmp_path: Path) -> None:
    run = console(tmp_path / "x.db", "/cluster show\n/trace GET /u/7\n/cluster show\n")
    before, _, after = run.replies
    assert "0 requests · 0 DB reads · 0 DB writes" in before
    assert "1 request · 1 DB read · 0 DB writes" in after
    assert "(s)" not in run.stdout


# --- several lines to one command -----------------------------------------------------------


def test_answer_alone_reads_the_lines_up_to_a_blank_one(tmp_path: Path) -> None:
    script = (
        "/drill b-read-ladder\n"
        "/answer\n"
        "cache reads first, cache-aside\n"
        "# a line that starts like a comment is part of the text\n"
        "then read replicas behind an internal balancer\n"
        "\n"
        "/reveal\n"
    )
    run = console(tmp_path / "x.db", script)
    assert run.returncode == 0, run.stderr
    _, opened, added, revealed = run.replies
    assert opened == "(/answer: type your text; a blank line sends it)"
    text = (
        "cache reads first, cache-aside\n# a line that starts like a comment is part of the "
        "text\nthen read replicas behind an internal balancer"
    )
    assert f"Added to your sketch ({len(text)} characters so far)" in added, added
    assert "[x] Rung 1: put a cache in front" in revealed
    assert "[x] Rung 2: read replicas" in revealed


def test_an_empty_answer_sends_nothing_and_the_end_of_input_sends_what_is_open(
    tmp_path: Path,
) -> None:
    script = "/drill b-read-ladder\n/answer\n\n/answer\nshard the writes"  # no final newline
    run = console(tmp_path / "x.db", script)
    _, _, empty, _, added = run.replies
    assert empty == "(nothing sent: the /answer text was empty)"
    assert "Added to your sketch (16 characters so far)" in added, added


def test_a_backslash_continues_a_line(tmp_path: Path) -> None:
    run = console(tmp_path / "x.db", "/trace GET \\\n   /u/7\n/cluster set servers=4 \\\n")
    trace, changed = run.replies
    assert FIRST_STEP.search(trace), trace
    assert changed.startswith("Cluster updated: servers=4"), changed  # closed at the end


# --- on a terminal ------------------------------------------------------------------------------


@pytest.fixture
def terminal(tmp_path: Path) -> Terminal:
    term = Terminal(tmp_path / "t.db", columns=60)
    term.read("Tab completes")
    return term


def test_the_banner_points_a_new_learner_at_the_path(tmp_path: Path) -> None:
    term = Terminal(tmp_path / "t.db", columns=200)
    term.read("Tab completes")
    term.type("/path\r", until="Your path up the scaling ladder")
    assert term.close() == 0
    assert "/path (the drills in ladder order), /drill" in term.text


def test_replies_fold_at_the_terminal_width(terminal: Terminal) -> None:
    terminal.type("/trace GET /u/7\r", until="so far 0/1 (0%)")
    terminal.type("/cluster show\r", until="seed 1")
    assert terminal.close() == 0
    screen = terminal.text
    reply = screen[screen.index("Trace #1") : screen.index("Cluster (al's own)")]
    assert all(len(line) <= 60 for line in reply.splitlines()), reply
    assert re.search(
        r"^1/11 GET /u/7: the load balancer routes to app server 0\n {5}\S", reply, re.M
    )
    # the diagram is preformatted: it keeps its lines, however wide
    diagram = screen[screen.index("Cluster (al's own)") :]
    assert any(len(line) > 60 for line in diagram.splitlines()), diagram


def test_tab_completes_commands_subcommands_and_content_ids(terminal: Terminal) -> None:
    # Each Tab is followed by a quiet moment (the completion lands), and each line's reply
    # proves what the Tabs made of it: the screen itself is redrawn piecemeal.
    for keys in ("/lear\t", " statel\t"):
        terminal.type(keys)
    terminal.type("\r", until="Why app servers should hold no session state")
    for keys in ("/clu\t", " ki\t"):
        terminal.type(keys)
    terminal.type(" app-1\r", until="app-1's process has crashed")
    terminal.type("/drill b-read-l\t")
    terminal.type("\r", until="Drill: Scale the reads")
    terminal.type("/answer\r", until="blank line sends it")
    terminal.type("cache first\r", until="...")
    terminal.type("\r", until="Added to your sketch (11 characters so far)")
    assert terminal.close() == 0
