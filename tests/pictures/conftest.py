"""Fixtures for the pictures: the review cases, built once from real simulated traces."""

from __future__ import annotations

import pytest
from picture_cases import CASES

from engine.content.loader import Content
from engine.pictures import Picture


@pytest.fixture(scope="session")
def cases(content: Content) -> dict[str, Picture]:
    return {name: make(content) for name, make in CASES.items()}
