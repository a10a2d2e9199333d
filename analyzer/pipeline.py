"""The one place where the stages are wired: ingest → segment → classify → score.

:func:`audit_document` reads one file and returns its :class:`~analyzer.types.AuditResult`. Each stage
is usable on its own; this module only connects them and carries the document's country and type.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from analyzer.classify.classifier import Classifier
from analyzer.ingest import DEFAULT_TIMEOUT, read_document
from analyzer.ingest.ocr import language_for_country
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
    **read_options,
) -> AuditResult:
    """Audit one document. ``classifier`` defaults to the shipped model (load it once for many files).

    ``read_options`` go to :func:`analyzer.ingest.read_document` (limits, ``ocr``, ``ocr_lang``); OCR
    reads in the country's language unless ``ocr_lang`` says otherwise.
    """
    classifier = classifier or Classifier.load()
    if not read_options.get("ocr_lang"):
        read_options["ocr_lang"] = language_for_country(country)
    document = read_document(path, password=password, timeout=timeout, **read_options)
    document = dataclasses.replace(
        document, country=country or document.country, doc_type=doc_type or document.doc_type
    )
    clauses = tuple(segment(document))
    findings = tuple(classifier.classify_clauses(clauses))
    card = scorecard(findings, clauses=len(clauses), emit=classifier.thresholds.emit)
    card["model_version"] = classifier.version
    card["taxonomy_version"] = classifier.taxonomy.version
    return AuditResult(document, clauses, findings, card, gaps(card))
