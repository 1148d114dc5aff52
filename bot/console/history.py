"""The console's line history: private to its owner, and never the text of an answer.

The file is created with mode 0600 (and an older one made 0600), since it sits in the user's
data directory and lists what they typed. A line of a command that carries free text the
learner wrote (`/answer <sketch>`: a spec option with `rest`) is not kept at all, so drill and
challenge answers never reach the disk outside the database; `/forget-me confirm` empties the
file, as it empties the database of the user.
"""

from __future__ import annotations

import os
from pathlib import Path

from prompt_toolkit.history import FileHistory

from engine.commands import types as t
from engine.commands.parser import parse_text
from engine.commands.specs import BY_NAME
from engine.errors import UsageError

PRIVATE_MODE = 0o600


def make_private(path: Path) -> None:
    """Create the file if missing, readable and writable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_MODE))
    os.chmod(path, PRIVATE_MODE)


def holds_private_text(line: str) -> bool:
    """Whether the line is a command whose free text the learner wrote (an answer)."""
    words = line.strip().removeprefix("/").split(maxsplit=1)
    spec = BY_NAME.get(words[0].lower()) if words else None
    return spec is not None and any(option.rest for option in spec.options)


def forgets_me(line: str) -> bool:
    try:
        return parse_text(line) == t.ForgetMeCommand(confirm=True)
    except UsageError:
        return False


class PrivateHistory(FileHistory):
    def __init__(self, path: Path) -> None:
        make_private(path)
        self._path = path
        super().__init__(str(path))

    def store_string(self, string: str) -> None:
        if not holds_private_text(string):
            super().store_string(string)

    def handled(self, line: str) -> None:
        """After a line ran: a confirmed /forget-me empties the history too."""
        if forgets_me(line):
            self.forget()

    def forget(self) -> None:
        """Empty the file and the lines kept in memory."""
        with open(self._path, "w", encoding="utf-8"):
            pass
        self._loaded_strings = []
