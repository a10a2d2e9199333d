"""What the Analyse screen does with an uploaded file, without Streamlit: save, read, guess, audit, store.

Uploads are saved under the store's ``uploads/`` folder, one sub-folder per SHA-256 (so the same file
uploaded twice is kept once), with a sanitised name that keeps a supported extension: the reader is chosen
by extension and checks the content, so a mislabelled file is refused with a one-line reason. The saved
original is what page images and the highlighted PDF are made from later.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from analyzer.classify.classifier import Classifier
from analyzer.errors import InputError
from analyzer.ingest import DEFAULT_TIMEOUT, READERS, read_document
from analyzer.ingest.metadata import guess_country, guess_doc_type
from analyzer.ingest.ocr import language_for_country
from analyzer.pipeline import StageCallback, audit_parsed
from analyzer.report.export import safe_stem
from analyzer.store import Store
from analyzer.types import AuditResult, Document


@dataclass(frozen=True)
class Inspected:
    """An uploaded file read into a document, with the country and type its text suggests."""

    path: Path
    document: Document
    country: str | None
    doc_type: str | None


def saved_name(name: str) -> str:
    """A safe file name for an upload that keeps its (lower-cased) extension."""
    suffix = Path(name).suffix.lower()
    suffix = suffix if suffix in READERS else suffix[:10].replace("/", "")
    return safe_stem(name) + suffix


def save_upload(name: str, data: bytes, folder: Path) -> Path:
    """Write ``data`` under ``folder/<sha256 prefix>/<safe name>`` (once) and return the path."""
    digest = hashlib.sha256(data).hexdigest()
    target = Path(folder) / digest[:16] / saved_name(name)
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return target


def inspect_upload(path: Path, *, password: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> Inspected:
    """Read the saved upload (in a child process, under ``timeout``) and guess its country and type.

    Raises :class:`InputError` with a one-line reason for a file that cannot be read.
    """
    document = read_document(path, password=password, timeout=timeout)
    if not document.text.strip():
        raise InputError(path, "no text could be read from the document")
    return Inspected(
        path,
        document,
        guess_country(document.text, language=document.language, title=document.title),
        guess_doc_type(document.text, title=document.title),
    )


def for_country(
    inspected: Inspected,
    country: str | None,
    *,
    password: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Inspected:
    """The upload as read for ``country``: read again with the country's OCR language when pages were
    OCR'd in another one (the first read, before the user chose the country, had only the text pages'
    language or Tesseract's script detection to go by); otherwise unchanged."""
    language = language_for_country(country)
    document = inspected.document
    if not language or language == document.language or not any(page.ocr for page in document.pages):
        return inspected
    again = read_document(inspected.path, password=password, timeout=timeout, ocr_lang=language)
    return replace(inspected, document=again)


def audit_upload(
    inspected: Inspected,
    *,
    country: str | None,
    doc_type: str | None,
    classifier: Classifier,
    store: Store | None = None,
    on_stage: StageCallback | None = None,
    password: str | None = None,
) -> AuditResult:
    """Audit the inspected document as the user labelled it, and save it in ``store`` when given. A
    scanned document is read again in the chosen country's language first if it was OCR'd in another."""
    options = {"on_stage": on_stage} if on_stage else {}
    country = (country or "").strip().upper() or None
    if on_stage:
        on_stage("read", 0.0)
    inspected = for_country(inspected, country, password=password)
    result = audit_parsed(
        inspected.document,
        country=country,
        doc_type=(doc_type or "").strip() or None,
        classifier=classifier,
        guess=False,  # the form showed the guesses: "not given" there means not given
        **options,
    )
    if store is not None:
        store.save(result)
    return result
