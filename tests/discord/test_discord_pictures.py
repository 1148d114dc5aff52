"""Pictures on Discord, end to end: the real client (discord.py's HTTP layer, multipart bodies)
against the fake, which reads `payload_json` and the `files[n]` parts as Discord does and keeps
the bytes. A trace's message shows its PNG in the embed (`attachment://`, resolved to the
file), with the alt text as the attachment's description; Next swaps in the step's frame;
Animation the GIF; `/settings images=off` leaves text alone. In HTTP mode the words go in the
response body and the picture follows on `@original`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

pytest.importorskip(
    "discord.app_commands", reason="discord.py (the discord extra) is not installed"
)

from discord_harness import Bot, buttons_of, press, text_of
from fakes.fake_discord import FakeDiscord
from fakes.fake_discord.records import JSON
from PIL import Image

from bot import figures
from bot.discord_app import client as client_module


def picture(fake: FakeDiscord, message: JSON) -> tuple[JSON, Image.Image]:
    """The one attachment of a stored message, and its bytes opened as an image."""
    (attachment,) = message["attachments"]
    image = Image.open(io.BytesIO(fake.files[attachment["id"]]))
    return attachment, image


def shown_image(message: JSON) -> str:
    (url,) = [e["image"]["url"] for e in message["embeds"] if "image" in e]
    return str(url)


async def trace_in_guild(fake: FakeDiscord) -> JSON:
    guild = fake.guilds[0].id
    interaction = await fake.dispatch_interaction(
        fake.slash("trace", {"method": "GET", "path": "/u/7"}, guild_id=guild)
    )
    reply = await fake.wait_for_callback(interaction)
    assert reply.status == 200, reply.response
    assert reply.message is not None
    return reply.message


async def test_a_trace_shows_its_path_as_an_attached_png(fake: FakeDiscord, bot: Bot) -> None:
    message = await trace_in_guild(fake)
    (call,) = [c for c in fake.calls.items if c.path.endswith("/callback")]
    (upload,) = call.files  # one files[0] part, beside payload_json
    assert (upload.index, upload.filename, upload.content_type) == (0, "trace-1.png", "image/png")
    attachment, image = picture(fake, message)
    assert attachment["filename"] == "trace-1.png"
    assert attachment["content_type"] == "image/png"
    assert attachment["description"].startswith("GET /u/7 by Alice: cache miss, 200 OK")
    assert (image.format, image.size) == ("PNG", (attachment["width"], attachment["height"]))
    assert shown_image(message) == attachment["url"]  # attachment:// resolved to the file
    assert "1/11" in text_of(message)  # the words are all still there


async def test_next_shows_the_steps_frame_and_animation_the_gif(
    fake: FakeDiscord, bot: Bot
) -> None:
    message = await trace_in_guild(fake)
    first, _ = picture(fake, message)
    step = await press(fake, "Next", message)
    assert step.type == 7
    assert step.message is not None
    frame, image = picture(fake, step.message)
    assert frame["filename"] == "trace-1-step-2.png"
    assert frame["description"].startswith("Step 2/11: ")
    assert frame["id"] != first["id"]  # replaced, not added: the edit listed only the new file
    assert image.format == "PNG"
    animated = await press(fake, "Animation", step.message)
    assert animated.message is not None
    gif, image = picture(fake, animated.message)
    assert gif["filename"] == "trace-1.gif"
    assert gif["content_type"] == "image/gif"
    assert (image.format, getattr(image, "n_frames", 1)) == ("GIF", 11)
    assert gif["size"] <= 1_000_000
    assert "Animation" not in buttons_of(animated.message)
    assert "11/11" in text_of(animated.message)


async def test_cluster_show_and_progress_carry_their_pictures(fake: FakeDiscord, bot: Bot) -> None:
    guild = fake.guilds[0].id
    shown = await fake.dispatch_interaction(fake.slash("cluster show", guild_id=guild))
    reply = await fake.wait_for_callback(shown)
    assert reply.message is not None
    attachment, image = picture(fake, reply.message)
    assert attachment["filename"] == "cluster.png"
    assert "app servers (3): all 3 up" in attachment["description"]
    assert image.format == "PNG"
    # /progress draws nothing before there is an attempt to draw.
    progress = await fake.dispatch_interaction(fake.slash("progress"))
    empty = await fake.wait_for_callback(progress)
    assert empty.message is not None
    assert empty.message["attachments"] == []


async def test_images_off_leaves_words_only(fake: FakeDiscord, bot: Bot) -> None:
    guild = fake.guilds[0].id  # settings are kept per server, as every setting is
    off = await fake.dispatch_interaction(fake.slash("settings", {"images": "off"}, guild_id=guild))
    assert "text only" in text_of((await fake.wait_for_callback(off)).data)
    message = await trace_in_guild(fake)
    assert message["attachments"] == []
    assert not [e for e in message["embeds"] if "image" in e]
    assert "Animation" not in buttons_of(message)
    assert "1/11" in text_of(message)


async def test_a_picture_that_cannot_be_drawn_leaves_the_text(
    fake: FakeDiscord, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(figures: object) -> object:
        raise OSError("no font")

    monkeypatch.setattr(figures, "draw_now", broken)
    message = await trace_in_guild(fake)
    assert message["attachments"] == []
    assert not [e for e in message["embeds"] if "image" in e]
    assert "1/11" in text_of(message)


async def test_a_slow_reply_defers_and_the_edit_carries_the_picture(
    fake: FakeDiscord, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client_module, "DEFER_AFTER_S", 0.0)
    guild = fake.guilds[0].id
    interaction = await fake.dispatch_interaction(
        fake.slash("trace", {"method": "GET", "path": "/u/7"}, guild_id=guild)
    )
    deferred = await fake.wait_for_callback(interaction)
    assert deferred.type == 5
    edit = await fake.wait_for_webhook(interaction, method="PATCH")
    assert edit.status == 200, edit.response
    assert [u.filename for u in edit.files] == ["trace-1.png"]
    assert edit.response["attachments"][0]["filename"] == "trace-1.png"
    assert shown_image(edit.response) == edit.response["attachments"][0]["url"]


def test_the_fake_refuses_what_discord_refuses(tmp_path: Path) -> None:
    """An attachments entry naming no files[n] part is a form error; a description past 1,024
    characters too (the fake's own rules, checked without a bot)."""
    from fakes.fake_discord.records import DiscordError
    from fakes.fake_discord.uploads import Upload, attachments_of

    png = Upload(0, "a.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 30)
    ids = iter(str(n) for n in range(100, 200))
    with pytest.raises(DiscordError) as unknown:
        attachments_of({"attachments": [{"id": 1}]}, [png], [], lambda: next(ids))
    assert unknown.value.code == 50035
    with pytest.raises(DiscordError) as long:
        attachments_of(
            {"attachments": [{"id": 0, "description": "x" * 1025}]}, [png], [], lambda: next(ids)
        )
    assert long.value.code == 50035
    kept = attachments_of({}, [png], [], lambda: next(ids))
    assert kept is not None
    assert [a["filename"] for a in kept] == ["a.png"]
