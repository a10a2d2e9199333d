"""Read a PDF with pdfplumber into a :class:`~analyzer.types.Document`.

Before parsing, :func:`analyzer.ingest.pdf_checks.check_pdf` refuses hostile structures (bombs, cycles,
deep nesting, broken xref, too many pages). Per page: words with boxes (duplicated overlapping characters
removed and reported), then rows, fragments, columns and blocks (see :mod:`analyzer.ingest.layout`).
Pages without a usable text layer (scans, fonts without a text mapping, see
:mod:`analyzer.ingest.text_layer`) are recognised by OCR (:mod:`analyzer.ingest.ocr`). Across pages:
running headers, footers and page numbers are dropped, and words hyphenated at line ends are joined.
Each line keeps its box so a clause can be highlighted on the page later. Broken, encrypted and empty
files raise ``InputError`` with a one-line reason.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pdfplumber
from pdfplumber.utils.exceptions import PdfminerException

from analyzer.errors import InputError
from analyzer.ingest import layout
from analyzer.ingest.build import RawLine, RawPage, document_from_blocks
from analyzer.ingest.limits import DEFAULT_LIMITS, Limits
from analyzer.ingest.lines import repair_hyphenation, running_line_indexes
from analyzer.ingest.ocr import NO_TEXT_LAYER, OcrOptions, recognise_pages
from analyzer.ingest.pdf_checks import check_pdf, password_needed
from analyzer.ingest.text_layer import sideways_warnings, text_layer_problem, text_layer_warnings
from analyzer.types import Box, Document

# pdfminer's exception class name (the ``__cause__`` of pdfplumber's error) -> reason shown to the user.
OPEN_ERRORS: dict[str, str] = {
    "PDFPasswordIncorrect": "the PDF is password-protected: give the password with --password",
    "PSEOF": "the PDF is truncated or damaged (unexpected end of file)",
    "PDFSyntaxError": "the PDF is damaged (invalid structure)",
    "PDFEncryptionError": "the PDF uses an encryption this reader does not support",
}

WORD_OPTIONS = {"x_tolerance": 1.5, "y_tolerance": 3, "keep_blank_chars": False, "extra_attrs": ["size"]}


def _open(path: Path, password: str | None) -> pdfplumber.PDF:
    try:
        return pdfplumber.open(path, password=password or "")
    except PdfminerException as exc:
        cause = type(exc.__cause__ or exc.args[0] if exc.args else exc).__name__
        if cause == "PDFPasswordIncorrect" and password:
            raise InputError(path, "the password given for this PDF is wrong") from None
        reason = OPEN_ERRORS.get(cause, f"the PDF is damaged and cannot be opened ({cause})")
        raise InputError(path, reason) from None


def _page_fragments(page) -> tuple[list[list[layout.Fragment]], bool, int, int]:
    """Return the page's blocks of fragments in reading order, whether it has images, how many
    duplicated characters were removed and how many characters set sideways (not read) were left out."""
    deduplicated, duplicates = _without_duplicate_chars(page)
    words = [w for w in deduplicated.extract_words(**WORD_OPTIONS) if w["text"].strip()]
    upright = [w for w in words if w.get("upright", True)]
    sideways, words = sum(len(w["text"]) for w in words if not w.get("upright", True)), upright
    has_images = bool(page.images)
    if not words:
        return [], has_images, duplicates, sideways
    fragments = layout.rows_to_fragments(layout.words_to_rows(words))
    gutter = layout.find_gutter(fragments, page_width=float(page.width))
    ordered = layout.fragments_in_reading_order(fragments, gutter)
    return layout.fragments_to_blocks(ordered), has_images, duplicates, sideways


def _without_duplicate_chars(page, *, tolerance: float = 1.0):
    """The page without characters drawn twice at (nearly) the same place, as fake-bold text does.

    A linear-time stand-in for pdfplumber's ``dedupe_chars``, which is quadratic on long pages.
    """
    seen: set[tuple] = set()
    duplicates: set[int] = set()
    for char in page.chars:
        key = (char["text"], round(char["x0"] / tolerance), round(char["top"] / tolerance))
        if key in seen:
            duplicates.add(id(char))
        seen.add(key)
    if not duplicates:
        return page, 0
    return page.filter(lambda obj: id(obj) not in duplicates), len(duplicates)


_HYPHENATED = re.compile(r"\b\w+-\w+\b")


def read_pdf(
    path: Path,
    *,
    password: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    ocr: OcrOptions | None = None,
) -> Document:
    """Read ``path``; raise ``InputError`` for hostile, encrypted, damaged or empty PDFs."""
    ocr = ocr or OcrOptions()
    warnings = check_pdf(path, password=password, limits=limits)
    password = password_needed(path, password)  # the PDF's own, not a batch's, for pdfminer and OCR
    pdf = _open(path, password)
    with pdf:
        if not pdf.pages:
            raise InputError(path, "the PDF has no pages")
        pages: list[tuple[float, float, list[list[layout.Fragment]]]] = []
        unreadable: dict[int, str] = {}  # page -> why its text layer cannot be used
        for number, page in enumerate(pdf.pages, start=1):
            blocks, has_images, duplicates, sideways = _page_fragments(page)
            warnings += sideways_warnings(number, sideways, rotated=bool(page.rotation % 360))
            texts = [f.text for block in blocks for f in block]
            problem = text_layer_problem(texts) or (None if blocks or not has_images else NO_TEXT_LAYER)
            if problem:
                unreadable[number], blocks = problem, []
            else:
                warnings += text_layer_warnings(number, texts, duplicates)
            pages.append((float(page.width), float(page.height), blocks))
            page.close()  # drop the page's parsed objects: memory stays flat on long documents
        title = (pdf.metadata or {}).get("Title")
    confidences = recognise_pages(path, pages, unreadable, password=password, options=ocr, warnings=warnings)
    if not any(blocks for _, _, blocks in pages):
        raise InputError(path, _no_text_reason(unreadable, ocr))
    raw_pages = [
        dataclasses.replace(raw, ocr=True, ocr_confidence=confidences[n]) if n in confidences else raw
        for n, raw in enumerate(_clean_pages(pages), start=1)
    ]
    return document_from_blocks(path, raw_pages, fmt="pdf", title=_usable_title(title), warnings=warnings)


def _no_text_reason(unreadable: dict[int, str], ocr: OcrOptions) -> str:
    if not unreadable:
        return "the PDF has no text on any page"
    if not ocr.enabled:
        return "the PDF has no usable text layer (a scan, or fonts without a text mapping): it needs OCR (drop --no-ocr)"
    return "the PDF has no usable text layer and OCR found no text on its pages"


def _clean_pages(pages: list[tuple[float, float, list[list[layout.Fragment]]]]) -> list[RawPage]:
    """Drop running lines, repair hyphenation and turn fragments into ``RawLine``s with boxes."""
    flat = [[f.text for block in blocks for f in block] for _, _, blocks in pages]
    drops = running_line_indexes(flat)
    keep = {m.lower() for lines in flat for line in lines for m in _HYPHENATED.findall(line)}
    result: list[RawPage] = []
    for number, ((width, height, blocks), drop) in enumerate(zip(pages, drops, strict=True), start=1):
        raw_blocks: list[list[RawLine]] = []
        index = 0
        for block in blocks:
            kept = []
            for fragment in block:
                if index not in drop:
                    kept.append(fragment)
                index += 1
            texts = repair_hyphenation([f.text for f in kept], keep=keep)
            raw_blocks.append(
                [
                    RawLine(text, Box(number, f.x0, f.top, f.x1, f.bottom))
                    for text, f in zip(texts, kept, strict=True)
                ]
            )
        result.append(RawPage(raw_blocks, width, height))
    return result


def _usable_title(title: object) -> str | None:
    """The metadata title, unless it is empty or just a file name ("Microsoft Word - x.docx")."""
    if not isinstance(title, str):
        return None
    title = title.strip()
    if not title or re.search(r"\.(docx?|pdf|rtf|odt)$", title, re.I) or title.lower() == "untitled":
        return None
    return title[:200]
