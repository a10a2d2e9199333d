"""The marker tables' one-regex pre-check agrees with trying their rules one by one."""

from __future__ import annotations

import pytest

from analyzer.corpus.dataset import default_corpus_dir
from analyzer.segment.markers import load_patterns

TRICKY = [
    "Section 5. Shelter",
    "SECTION\n12 Scope",
    "  (a) the victim;",
    "(iv) any child",
    "Pasal 24",
    "BAB IV KETENTUAN PIDANA",
    "Chapter III — Protection",
    "มาตรา ๕ ในพระราชบัญญัตินี้",
    "1.2.3 Procedure",
    "• a bullet",
    "The shelter shall act.",
    "",
]


def lines() -> list[str]:
    sources = sorted((default_corpus_dir() / "documents" / "src").glob("*.md"))
    found = [line for source in sources for line in source.read_text(encoding="utf-8").splitlines()]
    return found + TRICKY


@pytest.mark.parametrize("table", ["containers", "sections", "items"])
def test_the_pre_check_matches_exactly_where_a_rule_does(table):
    rules = getattr(load_patterns(), table)
    checked = 0
    for line in lines():
        for text in (line, line.lstrip("#> ")):  # markdown decoration off, as the rendered PDF shows it
            expected = any(rule.regex.match(text, 0) for rule in rules.rules)
            assert bool(rules.any.match(text, 0)) == expected, (table, text)
            checked += expected
    assert checked, f"no line starts with a {table} marker: the test reads nothing"
