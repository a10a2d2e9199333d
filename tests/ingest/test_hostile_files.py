"""Hostile files through ``read_document`` (parsed in a worker process, as the CLI and batches do):
each is refused with one line naming it and the reason, or read cleanly with a warning.

The files come from :func:`hostilegen.make_hostile_inputs` (shared with ``test_cli_bad_input.py``, which
runs some of them through the ``dnh`` command).
"""

from __future__ import annotations

import shutil

import hostilegen
import pikepdf
import pytest

from analyzer.errors import InputError
from analyzer.ingest import read_document
from analyzer.ingest.isolate import run_with_time_limit
from analyzer.ingest.limits import Limits
from analyzer.ingest.pdf_checks import check_pdf
from analyzer.ingest.text_layer import text_layer_problem

# what the case is for, its key in make_hostile_inputs, words the one-line reason must hold
REFUSED = [
    ("a stream inflating 1000:1 (decompression bomb)", "stream_bomb", ["200:1", "decompression bomb"]),
    ("a DOCX member inflating 1000:1 (zip bomb)", "zip_bomb_docx", ["200:1", "zip bomb"]),
    ("3000 blank pages, over the default page limit", "thousands_of_pages", ["3000 pages", "limit 2000"]),
    ("an array nested 300 levels", "nested_deep", ["more than 100 levels"]),
    ("an array nested 5000 levels (beyond qpdf's own limit)", "nested_beyond_parser", ["nested too deeply"]),
    ("a page tree containing itself", "page_loop", ["page tree loops"]),
    ("an image declaring 900 megapixels", "huge_image", ["900 megapixels", "limit 200"]),
    ("two objects that are references to each other", "reference_loop", ["loops back on itself"]),
    ("a form XObject that draws itself", "form_loop", ["draws itself"]),
    (
        "no xref and no objects to rebuild one from",
        "broken_xref",
        ["cross-reference", "could not be repaired"],
    ),
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return hostilegen.make_hostile_inputs(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize(("purpose", "case", "must_say"), REFUSED, ids=[case for _, case, _ in REFUSED])
def test_hostile_file_is_refused_in_one_line_naming_it(purpose, case, must_say, hostile):
    with pytest.raises(InputError) as caught:
        read_document(hostile[case], timeout=60)
    message = str(caught.value)
    assert message.startswith(f"{hostile[case]}: refused") or "repaired" in message, (purpose, message)
    assert "\n" not in message
    for words in must_say:
        assert words in message, (purpose, message)


def test_a_damaged_cross_reference_table_is_rebuilt_and_said_so(hostile):
    document = read_document(hostile["repairable_xref"], timeout=60)
    assert "Victims shall not be detained" in document.text
    assert any("cross-reference table was damaged" in w for w in document.warnings)


def test_characters_drawn_twice_are_read_once_and_reported(hostile):
    """pdfplumber's characters are de-duplicated and counted by us; PDFium drops them itself, silently."""
    document = read_document(hostile["fake_bold"], timeout=60, engine="pdfplumber")
    assert "Residents shall not be detained in the shelter." in document.text
    assert "RReess" not in document.text
    assert any("duplicated overlapping characters" in w for w in document.warnings)
    fast = read_document(hostile["fake_bold"], timeout=60, engine="auto")
    assert "Residents shall not be detained in the shelter." in fast.text and "RReess" not in fast.text


def test_thousands_of_blank_pages_within_a_raised_limit_are_parsed_and_found_empty(hostile):
    with pytest.raises(InputError, match="no text on any page"):
        read_document(hostile["thousands_of_pages"], max_pages=5000, timeout=120)


def test_a_tighter_unpacked_limit_refuses_an_ordinary_docx(tmp_path):
    import docx

    path = tmp_path / "policy.docx"
    document = docx.Document()
    document.add_paragraph("Section 1. Residents shall not be detained in the shelter.")
    document.save(str(path))
    assert "detained" in read_document(path, timeout=60).text
    with pytest.raises(InputError, match="would unpack to"):
        read_document(path, max_unpacked_mb=0.001, timeout=60)


def test_the_total_unpacked_size_of_pdf_streams_is_bounded(hostile):
    with pytest.raises(InputError, match="unpack to more than"):
        check_pdf(hostile["fake_bold"], password=None, limits=Limits(max_unpacked_mb=0.0001))


def test_a_file_over_the_size_limit_is_refused_before_parsing(hostile):
    with pytest.raises(InputError, match=r"refused: the file is .* \(limit 0.01 MB, --max-file-mb\)"):
        read_document(hostile["stream_bomb"], max_file_mb=0.01)


def _allocate(path, *, megabytes):
    return len(bytearray(megabytes * 1024 * 1024))


def test_a_parse_that_needs_more_memory_than_allowed_is_stopped(tmp_path):
    with pytest.raises(InputError, match="more than the 100 MB of memory allowed"):
        run_with_time_limit(_allocate, tmp_path / "big.pdf", timeout=60, memory_mb=100, megabytes=1024)
    assert run_with_time_limit(_allocate, tmp_path / "ok.pdf", timeout=60, memory_mb=300, megabytes=50) > 0


@pytest.mark.parametrize(
    ("case", "lines", "unusable"),
    [
        ("unmapped glyphs", ["(cid:12)(cid:40)(cid:7) (cid:3)(cid:9)"], True),
        ("private-use characters", ["\ue001\ue002\ue003\ue004 \ue005\ue006"], True),
        ("ordinary text", ["Section 1. Victims shall not be detained."], False),
        (
            "one stray code in a long line",
            ["Section 1. Victims shall not be detained (cid:3) anywhere."],
            False,
        ),
    ],
)
def test_text_layer_problem_flags_text_without_a_usable_mapping(case, lines, unusable):
    assert (text_layer_problem(lines) is not None) is unusable, case


def test_invalid_limits_are_refused():
    with pytest.raises(ValueError, match="max_pages"):
        Limits(max_pages=0)


# --- encrypted PDFs: one --password serves a batch, and is used only where a PDF needs it ----------------

ENGINES = ["pdfplumber", "pdfium", "auto"]


def _locked_copy(source, path, *, user: str):
    with pikepdf.open(source) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user=user, owner="owner"))
    return path


