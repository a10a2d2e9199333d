"""Matching the compiled deontic patterns on a tokenized clause: every match of every group
(:func:`match_cues`, the PhraseMatcher plus the chains of word runs and gaps joined here), then the
matches that count (blocked ones dropped, the longest of overlapping ones kept).
"""

from __future__ import annotations

from spacy.tokens import Doc

from analyzer.classify.deontic_patterns import _COLUMNS, MARKERS, MODALITIES, Gap, Rules, rules


def _longest(spans: list[tuple[int, int]], *, earliest: bool = False) -> list[tuple[int, int]]:
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


def match_cues(
    doc: Doc, r: Rules | None = None, columns: list[list[int]] | None = None
) -> dict[str, set[tuple[int, int]]]:
    """Every match of every group in ``doc`` as token spans, before blocking and overlap resolution."""
    r = r or rules()
    found: dict[str, set[tuple[int, int]]] = {}
    forward: dict[int, dict[int, list[int]]] = {}  # word run -> start -> ends
    backward: dict[int, dict[int, list[int]]] = {}  # word run -> end -> starts
    for key, s, e in [*r.phrases(doc), *(r.matcher(doc) if r.matcher else ())]:
        if key in r.labels:
            group, at_start = r.labels[key]
            if not at_start or s == 0:
                found.setdefault(group, set()).add((s, e))
        else:
            forward.setdefault(key, {}).setdefault(s, []).append(e)
            if key in r.backward:
                backward.setdefault(key, {}).setdefault(e, []).append(s)
    columns = columns or _columns(doc)
    for key, starts in forward.items():
        for group, at_start, before, after in r.chains.get(key, ()):
            for s, ends in starts.items():
                begins = {s}
                for part in before:
                    begins = _reach(columns, part, begins, backward, step=-1)
                if at_start:
                    begins &= {0}
                reached = set(ends) if begins else set()
                for part in after:
                    reached = _reach(columns, part, reached, forward, step=1)
                if reached:
                    found.setdefault(group, set()).update((b, e) for b in begins for e in reached)
    return found


def _columns(doc: Doc) -> list[list[int]]:
    """Token attributes, one list per attribute of :data:`_COLUMNS` (what gaps test; offsets)."""
    return doc.to_array(_COLUMNS).T.tolist() if len(doc) else [[] for _ in _COLUMNS]


def _reach(
    columns: list[list[int]],
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
    reached, n = set(), len(columns[0])
    for p in at:
        if part.low == 0:
            reached.add(p)
        count = 0
        while count < part.high:
            i = p + count if step > 0 else p - count - 1
            if not 0 <= i < n or not part.accepts(columns, i):
                break
            count += 1
            if count >= part.low:
                reached.add(p + step * count)
    return reached


def _matches(doc: Doc, r: Rules, columns: list[list[int]]) -> dict[str, list[tuple[int, int]]]:
    """The matches that count: blocked ones dropped, the longest of overlapping ones kept."""
    found = {g: list(spans) for g, spans in match_cues(doc, r, columns).items()}
    for blocker in r.blocks.keys() & found.keys():
        for bs, be in found[blocker]:
            for t in r.blocks[blocker]:
                if t in found:
                    found[t] = [(s, e) for s, e in found[t] if e <= bs or s >= be]
    found = {g: spans if g in MARKERS else _longest(spans) for g, spans in found.items() if spans}
    for family in (MODALITIES[:4], MARKERS):  # the marker that opens first governs: "except where ..."
        tagged = {span: g for g in family for span in found.get(g, ())}
        kept = _longest(list(tagged), earliest=family == MARKERS)
        for g in family:
            found[g] = [span for span in kept if tagged[span] == g]
    return found
