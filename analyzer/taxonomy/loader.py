"""Read ``principles.yaml`` into a :class:`~analyzer.taxonomy.model.Taxonomy`, refusing a bad file.

:func:`load_taxonomy` reads the packaged file (through ``importlib.resources``, cached) or any other
path, checks it and raises :class:`~analyzer.taxonomy.model.TaxonomyError` with a one-line message
naming the principle and field at fault: a canonical ID missing, an unknown or duplicate ID, a required
field missing or empty, an unknown field, a severity other than high/medium/low, a keyword or phrase
that is not lower-case or is repeated within its principle, or a token pattern that spaCy's ``Matcher``
will not compile (or that uses an attribute the blank runtime pipeline cannot fill).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

import yaml

from analyzer.taxonomy.model import (
    CANONICAL_IDS,
    SEVERITIES,
    Patterns,
    Principle,
    Source,
    Taxonomy,
    TaxonomyError,
    TokenPattern,
)

PACKAGED_FILE = "principles.yaml"
TOP_FIELDS = ("version", "name", "description", "principles", "victim_terms", "offender_terms", "child_terms")
TEXT_FIELDS = ("name", "definition", "harmful_when", "protective_when", "recommended_wording")
PRINCIPLE_FIELDS = ("id", *TEXT_FIELDS, "sources", "severity", "affected_groups", "patterns")
SOURCE_FIELDS = ("instrument", "provision", "note", "verified")
PATTERN_FIELDS = ("keywords", "phrases", "token_patterns")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 8x faster, same result
# The runtime tokenizes with a blank English pipeline: no tagger, lemmatizer or parser.
TOKEN_ATTRS = frozenset({"LOWER", "TEXT", "IS_DIGIT", "LIKE_NUM", "OP"})


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Load and validate the taxonomy at ``path``, or the packaged one (read once per process)."""
    if path is None:
        return _packaged()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TaxonomyError(f"{path}: cannot read taxonomy file ({exc.strerror or exc})") from exc
    return taxonomy_from_text(text, origin=path.name)


@functools.cache
def _packaged() -> Taxonomy:
    text = resources.files("analyzer.taxonomy").joinpath(PACKAGED_FILE).read_text(encoding="utf-8")
    return taxonomy_from_text(text, origin=PACKAGED_FILE)


def taxonomy_from_text(text: str, *, origin: str = "<text>") -> Taxonomy:
    """Parse and validate YAML text; ``origin`` prefixes error messages."""
    try:
        data = yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "syntax error"
        raise TaxonomyError(f"{origin}: not valid YAML ({first})") from exc
    return taxonomy_from_data(data, origin=origin)


def taxonomy_from_data(data: Any, *, origin: str = "<data>") -> Taxonomy:
    """Validate parsed YAML and build the records."""
    check = _Checker(origin)
    top = check.mapping(data, "top level", TOP_FIELDS)
    raw = check.items(top, "principles", "top level")
    principles = {}
    for index, entry in enumerate(raw, start=1):
        named = isinstance(entry, dict) and isinstance(entry.get("id"), str) and entry["id"].strip()
        label = entry["id"].strip() if named else f"principle #{index}"
        item = check.mapping(entry, label, PRINCIPLE_FIELDS)
        pid = check.text(item, "id", label)
        if pid not in CANONICAL_IDS:
            check.fail(f"unknown principle ID {pid!r} (canonical IDs: {', '.join(CANONICAL_IDS)})")
        if pid in principles:
            check.fail(f"duplicate principle ID {pid!r}")
        principles[pid] = _principle(check, pid, item)
    missing = [pid for pid in CANONICAL_IDS if pid not in principles]
    if missing:
        check.fail(f"canonical principle ID{'s' if len(missing) > 1 else ''} missing: {', '.join(missing)}")
    return Taxonomy(
        version=check.text(top, "version", "top level"),
        name=check.text(top, "name", "top level"),
        description=check.text(top, "description", "top level"),
        content_hash=content_hash(data),
        principles=tuple(principles[pid] for pid in CANONICAL_IDS),
        victim_terms=check.terms(top, "victim_terms", "top level"),
        offender_terms=check.terms(top, "offender_terms", "top level"),
        child_terms=check.terms(top, "child_terms", "top level"),
    )


def content_hash(data: Any) -> str:
    """SHA-256 of ``data`` dumped as canonical JSON: formatting of the YAML does not change it."""
    dumped = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(dumped.encode("utf-8")).hexdigest()


def _principle(check: _Checker, pid: str, item: dict) -> Principle:
    texts = {name: check.text(item, name, pid) for name in TEXT_FIELDS}
    severity = check.text(item, "severity", pid)
    if severity not in SEVERITIES:
        check.fail(f"{pid}: severity {severity!r} is not one of {', '.join(SEVERITIES)}")
    sources = []
    for index, entry in enumerate(check.items(item, "sources", pid), start=1):
        where = f"{pid}: sources[{index}]"
        source = check.mapping(entry, where, SOURCE_FIELDS)
        verified = check.present(source, "verified", where)
        if not isinstance(verified, bool):
            check.fail(f"{where}: field 'verified' must be true or false, not {verified!r}")
        sources.append(Source(*(check.text(source, f, where) for f in SOURCE_FIELDS[:3]), verified=verified))
    groups = check.items(item, "affected_groups", pid)
    for group in groups:
        if not isinstance(group, str) or not group.strip():
            check.fail(f"{pid}: field 'affected_groups' holds an empty or non-text entry")
    return Principle(
        id=pid,
        **texts,
        sources=tuple(sources),
        severity=severity,
        affected_groups=tuple(groups),
        patterns=_patterns(
            check,
            pid,
            check.mapping(check.present(item, "patterns", pid), f"{pid}: patterns", PATTERN_FIELDS),
        ),
    )


