"""File uploads as Slack takes them now (files.upload is retired): three steps.

1. ``files.getUploadURLExternal`` (``filename``, ``length`` in bytes, ``alt_txt`` for a screen
   reader) answers an ``upload_url`` and a ``file_id``; it needs the ``files:write`` scope.
2. The bytes are POSTed to the ``upload_url`` (here ``/upload/v1/<file_id>``): exactly
   ``length`` of them, once.
3. ``files.completeUploadExternal`` (``files=[{"id", "title"}]`` as JSON, ``channel_id``,
   ``initial_comment``, ``thread_ts``) finishes the upload and shares the files: one message in
   the channel (or the thread of ``thread_ts``), carrying the files and the comment as its text.
   Without ``channel_id`` the files stay private. Sharing needs the app in the conversation
   (``not_in_channel`` otherwise: ``chat:write.public`` lets an app post text where it was not
   invited, never files); the app's DMs always have it. An ephemeral message cannot carry a
   file at all, so there is nothing here to share one into.

The fake keeps each file's bytes (``FakeSlack.files``) for the tests to open.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .base import ApiError, Ids
from .messages import MessageStore, conversation

JSON = dict[str, Any]
FILES_SCOPE = "files:write"


@dataclass
class StoredFile:
    id: str
    filename: str
    length: int
    alt_txt: str
    data: bytes | None = None  # None until step 2
    title: str = ""
    completed: bool = False
    shares: list[tuple[str, str]] = field(default_factory=list)  # (channel, message ts)

    def as_slack(self) -> JSON:
        kind = _type_of(self.data or b"")
        return {
            "id": self.id,
            "name": self.filename,
            "title": self.title or self.filename,
            "mimetype": kind[0],
            "filetype": kind[1],
            "size": len(self.data or b""),
            "alt_txt": self.alt_txt,
            "is_public": any(not c.startswith("D") for c, _ in self.shares),
            "channels": sorted({c for c, _ in self.shares}),
            "url_private": f"https://files.slack.invalid/files-pri/{self.id}/{self.filename}",
        }


def _type_of(data: bytes) -> tuple[str, str]:
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png", "png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif", "gif"
    return "application/octet-stream", "binary"


class FileStore:
    def __init__(self, chat: MessageStore, ids: Ids) -> None:
        self.chat, self.ids = chat, ids
        self.files: dict[str, StoredFile] = {}
        self.scopes: set[str] = {FILES_SCOPE}  # tests take files:write away to see the refusal
        self.not_in: set[str] = set()  # channels the app was not invited to
        self.upload_base = ""  # the fake's own address, set once it listens

    def handlers(self) -> dict[str, Any]:
        return {
            "files.getUploadURLExternal": self.get_upload_url,
            "files.completeUploadExternal": self.complete_upload,
        }

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/upload/v1/{file_id}", self.handle_upload)]

    def get_upload_url(self, body: JSON) -> JSON:
        self._check_scope()
        filename = str(body.get("filename") or "")
        try:
            length = int(str(body.get("length", "")))
        except ValueError:
            raise ApiError("invalid_arguments") from None
        if not filename or length <= 0:
            raise ApiError("invalid_arguments")
        stored = StoredFile(self.ids.new("F"), filename, length, str(body.get("alt_txt") or ""))
        self.files[stored.id] = stored
        return {
            "ok": True,
            "upload_url": f"{self.upload_base}/upload/v1/{stored.id}",
            "file_id": stored.id,
        }

    async def handle_upload(self, request: web.Request) -> web.Response:
        stored = self.files.get(request.match_info["file_id"])
        if stored is None or stored.data is not None:
            return web.Response(status=404, text="unknown or used upload url")
        data = await request.read()
        if len(data) != stored.length:
            return web.Response(status=400, text=f"expected {stored.length} bytes")
        stored.data = data
        return web.Response(text=f"OK - {len(data)}")

    def complete_upload(self, body: JSON) -> JSON:
        self._check_scope()
        wanted = _file_list(body.get("files"))
        stored = []
        for entry in wanted:
            found = self.files.get(str(entry.get("id")))
            if found is None or found.data is None or found.completed:
                raise ApiError("file_not_found")
            found.title = str(entry.get("title") or found.filename)
            stored.append(found)
        channel = str(body.get("channel_id") or "")
        if channel:
            self._share(stored, conversation(channel), body)
        for found in stored:
            found.completed = True
        return {"ok": True, "files": [{"id": f.id, "title": f.title} for f in stored]}

    def _share(self, files: list[StoredFile], channel: str, body: JSON) -> None:
        if channel in self.not_in:
            raise ApiError("not_in_channel")
        thread = str(body.get("thread_ts") or "")
        if thread and (channel, thread) not in self.chat.messages:
            raise ApiError("invalid_thread_ts")
        fields: JSON = {"text": str(body.get("initial_comment") or "")}
        if thread:
            fields["thread_ts"] = thread
        message = self.chat.store(channel, fields)
        for found in files:
            found.shares.append((channel, message["ts"]))
        message["upload"] = True
        message["files"] = [f.as_slack() for f in files]

    def _check_scope(self) -> None:
        if FILES_SCOPE not in self.scopes:
            raise ApiError(
                "missing_scope",
                body={"ok": False, "error": "missing_scope", "needed": FILES_SCOPE},
            )


def _file_list(raw: object) -> list[JSON]:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise ApiError("invalid_arguments") from None
    if not isinstance(raw, list) or not raw or not all(isinstance(f, dict) for f in raw):
        raise ApiError("invalid_arguments")
    return raw
