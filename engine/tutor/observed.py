"""What the Tutor tells its observer about a command: a bounded label for it (one per command
type, so a metric has a fixed set of series whatever users type) and how it ended."""

from __future__ import annotations

import re

from engine.commands import types as t

_WORD = re.compile(r"(?<!^)(?=[A-Z])")
UNPARSED = "unparsed"  # the label of input that never became a command (a usage error)


def command_label(command: t.Command | None) -> str:
    """`TraceCommand` → "trace", `ClusterSetCommand` → "cluster_set"; None → "unparsed"."""
    if command is None:
        return UNPARSED
    name = type(command).__name__.removesuffix("Command")
    return _WORD.sub("_", name).lower()