def _patterns(check: _Checker, pid: str, raw: dict) -> Patterns:
    keywords = check.terms(raw, "keywords", pid)
    for keyword in keywords:
        if any(ch.isspace() for ch in keyword):
            check.fail(f"{pid}: keyword {keyword!r} is not a single word (put it in 'phrases')")
    phrases = check.terms(raw, "phrases", pid)
    for phrase in phrases:
        if len(re.split(r"[\s-]+", phrase.strip("-"))) < 2:
            check.fail(f"{pid}: phrase {phrase!r} is a single word (put it in 'keywords')")
    token_patterns = []
    names: set[str] = set()
    for index, entry in enumerate(check.items(raw, "token_patterns", pid), start=1):
        where = f"{pid}: token_patterns[{index}]"
        item = check.mapping(entry, where, ("name", "pattern"))
        name = check.text(item, "name", where)
        if name in names:
            check.fail(f"{pid}: duplicate token pattern name {name!r}")
        names.add(name)
        pattern = check.items(item, "pattern", f"{pid}: token pattern {name!r}")
        _check_token_pattern(check, f"{pid}: token pattern {name!r}", pattern)
        token_patterns.append(TokenPattern(name=name, pattern_json=json.dumps(pattern, sort_keys=True)))
    return Patterns(keywords=keywords, phrases=phrases, token_patterns=tuple(token_patterns))


def _check_token_pattern(check: _Checker, where: str, pattern: list) -> None:
    from spacy.matcher import Matcher

    for token in pattern:
        if not isinstance(token, dict):
            check.fail(f"{where}: each token must be a mapping, not {token!r}")
        unknown = sorted(set(token) - TOKEN_ATTRS)
        if unknown:
            check.fail(
                f"{where}: attribute {unknown[0]!r} is not available (use {', '.join(sorted(TOKEN_ATTRS))})"
            )
        for attr in ("LOWER", "TEXT"):
            if isinstance(token.get(attr), dict) and set(token[attr]) != {"IN"}:
                check.fail(f"{where}: {attr} takes a string or {{IN: [...]}}, not {sorted(token[attr])}")
        for value in _lower_values(token):
            if not isinstance(value, str):
                check.fail(
                    f"{where}: LOWER value {value!r} is not text (quote YAML words such as no, on, yes)"
                )
            if value != value.lower():
                check.fail(f"{where}: LOWER value {value!r} is not lower-case and would never match")
    try:
        Matcher(_vocab(), validate=True).add("check", [pattern])
    except Exception as exc:  # spaCy raises ValueError, MatchPatternError or KeyError
        check.fail(f"{where}: does not compile ({' '.join(str(exc).split())[:160]})")


def _lower_values(token: dict) -> list:
    """The values a token's ``LOWER`` accepts (empty when it has none, or when ``IN`` is malformed)."""
    if "LOWER" not in token:
        return []
    value = token["LOWER"]
    if isinstance(value, dict):
        return value["IN"] if isinstance(value.get("IN"), list) else []
    return [value]


@functools.cache
def _vocab():
    import spacy

    return spacy.blank("en").vocab


class _Checker:
    """Field accessors that raise :class:`TaxonomyError` prefixed with the file name."""

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def fail(self, message: str) -> NoReturn:
        raise TaxonomyError(f"{self.origin}: {message}")

    def mapping(self, value: Any, where: str, allowed: tuple[str, ...]) -> dict:
        if not isinstance(value, dict):
            self.fail(f"{where}: expected a mapping, got {type(value).__name__}")
        unknown = [key for key in value if key not in allowed]
        if unknown:
            self.fail(f"{where}: unknown field {unknown[0]!r} (allowed: {', '.join(allowed)})")
        return value

    def present(self, item: dict, name: str, where: str) -> Any:
        if item.get(name) is None:
            self.fail(f"{where}: required field {name!r} is missing")
        return item[name]

    def text(self, item: dict, name: str, where: str) -> str:
        value = self.present(item, name, where)
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{where}: field {name!r} is empty or not text")
        return value.strip()

    def items(self, item: dict, name: str, where: str) -> list:
        value = self.present(item, name, where)
        if not isinstance(value, list) or not value:
            self.fail(f"{where}: field {name!r} must be a non-empty list")
        return value

    def terms(self, item: dict, name: str, where: str) -> tuple[str, ...]:
        """A non-empty list of distinct, lower-case, non-empty strings."""
        seen: set[str] = set()
        for term in self.items(item, name, where):
            if not isinstance(term, str) or not term.strip():
                self.fail(f"{where}: field {name!r} holds an empty or non-text entry ({term!r})")
            if term != term.lower():
                self.fail(f"{where}: {name[:-1]} {term!r} is not lower-case")
            if term in seen:
                self.fail(f"{where}: {name[:-1]} {term!r} is duplicated")
            seen.add(term)
        return tuple(self.items(item, name, where))
