"""Domain errors: each carries a message that is safe to show to the user as it is."""

from __future__ import annotations

from engine.text.counts import count


class RungsError(Exception):
    """An expected failure with a user-safe message; the Tutor turns it into a Reply."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(RungsError):
    """Input that does not fit a command: a one-line reason plus the usage to show."""

    def __init__(self, message: str, usage: str = "", suggestion: str | None = None) -> None:
        super().__init__(message)
        self.usage = usage
        self.suggestion = suggestion


class NotFoundError(RungsError):
    """The thing asked for (a trace, a lesson, a node) does not exist."""


class ConflictError(RungsError):
    """Someone else changed the same state first; the caller may retry."""


class ContentError(Exception):
    """Content files that fail validation; `problems` lists (file, field, reason)."""

    def __init__(self, problems: list[tuple[str, str, str]]) -> None:
        super().__init__(count(len(problems), "content problem"))
        self.problems = problems


class StoreUnavailableError(RungsError):
    """The database did not answer in time (a partition, a stalled server, a full pool): the
    command changed nothing it can vouch for, and trying again later is the remedy."""

    def __init__(
        self, message: str = "The database is not answering right now; try again in a moment."
    ) -> None:
        super().__init__(message)
