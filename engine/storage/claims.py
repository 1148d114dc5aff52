"""Argument checks both stores make before a claim, so that they refuse the same calls."""

from __future__ import annotations

from datetime import timedelta


def check_claim(node: str, lease: timedelta) -> None:
    """A claim needs a node name (finish_job matches it) and a lease that ends after it starts."""
    if not node:
        raise ValueError("a claim needs the claiming node's name")
    if lease <= timedelta(0):
        raise ValueError(f"a lease must be positive, not {lease}")
