"""A reply's pictures on Slack: uploaded with the external-upload flow and shared where the
reply went (`files_upload_v2` runs files.getUploadURLExternal, the upload, then
files.completeUploadExternal with the channel, the thread and an initial comment), each
with its alt text. The words go out first, through the response_url; the pictures follow.

Where a file cannot go, the reply stays in words and says so: an ephemeral message (a reply
only the caller sees, in a channel) cannot carry a file, and a file shared there would be seen
by everybody; a channel the app was not invited to takes no files. A DM with the app takes
them, ephemeral or not: nobody else is in it. Uploading never fails a request: a refusal is
logged and the caller told, in a private note. A document (/export) is for its caller alone,
so it always goes to their DM with the app.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot import figures
from bot.slack_app.actors import is_dm
from bot.slack_app.escape import plain
from engine.replies import Heading, Notice, NoticeLevel, Reply, TraceSteps

log = logging.getLogger(__name__)

NOT_HERE = (
    "Pictures are not shown in a reply only you can see (Slack cannot attach files to it): "
    "the text says the same. Run it in a DM with Rungs to see them."
)
NOT_INVITED = "The picture could not be shared in this channel: invite Rungs (/invite @Rungs)."
NOT_SHARED = "The picture could not be shared; the text above says the same."
DOCUMENT_NOT_SENT = (
    "The file could not be sent to your DM with Rungs, so it was not sent at all (only you may "
    "see it). Open a DM with Rungs and run /export there."
)
Note = Callable[[str], Awaitable[None]]  # sends the caller a private note


@dataclass(frozen=True, slots=True)
class Where:
    """Where the reply went: its conversation, the message it edits (a button's), and who
    asked (a document, such as their /export, goes to their DM with the app)."""

    channel_id: str
    thread_ts: str | None = None  # the message a button sits on: its pictures go in its thread
    user_id: str = ""

    def takes_files(self, ephemeral: bool) -> bool:
        return bool(self.channel_id) and (is_dm(self.channel_id) or not ephemeral)


def in_words(reply: Reply) -> Reply:
    """The reply without its pictures, saying why: for a message that cannot carry them."""
    blocks = reply.without_figures().blocks
    return Reply((*blocks, Notice(NOT_HERE)), reply.visibility, reply.correlation_id)


async def share(
    client: AsyncWebClient, reply: Reply, where: Where, ephemeral: bool, note: Note
) -> int:
    """Upload and share the reply's pictures; how many were shared."""
    drawn = await figures.draw(reply.figures)
    if not drawn:
        return 0
    # In an ephemeral container (a DM's private trace) there is no message to thread under.
    thread = None if ephemeral else where.thread_ts
    shared = 0
    for picture in drawn:
        try:
            await client.files_upload_v2(
                content=picture.data,
                filename=figures.file_name(picture.figure),
                title=figures.file_name(picture.figure),
                alt_txt=picture.figure.alt,
                channel=where.channel_id,
                thread_ts=thread,
                initial_comment=caption(reply),
            )
            shared += 1
        except (SlackApiError, SlackRequestError) as error:
            code = error.response.get("error") if isinstance(error, SlackApiError) else "upload"
            log.warning("a picture was not shared in %s: %s", where.channel_id, code)
            await note(NOT_INVITED if code == "not_in_channel" else NOT_SHARED)
            return shared
    return shared


async def send_documents(client: AsyncWebClient, reply: Reply, where: Where) -> Reply:
    """Send the reply's documents (an /export) to the caller alone, as files in their DM with
    the app: nobody else is in it, whereas a file shared in a channel is seen by everybody, and
    an ephemeral message cannot carry one. The reply comes back saying where they went, or
    plainly that they could not go (the words carry no file, so nothing leaks either way)."""
    if not reply.documents:
        return reply
    notes = []
    try:
        dm = await _dm_of(client, where)
        for document in reply.documents:
            await client.files_upload_v2(
                content=document.data,
                filename=document.filename,
                title=document.filename,
                channel=dm,
                initial_comment=plain(document.caption),
            )
        here = is_dm(where.channel_id)
        names = ", ".join(d.filename for d in reply.documents)
        notes.append(Notice(f"{names}: sent {'here, in' if here else 'to'} your DM with Rungs."))
    except (SlackApiError, SlackRequestError, KeyError, TypeError) as error:
        code = error.response.get("error") if isinstance(error, SlackApiError) else "upload"
        log.warning("a document was not sent to its user's DM: %s", code)
        notes.append(Notice(DOCUMENT_NOT_SENT, NoticeLevel.WARNING))
    return Reply((*reply.blocks, *notes), reply.visibility, reply.correlation_id)


async def _dm_of(client: AsyncWebClient, where: Where) -> str:
    """The caller's DM with the app: where they asked, or opened for them (im:write)."""
    if is_dm(where.channel_id):
        return where.channel_id
    opened = await client.conversations_open(users=where.user_id)
    return str(opened["channel"]["id"])


def caption(reply: Reply) -> str:
    """A line above the picture: what it is of (the reply's title), escaped as any text."""
    for block in reply.blocks:
        if isinstance(block, TraceSteps):
            return plain(block.title)
        if isinstance(block, Heading):
            return plain(block.text)
    return ""
