"""Recognise clause markers at the start of a line, from the data tables in ``patterns.yaml``.

:func:`load_patterns` compiles the tables once. :func:`match_container`, :func:`match_section` and
:func:`match_items` return what a line starts with; :func:`ordinal` and :func:`is_successor` give the
numbering arithmetic (letters, roman and Thai numerals) the segmenter uses to check that items follow
each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙០១២៣៤៥៦៧៨៩", "01234567890123456789")
ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    level: int
    regex: re.Pattern


@dataclass(frozen=True)
class RuleSet:
    """Rules tried in order, and ``any``: one regex that matches where at least one of them does (their
    alternation without group names), so a line with no marker costs one match instead of one per rule."""

    rules: tuple[Rule, ...]
    any: re.Pattern


@dataclass(frozen=True)
class Patterns:
    containers: RuleSet
    sections: RuleSet
    items: RuleSet
    explanation_start: re.Pattern
    contents_heading: re.Pattern
    body_start: re.Pattern
    conjunctions: frozenset[str]
    abbreviations: tuple[str, ...]


@dataclass(frozen=True)
class Marker:
    """A marker found at ``start`` (an offset in the text searched) running to ``end``."""

    rule: Rule
    num: str
    start: int
    end: int
    title: str = ""

    @property
    def value(self) -> int:
        return ordinal(self.num, self.rule.kind)


def _rules(rows: list[dict], *, default_kind: str) -> RuleSet:
    rules = tuple(
        Rule(
            row.get("name") or row["style"],
            row.get("kind", default_kind),
            int(row.get("level", 0)),
            re.compile(r"[ \t]*(?:" + row["pattern"] + ")", re.MULTILINE),
        )
        for row in rows
    )
    unnamed = [_NAMED_GROUP.sub("(?:", row["pattern"]) for row in rows]
    return RuleSet(
        rules, re.compile(r"[ \t]*(?:" + "|".join(f"(?:{p})" for p in unnamed) + ")", re.MULTILINE)
    )


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


@cache
def load_patterns() -> Patterns:
    """Read and compile ``patterns.yaml`` (once per process)."""
    data = yaml.safe_load(resources.files("analyzer.segment").joinpath("patterns.yaml").read_text("utf-8"))
    return Patterns(
        containers=_rules(data["containers"], default_kind="container"),
        sections=_rules(data["sections"], default_kind="number"),
        items=_rules(data["items"], default_kind="number"),
        explanation_start=re.compile(data["explanation_start"]),
        contents_heading=re.compile(data["contents_heading"]),
        body_start=re.compile(data["body_start"]),
        conjunctions=frozenset(w.lower() for w in data["conjunctions"]),
        abbreviations=tuple(data["abbreviations"]),
    )


def _first(rules: RuleSet, text: str, pos: int) -> Marker | None:
    if not rules.any.match(text, pos):
        return None
    for rule in rules.rules:
        found = rule.regex.match(text, pos)
        if found:
            title = (found.groupdict().get("title") or "").strip()
            return Marker(rule, found.group("num"), found.start("num"), found.end(), title)
    return None


def match_container(text: str, pos: int) -> Marker | None:
    return _first(load_patterns().containers, text, pos)


def match_section(text: str, pos: int) -> Marker | None:
    return _first(load_patterns().sections, text, pos)


def match_items(text: str, pos: int) -> list[Marker]:
    """Every item reading of the text at ``pos`` ("(i)" is both a letter and a roman numeral)."""
    items = load_patterns().items
    if not items.any.match(text, pos):
        return []
    found = []
    for rule in items.rules:
        hit = rule.regex.match(text, pos)
        if hit:
            found.append(Marker(rule, hit.group("num"), hit.start("num"), hit.end()))
    return found


def ordinal(num: str, kind: str) -> int:
    """The position of a printed value in its sequence: "c" → 3, "iv" → 4, "๑๒" → 12, "aa" → 27."""
    if kind in {"number", "thai"}:
        digits = re.match(r"\d+", num.translate(THAI_DIGITS))
        return int(digits.group()) if digits else 0
    if kind == "roman":
        return _roman(num.lower())
    if kind == "letter":
        letter = num.lower()
        return (ord(letter[0]) - 96) + 26 * (len(letter) - 1)
    return 0


def _roman(text: str) -> int:
    total = 0
    for a, b in zip(text, text[1:] + " ", strict=True):
        value = ROMAN.get(a, 0)
        total += -value if ROMAN.get(b, 0) > value else value
    return total


def style_of(marker: Marker) -> str:
    """The numbering sequence a marker belongs to; decimal numbers form one sequence per depth."""
    if marker.rule.kind == "decimal":
        return f"{marker.rule.name}{marker.num.rstrip('.').count('.')}"
    return marker.rule.name


def is_first(marker: Marker) -> bool:
    if marker.rule.kind == "bullet":
        return True
    if marker.rule.kind == "decimal":
        return marker.num.rstrip(".").split(".")[-1] == "1"
    return marker.value == 1


def is_successor(previous: Marker, marker: Marker) -> bool:
    """Whether ``marker`` continues the sequence that ``previous`` (same style) belongs to."""
    kind = marker.rule.kind
    if kind == "bullet":
        return previous.num == marker.num
    if kind == "decimal":
        before, after = previous.num.rstrip(".").split("."), marker.num.rstrip(".").split(".")
        return (
            len(before) == len(after) and before[:-1] == after[:-1] and int(after[-1]) == int(before[-1]) + 1
        )
    return marker.value == previous.value + 1


def only_marker(text: str) -> bool:
    """Whether a clause's text is nothing but its marker ("Pasal 24", "5.", "(1)")."""
    text = text.strip()
    if (section := match_section(text, 0)) and not text[section.start + len(section.num) :].strip(" .:-–—"):
        return True
    items = match_items(text + " ", 0)
    return bool(items) and items[0].end >= len(text)
