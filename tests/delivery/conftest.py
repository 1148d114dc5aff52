"""Delivery across real processes reuses the storage tests' databases and the platform harnesses."""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
for folder in ("storage", "slack", "discord"):  # store_databases, slack_harness, discord_harness
    if str(TESTS / folder) not in sys.path:
        sys.path.insert(0, str(TESTS / folder))
