"""A fast engine for spaCy-style token patterns on a blank pipeline, shared by the deontic cues and the
taxonomy's topic patterns.

spaCy's ``Matcher`` tries every pattern at every token and runs each ``{IN: [...]}`` set as a Python
call, about a millisecond a clause for a few dozen patterns. Here phrases, and token patterns made of
words only, become word sequences (lower-cased words' string ids) in one trie, looked up word by word as
a ``PhraseMatcher`` with attribute ``LOWER`` would match them; a token pattern with gaps ("{0,12}", "*",
"?" wildcards, IS_PUNCT, LIKE_NUM, a set of words repeated) becomes a *chain* of word runs (phrase keys)
and :class:`Gap` parts, joined by ``token_matching.match_all`` from the runs found; only a pattern that
cannot be chained (a "!" operator, no word at all) runs on a spaCy ``Matcher``. With
``phrase_matcher=True`` the compiler also fills a real ``PhraseMatcher``, which the tests use as the
reference for the trie.

:class:`PatternCompiler` builds a :class:`PatternSet` from ``(key, phrases, patterns)``;
:mod:`analyzer.classify.token_matching` finds its matches in a tokenized clause.
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
    """Compiled patterns: the phrase trie, the fallback Matcher and how their keys make matches."""

    phrases: PhraseMatcher | None  # the same phrases on spaCy's PhraseMatcher, for tests; None otherwise
    matcher: Matcher | None
    labels: dict[int, tuple[str, bool]]  # match id -> (key, only at the clause start)
    chains: dict[int, list[Chain]]  # phrase key of a word run -> the chains anchored on it
    backward: frozenset[int]  # word runs that stand before the anchor of a chain
    # the phrases as a trie of lower-cased words' string ids, what :func:`phrase_matches` reads:
    # word -> (keys of the phrases ending there, the next words or None)
    trie: dict[int, Node]


class PatternCompiler:
    """Collects keys with their phrases and token patterns; :meth:`build` compiles them."""

    def __init__(self, nlp: Language, *, what: str, phrase_matcher: bool = False) -> None:
        self.nlp, self.what = nlp, what  # ``what`` names the patterns in error messages
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER") if phrase_matcher else None
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
            # word sequences (lower-cased tokens): the phrases, and patterns that are words only
            sequences = [] if at_start else [tuple(t.lower_ for t in self.nlp.make_doc(c)) for c in phrases]
            for n, pattern in enumerate(found):
                try:
                    self.check.add(name, [pattern])  # a valid spaCy Matcher pattern, however it is run
                except (ValueError, KeyError) as error:
                    raise ValueError(f"{self.what}: {key!r}: {error}") from error
                parts = _parts(pattern)
                if parts is None:
                    self.fallback.append((name, pattern))
                elif len(parts) == 1:
                    sequences += [tuple(words) for words in parts[0]]
                else:
                    chain = [self._run(f"{name}#{n}.{m}", p) for m, p in enumerate(parts)]
                    # anchor on the longest word run, the rarest to match: "person who" rather than "any"
                    runs = [i for i, p in enumerate(parts) if not isinstance(p, Gap)]
                    k = max(runs, key=lambda i: (min(map(len, parts[i])), -i))
                    entry = (key, at_start, tuple(reversed(chain[:k])), tuple(chain[k + 1 :]))
                    self.chains.setdefault(chain[k], []).append(entry)
            if sequences:
                self._add_phrases(name, sequences)

    def _run(self, name: str, part: Any) -> int | Gap:
        """A chain part: a gap as it is, a word run as the phrase key of its word sequences."""
        if isinstance(part, Gap):
            return part
        self._add_phrases(name, [tuple(words) for words in part])
        return self.nlp.vocab.strings[name]

    def _add_phrases(self, name: str, sequences: list[tuple[str, ...]]) -> None:
        """Word sequences (lower-cased tokens) under ``name`` in :attr:`words` (and on the PhraseMatcher,
        if there is one)."""
        key = self.nlp.vocab.strings.add(name)
        if self.phrases is not None:
            self.phrases.add(name, [Doc(self.nlp.vocab, words=list(words)) for words in sequences])
        for words in sequences:
            if words:
                keys = self.words.setdefault(tuple(map(get_string_id, words)), [])
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
