"""Claims about the PDFium text engine: the pdfplumber engine's lines, boxes and clauses, faster.

``--engine auto`` (the default) reads with PDFium and falls back to pdfplumber; these tests compare the
two engines directly, so the pdfplumber reader stays covered too.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.errors import InputError
from analyzer.ingest import read_document
from analyzer.segment import segment

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "documents" / "my-shelter-sop.pdf"
GENERATED = ["structured_pdf", "two_column_pdf", "hyphenated_pdf", "web_print_pdf"]
BAD = ["truncated", "encrypted", "zero_pages", "image_only", "not_pdf"]


def _both(path: Path):
    return (
        read_document(path, engine="pdfplumber", timeout=None),
        read_document(path, engine="pdfium", timeout=None),
    )


def _clause_keys(document) -> list[tuple[str, str]]:
    return [(clause.number, clause.text) for clause in segment(document)]


def _assert_same_lines(reference, fast, *, tolerance: float = 1.0) -> None:
    assert [line.text for line in fast.lines] == [line.text for line in reference.lines]
    for ours, theirs in zip(fast.lines, reference.lines, strict=True):
        assert ours.box.page == theirs.box.page
        for side in ("x0", "top", "x1", "bottom"):
            assert abs(getattr(ours.box, side) - getattr(theirs.box, side)) <= tolerance, (ours, theirs)


@pytest.mark.parametrize("pdf", GENERATED)
def test_fast_engine_gives_the_pdfplumber_lines_boxes_and_clauses(pdf, request):
    reference, fast = _both(request.getfixturevalue(pdf))
    _assert_same_lines(reference, fast)
    assert _clause_keys(fast) == _clause_keys(reference)


def test_fast_engine_gives_the_pdfplumber_clauses_on_a_sample_document():
    reference, fast = _both(SAMPLE)
    assert fast.text == reference.text and fast.title == reference.title
    assert _clause_keys(fast) == _clause_keys(reference) and len(fast.lines) > 100


def test_text_scaled_by_its_matrix_gets_the_pdfplumber_box(tmp_path):
    """PDFium reports the unscaled font size ("/F1 1 Tf" drawn at 12 pt by the text matrix)."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    content = b"BT /F1 1 Tf 12 0 0 12 72 700 Tm (Victims shall not be detained.) Tj ET"
    resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, 612, 792],
        Resources=resources,
        Contents=pdf.make_stream(content),
    )
    pdf.pages.append(pikepdf.Page(page))
    pdf.save(tmp_path / "scaled.pdf")
    reference, fast = _both(tmp_path / "scaled.pdf")
    _assert_same_lines(reference, fast, tolerance=0.5)
    assert fast.lines[0].text == "Victims shall not be detained."


@pytest.mark.parametrize("case", BAD)
def test_auto_engine_refuses_bad_files_with_the_pdfplumber_reason(case, bad_inputs):
    reasons = {}
    for engine in ("auto", "pdfplumber", "pdfium"):
        with pytest.raises(InputError) as caught:
            read_document(bad_inputs[case], engine=engine, timeout=None)
        reasons[engine] = caught.value.reason
    assert reasons["auto"] == reasons["pdfplumber"]


def test_an_unknown_engine_is_refused_in_one_line(structured_pdf):
    with pytest.raises(ValueError, match="unknown PDF engine"):
        read_document(structured_pdf, engine="ocr", timeout=None)
    outcome = CliRunner().invoke(app, ["segment", str(structured_pdf), "--engine", "ocr"])
    assert outcome.exit_code == 2 and "--engine ocr: choose from auto, pdfplumber, pdfium" in outcome.output


def test_slanted_text_is_read_by_both_engines(tmp_path):
    """Synthetic italics (a skewed matrix) are upright text, as pdfminer counts them; none may vanish."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Article 1. Victims shall not be detained.", new_x="LMARGIN", new_y="NEXT")
    with pdf.skew(ax=15):
        pdf.cell(
            0, 10, "Article 2. Victims may leave the shelter at any time.", new_x="LMARGIN", new_y="NEXT"
        )
    pdf.output(tmp_path / "slanted.pdf")
    texts = {
        engine: read_document(tmp_path / "slanted.pdf", engine=engine, timeout=None).text
        for engine in ("pdfplumber", "pdfium")
    }
    assert texts["pdfium"] == texts["pdfplumber"]
    assert "Victims may leave the shelter at any time." in texts["pdfium"]


@pytest.mark.parametrize(
    ("sideways", "warned"),
    [
        ("DRAFT", False),  # a stamp set sideways is no lost text
        ("Article 2. Victims may leave the shelter at any time and shall not be detained. " * 3, True),
    ],
)
def test_both_engines_say_when_a_page_holds_text_set_sideways(sideways, warned, tmp_path):
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    content = (
        b"BT /F1 12 Tf 72 700 Td (Article 1. Victims shall not be detained.) Tj ET "
        b"BT /F1 8 Tf 0 1 -1 0 580 60 Tm (" + sideways.encode() + b") Tj ET"
    )
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, 612, 792],
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
        Contents=pdf.make_stream(content),
    )
    pdf.pages.append(pikepdf.Page(page))
    pdf.save(tmp_path / "sideways.pdf")
    reference, fast = _both(tmp_path / "sideways.pdf")
    assert fast.text == reference.text == "Article 1. Victims shall not be detained."
    expected = ("page 1: text set sideways is not read; check the page",) if warned else ()
    assert fast.warnings == reference.warnings == expected


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_a_page_rotated_by_mistake_is_read_as_written_and_said(degrees, tmp_path):
    """A page whose /Rotate entry turns its text sideways or upside down (read as it shows, its words
    were lost, or reversed at 180°) gives the clauses of the page as written, with a warning."""
    with pikepdf.open(SAMPLE) as pdf:
        pdf.pages[1].rotate(degrees, relative=True)
        pdf.save(tmp_path / "rotated.pdf")
    document = read_document(tmp_path / "rotated.pdf", timeout=None)
    original = read_document(SAMPLE, timeout=None)
    assert _clause_keys(document) == _clause_keys(original)
    said = [w for w in document.warnings if w.startswith("page 2 ")]
    assert said == [
        f"page 2 is turned by its /Rotate entry ({degrees}°) so that its text does not show upright; "
        "it was read as written, and its clauses are not marked on it"
    ]
    assert not [w for w in original.warnings if w.startswith("page 2")]


def test_a_landscape_page_written_for_its_rotation_is_read_as_shown(tmp_path):
    """Text drawn turned so that a /Rotate 90 page shows it upright (a landscape table) is read as it
    shows, with no warning."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    lines = [b"Article %d. Victims shall not be detained in any facility." % n for n in range(1, 6)]
    content = b" ".join(
        b"BT /F1 12 Tf 0 1 -1 0 %d 72 Tm (%s) Tj ET" % (100 + 20 * n, line) for n, line in enumerate(lines)
    )
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, 612, 792],
        Rotate=90,
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
        Contents=pdf.make_stream(content),
    )
    pdf.pages.append(pikepdf.Page(page))
    pdf.save(tmp_path / "landscape.pdf")
    document = read_document(tmp_path / "landscape.pdf", timeout=None)
    assert [line.text for line in document.lines] == [line.decode() for line in lines]
    assert document.warnings == ()
