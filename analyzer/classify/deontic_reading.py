"""Reading the spans of one clause from its matches: exceptions, provisos and conditions opened at
each span marker, provisos that stand or fall with a guarantee, and the negation and its scope.

A span opens at each marker ("except", "unless", "provided that", "only", "who" ...) and runs up to the
next marker, a hard stop, or the comma before a following modal; a span holding a cooperation act is a
proviso, one holding an official's discretion or a vague ground a broad exception, one holding a
victim-centred ground a narrow exception, any other "except"/"unless" span a broad exception and any
other "if"/"where"/"subject to" span a condition. :class:`_Reading` holds the working state.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from spacy.strings import get_string_id
from spacy.tokens import Doc

from analyzer.classify.deontic_matching import _matches
from analyzer.classify.deontic_patterns import MARKERS, MODALITIES, Rules
from analyzer.classify.token_matching import columns as _columns

_KINDS = (("discretion", "broad"), ("narrow", "narrow"), ("authority", "broad"), ("vague", "broad"))
_COMMA = get_string_id(",")
_TRAILING = frozenset(map(get_string_id, (",", "—", "–")))  # trimmed off the end of a span
_CLOSING = frozenset(map(get_string_id, (")", "]")))  # kept at the end of a cue: "subsection (1)"


class _Reading:
    """Working state while one clause is read: its matches, and which tokens lie in which span."""

    def __init__(self, doc: Doc | None, r: Rules, text: str, columns: list[list[int]] | None = None) -> None:
        self.r, self.source = r, text  # text == doc.text
        self.columns = columns if columns is not None else _columns(doc)
        self.n = len(self.columns[0])
        self.found = _matches(doc, r, self.columns)
        self.ids = self.columns[0]  # string ids of the lower-cased words
        self.zone = [""] * self.n  # "c" exception, proviso, condition; "r" relative clause; "u" unconditional
        self.evidence: dict[str, list[str]] = {}
        self.stops = {i for i, w in enumerate(self.ids) if w in r.hard}
        self.edge = _edge(r.hard, r.soft)

    def get(self, group: str) -> list[tuple[int, int]]:
        return self.found.get(group, [])

    def text(self, s: int, e: int) -> str:
        """The text of tokens s..e (``doc[s:e].text`` without making a Span)."""
        if e <= s:
            return ""
        start, length = self.columns[4], self.columns[5]
        return self.source[start[s] : start[e - 1] + length[e - 1]]

    def within(self, group: str, a: int, b: int) -> list[tuple[int, int]]:
        return [(s, e) for s, e in self.get(group) if a <= s and e <= b]

    def note(self, key: str, spans: Iterable[tuple[int, int]]) -> None:
        """Record matched cues as evidence, without the punctuation or number a pattern anchors on."""
        edge, numbers = self.edge, self.columns[3]
        for s, e in spans:
            while s < e - 1 and (self.ids[s] in edge or numbers[s]):
                s += 1
            while e > s + 1 and self.ids[e - 1] in edge:
                e -= 1
            self.evidence.setdefault(key, []).append(self.text(s, e))

    def mark(self, s: int, e: int, kind: str) -> None:
        for i in range(s, e):
            self.zone[i] = self.zone[i] or kind


@lru_cache(maxsize=8)
def _edge(hard: frozenset[int], soft: frozenset[int]) -> frozenset[int]:
    """The words :meth:`_Reading.note` trims off a cue's edges: the stops, but closing brackets."""
    return hard | soft - _CLOSING


