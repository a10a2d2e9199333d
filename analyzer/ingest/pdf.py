"""Read a PDF with pdfplumber into a :class:`~analyzer.types.Document`.

Per page: words with boxes (duplicated overlapping characters removed), then rows, fragments, columns
and blocks (see :mod:`analyzer.ingest.layout`). Across pages: running headers, footers and page numbers
are dropped, and words hyphenated at line ends are joined. Each line keeps its box so a clause can be
highlighted on the page later. Broken, encrypted, empty and image-only files raise ``InputError`` with a
one-line reason.
"""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
from pdfplumber.utils.exceptions import PdfminerException

from analyzer.errors import InputError
from analyzer.ingest import layout
from analyzer.ingest.build import RawLine, RawPage, document_from_blocks
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


def _page_fragments(page) -> tuple[list[list[layout.Fragment]], bool]:
    """Return the page's blocks of fragments in reading order, and whether it has images."""
    words = _without_duplicate_chars(page).extract_words(**WORD_OPTIONS)
    words = [w for w in words if w.get("upright", True) and w["text"].strip()]
    has_images = bool(page.images)
    if not words:
        return [], has_images
    fragments = layout.rows_to_fragments(layout.words_to_rows(words))
    gutter = layout.find_gutter(fragments, page_width=float(page.width))
    ordered = layout.fragments_in_reading_order(fragments, gutter)
    return layout.fragments_to_blocks(ordered), has_images


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
        return page
    return page.filter(lambda obj: id(obj) not in duplicates)


_HYPHENATED = re.compile(r"\b\w+-\w+\b")


def read_pdf(path: Path, *, password: str | None = None) -> Document:
    """Read ``path``; raise ``InputError`` for encrypted, damaged, empty or image-only PDFs."""
    pdf = _open(path, password)
    with pdf:
        if not pdf.pages:
            raise InputError(path, "the PDF has no pages")
        pages: list[tuple[float, float, list[list[layout.Fragment]]]] = []
        imageless_text = 0
        image_only: list[int] = []
        for number, page in enumerate(pdf.pages, start=1):
            blocks, has_images = _page_fragments(page)
            if not blocks and has_images:
                image_only.append(number)
            imageless_text += bool(blocks)
            pages.append((float(page.width), float(page.height), blocks))
            page.close()  # drop the page's parsed objects: memory stays flat on long documents
        title = (pdf.metadata or {}).get("Title")
    if not imageless_text:
        if image_only:
            raise InputError(path, "the PDF has no text layer (a scan or images only): it needs OCR")
        raise InputError(path, "the PDF has no text on any page")
    warnings = [f"page {n} has no text layer (scanned?): it needs OCR" for n in image_only]
    raw_pages = _clean_pages(pages)
    return document_from_blocks(path, raw_pages, fmt="pdf", title=_usable_title(title), warnings=warnings)


def _clean_pages(pages: list[tuple[float, float, list[list[layout.Fragment]]]]) -> list[RawPage]:
    """Drop running lines, repair hyphenation and turn fragments into ``RawLine``s with boxes."""
    flat = [[f.text for block in blocks for f in block] for _, _, blocks in pages]
    drops = layout.running_line_indexes(flat)
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
            texts = layout.repair_hyphenation([f.text for f in kept], keep=keep)
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
