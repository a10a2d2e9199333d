"""Machine-readable outputs of an audit: the full result as JSON and the findings as a CSV table.

CSV cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return) are prefixed with a single quote, since clause text comes from untrusted documents.
Output file names are derived from the document's name with :func:`safe_stem`. Clauses and findings on
pages read by OCR carry ``ocr_confidence``: the lowest OCR confidence of the clause's pages (0–1), empty
for text from a text layer. Findings carry ``asserted``: whether the scorecard counts them (confidence at
or above their stance's emit threshold); the others are listed for a reviewer, as in the HTML report.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from pathlib import Path

from analyzer.score import emit_thresholds, is_asserted
from analyzer.types import AuditResult

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = (
    "document",
    "country",
    "clause_id",
    "number",
    "pages",
    "principle",
    "principle_name",
    "stance",
    "confidence",
    "needs_review",
    "evidence",
    "rationale",
    "recommended_wording",
    "clause_text",
    "ocr_confidence",
    "asserted",  # added last: columns are only ever added, so scripts reading by position keep working
)


def neutralise(value: object) -> object:
    """A cell value that spreadsheets will not evaluate as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}
)


def safe_stem(name: str, *, limit: int = 80) -> str:
    """A file-name stem safe on every platform: letters, digits, dot, dash and underscore only, never a
    hidden file, an option-like name or a device name Windows reserves (``CON``, ``NUL``, ``COM1`` …)."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(name).stem).strip(".-_")[:limit].rstrip(".-_")
    if stem.split(".")[0].upper() in WINDOWS_RESERVED:
        stem = f"document-{stem}"
    return stem or "document"


def result_to_dict(result: AuditResult) -> dict:
    """The audit as plain data: document metadata, clauses, findings, scorecard and gaps."""
    document = result.document
    confidence = {c.clause_id: document.ocr_confidence(c.pages) for c in result.clauses}
    emit = emit_thresholds(result.scorecard)
    return {
        "document": {
            "doc_id": document.doc_id,
            "path": document.path,
            "title": document.title,
            "format": document.format,
            "language": document.language,
            "country": document.country,
            "doc_type": document.doc_type,
            "pages": document.page_count,
            "warnings": list(document.warnings),
            "ocr_pages": {str(p.number): p.ocr_confidence for p in document.pages if p.ocr},
        },
        "clauses": [
            {**clause.to_dict(), "ocr_confidence": document.ocr_confidence(clause.pages)}
            for clause in result.clauses
        ],
        "findings": [
            {
                **dataclasses.asdict(finding),
                "asserted": is_asserted(finding, emit),
                "ocr_confidence": confidence.get(finding.clause_id),
            }
            for finding in result.findings
        ],
        "scorecard": result.scorecard,
        "gaps": list(result.gaps),
    }


def write_json(result: AuditResult, path: Path) -> Path:
    path.write_text(json.dumps(result_to_dict(result), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def finding_rows(result: AuditResult, *, taxonomy=None) -> list[dict]:
    """One row per finding, with its clause and the principle's name and recommended wording."""
    from analyzer.taxonomy import load_taxonomy

    taxonomy = taxonomy or load_taxonomy()
    clauses = {clause.clause_id: clause for clause in result.clauses}
    emit = emit_thresholds(result.scorecard)
    rows = []
    for finding in result.findings:
        clause, principle = clauses[finding.clause_id], taxonomy.get(finding.principle)
        rows.append(
            {
                "document": Path(result.document.path).name,
                "country": result.document.country or "",
                "clause_id": clause.clause_id,
                "number": clause.number,
                "pages": ",".join(map(str, clause.pages)),
                "principle": finding.principle,
                "principle_name": principle.name,
                "stance": finding.stance,
                "confidence": finding.confidence,
                "needs_review": finding.needs_review,
                "asserted": is_asserted(finding, emit),
                "evidence": "; ".join(finding.evidence),
                "rationale": finding.rationale,
                "recommended_wording": principle.recommended_wording if finding.stance == "HARMFUL" else "",
                "clause_text": clause.text,
                "ocr_confidence": _or_empty(result.document.ocr_confidence(clause.pages)),
            }
        )
    return rows


def _or_empty(value: float | None) -> float | str:
    return "" if value is None else value


def write_csv(rows: list[dict], path: Path) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({key: neutralise(row.get(key, "")) for key in CSV_COLUMNS})
    return path
