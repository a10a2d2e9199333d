"""Read a born-digital PDF with pypdfium2: the fast text engine.

PDFium hands over each character with its box in a few microseconds, where pdfplumber interprets the
content stream in Python. This module groups those characters into words with the same rules as the
pdfplumber reader (``x_tolerance`` 1.5 pt, ``y_tolerance`` 3 pt, a new word where the font size changes,
characters drawn twice at one place dropped) and then runs the *same* layout stages
(:mod:`analyzer.ingest.layout`) and the same clean-up across pages (running lines, hyphenation), so the
lines, their boxes and hence the clauses match the pdfplumber engine's. Boxes come from PDFium's loose
character boxes (font ascent to descent), as pdfplumber's do, so highlighting keeps working.

:func:`read_pdf_auto` is what ``--engine auto`` runs: this engine when PDFium opens the file and every
page with content has a usable text layer and no rotation; otherwise the pdfplumber reader
(:func:`analyzer.ingest.pdf.read_pdf`), which also gives the precise refusal messages and sends pages
without a usable text layer (scans, fonts without a text mapping) to OCR. Both engines first run the same
structural checks (:func:`analyzer.ingest.pdf_checks.check_pdf`: bombs, loops, nesting, page count), and
report characters drawn twice (fake bold) and partly unmapped fonts the same way.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from analyzer.errors import InputError
from analyzer.ingest import layout
from analyzer.ingest.build import document_from_blocks
from analyzer.ingest.limits import DEFAULT_LIMITS, Limits
from analyzer.ingest.ocr import OcrOptions
from analyzer.ingest.pdf import _clean_pages, _usable_title
from analyzer.ingest.pdf_checks import check_pdf, password_needed
from analyzer.ingest.pdfium_words import page_word_tuples
from analyzer.ingest.text_layer import sideways_warnings, text_layer_problem, text_layer_warnings
from analyzer.ingest.word_layout import fragments_of_words
from analyzer.types import Document

ENGINES = ("auto", "pdfplumber", "pdfium")


class NeedsPdfplumber(Exception):
    """This file needs the pdfplumber reader (unopenable, rotated, or pages without a text layer)."""


def read_pdf_fast(
    path: Path, *, password: str | None = None, limits: Limits = DEFAULT_LIMITS, ocr: OcrOptions | None = None
) -> Document:
    """Read ``path`` with PDFium; raise ``InputError`` for files it cannot use.

    Pages without a usable text layer are skipped with a warning: this engine does no OCR (``ocr`` is
    accepted for a uniform reader signature and ignored).
    """
    warnings = check_pdf(path, password=password, limits=limits)
    try:
        return _read(path, password, fallback=False, warnings=warnings)
    except NeedsPdfplumber as reason:
        raise InputError(path, str(reason)) from None


def read_pdf_auto(
    path: Path, *, password: str | None = None, limits: Limits = DEFAULT_LIMITS, ocr: OcrOptions | None = None
) -> Document:
    """Read ``path`` with PDFium where it can; fall back to the pdfplumber reader (and OCR) otherwise."""
    warnings = check_pdf(path, password=password, limits=limits)
    try:
        return _read(path, password, fallback=True, warnings=warnings)
    except NeedsPdfplumber:
        from analyzer.ingest.pdf import read_pdf

        return read_pdf(path, password=password, limits=limits, ocr=ocr)


def _read(path: Path, password: str | None, *, fallback: bool, warnings: list[str]) -> Document:
    try:
        # PDFium tries only the password it is given: none for a PDF that opens without one
        pdf = pdfium.PdfDocument(str(path), password=password_needed(path, password))
    except pdfium.PdfiumError as error:
        raise NeedsPdfplumber(f"the PDF cannot be opened ({_pdfium_reason(error)})") from None
    try:
        if len(pdf) == 0:
            raise InputError(path, "the PDF has no pages")
        pages, image_only, warnings = [], [], list(warnings)
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                width, height, blocks, duplicates, sideways = _page(page, index + 1)
                warnings += sideways_warnings(index + 1, sideways)  # as the pdfplumber reader says it
                texts = [fragment.text for block in blocks for fragment in block]
                problem = text_layer_problem(texts)
                if problem or (not blocks and _has_images(page)):
                    if fallback:  # pdfplumber reads this file and sends the page to OCR: stop here
                        raise NeedsPdfplumber(f"page {index + 1} has no usable text layer: it needs OCR")
                    image_only.append(index + 1)
                    blocks = []
                else:
                    warnings += text_layer_warnings(index + 1, texts, duplicates)
            finally:
                page.close()
            pages.append((width, height, blocks))
        title = pdf.get_metadata_dict(skip_empty=True).get("Title")
    finally:
        pdf.close()
    if not any(blocks for _, _, blocks in pages):
        if image_only:
            raise NeedsPdfplumber("the PDF has no text layer (a scan or images only): it needs OCR")
        raise NeedsPdfplumber("the PDF has no text on any page")
    warnings += [f"page {n} has no usable text layer (scanned?): it needs OCR" for n in image_only]
    return document_from_blocks(
        path, _clean_pages(pages), fmt="pdf", title=_usable_title(title), warnings=warnings
    )


def _has_images(page) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3))


def _pdfium_reason(error: Exception) -> str:
    text = str(error)
    return text.split("(PDFium: ", 1)[-1].rstrip(")") if "(PDFium: " in text else text


def _page(page, number: int) -> tuple[float, float, list[list[layout.Fragment]], int, int]:
    """One page as (width, height, blocks of fragments in reading order, characters drawn twice,
    characters set sideways and not read)."""
    if page.get_rotation():
        raise NeedsPdfplumber(f"page {number} is rotated")
    left, bottom, right, top = page.get_bbox()
    textpage = page.get_textpage()
    dropped: list[int] = []
    sideways: list[int] = []
    try:
        words = page_word_tuples(textpage, origin=(left, top), dropped=dropped, sideways=sideways)
    finally:
        textpage.close()
    duplicates = sum(dropped)
    if not words:
        return float(right - left), float(top - bottom), [], duplicates, sum(sideways)
    fragments = fragments_of_words(words)
    gutter = layout.find_gutter(fragments, page_width=float(right - left))
    ordered = layout.fragments_in_reading_order(fragments, gutter)
    return (
        float(right - left),
        float(top - bottom),
        layout.fragments_to_blocks(ordered),
        duplicates,
        sum(sideways),
    )
