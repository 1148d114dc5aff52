"""/load and /climb through the real Bolt app against the local fake Slack, with signed
requests: the table in the channel with its plain-text fallback, the umbrella command, a bad
input's one line for the caller only, and a climb's buttons."""

from __future__ import annotations

import pytest

pytest.importorskip("slack_bolt", reason="slack-bolt (the slack extra) is not installed")

from fakes.fake_slack import CHANNEL_ID, RESPONSE_URL, FakeSlack
from slack_harness import JSON, Replica, action_id_for, button_values, texts


@pytest.fixture(autouse=True)
def no_slack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)


async def slash(fake: FakeSlack, url: str, command: str, text: str, nth: int = 1) -> JSON:
    outgoing = fake.slash_command(command, text)
    status, body, elapsed = await fake.deliver(url, outgoing)
    assert status == 200, body
    assert elapsed < 3.0
    call = await fake.wait_for(RESPONSE_URL, nth=nth)
    assert call.status == 200, call.response
    return call.body


async def test_load_posts_the_table_to_the_channel(fake: FakeSlack, replica: Replica) -> None:
    body = await slash(fake, replica.url, "/load", "50k reads=100:1")

    assert body["response_type"] == "in_channel"
    shown = texts(body)
    assert "50k requests/s, reads 100:1" in shown
    assert "◀ breaks first" in shown
    assert "```" in shown  # the table in a preformatted section
    assert "Scale the app servers out" in shown
    assert body["text"]  # the plain-text fallback
    assert fake.warnings == []


async def test_the_umbrella_command_refuses_a_bad_mix_in_one_line(
    fake: FakeSlack, replica: Replica
) -> None:
    body = await slash(fake, replica.url, "/rungs", "load 5000 reads=1:0")

    assert body["response_type"] == "ephemeral"
    assert "Both sides of reads=R:W must be from 1 to 100,000" in texts(body)


async def test_a_climb_button_raises_the_load(fake: FakeSlack, replica: Replica) -> None:
    await slash(fake, replica.url, "/climb", "")
    message = fake.messages_in(CHANNEL_ID)[-1]
    assert any(v.startswith("r1:cr:1:0") for v in button_values(message))
    assert any(v.startswith("r1:cp:1:0:") for v in button_values(message))

    clicked = fake.block_actions(action_id_for(message, "r1:cr:"), message_ts=message["ts"])
    status, body, _ = await fake.deliver(replica.url, clicked)
    assert status == 200, body
    raised = await fake.wait_for(RESPONSE_URL, nth=2)

    assert "The load rises to 1,000 requests/s." in texts(raised.body)
