"""The console's files: a reply's documents (the caller's /export) written into a folder of
the user's data directory, readable by its owner only (0600, like the history: an export is
everything stored about them), and named in a line under the reply."""

from __future__ import annotations

import os
from pathlib import Path

from engine.replies import Document, Reply

PRIVATE_MODE = 0o600
FOLDER_MODE = 0o700


class DocumentFolder:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def write(self, reply: Reply) -> list[str]:
        """Write the reply's documents; the lines to print under the reply."""
        return [self._write_one(document) for document in reply.documents]

    def _write_one(self, document: Document) -> str:
        self.folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        path = self.folder / document.filename
        # Created 0600; an older file of the same name is truncated and made 0600 too, so it
        # is never readable by others, not even for a moment.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_MODE)
        try:
            os.fchmod(descriptor, PRIVATE_MODE)
            os.write(descriptor, document.data)
        finally:
            os.close(descriptor)
        return f"[file: {path} ({_size(len(document.data))}, {document.media_type}, only you)]"


def _size(length: int) -> str:
    return f"{length} bytes" if length < 1024 else f"{length / 1024:.0f} KiB"
