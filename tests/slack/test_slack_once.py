"""The real `rungs slack --http` process against the fake Slack: a signed request sent again (a
replay within the 5-minute window) or an event retried with X-Slack-Retry-Num is acknowledged
and applied once; malformed signed requests get 400 and change nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

import pytest
from aiohttp import ClientSession

pytest.importorskip("slack_bolt", reason="slack-bolt (the slack extra) is not installed")

from fakes.fake_slack import RESPONSE_URL, FakeSlack
from slack_harness import rungs_process

from bot.slack_app.once import request_key

FORM = "application/x-www-form-urlencoded"
SKETCH = "A load balancer over stateless servers with health checks"


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        yield slack


def answers(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return [a for (a,) in connection.execute("SELECT answer FROM drill_sessions ORDER BY id")]


async def test_the_same_signed_answer_sent_three_times_is_applied_once(
    fake: FakeSlack, tmp_path: Path
) -> None:
    db = tmp_path / "rungs.db"
    async with rungs_process(fake, db) as events:
        await fake.deliver(events, fake.slash_command("/drill", "c-lb-ha"))
        await fake.wait_for(RESPONSE_URL, timeout=5)
        answer = fake.slash_command("/answer", SKETCH)
        for _ in range(3):  # the same signed body, re-signed each second: a replay
            status, _, _ = await fake.deliver(events, answer)
            assert status == 200
        await fake.wait_for(RESPONSE_URL, nth=2, timeout=5)
        await fake.deliver(events, fake.slash_command("/progress"))  # in turn after the answers
        await fake.wait_for(RESPONSE_URL, nth=3, timeout=5)
    assert len(fake.calls_to(RESPONSE_URL)) == 3  # drill, one answer, progress
    [stored] = answers(db)
    assert stored.count(SKETCH) == 1


async def test_a_retried_event_is_handled_once(fake: FakeSlack, tmp_path: Path) -> None:
    async with rungs_process(fake, tmp_path / "rungs.db") as events:
        opened = fake.app_home_opened()
        status, _, _ = await fake.deliver(events, opened)
        assert status == 200
        await fake.wait_for("views.publish", timeout=5)
        retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        status, _, _ = await fake.deliver(events, opened, headers=retry)
        assert status == 200
        await fake.deliver(events, fake.slash_command("/help"))  # a later request, answered
        await fake.wait_for(RESPONSE_URL, timeout=5)
    assert len(fake.calls_to("views.publish")) == 1


async def test_malformed_signed_requests_get_400_and_change_nothing(
    fake: FakeSlack, tmp_path: Path
) -> None:
    db = tmp_path / "rungs.db"
    command = fake.slash_command("/drill", "c-lb-ha")
    as_json = json.dumps(dict(pair.split("=", 1) for pair in command.body.split("&")))
    cases: list[tuple[str, str, dict[str, str]]] = [
        (command.body, FORM, {"X-Slack-Request-Timestamp": "soon"}),  # signed, then replaced
        (as_json, "application/json", {}),  # a form sent as JSON
        ("payload=%7Bnot%20json", FORM, {}),  # broken payload JSON
        ("payload=%5B1%2C2%5D", FORM, {}),  # a payload that is no object
        ("payload=%7B%22type%22%3A%22block_actions%22%7D", FORM, {}),  # no user
        ("command=%2Fdrill&text=c-lb-ha", FORM, {}),  # no team, user, trigger
        (command.body, "text/plain", {}),
        ('{"type": "event_callback", "event": {}}', "application/json", {}),  # no event_id
        (command.body, FORM, {"X-Slack-Request-Timestamp": "\u00b2"}),  # a digit to isdigit()
        (_payload("[" * 50_000), FORM, {}),  # deeper than the JSON parser goes
        ('{"type": "x", "a": ' + "[" * 50_000 + "]" * 50_000 + "}", "application/json", {}),
        (_payload(_actions("x")), FORM, {}),  # actions that are no list of objects
        (_payload(_actions(["x"])), FORM, {}),
        (_payload(_actions([{"type": "button"}])), FORM, {}),  # an action without its id
        (_payload(_actions([{"action_id": 5}])), FORM, {}),
        (_payload(_actions([{"action_id": "r1:cn"}], team="T0RUNGS")), FORM, {}),  # team: text
        (_payload({**_actions([]), "type": "view_submission", "view": "x"}), FORM, {}),
    ]
    async with rungs_process(fake, db) as events:
        for body, content_type, headers in cases:
            status, text, _ = await fake.send(events, body, content_type, headers=headers)
            assert status == 400, (body, content_type, text)
            assert text.startswith("Bad request:")
        assert await send_bytes(fake, events, b"command=%2Fdrill&text=caf\xe9") == 400  # not UTF-8
        # Unsigned or stale requests are still Bolt's: 401.
        stale = int(time.time()) - 301
        assert (await fake.deliver(events, command, timestamp=stale))[0] == 401
        assert (await fake.deliver(events, command, secret="wrong"))[0] == 401
    assert fake.calls_to(RESPONSE_URL) == []
    assert answers(db) == []


def _payload(value: object) -> str:
    return "payload=" + quote(value if isinstance(value, str) else json.dumps(value))


def _actions(actions: object, team: object = None) -> dict[str, object]:
    """A button press (block_actions) with these `actions` and `team`."""
    return {
        "type": "block_actions",
        "user": {"id": "U1", "team_id": "T0RUNGS"},
        "team": team if team is not None else {"id": "T0RUNGS"},
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        "actions": actions,
    }


async def send_bytes(fake: FakeSlack, url: str, body: bytes) -> int:
    """A form body signed as the bytes are (fake.send signs and sends text only)."""
    stamp = int(time.time())
    base = f"v0:{stamp}:".encode() + body
    digest = hmac.new(fake.signing_secret.encode(), base, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": str(stamp),
        "X-Slack-Signature": f"v0={digest}",
    }
    async with ClientSession() as session, session.post(url, data=body, headers=headers) as r:
        return r.status


def test_requests_are_keyed_by_what_slack_gives_them() -> None:
    assert request_key({"team_id": "T1", "event_id": "Ev1", "trigger_id": "x"}) == (
        "slack:T1:event:Ev1"
    )
    assert request_key({"team": {"id": "T1"}, "trigger_id": "13.4"}) == "slack:T1:trigger:13.4"
    action = {"team_id": "T1", "user": {"id": "U1"}, "actions": [{"action_ts": "1.5"}]}
    assert request_key(action) == "slack:T1:action:U1:1.5"
    assert request_key({"type": "url_verification"}) is None
