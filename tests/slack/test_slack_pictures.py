"""Pictures on Slack, end to end: the real Bolt app uploads a reply's pictures with the external
flow (files.getUploadURLExternal, the bytes to the upload URL, files.completeUploadExternal),
which the fake checks step by step and keeps. The words go out first, through the
response_url; a trace's PNG is shared into the channel, a step's frame into the trace's
thread; a reply only the caller sees gets no file and says so; a channel the app is not in
gets a private note; images=off sends words alone."""

from __future__ import annotations

import io

import pytest

pytest.importorskip("slack_bolt", reason="slack-bolt (the slack extra) is not installed")

from fakes.fake_slack import CHANNEL_ID, RESPONSE_URL, USER_ID, FakeSlack
from fakes.fake_slack.base import ApiError
from fakes.fake_slack.files import FileStore
from PIL import Image
from slack_harness import JSON, Replica, action_id_for, texts

from bot.slack_app.manifest import BOT_SCOPES
from bot.slack_app.uploads import NOT_HERE, NOT_INVITED


async def command(
    fake: FakeSlack, replica: Replica, name: str, text: str = "", **where: str
) -> None:
    status, body, _ = await fake.deliver(replica.url, fake.slash_command(name, text, **where))
    assert status == 200, body


def opened(fake: FakeSlack, share: JSON) -> tuple[JSON, Image.Image]:
    (file,) = share["files"]
    data = fake.files[file["id"]].data
    assert data is not None
    return file, Image.open(io.BytesIO(data))


async def test_a_trace_shares_its_picture_in_the_channel(fake: FakeSlack, replica: Replica) -> None:
    await command(fake, replica, "/trace", "GET /u/7")
    words = await fake.wait_for(RESPONSE_URL)
    assert "1/11" in texts(words.body)
    complete = await fake.wait_for("files.completeUploadExternal")
    assert complete.response["ok"], complete.response
    asked = await fake.wait_for("files.getUploadURLExternal")
    assert asked.body["filename"] == "trace-1.png"
    assert asked.body["alt_txt"].startswith("GET /u/7 by learner: cache miss")
    assert complete.body["channel_id"] == CHANNEL_ID
    assert "Trace #1: GET /u/7" in complete.body["initial_comment"]
    (share,) = fake.shares_in(CHANNEL_ID)
    file, image = opened(fake, share)
    assert (file["mimetype"], file["name"], image.format) == ("image/png", "trace-1.png", "PNG")
    assert file["alt_txt"] == asked.body["alt_txt"]
    assert "thread_ts" not in share
    # The trace message itself is unchanged: words and buttons.
    (trace,) = fake.messages_in(CHANNEL_ID)
    assert "1/11" in texts(trace)


async def test_next_puts_the_steps_frame_in_the_traces_thread(
    fake: FakeSlack, replica: Replica
) -> None:
    await command(fake, replica, "/trace", "GET /u/7")
    await fake.wait_for("files.completeUploadExternal")
    (trace,) = fake.messages_in(CHANNEL_ID)
    action = fake.block_actions(action_id_for(trace, "r1:ts:"), message_ts=trace["ts"])
    status, _, _ = await fake.deliver(replica.url, action)
    assert status == 200
    await fake.wait_for("files.completeUploadExternal", nth=2)
    _trace_picture, frame = fake.shares_in(CHANNEL_ID)
    assert frame["thread_ts"] == trace["ts"]  # in the thread, not another channel message
    file, image = opened(fake, frame)
    assert file["name"] == "trace-1-step-2.png"
    assert file["alt_txt"].startswith("Step 2/11: ")
    assert image.format == "PNG"
    assert "2/11" in texts(fake.message(CHANNEL_ID, trace["ts"]))
    animate = fake.block_actions(action_id_for(trace, "r1:tg:"), message_ts=trace["ts"])
    await fake.deliver(replica.url, animate)
    await fake.wait_for("files.completeUploadExternal", nth=3)
    file, image = opened(fake, fake.shares_in(CHANNEL_ID)[-1])
    assert (file["name"], file["mimetype"]) == ("trace-1.gif", "image/gif")
    assert getattr(image, "n_frames", 1) == 11


