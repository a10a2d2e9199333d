"""The deontic cue patterns: reading and validating ``deontic_patterns.yaml`` and compiling it into
:class:`Rules` for a blank English tokenizer (no tagger, no model).

The YAML holds spaCy PhraseMatcher phrases and Matcher token patterns, grouped by kind (:data:`GROUPS`).
:func:`read_patterns` reads it, refusing a key given twice; :func:`build_rules` checks every group and
pattern and compiles them: phrases, and token patterns made of words only, onto one PhraseMatcher; a
token pattern with gaps into a chain of word runs and :class:`Gap` parts (the fast path that
:mod:`analyzer.classify.deontic_matching` runs); anything else onto a spaCy Matcher. :func:`rules` is the
shipped patterns, compiled once per process.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import spacy
import yaml
from spacy.attrs import IDX, IS_PUNCT, LENGTH, LIKE_NUM, LOWER, ORTH
from spacy.matcher import Matcher, PhraseMatcher
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

MODALITIES: tuple[str, ...] = ("prohibition", "obligation", "permission", "weak", "none")
ACTORS: tuple[str, ...] = ("offender", "victim", "child", "official", "none")
MARKERS = ("exception_marker", "condition_marker", "limiter", "restrictor", "unconditional")
CUES = ("weakener", "negation", "cooperation_act", "refusal", "loss", "proviso")
CUES += ("discretion", "authority", "narrow", "vague", "broad_ground")  # exception kinds, strongest first
TOPICS = ("hedge", "euphemism", "offender", "victim", "child", "official", "penalty", "definition")
GROUPS = MODALITIES[:4] + MARKERS + CUES + TOPICS + ("cross_reference", "cooperation")
PATTERN_ATTRS = frozenset({"LOWER", "TEXT", "OP", "IS_PUNCT", "LIKE_NUM"})


@dataclass(frozen=True)
class Gap:
    """Tokens between the word runs of a token pattern: how many, and what each of them must be."""

    low: int
    high: int
    checks: tuple[tuple[int, Any], ...] = ()  # (column of _COLUMNS, a flag or a frozenset of string ids)

    def accepts(self, columns: list[list[int]], i: int) -> bool:
        return all(
            columns[c][i] in v if isinstance(v, frozenset) else columns[c][i] == v for c, v in self.checks
        )


# group, only at the clause start, the parts before the anchor run (nearest first), the parts after it
Chain = tuple[str, bool, tuple["int | Gap", ...], tuple["int | Gap", ...]]
_COLUMNS = (LOWER, ORTH, IS_PUNCT, LIKE_NUM, IDX, LENGTH)


@dataclass(frozen=True)
class Rules:
    """The compiled patterns: a tokenizer-only pipeline, its matchers and the YAML's settings.

    Phrases, and token patterns made of words only, run on one PhraseMatcher. A token pattern with gaps
    ("{0,12}", "*", IS_PUNCT, LIKE_NUM) becomes a chain of word runs (PhraseMatcher keys) and :class:`Gap`s
    joined here, several times faster than spaCy's Matcher with these patterns (its predicates run on
    every token); a pattern that cannot be chained (a "!" operator, no word at all) runs on a Matcher.
    """

    nlp: spacy.language.Language
    phrases: PhraseMatcher
    matcher: Matcher | None
    labels: dict[int, tuple[str, bool]]  # match id -> (group, only at the clause start)
    chains: dict[int, list[Chain]]  # PhraseMatcher key of a word run -> the chains anchored on it
    backward: frozenset[int]  # word runs that stand before the anchor of a chain
    blocks: dict[str, tuple[str, ...]]
    strength: dict[str, float]
    hard: frozenset[int]  # string ids of the stops
    soft: frozenset[int]


def read_patterns(text: str | None = None) -> dict[str, Any]:
    """``text`` (by default the shipped ``deontic_patterns.yaml``) as data; a key given twice in one
    mapping is an error, where YAML would keep the last one silently."""
    if text is None:
        text = resources.files("analyzer.classify").joinpath("deontic_patterns.yaml").read_text("utf-8")
    return yaml.load(text, Loader=_UniqueKeyLoader)


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A SafeLoader that refuses a mapping with a repeated key (YAML would keep the last silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        if repeated := sorted({str(k) for k in keys if keys.count(k) > 1}):
            raise ValueError(
                f"deontic patterns: key given twice {repeated} near line {node.start_mark.line + 1}"
            )
        return super().construct_mapping(node, deep=deep)


@cache
def rules() -> Rules:
    """The shipped patterns, compiled once per process."""
    return build_rules(read_patterns())


def build_rules(data: Mapping[str, Any]) -> Rules:
    """Validate and compile pattern data; raises ``ValueError`` naming the first bad group or pattern."""
    nlp = spacy.blank("en")
    tokenizer = data.get("tokenizer", {})
    for case in tokenizer.get("special_cases", []):
        nlp.tokenizer.add_special_case(case, [{ORTH: case}])
    if tokenizer.get("infixes"):
        nlp.tokenizer.infix_finditer = compile_infix_regex(
            [*nlp.Defaults.infixes, *tokenizer["infixes"]]
        ).finditer
    groups = data["groups"]
    missing = [g for g in GROUPS if g not in groups]
    if missing or set(data["strength"]) != set(MODALITIES):
        raise ValueError(
            f"deontic patterns: missing groups {missing} or strengths {sorted(data['strength'])}"
        )
    phrases, check, fallback = PhraseMatcher(nlp.vocab, attr="LOWER"), Matcher(nlp.vocab, validate=True), []
    labels, chains, blocks = {}, {}, {}
    for group, spec in groups.items():
        if group not in GROUPS and not spec.get("blocks"):
            raise ValueError(f"deontic patterns: unknown group {group!r} blocks nothing")
        if unknown := set(spec.get("blocks", [])) - set(groups):
            raise ValueError(f"deontic patterns: {group!r} blocks unknown groups {sorted(unknown)}")
        blocks[group] = tuple(spec.get("blocks", []))
        cues = spec.get("phrases", [])
        if not all(isinstance(c, str) for c in cues):
            raise ValueError(
                f"deontic patterns: {group!r} has a phrase that is not a string (quote no/yes/on)"
            )
        patterns = [_checked(group, p) for p in spec.get("patterns", [])]
        anchored = [p[1:] for p in patterns if p[0] == {"IS_PUNCT": True} and len(p) > 1]
        for key, found, at_start in ((group, patterns, False), (f"{group}@start", anchored, True)):
            labels[nlp.vocab.strings.add(key)] = (group, at_start)
            docs = [] if at_start else [nlp.make_doc(c) for c in cues]
            for n, pattern in enumerate(found):
                try:
                    check.add(key, [pattern])  # a valid spaCy Matcher pattern, however it is run
                except (ValueError, KeyError) as error:
                    raise ValueError(f"deontic patterns: {group!r}: {error}") from error
                parts = _parts(pattern)
                if parts is None:
                    fallback.append((key, pattern))
                elif len(parts) == 1:
                    docs += [Doc(nlp.vocab, words=words) for words in parts[0]]
                else:
                    chain = [_run(nlp, phrases, f"{key}#{n}.{m}", p) for m, p in enumerate(parts)]
                    # anchor on the longest word run, the rarest to match: "person who" rather than "any"
                    runs = [i for i, p in enumerate(parts) if not isinstance(p, Gap)]
                    k = max(runs, key=lambda i: (min(map(len, parts[i])), -i))
                    entry = (group, at_start, tuple(reversed(chain[:k])), tuple(chain[k + 1 :]))
                    chains.setdefault(chain[k], []).append(entry)
            if docs:
                phrases.add(key, docs)
    matcher = Matcher(nlp.vocab) if fallback else None
    for key, pattern in fallback:
        matcher.add(key, [pattern])
    stops = data["stops"]
    hard, soft = (frozenset(get_string_id(w.lower()) for w in stops[k]) for k in ("hard", "soft"))
    settings = ({g: t for g, t in blocks.items() if t}, dict(data["strength"]), hard, soft)
    backward = frozenset(
        p for entries in chains.values() for e in entries for p in e[2] if not isinstance(p, Gap)
    )
    return Rules(nlp, phrases, matcher, labels, chains, backward, *settings)


def _run(nlp: spacy.language.Language, phrases: PhraseMatcher, key: str, part: Any) -> int | Gap:
    """A chain part: a gap as it is, a word run as the PhraseMatcher key of its word sequences."""
    if isinstance(part, Gap):
        return part
    phrases.add(key, [Doc(nlp.vocab, words=words) for words in part])
    return nlp.vocab.strings[key]


def _checked(group: str, pattern: Any) -> list[dict[str, Any]]:
    """A token pattern with only the attributes a blank pipeline sets (words as strings or IN lists of
    strings, flags as booleans); LOWER words lower-cased."""
    if not isinstance(pattern, list) or not pattern:
        raise ValueError(f"deontic patterns: {group!r}: a pattern is a non-empty list of tokens: {pattern!r}")
    checked = []
    for token in pattern:
        if not isinstance(token, dict) or not set(token) <= PATTERN_ATTRS:
            raise ValueError(f"deontic patterns: {group!r}: only {sorted(PATTERN_ATTRS)} allowed: {token!r}")
        token = dict(token)
        for attr in {"LOWER", "TEXT"} & set(token):
            value = token[attr]
            words = value.get("IN") if isinstance(value, dict) and set(value) == {"IN"} else [value]
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise ValueError(
                    f"deontic patterns: {group!r}: a word is not a string (quote no/yes/on): {token!r}"
                )
            if attr == "LOWER":
                token[attr] = {"IN": [w.lower() for w in words]} if isinstance(value, dict) else value.lower()
        if any(not isinstance(token[flag], bool) for flag in {"IS_PUNCT", "LIKE_NUM"} & set(token)):
            raise ValueError(
                f"deontic patterns: {group!r}: IS_PUNCT and LIKE_NUM take true or false: {token!r}"
            )
        checked.append(token)
    return checked


_ATTRS = {"LOWER": 0, "TEXT": 1, "IS_PUNCT": 2, "LIKE_NUM": 3}  # columns of _COLUMNS
_REPEAT = re.compile(r"\{(\d*)(,?)(\d*)\}")
_OPEN = 10**6


def _parts(pattern: list[dict[str, Any]], *, limit: int = 10000) -> list[Any] | None:
    """A token pattern as word runs (every word sequence a run matches) and :class:`Gap`s; None when it
    has no word run, a run that may be empty or has too many sequences, or an operator other than
    ?, *, + and {n,m}."""
    parts: list[Any] = []
    for token in pattern:
        op, attrs = token.get("OP"), {k: v for k, v in token.items() if k != "OP"}
        if op in (None, "?") and len(attrs) == 1 and set(attrs) <= {"LOWER", "TEXT"}:
            value = next(iter(attrs.values()))
            words = [value] if isinstance(value, str) else value["IN"]
            if not parts or isinstance(parts[-1], Gap):
                parts.append([[]])
            parts[-1] = [s + [w.lower()] for s in parts[-1] for w in words] + (parts[-1] if op == "?" else [])
            if len(parts[-1]) > limit:
                return None
            continue
        repeat = _REPEAT.fullmatch(op or "")
        if op not in (None, "?", "*", "+") and not repeat:
            return None
        low, high = {None: (1, 1), "?": (0, 1), "*": (0, _OPEN), "+": (1, _OPEN)}.get(op, (0, 0))
        if repeat:
            low = int(repeat[1] or 0)
            high = int(repeat[3]) if repeat[3] else _OPEN if repeat[2] else low
        checks = tuple((_ATTRS[a], _value(v, lower=a == "LOWER")) for a, v in attrs.items())
        parts.append(Gap(low, high, checks))
    runs = [i for i, p in enumerate(parts) if not isinstance(p, Gap)]
    if not runs or any([] in parts[i] for i in runs):
        return None
    return parts


def _value(value: Any, *, lower: bool) -> Any:
    """A gap's test value: the string ids of its words, or a flag as 0 / 1."""
    if isinstance(value, bool):
        return int(value)
    words = [value] if isinstance(value, str) else value["IN"]
    return frozenset(get_string_id(w.lower() if lower else w) for w in words)
