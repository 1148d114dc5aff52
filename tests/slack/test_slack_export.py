"""/export on Slack, end to end through the real Bolt app and the fake Web API: the file goes
to the caller's DM with the app alone (conversations.open, then the external upload flow),
never into the channel where they asked; the words go out ephemeral and say where the file
went; where the DM cannot take it, the words say so and no file is shared anywhere."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("slack_bolt", reason="slack-bolt (the slack extra) is not installed")

from fakes.fake_slack import CHANNEL_ID, RESPONSE_URL, USER_ID, FakeSlack
from slack_harness import Replica, texts

from bot.slack_app.uploads import DOCUMENT_NOT_SENT

SKETCH = "scale up first, then out behind a load balancer, sessions in redis"


async def command(
    fake: FakeSlack, replica: Replica, name: str, text: str = "", **where: str
) -> None:
    status, body, _ = await fake.deliver(replica.url, fake.slash_command(name, text, **where))
    assert status == 200, body


async def test_the_export_goes_to_the_callers_dm_only(fake: FakeSlack, replica: Replica) -> None:
    await command(fake, replica, "/drill", "a-cpu-at-80")
    await command(fake, replica, "/answer", SKETCH)
    await fake.wait_for(RESPONSE_URL, nth=2)
    await command(fake, replica, "/export")
    words = await fake.wait_for(RESPONSE_URL, nth=3)
    assert words.body["response_type"] == "ephemeral"
    opened = await fake.wait_for("conversations.open")
    assert opened.body["users"] == USER_ID
    complete = await fake.wait_for("files.completeUploadExternal")
    dm = fake.dm_channel(USER_ID)
    assert complete.body["channel_id"] == dm
    (share,) = fake.shares_in(dm)
    (file,) = share["files"]
    assert file["name"] == f"rungs-export-slack-{USER_ID}.json"
    data = fake.files[file["id"]].data
    assert data is not None
    doc = json.loads(data)
    (session,) = doc["yours"]["drill_sessions"]
    assert session["answer"] == SKETCH
    assert doc["user"]["user_id"] == USER_ID
    # Nothing was shared in the channel, and the words say where the file went.
    assert fake.shares_in(CHANNEL_ID) == []
    assert "sent to your DM with Rungs" in texts(words.body)


async def test_asked_in_the_dm_the_file_lands_there(fake: FakeSlack, replica: Replica) -> None:
    dm = fake.dm_channel(USER_ID)
    await command(fake, replica, "/export", channel_id=dm, channel_name="directmessage")
    words = await fake.wait_for(RESPONSE_URL)
    await fake.wait_for("files.completeUploadExternal")
    assert not fake.calls_to("conversations.open")  # already in the DM
    (share,) = fake.shares_in(dm)
    assert share["files"][0]["name"].endswith(".json")
    assert "sent here, in your DM with Rungs" in texts(words.body)


async def test_no_file_anywhere_when_the_dm_cannot_take_it(
    fake: FakeSlack, replica: Replica
) -> None:
    fake.api.uploads.scopes.clear()  # files:write taken away: the upload is refused
    await command(fake, replica, "/export")
    words = await fake.wait_for(RESPONSE_URL)
    assert words.body["response_type"] == "ephemeral"
    assert DOCUMENT_NOT_SENT.split(",")[0] in texts(words.body)
    assert fake.shares_in(CHANNEL_ID) == []
    assert fake.shares_in(fake.dm_channel(USER_ID)) == []
