"""A challenge's id acts only in its channel, on the real Bolt app against the fake Slack: a
Join or Answer button of #study's challenge pressed from another channel of the workspace or
from a DM (a forged message carrying the same button) gets a short refusal, and nobody joins."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("slack_bolt", reason="slack-bolt (the slack extra) is not installed")

from fakes.fake_slack import CHANNEL_ID, RESPONSE_URL, FakeSlack
from fakes.fake_slack.payloads import block_actions
from slack_harness import JSON, Replica, action_id_for, button_values, texts

from engine.ports import Scope, ScopeKind

ANA = {"user_id": "U0ANA", "user_name": "ana"}
BEN = {"user_id": "U0BEN", "user_name": "ben"}


async def _start(fake: FakeSlack, replica: Replica) -> tuple[JSON, int]:
    outgoing = fake.slash_command("/challenge", "start a-cpu-at-80 5m", **ANA)
    status, _, _ = await fake.deliver(replica.url, outgoing)
    assert status == 200
    await fake.wait_for(RESPONSE_URL)
    prompt = fake.messages_in(CHANNEL_ID)[-1]
    scope = Scope("slack", fake.workspace.team_id, ScopeKind.CHANNEL, CHANNEL_ID)
    running = await replica.store.running_challenge(scope)
    assert running is not None
    return prompt, running.id


async def _press_from(
    fake: FakeSlack, replica: Replica, prompt: JSON, channel: str, engine_id: str
) -> str:
    """Ben presses a button carrying `engine_id` on a copy of the prompt posted in `channel`."""
    forged = {**prompt, "channel": channel}
    url = fake.response_url(channel_id=channel, user_id=BEN["user_id"], message_ts=prompt["ts"])
    outgoing = block_actions(
        fake.workspace,
        message=forged,
        action_id=action_id_for(prompt, engine_id),
        user_id=BEN["user_id"],
        user_name=BEN["user_name"],
        channel_name="elsewhere",
        response_url=url,
        trigger_id=fake.issue_trigger_id(),
    )
    status, _, _ = await fake.deliver(replica.url, outgoing)
    assert status == 200
    return url.rsplit("/", 1)[-1]


async def _response(fake: FakeSlack, key: str) -> JSON:
    call = await fake.wait_for(lambda c: c.method == RESPONSE_URL and c.key == key)
    return call.body


@pytest.mark.parametrize("channel", ["C0OTHER", "D0BEN"])
@pytest.mark.parametrize("button", ["r1:cj:", "r1:ca:"])
async def test_a_challenge_button_from_another_channel_or_a_dm_is_refused(
    fake: FakeSlack, replica: Replica, channel: str, button: str
) -> None:
    prompt, challenge_id = await _start(fake, replica)
    opened_before = len(fake.calls_to("views.open"))

    key = await _press_from(fake, replica, prompt, channel, button)
    if button == "r1:cj:":
        reply = await _response(fake, key)
    else:  # the form opens where it was pressed; its answer is refused
        opened = await fake.wait_for("views.open", nth=opened_before + 1)
        sketch = {"sketch": {"sketch": "a load balancer and stateless servers"}}
        submission = fake.view_submission(opened.response["view"]["id"], sketch, **BEN)
        status, _, _ = await fake.deliver(replica.url, submission)
        assert status == 200
        note = await fake.wait_for(
            "chat.postEphemeral" if channel != "D0BEN" else "chat.postMessage"
        )
        reply = note.body

    assert "another channel" in texts(reply), texts(reply)
    entries = await replica.store.challenge_entries(challenge_id)
    assert [e.user.user_id for e in entries] == []
    assert fake.warnings == []


async def test_the_same_button_in_its_own_channel_joins(fake: FakeSlack, replica: Replica) -> None:
    prompt, challenge_id = await _start(fake, replica)
    reply = await _response(fake, await _press_from(fake, replica, prompt, CHANNEL_ID, "r1:cj:"))
    assert "another channel" not in texts(reply)
    entries = await replica.store.challenge_entries(challenge_id)
    assert [e.user.user_id for e in entries] == [BEN["user_id"]]


async def test_a_lone_surrogate_through_the_answer_form_is_refused(
    fake: FakeSlack, replica: Replica
) -> None:
    """The form's JSON carries `\\ud800` as an escape; Bolt decodes it into a lone surrogate."""
    prompt, challenge_id = await _start(fake, replica)
    opened_before = len(fake.calls_to("views.open"))
    await _press_from(fake, replica, prompt, CHANNEL_ID, "r1:ca:")
    opened = await fake.wait_for("views.open", nth=opened_before + 1)
    sketch = {"sketch": {"sketch": "a balancer \ud800 and replicas"}}
    submission = fake.view_submission(opened.response["view"]["id"], sketch, **BEN)
    status, _, _ = await fake.deliver(replica.url, submission)
    assert status == 200
    note = await fake.wait_for("chat.postEphemeral")
    assert "broken character" in texts(note.body)
    assert await replica.store.challenge_entries(challenge_id) == []


async def test_a_refused_trace_button_leaves_the_channels_message_as_it_is(
    fake: FakeSlack, replica: Replica
) -> None:
    """A step button of a trace not kept here (evicted, or a forged id) answers the presser
    alone, ephemerally; the channel's trace message is not replaced by the refusal."""
    status, _, _ = await fake.deliver(replica.url, fake.slash_command("/trace", "GET /u/7", **ANA))
    assert status == 200
    await fake.wait_for(RESPONSE_URL)
    message = fake.messages_in(CHANNEL_ID)[-1]
    before = texts(message)
    forged = json.loads(
        json.dumps(message).replace(
            next(v for v in button_values(message) if v.startswith("r1:ts:")), "r1:ts:999:2"
        )
    )
    key = await _press_from(fake, replica, forged, CHANNEL_ID, "r1:ts:999:2")
    body = await _response(fake, key)
    assert body.get("replace_original") is False, body
    assert body.get("response_type") == "ephemeral", body
    assert "Trace #999 is no longer kept here" in texts(body)
    assert texts(fake.message(CHANNEL_ID, message["ts"])) == before
