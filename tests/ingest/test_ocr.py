"""OCR of pages without a usable text layer (Tesseract through pytesseract, pages rendered by pypdfium2).

The scanned documents are made here: a born-digital shelter SOP (``pdfgen``) rendered to images and set
back as an image-only PDF (``hostilegen.scanned_copy``), so the clauses OCR finds can be compared with
the original's; a Thai page is typeset by Pillow (Loma font, ``fonts-thai-tlwg-ttf``). OCR takes one to
six seconds per page here, so the documents are short (eight pages in all).
Tests that run Tesseract skip when it is not installed; ``.ci/run`` installs it.
"""

from __future__ import annotations

import difflib
import json
import shutil
import sys
from pathlib import Path

import hostilegen
import pdfgen
import pytest
from helpers import run_command

from analyzer.errors import InputError
from analyzer.ingest import read_document
from analyzer.ingest.ocr import language_for_country, normalise, plan_for
from analyzer.segment import segment

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed")
DNH = Path(sys.executable).parent / "dnh"


@pytest.fixture(scope="module")
def originals(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("ocr")
    full = pdfgen.make_structured_pdf(folder / "sop.pdf")
    short = hostilegen.policy_pdf(folder / "short-sop.pdf")
    return {
        "full": full,
        "scanned": hostilegen.scanned_copy(full, folder / "sop-scanned.pdf"),
        "short": short,
        "mixed": hostilegen.mixed_copy(short, folder / "short-mixed.pdf", scanned={2}),
        "image_only": pdfgen.make_bad_inputs(folder / "bad")["image_only"],
    }


@pytest.fixture(scope="module")
def scanned_document(originals):
    return read_document(originals["scanned"])


def numbers_matched(original: list[str], recognised: list[str]) -> float:
    """Share of the original's clause numbers found, in order, among the recognised ones."""
    matcher = difflib.SequenceMatcher(a=original, b=recognised, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(original)


@needs_tesseract
def test_scanned_pdf_is_segmented_into_the_clauses_of_the_original(originals, scanned_document):
    original = [c.number for c in segment(read_document(originals["full"]))]
    recognised = [c.number for c in segment(scanned_document)]
    assert len(original) > 40
    assert numbers_matched(original, recognised) >= 0.95, (original, recognised)


@needs_tesseract
def test_every_scanned_page_is_marked_as_ocr_with_its_confidence(scanned_document):
    assert scanned_document.page_count == 4
    for page in scanned_document.pages:
        assert page.ocr and 0.8 <= page.ocr_confidence <= 1.0, (page.number, page.ocr_confidence)
    assert any("read by Tesseract (eng)" in w for w in scanned_document.warnings)


@needs_tesseract
def test_ocr_lines_have_boxes_on_their_page_and_running_lines_are_dropped(scanned_document):
    for line in scanned_document.lines:
        page = scanned_document.pages[line.page - 1]
        assert line.box and 0 <= line.box.x0 < line.box.x1 <= page.width and line.box.bottom <= page.height
    assert pdfgen.HEADER not in scanned_document.text
    assert "Page 2 of 4" not in scanned_document.text


@needs_tesseract
def test_only_the_scanned_page_of_a_mixed_document_is_recognised(originals):
    document = read_document(originals["mixed"])
    assert [p.ocr for p in document.pages] == [False, True]
    assert document.pages[0].ocr_confidence is None and document.pages[1].ocr_confidence > 0.8
    text_page, scanned_page = (" ".join(p.text.split()) for p in document.pages)
    original = [" ".join(p.text.split()) for p in read_document(originals["short"]).pages]
    assert text_page == original[0]
    assert difflib.SequenceMatcher(a=original[1], b=scanned_page).ratio() > 0.95


def test_without_ocr_a_mixed_document_keeps_its_text_pages_and_warns(originals):
    document = read_document(originals["mixed"], ocr=False)
    assert document.pages[0].text and not document.pages[1].lines
    assert any("page 2" in w and "--no-ocr" in w for w in document.warnings)


def test_without_ocr_a_scan_is_refused_saying_it_needs_ocr(originals):
    with pytest.raises(InputError, match="needs OCR"):
        read_document(originals["scanned"], ocr=False)


def test_missing_tesseract_is_one_clear_line(originals, monkeypatch):
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    with pytest.raises(InputError) as caught:
        read_document(originals["image_only"], timeout=None)
    assert "Tesseract is not installed" in caught.value.reason and "apt-get install" in caught.value.reason
    assert "\n" not in str(caught.value)


def test_missing_tesseract_skips_the_scanned_pages_of_a_mixed_document_with_a_warning(originals, monkeypatch):
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    document = read_document(originals["mixed"], timeout=None)
    assert document.pages[0].text and not document.pages[1].lines
    assert any(
        w.startswith("page 2: no text layer; skipped: Tesseract is not installed") for w in document.warnings
    )


@needs_tesseract
def test_a_missing_language_pack_is_named(originals):
    with pytest.raises(
        InputError, match=r"OCR language zzz is not installed \(apt-get install tesseract-ocr-zzz\)"
    ):
        read_document(originals["image_only"], ocr_lang="zzz")


@needs_tesseract
def test_fonts_without_a_text_mapping_are_read_by_ocr(tmp_path):
    path = tmp_path / "unmapped.pdf"
    path.write_bytes(hostilegen.unmapped_font_pdf())
    document = read_document(path)
    assert "(cid:" not in document.text and document.pages[0].ocr
    for line in hostilegen.UNMAPPED_LINES:
        assert difflib.SequenceMatcher(a=line, b=document.text).find_longest_match().size > 0.9 * len(line)
    assert any("no usable text mapping" in w and "read by OCR" in w for w in document.warnings)


@needs_tesseract
@pytest.mark.skipif(not hostilegen.THAI_FONT.exists(), reason="fonts-thai-tlwg-ttf is not installed")
def test_a_thai_scan_is_detected_as_thai_and_read_into_its_sections(tmp_path):
    document = read_document(hostilegen.thai_scan_pdf(tmp_path / "thai.pdf"))
    assert any("(tha+eng)" in w for w in document.warnings), document.warnings
    assert document.language == "th"
    assert [c.number for c in segment(document)] == ["๑", "๒", "๓"]
    assert "ไม่ถูกดำเนินคดี" in document.text and "\u0e4d\u0e32" not in document.text
    lines = [" ".join(line.text.split()) for line in document.lines]
    assert sum(line in hostilegen.THAI_LINES for line in lines) >= 2, lines


@pytest.mark.parametrize(
    ("case", "text", "code", "expected"),
    [
        ("Thai sara am split by OCR", "ทํางาน", "th", "ทำงาน"),
        ("Thai sara am with a tone mark between", "น\u0e4d\u0e49\u0e32", "th", "น\u0e49\u0e33"),
        ("Thai text already right", "ผู้เสียหาย", "th", "ผู้เสียหาย"),
        ("Lao am", "ນໍາ", "lo", "ນຳ"),
        ("English untouched", "Section 1.", "en", "Section 1."),
    ],
)
def test_ocr_text_is_normalised_per_language(case, text, code, expected):
    assert normalise(text, code) == expected, case


@pytest.mark.parametrize(
    ("given", "tesseract", "psm"),
    [("th", "tha+eng", 6), ("tha", "tha+eng", 6), ("lo", "lao", 6), ("vi", "vie", 3), ("id", "ind+eng", 3),
     ("ms", "msa+eng", 3), ("fil", "fil+eng", 3), ("khm+eng", "khm+eng", 3), ("tha+eng", "tha+eng", 6)],
)  # fmt: skip
def test_language_choice_gives_traineddata_and_page_segmentation_mode(given, tesseract, psm):
    plan = plan_for(given)
    assert (plan.tesseract, plan.psm) == (tesseract, psm)


def test_country_gives_the_ocr_language():
    assert [language_for_country(c) for c in ("TH", "vn", "ID", "MY", "PH", "LA", None, "ZZ")] == [
        "th", "vi", "id", "ms", "en", "lo", None, None,
    ]  # fmt: skip


@needs_tesseract
def test_dnh_audit_on_a_scanned_pdf_gives_findings_with_ocr_confidence(originals, tmp_path):
    one_page = hostilegen.policy_pdf(tmp_path / "sop.pdf", sections=3, pages_min=1)
    scanned = hostilegen.scanned_copy(one_page, tmp_path / "scanned-sop.pdf")
    out = tmp_path / "out"
    result = run_command(
        [str(DNH), "audit", str(scanned), "--no-store", "--out", str(out), "--format", "json,csv,html"],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads((out / "scanned-sop.json").read_text(encoding="utf-8"))
    assert report["findings"], "the scanned SOP should have findings"
    assert all(0.8 <= f["ocr_confidence"] <= 1.0 for f in report["findings"])
    assert set(report["document"]["ocr_pages"]) == {"1"}
    csv_text = (out / "scanned-sop.csv").read_text(encoding="utf-8")
    assert "ocr_confidence" in csv_text.splitlines()[0].split(",")
    assert "Read by OCR" in (out / "scanned-sop.html").read_text(encoding="utf-8")
    assert 'class="ocr"' in (out / "scanned-sop.html").read_text(encoding="utf-8")
