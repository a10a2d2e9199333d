"""A fast engine for spaCy-style token patterns on a blank pipeline, shared by the deontic cues and the
taxonomy's topic patterns.

spaCy's ``Matcher`` tries every pattern at every token and runs each ``{IN: [...]}`` set as a Python
call, about a millisecond a clause for a few dozen patterns. Here phrases, and token patterns made of
words only, go onto one ``PhraseMatcher`` (attribute ``LOWER``, in C); a token pattern with gaps
("{0,12}", "*", "?" wildcards, IS_PUNCT, LIKE_NUM, a set of words repeated) becomes a *chain* of word runs
(PhraseMatcher keys) and :class:`Gap` parts, joined by :func:`match_all` from the runs found; only a
pattern that cannot be chained (a "!" operator, no word at all) runs on a spaCy ``Matcher``.

:class:`PatternCompiler` builds a :class:`PatternSet` from ``(key, phrases, patterns)``; :func:`match_all`
gives every match of every key in a tokenized clause, as spaCy's matchers would (without their
overlap filtering: :func:`longest` does that).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from spacy.attrs import IDX, IS_DIGIT, IS_PUNCT, LENGTH, LIKE_NUM, LOWER, ORTH
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.strings import get_string_id
from spacy.tokens import Doc

PATTERN_ATTRS = frozenset({"LOWER", "TEXT", "OP", "IS_PUNCT", "LIKE_NUM", "IS_DIGIT"})
# what gaps test, the character offsets (positions 4 and 5), then IS_DIGIT
COLUMNS = (LOWER, ORTH, IS_PUNCT, LIKE_NUM, IDX, LENGTH, IS_DIGIT)
_ATTRS = {"LOWER": 0, "TEXT": 1, "IS_PUNCT": 2, "LIKE_NUM": 3, "IS_DIGIT": 6}  # positions in COLUMNS
_REPEAT = re.compile(r"\{(\d*)(,?)(\d*)\}")
_OPEN = 10**6


@dataclass(frozen=True)
class Gap:
    """Tokens between the word runs of a token pattern: how many, and what each of them must be."""

    low: int
    high: int
    checks: tuple[tuple[int, Any], ...] = ()  # (position in COLUMNS, a flag or a frozenset of string ids)

    def accepts(self, columns: list[list[int]], i: int) -> bool:
        return all(
            columns[c][i] in v if isinstance(v, frozenset) else columns[c][i] == v for c, v in self.checks
        )


Node = tuple[tuple[int, ...], "dict[int, Node] | None"]
# key, only at the clause start, the parts before the anchor run (nearest first), the parts after it
Chain = tuple[str, bool, tuple["int | Gap", ...], tuple["int | Gap", ...]]


@dataclass(frozen=True)
class PatternSet:
    """Compiled patterns: the PhraseMatcher, the fallback Matcher and how their keys make matches."""

    phrases: PhraseMatcher
    matcher: Matcher | None
    labels: dict[int, tuple[str, bool]]  # match id -> (key, only at the clause start)
    chains: dict[int, list[Chain]]  # PhraseMatcher key of a word run -> the chains anchored on it
    backward: frozenset[int]  # word runs that stand before the anchor of a chain
    # the PhraseMatcher's phrases as a trie of lower-cased words' string ids, what
    # :func:`phrase_matches` reads: word -> (keys of the phrases ending there, the next words or None)
    trie: dict[int, Node]


class PatternCompiler:
    """Collects keys with their phrases and token patterns; :meth:`build` compiles them."""

    def __init__(self, nlp: Language, *, what: str) -> None:
        self.nlp, self.what = nlp, what  # ``what`` names the patterns in error messages
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.check = Matcher(nlp.vocab, validate=True)
        self.fallback: list[tuple[str, list[dict[str, Any]]]] = []
        self.labels: dict[int, tuple[str, bool]] = {}
        self.chains: dict[int, list[Chain]] = {}
        self.words: dict[tuple[int, ...], list[int]] = {}  # a phrase's lower-cased words -> its keys

    def add(self, key: str, phrases: Sequence[str], patterns: Sequence[list[dict[str, Any]]]) -> None:
        """Phrases (matched on lower-cased tokens) and checked token patterns for ``key``. A pattern
        whose first token is exactly ``{IS_PUNCT: true}`` also matches at the clause start without it."""
        anchored = [p[1:] for p in patterns if p[0] == {"IS_PUNCT": True} and len(p) > 1]
        for name, found, at_start in ((key, patterns, False), (f"{key}@start", anchored, True)):
            self.labels[self.nlp.vocab.strings.add(name)] = (key, at_start)
            docs = [] if at_start else [self.nlp.make_doc(c) for c in phrases]
            for n, pattern in enumerate(found):
                try:
                    self.check.add(name, [pattern])  # a valid spaCy Matcher pattern, however it is run
                except (ValueError, KeyError) as error:
                    raise ValueError(f"{self.what}: {key!r}: {error}") from error
                parts = _parts(pattern)
                if parts is None:
                    self.fallback.append((name, pattern))
                elif len(parts) == 1:
                    docs += [Doc(self.nlp.vocab, words=words) for words in parts[0]]
                else:
                    chain = [self._run(f"{name}#{n}.{m}", p) for m, p in enumerate(parts)]
                    # anchor on the longest word run, the rarest to match: "person who" rather than "any"
                    runs = [i for i, p in enumerate(parts) if not isinstance(p, Gap)]
                    k = max(runs, key=lambda i: (min(map(len, parts[i])), -i))
                    entry = (key, at_start, tuple(reversed(chain[:k])), tuple(chain[k + 1 :]))
                    self.chains.setdefault(chain[k], []).append(entry)
            if docs:
                self._add_phrases(name, docs)

    def _run(self, name: str, part: Any) -> int | Gap:
        """A chain part: a gap as it is, a word run as the PhraseMatcher key of its word sequences."""
        if isinstance(part, Gap):
            return part
        self._add_phrases(name, [Doc(self.nlp.vocab, words=words) for words in part])
        return self.nlp.vocab.strings[name]

    def _add_phrases(self, name: str, docs: list[Doc]) -> None:
        """``docs`` on the PhraseMatcher under ``name``, and their words in :attr:`words`."""
        self.phrases.add(name, docs)
        key = self.nlp.vocab.strings[name]
        for doc in docs:
            if len(doc):
                keys = self.words.setdefault(tuple(token.lower for token in doc), [])
                if key not in keys:
                    keys.append(key)

    def build(self) -> PatternSet:
        matcher = Matcher(self.nlp.vocab) if self.fallback else None
        for name, pattern in self.fallback:
            matcher.add(name, [pattern])
        backward = frozenset(
            p for entries in self.chains.values() for e in entries for p in e[2] if not isinstance(p, Gap)
        )
        return PatternSet(self.phrases, matcher, self.labels, self.chains, backward, self._trie())

    def _trie(self) -> dict[int, Node]:
        """:attr:`words` as :attr:`PatternSet.trie`."""
        root: dict[int, list] = {}
        for words, keys in self.words.items():
            level = root
            for word in words[:-1]:
                level = level.setdefault(word, [[], {}])[1]
            level.setdefault(words[-1], [[], {}])[0] = keys

        def frozen(level: dict[int, list]) -> dict[int, Node]:
            return {w: (tuple(keys), frozen(after) if after else None) for w, (keys, after) in level.items()}

        return frozen(root)


def checked(what: str, key: str, pattern: Any) -> list[dict[str, Any]]:
    """A token pattern with only the attributes a blank pipeline sets (words as strings or IN lists of
    strings, flags as booleans); LOWER words lower-cased. Raises ``ValueError`` naming ``what`` and ``key``."""
    if not isinstance(pattern, list) or not pattern:
        raise ValueError(f"{what}: {key!r}: a pattern is a non-empty list of tokens: {pattern!r}")
    out = []
    for token in pattern:
        if not isinstance(token, dict) or not set(token) <= PATTERN_ATTRS:
            raise ValueError(f"{what}: {key!r}: only {sorted(PATTERN_ATTRS)} allowed: {token!r}")
        token = dict(token)
        for attr in {"LOWER", "TEXT"} & set(token):
            value = token[attr]
            words = value.get("IN") if isinstance(value, dict) and set(value) == {"IN"} else [value]
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise ValueError(f"{what}: {key!r}: a word is not a string (quote no/yes/on): {token!r}")
            if attr == "LOWER":
                token[attr] = {"IN": [w.lower() for w in words]} if isinstance(value, dict) else value.lower()
        if any(
            not isinstance(token[flag], bool) for flag in {"IS_PUNCT", "LIKE_NUM", "IS_DIGIT"} & set(token)
        ):
            raise ValueError(
                f"{what}: {key!r}: IS_PUNCT, LIKE_NUM and IS_DIGIT take true or false: {token!r}"
            )
        out.append(token)
    return out


def _parts(pattern: list[dict[str, Any]], *, limit: int = 10000) -> list[Any] | None:
    """A token pattern as word runs (every word sequence a run matches) and :class:`Gap`s; None when it
    has no word run that must match, a run with too many sequences, or an operator other than ?, *, +
    and {n,m}. A run that may be empty (one optional word between gaps) becomes a gap of 0 or 1 token."""
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
        if parts and isinstance(parts[-1], Gap) and parts[-1].checks == checks:  # "? ? ?" is one gap of 0-3
            previous = parts.pop()
            low, high = previous.low + low, min(previous.high + high, _OPEN)
        parts.append(Gap(low, high, checks))
    for i, part in enumerate(parts):
        if not isinstance(part, Gap) and [] in part and max(map(len, part)) == 1:
            parts[i] = Gap(0, 1, ((_ATTRS["LOWER"], frozenset(get_string_id(s[0]) for s in part if s)),))
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


def columns(doc: Doc) -> list[list[int]]:
    """Token attributes, one list per attribute of :data:`COLUMNS` (what gaps test; offsets)."""
    return doc.to_array(COLUMNS).T.tolist() if len(doc) else [[] for _ in COLUMNS]


def phrase_matches(patterns: PatternSet, words: list[int]) -> list[tuple[int, int, int]]:
    """What ``patterns.phrases`` (the PhraseMatcher) finds in a clause whose lower-cased words' string
    ids are ``words``, as (key, start, end): the same matches, read from :attr:`PatternSet.trie` with
    dictionary look-ups instead of building a ``Doc`` for the PhraseMatcher."""
    found, n = [], len(words)
    for i, node in enumerate(map(patterns.trie.get, words)):
        end = i + 1
        while node is not None:
            keys, after = node
            for key in keys:
                found.append((key, i, end))
            if after is None or end >= n:
                break
            node = after.get(words[end])
            end += 1
    return found


def match_all(
    doc: Doc | None, patterns: PatternSet, cols: list[list[int]]
) -> dict[str, set[tuple[int, int]]]:
    """Every match of every key in a tokenized clause as token spans (``cols`` = :func:`columns` of
    ``doc``). ``doc`` may be None: only patterns run on the fallback Matcher read it, and one is then
    made from ``cols``."""
    found: dict[str, set[tuple[int, int]]] = {}
    forward: dict[int, dict[int, list[int]]] = {}  # word run -> start -> ends
    backward: dict[int, dict[int, list[int]]] = {}  # word run -> end -> starts
    matches = phrase_matches(patterns, cols[0])
    if patterns.matcher:
        matches += patterns.matcher(doc if doc is not None else _doc(patterns.matcher.vocab, cols))
    labels, backs = patterns.labels, patterns.backward
    for key, s, e in matches:
        label = labels.get(key)
        if label is not None:
            if not label[1] or s == 0:  # (key, only at the clause start)
                found.setdefault(label[0], set()).add((s, e))
        else:
            forward.setdefault(key, {}).setdefault(s, []).append(e)
            if key in backs:
                backward.setdefault(key, {}).setdefault(e, []).append(s)
    chains = patterns.chains
    for key, starts in forward.items():
        for name, at_start, before, after in chains.get(key, ()):
            for s, ends in starts.items():
                begins = _walk(cols, before, {s}, backward, step=-1) if before else {s}
                if at_start:
                    begins &= {0}
                if not begins:
                    continue
                reached = _walk(cols, after, set(ends), forward, step=1) if after else set(ends)
                if reached:
                    found.setdefault(name, set()).update((b, e) for b in begins for e in reached)
    return found


def _walk(
    cols: list[list[int]],
    parts: tuple[int | Gap, ...],
    at: set[int],
    runs: dict[int, dict[int, list[int]]],
    *,
    step: int,
) -> set[int]:
    """Where a chain can stand after ``parts``, from each position in ``at``, going forward (``step`` 1)
    or backward (-1). A gap that takes any token followed by a word run is crossed in one step, from the
    run's few places (``runs``) rather than from every position the gap could reach."""
    i, count = 0, len(parts)
    while i < count and at:
        part = parts[i]
        if isinstance(part, Gap) and not part.checks and i + 1 < count and not isinstance(parts[i + 1], Gap):
            table, low, high = runs.get(parts[i + 1], {}), part.low, part.high
            if step > 0:  # a run starting q tokens on: its ends
                at = {
                    e for q, ends in table.items() if any(p + low <= q <= p + high for p in at) for e in ends
                }
            else:  # a run ending q tokens back: its starts
                at = {
                    b
                    for q, begins in table.items()
                    if any(p - high <= q <= p - low for p in at)
                    for b in begins
                }
            i += 2
        else:
            at = _reach(cols, part, at, runs, step=step)
            i += 1
    return at


