"""Matching a compiled :class:`~analyzer.classify.token_patterns.PatternSet` in a tokenized clause.

:func:`match_all` gives every match of every key, as spaCy's matchers would (without their overlap
filtering: :func:`longest` does that): word runs are looked up in the set's trie of word ids
(:func:`phrase_matches`), chains are joined from the runs found across their gaps, and only the
patterns left on the fallback ``Matcher`` need a spaCy ``Doc``. :func:`columns` gives the token
attributes everything here reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from spacy.tokens import Doc

from analyzer.classify.token_patterns import COLUMNS, Gap, PatternSet


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
