"""A reply's pictures as a Discord message's attachments: what the renderer lists (the file's
name and description) and the embed shows (`attachment://name`); the bytes are drawn and sent by
the adapter (client.py, wire.py)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.figures import file_name
from engine.replies import Figure

__all__ = ["Attachment", "file_name"]


@dataclass(frozen=True, slots=True)
class Attachment:
    """A picture the message uploads: `files[index]` of the multipart body, shown by the embed
    that names `attachment://filename`, described (alt text) by `description`."""

    figure: Figure
    filename: str
    description: str
