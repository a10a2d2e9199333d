"""Segment: cut a :class:`~analyzer.types.Document` into :class:`~analyzer.types.Clause` records.

:func:`segment` follows the document's own numbering (:mod:`analyzer.segment.structure`, patterns in
``patterns.yaml``), then splits clauses longer than ``long_clause`` characters into runs of sentences
(:mod:`analyzer.segment.sentences`). Each clause keeps its number, heading path, lead-in, character
offsets, pages and the boxes of its lines.
"""

from __future__ import annotations

import bisect

from analyzer.segment.markers import only_marker
from analyzer.segment.sentences import chunk_spans
from analyzer.segment.structure import RawClause, raw_clauses
from analyzer.types import Box, Clause, Document

LONG_CLAUSE = 600


def segment(doc: Document, *, long_clause: int = LONG_CLAUSE) -> list[Clause]:
    """Return the clauses of ``doc`` in reading order."""
    lines = doc.lines
    starts = [line.start for line in lines]
    clauses: list[Clause] = []
    for raw in raw_clauses(doc):
        for start, end in _pieces(doc, raw, long_clause=long_clause):
            own = " ".join(doc.text[start:end].split())
            if not own or only_marker(own):
                continue
            first = max(bisect.bisect_right(starts, start) - 1, 0)
            last = max(bisect.bisect_left(starts, end) - 1, first)
            touched = [line for line in lines[first : last + 1] if line.end > start and line.start < end]
            boxes: tuple[Box, ...] = tuple(line.box for line in touched if line.box is not None)
            pages = tuple(sorted({line.page for line in touched}))
            text = f"{raw.lead_in} {own}" if raw.lead_in else own
            clauses.append(
                Clause(
                    clause_id=f"{doc.doc_id[:12]}-{len(clauses) + 1:04d}",
                    doc_id=doc.doc_id,
                    number=raw.number,
                    heading_path=raw.heading_path,
                    text=text,
                    start=start,
                    end=end,
                    pages=pages,
                    boxes=boxes,
                    lead_in=raw.lead_in,
                    division=raw.division,
                )
            )
    return clauses


def _pieces(doc: Document, raw: RawClause, *, long_clause: int) -> list[tuple[int, int]]:
    """The clause's span, or its sentence runs when it is long."""
    start, end = raw.start, raw.end
    while start < end and doc.text[start].isspace():
        start += 1
    while end > start and doc.text[end - 1].isspace():
        end -= 1
    if end - start <= long_clause:
        return [(start, end)]
    body = doc.text[start:end].replace("\n", " ")
    return [(start + a, start + b) for a, b in chunk_spans(body, language=doc.language)]
