"""An audit's report files as bytes, for the dashboard's download buttons.

The same writers as ``dnh audit`` (:mod:`analyzer.report`), so a download and a CLI report never differ.
The highlighted PDF needs the audited file itself: :func:`highlighted_pdf` returns ``None`` (with the
reason) when the document is not a PDF or its original is no longer where it was audited from.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path

from analyzer.errors import InputError
from analyzer.report.export import finding_rows, result_to_dict, safe_stem, write_csv
from analyzer.report.html import render_html
from analyzer.report.pdf import highlight_pdf_noting
from analyzer.taxonomy import Taxonomy
from analyzer.types import AuditResult


def report_stem(result: AuditResult) -> str:
    """The file-name stem of the document's reports."""
    return safe_stem(Path(result.document.path).name or result.document.title or "document")


def json_bytes(result: AuditResult) -> bytes:
    return (json.dumps(result_to_dict(result), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def csv_bytes(result: AuditResult, *, taxonomy: Taxonomy) -> bytes:
    """The findings table, spreadsheet-safe (formula cells neutralised)."""
    with tempfile.TemporaryDirectory(prefix="dnh-csv-") as folder:
        path = write_csv(finding_rows(result, taxonomy=taxonomy), Path(folder) / "findings.csv")
        return path.read_bytes()


def html_bytes(result: AuditResult, *, taxonomy: Taxonomy) -> bytes:
    return render_html(result, taxonomy=taxonomy).encode("utf-8")


def original_pdf(result: AuditResult) -> tuple[Path | None, str]:
    """The audited PDF on disk, or ``None`` and why it cannot be used."""
    document = result.document
    if document.format != "pdf":
        return None, "only PDF documents can be shown page by page"
    path = Path(document.path)
    if not path.is_file():
        return None, f"the original file is no longer at {path}"
    if hashlib.sha256(path.read_bytes()).hexdigest() != document.doc_id:
        return None, f"{path.name} has changed since it was audited"
    return path, ""


def highlighted_pdf(
    result: AuditResult, *, taxonomy: Taxonomy, password: str | None = None
) -> tuple[bytes | None, str]:
    """The original PDF with its findings as highlight annotations, or ``None`` and the reason;
    ``password`` opens an encrypted original. Beside a PDF, the text is what the highlighter warned of
    (pages left unhighlighted because they are rotated), or empty."""
    source, reason = original_pdf(result)
    if source is None:
        return None, reason
    with tempfile.TemporaryDirectory(prefix="dnh-pdf-") as folder:
        try:
            out, notes = highlight_pdf_noting(
                result, source, Path(folder) / "highlighted.pdf", taxonomy=taxonomy, password=password
            )
        except InputError as error:
            return None, error.reason
        return out.read_bytes(), "; ".join(notes)
