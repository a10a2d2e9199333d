"""Shared test helpers: where the real documents of ``../shared/fixtures`` live, and how to skip without them.

The shared fixtures sit next to the project (``<project>/../shared/fixtures``) and are absent from a fresh
clone; tests that need one call :func:`fixture_path` (or use the ``shared_fixture`` fixture), which skips
the test with a clear reason when the file is missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"


def fixture_path(name: str) -> Path:
    """Return the path of a shared fixture, or skip the calling test when it is not there."""
    path = FIXTURES / name
    if not path.is_file():
        pytest.skip(f"shared fixture {name!r} not found in {FIXTURES} (absent outside the team's workspace)")
    return path


@pytest.fixture
def shared_fixture():
    """The :func:`fixture_path` function, for tests that would rather not import from conftest."""
    return fixture_path
