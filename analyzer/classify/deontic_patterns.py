"""The deontic cue patterns: reading and validating ``deontic_patterns.yaml`` and compiling it into
:class:`Rules` for a blank English tokenizer (no tagger, no model).

The YAML holds spaCy PhraseMatcher phrases and Matcher token patterns, grouped by kind (:data:`GROUPS`).
:func:`read_patterns` reads it, refusing a key given twice; :func:`build_rules` checks every group and
pattern and compiles them with :mod:`analyzer.classify.token_patterns` (phrases and word-only patterns on
one PhraseMatcher, patterns with gaps as chains of word runs and :class:`Gap` parts, anything else on a
spaCy Matcher). :func:`rules` is the shipped patterns, compiled once per process.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import spacy
import yaml
from spacy.attrs import ORTH
from spacy.strings import get_string_id
from spacy.util import compile_infix_regex

from analyzer.classify.token_columns import TokenColumns
from analyzer.classify.token_patterns import (
    PATTERN_ATTRS,
    Chain,
    Gap,
    PatternCompiler,
    PatternSet,
    checked,
)

MODALITIES: tuple[str, ...] = ("prohibition", "obligation", "permission", "weak", "none")
ACTORS: tuple[str, ...] = ("offender", "victim", "child", "official", "none")
# Who a modal binds: an actor, or "other", a party named by the ``other_party`` group (an employer, a
# State party to an agreement, a fund), or "none": nobody named.
SUBJECTS: tuple[str, ...] = ("offender", "victim", "child", "official", "other", "none")
MARKERS = ("exception_marker", "condition_marker", "limiter", "restrictor", "unconditional")
CUES = ("weakener", "negation", "cooperation_act", "refusal", "loss", "proviso")
CUES += ("discretion", "authority", "narrow", "vague", "broad_ground")  # exception kinds, strongest first
TOPICS = ("hedge", "euphemism", "offender", "victim", "child", "official", "penalty", "definition")
GROUPS = MODALITIES[:4] + MARKERS + CUES + TOPICS + ("cross_reference", "cooperation", "other_party")
__all__ = ["PATTERN_ATTRS", "Chain", "Gap", "Rules", "build_rules", "read_patterns", "rules", "token_columns"]


@dataclass(frozen=True)
class Rules:
    """The compiled patterns: a tokenizer-only pipeline, the groups' patterns compiled by
    :class:`~analyzer.classify.token_patterns.PatternCompiler` and the YAML's settings."""

    nlp: spacy.language.Language
    patterns: PatternSet  # keys are the group names
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


@cache
def token_columns() -> TokenColumns:
    """Token columns of clauses tokenized as :func:`rules`'s pipeline tokenizes them, once per process."""
    return TokenColumns(rules().nlp)


def build_rules(data: Mapping[str, Any], *, phrase_matcher: bool = False) -> Rules:
    """Validate and compile pattern data; raises ``ValueError`` naming the first bad group or pattern.
    ``phrase_matcher``: also put the phrases on a spaCy PhraseMatcher (the tests' reference)."""
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
    compiler, blocks = PatternCompiler(nlp, what="deontic patterns", phrase_matcher=phrase_matcher), {}
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
        compiler.add(group, cues, [_checked(group, p) for p in spec.get("patterns", [])])
    stops = data["stops"]
    hard, soft = (frozenset(get_string_id(w.lower()) for w in stops[k]) for k in ("hard", "soft"))
    settings = ({g: t for g, t in blocks.items() if t}, dict(data["strength"]), hard, soft)
    return Rules(nlp, compiler.build(), *settings)


def _checked(group: str, pattern: Any) -> list[dict[str, Any]]:
    """A deontic group's token pattern, checked (see :func:`analyzer.classify.token_patterns.checked`)."""
    return checked("deontic patterns", group, pattern)
