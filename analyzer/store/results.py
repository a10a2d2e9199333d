"""Stored audits back as :class:`~analyzer.types.AuditResult` objects, for reports and the dashboard.

A stored audit holds everything the reports need: the document's metadata (with the pages read by OCR and
their confidence), every clause with its pages and boxes, the findings, the scorecard and the gaps. It does not hold the document's full text or its lines, so
the rebuilt ``Document`` has one empty ``Page`` per page and an empty ``text``; the original file (its
``path``) is where page images come from.
"""

from __future__ import annotations

import json

import pandas as pd

from analyzer.store.database import Store
from analyzer.store.frames import Db, opened
from analyzer.types import PRINCIPLE_IDS, AuditResult, Box, Clause, Document, Finding, Page

LATEST = """
    SELECT * FROM documents WHERE doc_id = ? AND (? IS NULL OR model_version = ?)
    ORDER BY audited_at DESC, model_version DESC LIMIT 1
"""


def load_result(doc_id: str, db: Db = None, *, model_version: str | None = None) -> AuditResult:
    """The stored audit of ``doc_id`` (its latest, unless ``model_version`` is given).

    ``doc_id`` may be a unique prefix of the SHA-256 (at least 8 characters). ``KeyError`` when the store
    holds no such document.
    """
    with opened(db) as store:
        doc_id = resolve_doc_id(store, doc_id)
        rows = store.query(LATEST, [doc_id, model_version, model_version])
        if rows.empty:
            raise KeyError(f"document {doc_id[:12]} has no audit by model {model_version!r}")
        row = rows.iloc[0]
        key = [doc_id, row["model_version"]]
        clauses = store.query(
            "SELECT * FROM clauses WHERE doc_id = ? AND model_version = ? ORDER BY position", key
        )
        findings = store.query("SELECT * FROM findings WHERE doc_id = ? AND model_version = ?", key)
    document = _document(row)
    rebuilt = tuple(_clause(c) for c in clauses.itertuples(index=False))
    order = {clause.clause_id: position for position, clause in enumerate(rebuilt)}
    found = sorted(
        (_finding(f) for f in findings.itertuples(index=False)),
        key=lambda f: (order.get(f.clause_id, -1), _rank(f.principle)),
    )
    card = json.loads(row["scorecard"]) if row["scorecard"] else {}
    gaps = tuple(json.loads(row["gaps"])) if row["gaps"] else ()
    return AuditResult(document, rebuilt, tuple(found), card, gaps)


def _rank(principle: str) -> int:
    """A principle's canonical position (one no longer in the taxonomy goes last)."""
    return PRINCIPLE_IDS.index(principle) if principle in PRINCIPLE_IDS else len(PRINCIPLE_IDS)


def resolve_doc_id(store: Store, doc_id: str) -> str:
    """The full SHA-256 of the stored document whose id is or starts with ``doc_id``."""
    doc_id = (doc_id or "").strip().lower()
    if len(doc_id) < 8:
        raise KeyError(f"document id {doc_id!r} is too short (give at least 8 characters)")
    ids = store.query("SELECT DISTINCT doc_id FROM documents WHERE starts_with(doc_id, ?)", [doc_id])[
        "doc_id"
    ]
    if len(ids) != 1:
        raise KeyError(f"no stored document has id {doc_id!r}" if ids.empty else f"{doc_id!r} is ambiguous")
    return str(ids.iloc[0])


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _document(row: pd.Series) -> Document:
    pages = int(row["pages"] or 0)
    warnings = json.loads(row["warnings"]) if _text(row.get("warnings")) else []
    ocr = {int(n): c for n, c in json.loads(row["ocr_pages"]).items()} if _text(row.get("ocr_pages")) else {}
    return Document(
        doc_id=row["doc_id"],
        path=_text(row["path"]),
        title=_text(row["title"]),
        format=_text(row.get("format")) or _format_of(_text(row["file_name"])),
        language=_text(row["language"]),
        pages=tuple(
            Page(number, None, None, (), ocr=number in ocr, ocr_confidence=ocr.get(number))
            for number in range(1, pages + 1)
        ),
        text="",
        country=_text(row["country"]) or None,
        doc_type=_text(row["doc_type"]) or None,
        warnings=tuple(warnings),
    )


def _format_of(file_name: str) -> str:
    """A version-1 store did not record the format: take it from the file name."""
    suffix = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    return {"htm": "html", "markdown": "md"}.get(suffix, suffix)


def _clause(row) -> Clause:
    boxes = json.loads(row.boxes) if _text(row.boxes) else []
    return Clause(
        clause_id=row.clause_id,
        doc_id=row.doc_id,
        number=_text(row.number),
        heading_path=tuple(row.heading_path if row.heading_path is not None else ()),
        text=_text(row.text),
        start=int(row.start),
        end=int(row.end),
        pages=tuple(int(p) for p in (row.pages if row.pages is not None else ())),
        boxes=tuple(Box(**box) for box in boxes),
        lead_in=_text(row.lead_in),
        division=_text(row.division) or "body",
    )


def _finding(row) -> Finding:
    return Finding(
        clause_id=row.clause_id,
        principle=row.principle,
        stance=row.stance,
        confidence=float(row.confidence),
        needs_review=bool(row.needs_review),
        evidence=tuple(row.evidence if row.evidence is not None else ()),
        rationale=_text(row.rationale),
        source=_text(row.source) or "combined",
        model_version=row.model_version,
        taxonomy_version=_text(row.taxonomy_version),
    )
