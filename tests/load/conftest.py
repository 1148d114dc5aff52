"""Fixtures for the load model: the shipped load content and its capacities."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from engine.content.loader import Content
from engine.load.capacity import Capacities
from engine.load.catalogue import LoadContent

sys.path.insert(0, str(Path(__file__).parent))  # des.py and grid.py, shared with bench/


@pytest.fixture(scope="session")
def load(content: Content) -> LoadContent:
    return content.load


@pytest.fixture(scope="session")
def caps(load: LoadContent) -> Capacities:
    return load.capacities
