"""Plain helpers shared by the tests (fixtures live in conftest.py)."""

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


def top_numbers(clauses, *, division: str = "body") -> list[str]:
    """Top-level numbers in order of appearance, consecutive repeats collapsed ("16(a)" counts as "16")."""
    numbers: list[str] = []
    for clause in clauses:
        if clause.division != division or not clause.number:
            continue
        top = clause.number.split("(")[0].split("•")[0]
        if not numbers or numbers[-1] != top:
            numbers.append(top)
    return numbers
