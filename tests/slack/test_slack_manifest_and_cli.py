"""`rungs slack manifest` and the start-up checks of `rungs slack`, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.slack_app.manifest import manifest
from engine.commands.specs import COMMANDS

RUNGS = Path(sys.executable).parent / "rungs"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "RUNGS_"))}
    return subprocess.run(
        [str(RUNGS), "slack", *args],
        capture_output=True,
        text=True,
        timeout=30,
        env={**clean, **(env or {})},
        check=False,
    )


def test_the_manifest_lists_every_command_and_the_umbrella() -> None:
    commands = {c["command"] for c in manifest()["features"]["slash_commands"]}
    assert commands == {f"/{spec.name}" for spec in COMMANDS} | {"/rungs"}


def test_socket_mode_manifest_has_no_urls() -> None:
    document = manifest()
    assert document["settings"]["socket_mode_enabled"] is True
    assert "url" not in json.dumps(document["features"]["slash_commands"])
    assert "request_url" not in document["settings"]["interactivity"]
    assert document["features"]["app_home"]["home_tab_enabled"] is True
    assert document["settings"]["event_subscriptions"]["bot_events"] == ["app_home_opened"]


def test_http_manifest_points_every_request_at_the_events_path() -> None:
    document = manifest("https://rungs.example.com/")
    url = "https://rungs.example.com/slack/events"
    assert document["settings"]["socket_mode_enabled"] is False
    assert document["settings"]["interactivity"]["request_url"] == url
    assert document["settings"]["event_subscriptions"]["request_url"] == url
    assert {c["url"] for c in document["features"]["slash_commands"]} == {url}


def test_slack_limits_on_the_manifest_hold() -> None:
    for command in manifest()["features"]["slash_commands"]:
        name = command["command"]
        assert name.startswith("/")
        assert len(name) <= 32
        assert name == name.lower()
        assert 0 < len(command["description"]) <= 100
        assert len(command.get("usage_hint", "")) <= 100


def test_the_cli_prints_a_manifest_slack_accepts_as_json() -> None:
    done = run("manifest", "--url", "https://rungs.example.com")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["oauth_config"]["scopes"]["bot"][0] == "commands"


def test_the_cli_refuses_a_manifest_url_that_is_not_https() -> None:
    done = run("manifest", "--url", "http://insecure.example.com")
    assert done.returncode == 2
    assert "https://" in done.stderr


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        ((), {}, "SLACK_BOT_TOKEN is not set"),
        ((), {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN is not set"),
        ((), {"SLACK_BOT_TOKEN": "not-a-token"}, "SLACK_BOT_TOKEN does not look right"),
        (("--http",), {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET is not set"),
        (
            (),
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-wrong-kind"},
            "SLACK_APP_TOKEN does not look right",
        ),
    ],
)
def test_missing_or_malformed_credentials_stop_start_up(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str], says: str
) -> None:
    done = run(*args, "--db", str(tmp_path / "r.db"), env=env)
    assert done.returncode == 2
    assert says in done.stderr
    assert "Traceback" not in done.stderr
    for value in env.values():  # a credential is never echoed back
        assert value not in done.stderr or value in says
