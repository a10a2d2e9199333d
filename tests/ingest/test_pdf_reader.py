"""Claims about reading PDFs with :func:`analyzer.ingest.read_document`, on PDFs made by tests/pdfgen.py.

The first tests check the generated files themselves with pdfplumber (header on every page, two real
columns, words really hyphenated), so that a failure further down points at the reader, not at the
generator.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

import pdfgen
import pdfplumber
import pytest

from analyzer.ingest import read_document
from analyzer.types import Document

STRUCTURED = ["structured_pdf", "two_column_pdf", "hyphenated_pdf"]
ALL_PDFS = [*STRUCTURED, "web_print_pdf"]
FOOTER = re.compile(r"Page \d+ of \d+")
MENU_WORDS = ("Today is", "Constitution", "Statutes", "Jurisprudence", "Issuances", "Treaties")


@cache
def _read(path: Path) -> Document:
    return read_document(path)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _raw_lines(path: Path) -> list[list[str]]:
    """Each page's lines as pdfplumber sees them in the file (ground truth for the generator checks)."""
    with pdfplumber.open(path) as pdf:
        return [[line["text"] for line in page.extract_text_lines()] for page in pdf.pages]


def _raw_splits(path: Path) -> list[tuple[str, str]]:
    """(head, tail) of every word the file breaks at a line end: ("protec", "tion")."""
    splits = []
    for lines in _raw_lines(path):
        for line, following in zip(lines, lines[1:], strict=False):
            head, tail = re.search(r"([A-Za-z]+)-$", line), re.match(r"[a-z]+", following)
            if head and tail:
                splits.append((head.group(1), tail.group(0)))
    return splits


def _column_sentinels(path: Path) -> list[tuple[int, str, str]]:
    """Per page of a two-column file: (page, end of the left column, start of the right column), each
    two lines long, taken from the file below the title and above the footer."""
    found = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            middle = page.width / 2
            title = [line["bottom"] for line in page.extract_text_lines() if line["text"] in pdfgen.TITLE]
            top, bottom = max(title, default=pdfgen.BODY_TOP - 3) + 1, pdfgen.BODY_BOTTOM + 2
            left = page.crop((0, top, middle, bottom)).extract_text_lines()
            right = page.crop((middle, top, page.width, bottom)).extract_text_lines()
            if len(left) >= 2 and len(right) >= 2:
                end_of_left = " ".join(line["text"] for line in left[-2:])
                start_of_right = " ".join(line["text"] for line in right[:2])
                found.append((page.page_number, end_of_left, start_of_right))
    return found


# --- the generated files are what the claims below assume ----------------------------------------------


@pytest.mark.parametrize("pdf", STRUCTURED)
def test_generated_pdf_repeats_header_and_numbered_footer_on_every_page(pdf, request):
    pages = _raw_lines(request.getfixturevalue(pdf))
    assert len(pages) >= 3
    for number, lines in enumerate(pages, start=1):
        assert lines[0] == pdfgen.HEADER
        assert lines[-1] == f"Page {number} of {len(pages)}"


def test_generated_two_column_pdf_sets_its_columns_side_by_side(two_column_pdf):
    with pdfplumber.open(two_column_pdf) as pdf:
        for page in pdf.pages:
            middle = page.width / 2
            body = [w for w in page.extract_words() if pdfgen.BODY_TOP < w["top"] < pdfgen.BODY_BOTTOM]
            left = [w for w in body if w["x1"] < middle]
            right = [w for w in body if w["x0"] > middle]
            overlap = min(max(w["bottom"] for w in left), max(w["bottom"] for w in right)) - max(
                min(w["top"] for w in left), min(w["top"] for w in right)
            )
            assert overlap > 300, f"page {page.page_number} is not set in two columns"
    assert len(_column_sentinels(two_column_pdf)) == len(_raw_lines(two_column_pdf))


def test_generated_hyphenated_pdf_breaks_protection_at_a_line_end(hyphenated_pdf):
    assert ("protec", "tion") in _raw_splits(hyphenated_pdf)


# --- what the reader makes of them ----------------------------------------------------------------------


