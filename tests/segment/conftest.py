"""Helpers for segmenter tests: turn a literal text into a Document through the real text reader."""

from __future__ import annotations

import itertools

import pytest

from analyzer.ingest import read_document
from analyzer.segment import segment

_counter = itertools.count()


@pytest.fixture
def clauses_of(tmp_path):
    """``clauses_of(text, suffix=".txt")`` writes ``text`` to a file, reads and segments it."""

    def run(text: str, *, suffix: str = ".txt"):
        path = tmp_path / f"doc{next(_counter)}{suffix}"
        path.write_text(text, encoding="utf-8")
        return segment(read_document(path, timeout=None))

    return run


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
