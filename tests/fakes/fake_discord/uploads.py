"""Files uploaded with a message, as Discord takes them (docs: Reference › Uploading Files).

A body with files is ``multipart/form-data``: a ``payload_json`` part (the JSON body) and one
part per file named ``files[n]``. The payload's ``attachments`` array describes them: an entry
whose ``id`` is ``n`` is the new file ``files[n]`` (with its ``filename`` and ``description``,
the alt text, at most 1,024 characters); an entry with a stored attachment's snowflake keeps
that attachment on an edit, and an edit that sends ``attachments`` drops every stored one it
does not list. A file past the interaction's ``attachment_size_limit`` is ``413`` 40005. An
embed shows a picture with ``image.url = "attachment://<filename>"``, which Discord resolves to
the attachment's CDN address. The fake keeps each file's bytes (``FakeDiscord.files``) for the
tests to open.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .records import JSON, DiscordError, form_error

SIZE_LIMIT = 10 * 1024 * 1024  # the attachment_size_limit the fake's interactions carry
DESCRIPTION = 1024
ATTACHMENT = "attachment://"


@dataclass(frozen=True)
class Upload:
    """One ``files[n]`` part of a multipart body."""

    index: int
    filename: str
    content_type: str  # as the part declared it
    data: bytes


def picture_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG or GIF, read from its header; None for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a"):
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    return None


def sniffed_type(data: bytes) -> str:
    """The type Discord reports for a file: from its bytes, whatever the part declared."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    return "application/octet-stream"


def attachments_of(
    data: JSON,
    uploads: Sequence[Upload],
    stored: Sequence[JSON],
    new_id: Callable[[], str],  # the world's snowflake()
) -> list[JSON] | None:
    """The message's attachments after this body; None when the body leaves them as they are
    (an edit without ``attachments`` and without files)."""
    listed = data.get("attachments")
    if listed is None and not uploads:
        return None
    by_index = {u.index: u for u in uploads}
    for upload in uploads:
        if len(upload.data) > SIZE_LIMIT:
            raise DiscordError(413, 40005, "Request entity too large")
    entries = list(listed) if isinstance(listed, list) else []
    problems: dict[str, str] = {}
    kept_ids = {str(a["id"]): a for a in stored}
    result: list[JSON] = []
    described: set[int] = set()
    for i, entry in enumerate(entries):
        raw = entry.get("id") if isinstance(entry, dict) else None
        if str(raw) in kept_ids and not _is_index(raw, by_index):
            result.append(kept_ids[str(raw)])
            continue
        if not _is_index(raw, by_index):
            problems[f"attachments.{i}.id"] = "Unknown file: no files[n] part has this index."
            continue
        description = entry.get("description")
        if description is not None and len(str(description)) > DESCRIPTION:
            problems[f"attachments.{i}.description"] = "Must be 1024 or fewer in length."
        upload = by_index[int(str(raw))]
        described.add(upload.index)
        name = str(entry.get("filename") or upload.filename)
        result.append(_stored(new_id(), upload, name, description))
    if problems:
        raise form_error(problems)
    # Files the payload does not describe are attached all the same, under their own names.
    result += [_stored(new_id(), u, u.filename, None) for u in uploads if u.index not in described]
    return result


def resolve_images(embeds: list[JSON], attachments: Sequence[JSON]) -> None:
    """``attachment://name`` in an embed's image becomes the attachment's CDN address."""
    by_name = {a["filename"]: a for a in attachments}
    for embed in embeds:
        image = embed.get("image")
        url = str((image or {}).get("url", ""))
        if url.startswith(ATTACHMENT) and url.removeprefix(ATTACHMENT) in by_name:
            found = by_name[url.removeprefix(ATTACHMENT)]
            keys = ("url", "proxy_url", "width", "height", "content_type")
            embed["image"] = {key: found[key] for key in keys if key in found}


def _is_index(raw: object, by_index: dict[int, Upload]) -> bool:
    text = str(raw)
    return text.isdigit() and len(text) < 6 and int(text) in by_index


def _stored(attachment_id: str, upload: Upload, name: str, description: object) -> JSON:
    url = f"https://cdn.discordapp.invalid/attachments/{attachment_id}/{name}"
    stored: JSON = {
        "_index": upload.index,  # taken off by the world, which keeps the bytes by id
        "id": attachment_id,
        "filename": name,
        "size": len(upload.data),
        "url": url,
        "proxy_url": url.replace("cdn.", "media."),
        "content_type": sniffed_type(upload.data),
    }
    size = picture_size(upload.data)
    if size is not None:
        stored["width"], stored["height"] = size
    if description is not None:
        stored["description"] = str(description)
    return stored
