"""A learner's sketch, written in pieces: one `/answer` (or one submitted form) at a time.

The one place for the rules of its length: a piece is at most `MAX_PIECE` characters, a whole
sketch (of one drill, or one participant's answer to a challenge) at most `MAX_SKETCH`, and the
pieces are joined by a newline.
"""

from __future__ import annotations

MAX_PIECE = 4_000  # characters in one /answer message or form
MAX_SKETCH = 16_000  # characters across all pieces of one sketch


def extended(sketch: str, piece: str) -> str | None:
    """`sketch` with `piece` added on a line of its own (none before the first piece); None if
    the result would pass `MAX_SKETCH` characters."""
    joined = f"{sketch}\n{piece}" if sketch else piece
    return joined if len(joined) <= MAX_SKETCH else None
