"""Matching the compiled deontic patterns on a tokenized clause: every match of every group
(:func:`match_cues`, by :func:`analyzer.classify.token_matching.match_all`), then the
matches that count (blocked ones dropped, the longest of overlapping ones kept).
"""

from __future__ import annotations

from spacy.tokens import Doc

from analyzer.classify.deontic_patterns import MARKERS, MODALITIES, Rules, rules
from analyzer.classify.token_matching import columns as _columns
from analyzer.classify.token_matching import longest as _longest
from analyzer.classify.token_matching import match_all


def match_cues(
    doc: Doc | None, r: Rules | None = None, columns: list[list[int]] | None = None
) -> dict[str, set[tuple[int, int]]]:
    """Every match of every group in ``doc`` as token spans, before blocking and overlap resolution
    (``columns``: the doc's token columns; ``doc`` may then be None)."""
    r = r or rules()
    return match_all(doc, r.patterns, columns if columns is not None else _columns(doc))


def _matches(doc: Doc | None, r: Rules, columns: list[list[int]]) -> dict[str, list[tuple[int, int]]]:
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