@pytest.mark.parametrize("pdf", STRUCTURED)
def test_running_header_and_footer_appear_in_no_line(pdf, request):
    document = _read(request.getfixturevalue(pdf))
    for line in document.lines:
        assert pdfgen.HEADER not in line.text, line
        assert not FOOTER.search(line.text), line


@pytest.mark.parametrize("pdf", STRUCTURED)
def test_section_headings_appear_in_order(pdf, request):
    text = _squash(_read(request.getfixturevalue(pdf)).text)
    position = 0
    for section in pdfgen.DEFAULT_SECTIONS:
        found = text.find(section["heading"], position)
        assert found >= 0, f"{section['heading']!r} missing or out of order"
        position = found + len(section["heading"])


@pytest.mark.parametrize("pdf", STRUCTURED)
def test_every_paragraph_and_item_is_read_whole_across_page_and_column_breaks(pdf, request):
    text = _squash(_read(request.getfixturevalue(pdf)).text)
    for section in pdfgen.DEFAULT_SECTIONS:
        for paragraph in section["paragraphs"]:
            assert _squash(paragraph) in text, paragraph[:80]
        for label, item in section["items"]:
            assert _squash(f"{label} {item}") in text, f"{label} {item[:70]}"


def test_left_column_is_read_before_right_column_on_each_page(two_column_pdf):
    document = _read(two_column_pdf)
    for page, end_of_left, start_of_right in _column_sentinels(two_column_pdf):
        text = _squash(document.pages[page - 1].text)
        left_at, right_at = text.find(_squash(end_of_left)), text.find(_squash(start_of_right))
        assert left_at >= 0, f"page {page}: {end_of_left!r} not read as it is printed"
        assert right_at >= 0, f"page {page}: {start_of_right!r} not read as it is printed"
        assert left_at < right_at, f"page {page}: {start_of_right!r} read before {end_of_left!r}"


def test_no_left_column_line_follows_a_right_column_line_on_the_same_page(two_column_pdf):
    for page in _read(two_column_pdf).pages:
        middle = page.width / 2
        seen_right = False
        for line in page.lines:
            seen_right = seen_right or line.box.x0 > middle
            assert not (seen_right and line.box.x1 < middle), f"page {page.number}: {line.text!r}"


def test_words_hyphenated_at_line_ends_are_repaired(hyphenated_pdf):
    text = _read(hyphenated_pdf).text
    assert "protection" in text
    assert "protec-" not in text
    for head, tail in _raw_splits(hyphenated_pdf):
        assert not re.search(rf"\b{head}-\s", text), f"{head}-/{tail} left unrepaired"


@pytest.mark.parametrize("pdf", ALL_PDFS)
def test_every_line_has_a_box_within_its_page(pdf, request):
    document = _read(request.getfixturevalue(pdf))
    assert document.lines
    for page in document.pages:
        for line in page.lines:
            box = line.box
            assert box is not None, line
            assert box.page == line.page == page.number
            assert 0 <= box.x0 < box.x1 <= page.width + 0.5, line
            assert 0 <= box.top < box.bottom <= page.height + 0.5, line


@pytest.mark.parametrize("pdf", ALL_PDFS)
def test_pages_are_numbered_from_one_to_the_page_count(pdf, request):
    path = request.getfixturevalue(pdf)
    document = _read(path)
    assert [page.number for page in document.pages] == list(range(1, len(_raw_lines(path)) + 1))


def test_web_print_keeps_section_1_intact_at_a_line_start(web_print_pdf):
    lines = [line.text for line in _read(web_print_pdf).lines]
    assert any(line.startswith("Section 1. Title. This Act shall be known as the") for line in lines)
    assert any(line.startswith("Section 2. Declaration of Policy.") for line in lines)
    for line in lines:
        if "Section 1." in line:
            assert not any(word in line for word in MENU_WORDS), line


@pytest.mark.parametrize("pdf", ALL_PDFS)
def test_doc_id_is_the_sha256_of_the_file(pdf, request):
    path = request.getfixturevalue(pdf)
    assert _read(path).doc_id == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("pdf", ALL_PDFS)
def test_generated_pdfs_are_read_as_english_pdf(pdf, request):
    document = _read(request.getfixturevalue(pdf))
    assert (document.format, document.language) == ("pdf", "en")
