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
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pdfplumber.utils.exceptions import PdfminerException
from pdfplumber.utils.text import WordExtractor

from analyzer.errors import InputError
from analyzer.ingest import layout
from analyzer.ingest.build import RawLine, RawPage, document_from_blocks
from analyzer.ingest.limits import DEFAULT_LIMITS, Limits
from analyzer.ingest.lines import repair_hyphenation, running_line_indexes
from analyzer.ingest.ocr import NO_TEXT_LAYER, OcrOptions, recognise_pages
from analyzer.ingest.pdf_checks import check_pdf, password_needed
from analyzer.ingest.text_layer import (
    SIDEWAYS_CHARACTERS,
    sideways_warnings,
    text_layer_problem,
    text_layer_warnings,
)
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


@dataclass(frozen=True)
class PageReading:
    """One page as the pdfplumber reader found it."""

    blocks: list[list[layout.Fragment]]  # fragments in reading order
    has_images: bool
    duplicates: int  # characters drawn twice, removed
    sideways: int  # characters set sideways, left out
    width: float  # the page's size in the orientation its boxes are in
    height: float
    as_written: bool = False  # a rotated page read in the orientation its text was written in


def _page_fragments(page) -> PageReading:
    """The page's blocks of fragments in reading order, and what was left out. A page turned by its
    /Rotate entry so that most of its text shows sideways or upside down (a page rotated by mistake) is
    read in the orientation its text was written in; its boxes are then in that orientation."""
    deduplicated, duplicates = _without_duplicate_chars(page)
    width, height = float(page.width), float(page.height)
    rotation = page.rotation % 360
    chars = deduplicated.chars
    as_written = rotation in _TURNED and _mostly_turned(chars, rotation)
    if as_written:
        chars, width, height = _as_written(chars, rotation, width, height)
        words = WordExtractor(**WORD_OPTIONS).extract_words(chars)
    else:
        words = deduplicated.extract_words(**WORD_OPTIONS)
    words = [w for w in words if w["text"].strip()]
    sideways = sum(len(w["text"]) for w in words if not w.get("upright", True))
    words = [w for w in words if w.get("upright", True)]
    has_images = bool(page.images)
    if not words:
        return PageReading([], has_images, duplicates, sideways, width, height, as_written)
    fragments = layout.rows_to_fragments(layout.words_to_rows(words))
    gutter = layout.find_gutter(fragments, page_width=width)
    ordered = layout.fragments_in_reading_order(fragments, gutter)
    return PageReading(
        layout.fragments_to_blocks(ordered), has_images, duplicates, sideways, width, height, as_written
    )


# How a character written upright shows on a page turned clockwise by the key, as the signs of its
# matrix's a, b, c, d (pdfminer gives the matrix as shown).
_TURNED = {90: (0, -1, 1, 0), 180: (-1, 0, 0, -1), 270: (0, 1, -1, 0)}


def _written_upright(char: dict, rotation: int) -> bool:
    """Whether ``char``, on a page turned by ``rotation``, was written upright before the turn."""
    matrix = char.get("matrix") or (1, 0, 0, 1)
    return all(
        (value > 0) if sign > 0 else (value < 0) if sign < 0 else True
        for value, sign in zip(matrix[:4], _TURNED[rotation], strict=True)
    )


def _mostly_turned(chars: list[dict], rotation: int) -> bool:
    """Whether most of a turned page's text (and at least :data:`SIDEWAYS_CHARACTERS`) was written
    upright before the turn, so that it shows sideways or upside down."""
    printed = [char for char in chars if char["text"].strip()]
    turned = sum(1 for char in printed if _written_upright(char, rotation))
    return turned >= SIDEWAYS_CHARACTERS and 2 * turned > len(printed)


def _as_written(
    chars: list[dict], rotation: int, width: float, height: float
) -> tuple[list[dict], float, float]:
    """The characters of a page shown turned by ``rotation`` degrees clockwise, placed as on the page
    before the turn, and that page's width and height. A character is upright when it was written
    upright; its ``size`` is its box height, as pdfminer gives it for upright text."""
    placed = []
    for char in chars:
        x0, x1, top, bottom = char["x0"], char["x1"], char["top"], char["bottom"]
        if rotation == 90:
            box = (top, bottom, width - x1, width - x0)
        elif rotation == 180:
            box = (width - x1, width - x0, height - bottom, height - top)
        else:  # 270
            box = (height - bottom, height - top, x0, x1)
        placed.append(
            {
                **char,
                "x0": box[0],
                "x1": box[1],
                "top": box[2],
                "bottom": box[3],
                "doctop": box[2],
                "size": box[3] - box[2],
                "upright": _written_upright(char, rotation),
            }
        )
    placed.sort(key=lambda char: (char["top"], char["x0"]))
    if rotation == 180:
        return placed, width, height
    return placed, height, width


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
            reading = _page_fragments(page)
            blocks, has_images, duplicates = reading.blocks, reading.has_images, reading.duplicates
            if reading.as_written:
                warnings.append(
                    f"page {number} is turned by its /Rotate entry ({page.rotation % 360}°) so that its text "
                    "does not show upright; it was read as written, and its clauses are not marked on it"
                )
            warnings += sideways_warnings(number, reading.sideways, rotated=bool(page.rotation % 360))
            texts = [f.text for block in blocks for f in block]
            problem = text_layer_problem(texts) or (None if blocks or not has_images else NO_TEXT_LAYER)
            if problem:
                unreadable[number], blocks = problem, []
            else:
                warnings += text_layer_warnings(number, texts, duplicates)
            pages.append((reading.width, reading.height, blocks))
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
