"""The one place where the stages are wired: ingest → segment → classify → score.

:func:`audit_document` reads one file and returns its :class:`~analyzer.types.AuditResult`;
:func:`audit_parsed` does the same from a document already read (the dashboard reads first, to show what it
detected, then audits). Each stage is usable on its own; this module only connects them and carries the
document's country and type. ``on_stage`` is told each stage's name and the fraction of the work done
before it, for progress bars.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from analyzer.classify.classifier import Classifier
from analyzer.ingest import DEFAULT_TIMEOUT, read_document
from analyzer.ingest.language import audit_language
from analyzer.ingest.metadata import guess_country, guess_doc_type
from analyzer.ingest.ocr import language_for_country
from analyzer.score import gaps, scorecard
from analyzer.segment import segment
from analyzer.types import AuditResult, Document

StageCallback = Callable[[str, float], None]

# The stages and the share of a typical audit's time spent before each (measured on the sample PDFs).
STAGES: dict[str, float] = {"read": 0.0, "segment": 0.6, "classify": 0.75, "score": 0.95}


def _quiet(stage: str, done: float) -> None:
    """The default ``on_stage``: report nothing."""


def audit_document(
    path: str | Path,
    *,
    country: str | None = None,
    doc_type: str | None = None,
    password: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    classifier: Classifier | None = None,
    on_stage: StageCallback = _quiet,
    guess: bool = True,
    **read_options,
) -> AuditResult:
    """Audit one document. ``classifier`` defaults to the shipped model (load it once for many files);
    ``country`` and ``doc_type`` not given are guessed from the text unless ``guess`` is false
    (:func:`audit_parsed`).

    ``read_options`` go to :func:`analyzer.ingest.read_document` (limits, ``ocr``, ``ocr_lang``,
    ``engine``); OCR reads in the country's language unless ``ocr_lang`` says otherwise.
    """
    classifier = classifier or Classifier.load()
    if not read_options.get("ocr_lang"):
        read_options["ocr_lang"] = language_for_country(country)
    on_stage("read", STAGES["read"])
    document = read_document(path, password=password, timeout=timeout, **read_options)
    return audit_parsed(
        document, country=country, doc_type=doc_type, classifier=classifier, on_stage=on_stage, guess=guess
    )


def audit_parsed(
    document: Document,
    *,
    country: str | None = None,
    doc_type: str | None = None,
    classifier: Classifier | None = None,
    on_stage: StageCallback = _quiet,
    guess: bool = True,
) -> AuditResult:
    """Segment, classify and score a document already read; ``country`` (upper-cased) and ``doc_type``
    override its own, and where neither gives one they are guessed from the text
    (:mod:`analyzer.ingest.metadata`: names, capitals, institutions, currencies; ``None`` without a cue)
    unless ``guess`` is false (the dashboard's form has asked the user already).
    A document in a language the classifier does not read, wholly or in part, is audited all the same: the
    result's document records the language and the warning that
    :func:`~analyzer.ingest.language.audit_language` finds on its whole text."""
    classifier = classifier or Classifier.load()
    document = dataclasses.replace(
        document,
        country=(country or "").strip().upper() or document.country,
        doc_type=doc_type or document.doc_type,
    )
    on_stage("segment", STAGES["segment"])
    clauses = tuple(segment(document))  # in the reader's language: its sentence rules
    language, warning = audit_language(document.text, document.language)
    added = (warning,) if warning and warning not in document.warnings else ()
    document = dataclasses.replace(
        document,
        language=language,
        warnings=(*document.warnings, *added),
        # not given: guessed from the text's cues (None without any), as the dashboard pre-fills its form
        country=document.country
        or (guess_country(document.text, language=language, title=document.title) if guess else None),
        doc_type=document.doc_type
        or (guess_doc_type(document.text, title=document.title) if guess else None),
    )
    on_stage("classify", STAGES["classify"])
    findings = tuple(classifier.classify_clauses(clauses))
    on_stage("score", STAGES["score"])
    card = scorecard(findings, clauses=len(clauses), emit=classifier.thresholds.emit)
    card["model_version"] = classifier.version
    card["taxonomy_version"] = classifier.taxonomy.version
    return AuditResult(document, clauses, findings, card, gaps(card))
