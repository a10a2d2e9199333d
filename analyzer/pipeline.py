"""The one place where the stages are wired: ingest → segment → classify → score.

:func:`audit_document` reads one file and returns its :class:`~analyzer.types.AuditResult`. Each stage
is usable on its own; this module only connects them and carries the document's country and type.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from analyzer.classify.classifier import Classifier
from analyzer.ingest import DEFAULT_ENGINE, DEFAULT_TIMEOUT, read_document
from analyzer.score import gaps, scorecard
from analyzer.segment import segment
from analyzer.types import AuditResult


def audit_document(
    path: str | Path,
    *,
    country: str | None = None,
    doc_type: str | None = None,
    password: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    classifier: Classifier | None = None,
    engine: str = DEFAULT_ENGINE,
) -> AuditResult:
    """Audit one document. ``classifier`` defaults to the shipped model (load it once for many files);
    ``engine`` is the PDF text engine (``auto``, ``pdfplumber`` or ``pdfium``)."""
    classifier = classifier or Classifier.load()
    document = read_document(path, password=password, timeout=timeout, engine=engine)
    document = dataclasses.replace(
        document, country=country or document.country, doc_type=doc_type or document.doc_type
    )
    clauses = tuple(segment(document))
    findings = tuple(classifier.classify_clauses(clauses))
    card = scorecard(findings, clauses=len(clauses), emit=classifier.thresholds.emit)
    card["model_version"] = classifier.version
    card["taxonomy_version"] = classifier.taxonomy.version
    return AuditResult(document, clauses, findings, card, gaps(card))
