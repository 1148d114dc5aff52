"""Delivery across real processes reuses the storage tests' databases and the Slack harness."""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
for folder in ("storage", "slack"):  # store_databases.py, slack_harness.py
    if str(TESTS / folder) not in sys.path:
        sys.path.insert(0, str(TESTS / folder))
