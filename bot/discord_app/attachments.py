"""A reply's files as a Discord message's attachments: what the renderer lists (the file's
name and description) and an embed shows (`attachment://name`, a picture); a picture's bytes
are drawn and sent by the adapter (client.py, wire.py), a document's (/export) are the reply's
own."""

from __future__ import annotations

from dataclasses import dataclass

from bot.figures import file_name
from engine.replies import Document, Figure

__all__ = ["Attachment", "file_name"]


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file the message uploads: `files[index]` of the multipart body, described (alt text)
    by `description`. A picture (`figure`) is shown by the embed that names
    `attachment://filename`; a document is a file below the message."""

    figure: Figure | Document
    filename: str
    description: str

    @property
    def picture(self) -> Figure | None:
        return self.figure if isinstance(self.figure, Figure) else None

    @property
    def document(self) -> Document | None:
        return self.figure if isinstance(self.figure, Document) else None