@pytest.fixture(scope="module")
def locked(structured_pdf, tmp_path_factory):
    """The structured SOP locked by an owner password alone (it opens for anyone) and by a user password."""
    folder = tmp_path_factory.mktemp("locked")
    return {
        "plain": structured_pdf,
        "owner_only": _locked_copy(structured_pdf, folder / "owner-only.pdf", user=""),
        "user_locked": _locked_copy(structured_pdf, folder / "user-locked.pdf", user="secret"),
    }


@pytest.mark.parametrize(
    "password", [None, "zzz", "owner"], ids=["no password", "any password", "the owner's"]
)
@pytest.mark.parametrize("engine", ENGINES)
def test_a_pdf_locked_by_an_owner_password_alone_is_read_whatever_password_is_given(locked, engine, password):
    """Regression: ``--password`` given for a batch made each owner-only PDF fail as "wrong password"."""
    document = read_document(locked["owner_only"], password=password, engine=engine, timeout=60)
    assert document.text == read_document(locked["plain"], engine=engine, timeout=60).text


@pytest.mark.parametrize("engine", ENGINES)
def test_a_pdf_locked_by_a_user_password_is_read_with_it_and_refused_without(locked, engine):
    expected = read_document(locked["plain"], engine=engine, timeout=60).text
    for password in ("secret", "owner"):
        assert (
            read_document(locked["user_locked"], password=password, engine=engine, timeout=60).text
            == expected
        )
    with pytest.raises(InputError) as wrong:
        read_document(locked["user_locked"], password="zzz", engine=engine, timeout=60)
    assert str(wrong.value) == f"{locked['user_locked']}: the password given for this PDF is wrong"
    with pytest.raises(InputError, match="password-protected: give the password with --password"):
        read_document(locked["user_locked"], engine=engine, timeout=60)


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed")
def test_a_scan_locked_by_an_owner_password_alone_is_read_by_ocr_whatever_password_is_given(tmp_path):
    scan = hostilegen.scanned_copy(hostilegen.policy_pdf(tmp_path / "sop.pdf"), tmp_path / "scan.pdf")
    locked = _locked_copy(scan, tmp_path / "locked-scan.pdf", user="")
    document = read_document(locked, password="zzz", timeout=120)
    assert "shall" in document.text and all(page.ocr for page in document.pages)