def _spans(rd: _Reading) -> tuple[list[tuple[int, str, str]], list[tuple[int, str, list, bool]], list[str]]:
    """Exceptions (start, text, kind), provisos (start, text, cues, whether the marker makes a
    condition) and conditions, from the span markers and free cues."""
    r, ids, n = rd.r, rd.ids, rd.n
    modal_starts = sorted(s for g in MODALITIES[:4] for s, _ in rd.get(g))
    markers = sorted((s, e, g) for g in MARKERS for s, e in rd.get(g))
    opens = [s for s, _, g in markers if g not in ("restrictor", "limiter")]
    ends = rd.stops | set(modal_starts) | set(opens) | {s for s, _ in rd.get("penalty")}
    exceptions, provisos, conditions = [], [], []
    for s, e, g in markers:
        if g in ("restrictor", "limiter"):
            if rd.zone[s] and g == "restrictor":
                continue
            if e < n and ids[e] == _COMMA:  # "who, in the opinion of the officer, is ..."
                e = next((i + 1 for i in range(e + 1, n) if ids[i] == _COMMA), e)
            end = next((i for i in range(e, n) if ids[i] in r.soft or i in ends), n)
        else:
            end = min([i for i in (*opens, *rd.stops) if i >= e] + [n])
            later = [m for m in modal_starts if e <= m < end and _COMMA in ids[e:m]]
            if later:
                end = max(i for i in range(e, later[0]) if ids[i] == _COMMA)
        while s < end and (ids[s] in r.soft or ids[s] in r.hard):
            s += 1
        while end > s and (ids[end - 1] in r.hard or ids[end - 1] in _TRAILING):
            end -= 1
        refused = rd.within("refusal", s, end)
        coop = [
            (a, b)
            for a, b in rd.within("cooperation_act", s, end)
            if not any(c < b and a < d for c, d in refused)
        ]
        span, coop = rd.text(s, end), coop + refused
        if g == "unconditional":
            rd.mark(s, end, "u")
        elif coop and not any(a <= s < b for a, b in rd.get("offender")):
            provisos.append((s, span, coop, g in ("condition_marker", "exception_marker")))
            rd.mark(s, end, "c")
        elif g == "restrictor":
            rd.mark(s, end, "r")
        else:
            kind, cues = "broad", []
            for group, label in _KINDS:
                cues = rd.within(group, s, end) + (
                    rd.within("broad_ground", s, end) if group == "vague" else []
                )
                if cues:
                    kind = label
                    break
            if not cues and g != "exception_marker":
                if g == "condition_marker":
                    conditions.append(span)
                    rd.note("conditions", [(s, e)])
                    rd.mark(s, end, "c")
                continue
            exceptions.append((s, span, kind))
            rd.note("exceptions", [(s, e), *cues])
            rd.mark(s, end, "c")
    for group in ("broad_ground", "proviso"):
        for s, e in rd.get(group):
            if not rd.zone[s]:
                if group == "proviso":
                    provisos.append((s, rd.text(s, e), [(s, e)], False))
                else:
                    exceptions.append((s, rd.text(s, e), "broad"))
                    rd.note("exceptions", [(s, e)])
                rd.mark(s, e, "c")
    return sorted(exceptions), provisos, conditions


def _guaranteed(
    rd: _Reading, provisos: list[tuple[int, str, list, bool]], conditions: list[str], *, cue: int
) -> tuple[list[str], list[str]]:
    """Provisos that stand, and conditions. A refusal to cooperate is no proviso when the provision
    guarantees help anyway: an unconditional cue ("shall continue to receive"), or a negation that
    follows the refusal ("a victim who declines to testify shall not be ...") or rules out a loss
    ("assistance shall not be withdrawn if the victim refuses ..."). ``cue``: where the negation of the
    provision stands, -1 if it has none."""
    refusals = set(rd.get("refusal"))
    loss = any(rd.zone[s] != "c" and cue <= s for s, _ in rd.get("loss")) if cue >= 0 else False
    guaranteed = any(z == "u" for z in rd.zone)
    kept = []
    for start, text, cues, conditional in provisos:
        if all(c in refusals for c in cues) and (guaranteed or (cue >= 0 and (start < cue or loss))):
            if conditional:
                conditions.append(text)
            continue
        kept.append(text)
        rd.note("provisos", cues)
    return kept, conditions


def _negation(rd: _Reading) -> tuple[str, str, int, range]:
    """The first negation cue outside the spans, what it scopes over, where it stands (-1 if nowhere)
    and the tokens of its sentence."""
    negations = [(s, e) for s, e in rd.get("negation") if rd.zone[s] not in ("c", "r")]
    if not negations:
        return "", "", -1, range(0)
    rd.note("negation", negations)
    (s, e), punctuation = negations[0], " ,;:.—–"
    stop = next((i for i in range(e, rd.n) if rd.zone[i] == "c" or i in rd.stops), rd.n)
    modals = [m for g in MODALITIES[:4] for m, _ in rd.get(g) if e < m < stop and _COMMA in rd.ids[e:m]]
    if modals:  # "shall not be scheduled on that date, and the return shall be arranged ..."
        stop = max(i for i in range(e, min(modals)) if rd.ids[i] == _COMMA)
    start = max([i + 1 for i in rd.stops if i < s] + [0])
    scope = rd.text(e, stop).strip(punctuation) or rd.text(start, s).strip(punctuation)
    return rd.text(s, e), scope, s, range(start, min([i for i in rd.stops if i >= e] + [rd.n]))