async def test_a_private_reply_in_a_channel_says_why_it_has_no_picture(
    fake: FakeSlack, replica: Replica
) -> None:
    await command(fake, replica, "/drill", "a-cpu-at-80")
    await fake.wait_for(RESPONSE_URL)
    await command(fake, replica, "/answer", "scale up first, then out behind a load balancer")
    await fake.wait_for(RESPONSE_URL, nth=2)
    await command(fake, replica, "/reveal")
    await fake.wait_for(RESPONSE_URL, nth=3)
    await command(fake, replica, "/progress")
    progress = await fake.wait_for(RESPONSE_URL, nth=4)
    assert progress.body["response_type"] == "ephemeral"
    assert NOT_HERE.split(":")[0] in texts(progress.body)
    assert not fake.calls_to("files.getUploadURLExternal")
    # In the DM with the app the same reply carries its chart.
    dm = fake.dm_channel(USER_ID)
    await command(fake, replica, "/progress", channel_id=dm, channel_name="directmessage")
    complete = await fake.wait_for("files.completeUploadExternal")
    assert complete.body["channel_id"] == dm
    file, image = opened(fake, fake.shares_in(dm)[-1])
    assert (file["name"], image.format) == ("progress.png", "PNG")


async def test_a_channel_without_the_app_gets_a_note(fake: FakeSlack, replica: Replica) -> None:
    fake.api.uploads.not_in.add("C0OTHER")
    await command(fake, replica, "/trace", "GET /u/7", channel_id="C0OTHER", channel_name="other")
    refused = await fake.wait_for("files.completeUploadExternal")
    assert refused.response == {"ok": False, "error": "not_in_channel"}
    note = await fake.wait_for(RESPONSE_URL, nth=2)
    assert note.body["text"] == NOT_INVITED
    assert note.body["response_type"] == "ephemeral"
    assert not fake.shares_in("C0OTHER")
    assert "1/11" in texts(fake.messages_in("C0OTHER")[0])  # the words went all the same


async def test_images_off_sends_words_alone(fake: FakeSlack, replica: Replica) -> None:
    await command(fake, replica, "/settings", "images=off")
    await fake.wait_for(RESPONSE_URL)
    await command(fake, replica, "/trace", "GET /u/7")
    trace = await fake.wait_for(RESPONSE_URL, nth=2)
    assert "1/11" in texts(trace.body)
    assert "r1:tg:" not in str(trace.body)  # no Animation button either
    await command(fake, replica, "/cluster", "show")
    await fake.wait_for(RESPONSE_URL, nth=3)
    assert not fake.calls_to("files.getUploadURLExternal")


def test_the_fake_holds_the_upload_to_slacks_rules() -> None:
    """Each step refuses what Slack refuses: no files:write, a length that is not one, a file
    completed before its bytes arrived."""
    from fakes.fake_slack.base import Clock, Ids
    from fakes.fake_slack.messages import MessageStore
    from fakes.fake_slack.payloads import Workspace

    store = FileStore(MessageStore(Workspace(), Clock(), Ids()), Ids())
    with pytest.raises(ApiError, match="invalid_arguments"):
        store.get_upload_url({"filename": "a.png", "length": "many"})
    issued = store.get_upload_url({"filename": "a.png", "length": "10"})
    with pytest.raises(ApiError, match="file_not_found"):  # nothing uploaded yet
        store.complete_upload({"files": f'[{{"id": "{issued["file_id"]}"}}]'})
    store.scopes.clear()
    with pytest.raises(ApiError, match="missing_scope"):
        store.get_upload_url({"filename": "a.png", "length": "10"})
    assert "files:write" in BOT_SCOPES  # the manifest asks for it