def _doc(vocab: Any, cols: list[list[int]]) -> Doc:
    """A ``Doc`` with the tokens and spaces that ``cols`` describe."""
    orth, start, length = cols[1], cols[4], cols[5]
    spaces = [start[i] + length[i] < start[i + 1] for i in range(len(orth) - 1)] + [False] * bool(orth)
    return Doc(vocab, words=[vocab.strings[o] for o in orth], spaces=spaces)


def _reach(
    cols: list[list[int]],
    part: int | Gap,
    at: set[int],
    runs: dict[int, dict[int, list[int]]],
    *,
    step: int,
) -> set[int]:
    """Where a chain can stand after one more part, from each position in ``at``, going forward
    (``step`` 1) or backward (-1)."""
    if not isinstance(part, Gap):
        table = runs.get(part, {})
        return {q for p in at for q in table.get(p, ())}
    reached, n = set(), len(cols[0])
    if not part.checks:  # any token will do: every count from low up to high that stays in the clause
        for p in at:
            most = min(part.high, n - p if step > 0 else p)
            if most >= part.low:
                reached.update(
                    range(p + part.low, p + most + 1) if step > 0 else range(p - most, p - part.low + 1)
                )
        return reached
    for p in at:
        if part.low == 0:
            reached.add(p)
        count = 0
        while count < part.high:
            i = p + count if step > 0 else p - count - 1
            if not 0 <= i < n or not part.accepts(cols, i):
                break
            count += 1
            if count >= part.low:
                reached.add(p + step * count)
    return reached


def longest(spans: Sequence[tuple[int, int]], *, earliest: bool = False) -> list[tuple[int, int]]:
    """Of overlapping spans, the longest then the earliest (or the earliest then the longest), in text
    order."""
    if len(spans) < 2:
        return list(spans)
    kept: list[tuple[int, int]] = []
    order = (lambda m: (m[0], m[0] - m[1])) if earliest else (lambda m: (m[0] - m[1], m[0]))
    for s, e in sorted(set(spans), key=order):
        if all(e <= ks or s >= ke for ks, ke in kept):
            kept.append((s, e))
    return sorted(kept)
