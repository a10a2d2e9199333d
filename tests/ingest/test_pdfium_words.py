"""Claims about the fast engine's word grouping (:mod:`analyzer.ingest.pdfium_words`): exactly the words
of the character-by-character rules (:func:`reference_words`, the engine's first implementation), on
pages built to reach every branch, and with PDFium answers bent to reach the fallbacks.
"""

from __future__ import annotations

import ctypes
import math
import os
from pathlib import Path

import hostilegen
import matplotlib
import numpy as np
import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from fpdf import FPDF

from analyzer.ingest import layout, pdfium_words
from analyzer.ingest.pdfium_words import (
    group_in_order,
    page_characters,
    page_text,
    page_word_tuples,
    page_words,
)
from analyzer.ingest.word_layout import fragments_of_words

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"

# One line per case: what it is for, then its content-stream operators (Helvetica, Times, Courier).
RAW_LINES = [
    (
        "font size change inside a word",
        b"(Section 1. The vic) Tj /F1 18 Tf (tims shall) Tj /F1 12 Tf ( go.) Tj",
    ),
    ("font change at one size inside a word", b"(Mixed) Tj /F2 12 Tf (fonts in) Tj /F3 12 Tf (one here.) Tj"),
    ("a size change the box height hides", b"(Slight) Tj /F1 12.004 Tf (size) Tj /F1 12 Tf ( change) Tj"),
    ("superscript and subscript", b"(Footnote) Tj 0 4 Td /F1 7 Tf (12) Tj 0 -7 Td (3) Tj /F1 12 Tf (x) Tj"),
    # PDFium itself drops a text object drawn twice; part of one drawn again is for the engine to drop
    ("part of a line drawn twice", b"(Double line) Tj 0.2 0.1 Td (Dou) Tj"),
    ("letters close and far", b"(Close) Tj 1 0 Td (letters) Tj 40 0 Td (far word) Tj -60 0 Td (back) Tj"),
    ("character spacing", b"3 Tc (Spaced letters) Tj 0 Tc"),
    ("text rise", b"2 Ts (Rise) Tj 0 Ts ( back) Tj"),
    ("tab, no-break space, soft hyphen", b"(Tab\\tand\\240nbsp and \\255soft) Tj"),
    ("invisible text", b"3 Tr (Invisible text) Tj 0 Tr"),
    ("zero font size", b"/F1 0 Tf (zero) Tj /F1 12 Tf (size) Tj"),
    ("overlapping glyphs", b"(Over) Tj -25 0 Td (lap) Tj"),
    ("ligatures PDFium keeps as one character", b"/F4 12 Tf (\\001nal of\\001cial \\002ow) Tj"),
]
MATRIX_LINES = [
    ("text scaled by its matrix", b"/F1 1 Tf 12 0 0 12 72 {y} Tm (Scaled text reads too.) Tj"),
    ("anisotropic scale", b"/F1 1 Tf 10 0 0 14 72 {y} Tm (Anisotropic text.) Tj"),
    ("vertical text (not upright)", b"/F1 12 Tf 0 1 -1 0 560 {y} Tm (Vertical text.) Tj"),
    ("mirrored text (not upright)", b"/F1 12 Tf -1 0 0 1 400 {y} Tm (Mirrored text.) Tj"),
    ("skewed italics", b"/F1 12 Tf 1 0 0.3 1 72 {y} Tm (Skewed italic text.) Tj"),
    ("slightly rotated", b"/F1 12 Tf 1 0.05 -0.05 1 72 {y} Tm (Slightly rotated.) Tj"),
]


def _raw_pdf(path: Path) -> Path:
    streams = [
        b"BT /F1 12 Tf 72 %d Td %s ET" % (760 - 24 * row, ops) for row, (_, ops) in enumerate(RAW_LINES)
    ]
    streams += [
        b"BT " + ops.replace(b"{y}", b"%d" % (440 - 24 * row)) + b" ET"
        for row, (_, ops) in enumerate(MATRIX_LINES)
    ]
    pdf = pikepdf.new()
    fonts = {
        name: pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name(base)
            )
        )
        for name, base in (("F1", "/Helvetica"), ("F2", "/Times-Roman"), ("F3", "/Courier"))
    }
    fonts["F4"] = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name.Helvetica,
            Encoding=pikepdf.Dictionary(Differences=[1, pikepdf.Name("/fi"), pikepdf.Name("/fl")]),
        )
    )
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, 612, 792],
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(**fonts)),
        Contents=pdf.make_stream(b"\n".join(streams)),
    )
    pdf.pages.append(pikepdf.Page(page))
    pdf.add_blank_page(page_size=(612, 792))
    pdf.save(path)
    return path


def _unicode_pdf(path: Path) -> Path:
    """Ligatures, characters outside the BMP, a line-end hyphen, accents and private-use characters."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("Sans", fname=str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("SerifBold", fname=str(FONTS / "DejaVuSerif-Bold.ttf"))
    pdf.add_page()
    pdf.set_font("Sans", size=12)
    lines = [
        "Section 1. The \ufb01nal of\ufb01cial \ufb02ow, e\ufb00ort, baf\ufb02e and \ufb06ep.",
        "Section 2. Old italic \U00010300\U00010301\U00010302 letters here.",
        "Section 4. Accents: Việt Nam, déjà vu, Ωmega, ½ ® ™ € and ‘quotes’.",
        "Section 5. A word broken at the end of the line: protec-",
        "tion of victims.",
    ]
    for row, line in enumerate(lines):
        pdf.text(72, 100 + 24 * row, line)
    pdf.set_font("SerifBold", size=12)
    pdf.text(72, 300, "Section 3. Bold math \U0001d400\U0001d401\U0001d402 then text.")
    pdf.output(path)
    return path


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory, structured_pdf, two_column_pdf, hyphenated_pdf) -> list[Path]:
    folder = tmp_path_factory.mktemp("pdfium-words")
    (folder / "fake-bold.pdf").write_bytes(hostilegen.fake_bold_pdf())
    return [
        _raw_pdf(folder / "raw.pdf"),
        _unicode_pdf(folder / "unicode.pdf"),
        folder / "fake-bold.pdf",
        structured_pdf,
        two_column_pdf,
        hyphenated_pdf,  # line-end hyphens PDFium reports as U+FFFE
    ]


@pytest.fixture(autouse=True, params=["C loop", "ctypes"])
def calls(request, monkeypatch):
    """Every claim holds for both ways of calling PDFium: the compiled loop and one ctypes call each."""
    if request.param == "ctypes":
        monkeypatch.setattr(pdfium_words, "_native", None)
    elif pdfium_words._native is None:
        if os.environ.get("DNH_REQUIRE_C"):
            pytest.fail(
                "analyzer/ingest/_pdfium_calls.c was not compiled (pip install -e . needs a C compiler)"
            )
        pytest.skip("analyzer/ingest/_pdfium_calls.c was not compiled: no C compiler at install")
    return request.param


def _real_box(raw, index):
    rect = pdfium_c.FS_RECTF()
    ok = pdfium_c.FPDFText_GetLooseCharBox(raw, index, ctypes.byref(rect))
    return ok, [rect.left, rect.top, rect.right, rect.bottom]


def _real_matrix(raw, index):
    matrix = pdfium_c.FS_MATRIX()
    ok = pdfium_c.FPDFText_GetMatrix(raw, index, ctypes.byref(matrix))
    return ok, [matrix.a, matrix.b, matrix.c, matrix.d]


def reference_words(
    textpage, origin, *, get_box=_real_box, get_matrix=_real_matrix
) -> tuple[list[dict], int]:
    """The rules one character at a time, as the engine first implemented them: (words, duplicates)."""
    raw = textpage.raw
    text = page_text(textpage)
    x_origin, y_origin = origin
    words, current, seen, duplicates = [], None, set(), 0
    matrix = [0.0, 0.0, 0.0, 0.0]  # a matrix PDFium does not give leaves the previous one in place
    for index, char in enumerate(text):
        if char.isspace():
            current = None
            continue
        ok, (left, top, right, bottom_pdf) = get_box(raw, index)
        if not ok:
            current = None
            continue
        x0, x1, bottom = left - x_origin, right - x_origin, y_origin - bottom_pdf
        key = (char, round(x0), round(bottom))
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        height = top - bottom_pdf
        if (
            current is not None
            and current["x0"] - 1.5 <= x0 <= current["x1"] + 1.5
            and abs(bottom - current["base"]) <= 3
            and (
                abs(height - current["height"]) < 0.01
                or pdfium_c.FPDFText_GetFontSize(raw, index) == current["font_size"]
            )
        ):
            current["text"] += pdfium_words.CHARACTERS.get(char, char)
            current["x1"] = max(current["x1"], x1)
            current["top"] = min(current["top"], bottom - current["size"])
            current["bottom"] = max(current["bottom"], bottom)
            continue
        font_size = pdfium_c.FPDFText_GetFontSize(raw, index)
        ok, values = get_matrix(raw, index)
        matrix = values if ok else matrix
        a, b, c, d = matrix
        scale = math.hypot(c, d) or 1.0
        current = {
            "text": pdfium_words.CHARACTERS.get(char, char), "x0": x0, "x1": x1, "top": bottom - font_size * scale,
            "bottom": bottom, "size": round(font_size * scale, 2), "base": bottom, "height": height,
            "font_size": font_size, "upright": a * d > 0 and b * c <= 0,
        }  # fmt: skip
        words.append(current)
    keys = ("text", "x0", "x1", "top", "bottom", "size")
    for word in words:  # PDFium gives a character outside the BMP as two UTF-16 halves
        word["text"] = word["text"].encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return [{key: word[key] for key in keys} for word in words if word["upright"]], duplicates


def _pages(path: Path):
    document = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(document)):
            page = document[index]
            left, _, _, top = page.get_bbox()
            textpage = page.get_textpage()
            yield textpage, (left, top)
            textpage.close()
            page.close()
    finally:
        document.close()


def _assert_same_words(paths, **reference_options) -> int:
    words = 0
    for path in paths:
        for textpage, origin in _pages(path):
            dropped: list[int] = []
            ours = page_words(textpage, origin=origin, dropped=dropped)
            expected, duplicates = reference_words(textpage, origin, **reference_options)
            assert repr(ours) == repr(expected), path.name  # repr: NaN equals NaN, -0.0 is not 0.0
            assert dropped == [duplicates]
            words += len(ours)
    return words


def test_words_are_those_of_the_character_by_character_rules(pdfs):
    assert _assert_same_words(pdfs) > 1000


def test_the_fast_engine_gets_the_fragments_of_the_word_dicts(pdfs):
    fragments = 0
    for path in pdfs:
        for textpage, origin in _pages(path):
            tuples = page_word_tuples(textpage, origin=origin)
            ours = [(f.x0, f.x1, f.top, f.bottom, f.text) for f in fragments_of_words(tuples)]
            dicts = layout.rows_to_fragments(layout.words_to_rows(page_words(textpage, origin=origin)))
            assert repr(ours) == repr([(f.x0, f.x1, f.top, f.bottom, f.text) for f in dicts]), path.name
            fragments += len(ours)
    assert fragments > 300


def test_every_run_through_the_in_order_rules_gives_the_same_words(pdfs):
    for path in pdfs:
        for textpage, origin in _pages(path):
            chars, _ = page_characters(textpage, origin=origin)
            in_order = group_in_order(chars, 0, len(chars.indexes))
            assert repr(pdfium_words.words_by_run(chars)) == repr(in_order)


def test_the_test_pages_reach_both_paths(pdfs, monkeypatch):
    """Runs that are one word and runs that need the in-order rules both occur (else the above is idle)."""
    in_order = []
    real = pdfium_words.group_in_order
    monkeypatch.setattr(
        pdfium_words, "group_in_order", lambda *args, **options: in_order.append(1) or real(*args, **options)
    )
    dropped: list[int] = []
    pages = _pages(pdfs[0])  # kept: the document closes with the generator
    textpage, origin = next(pages)
    texts = [word["text"] for word in page_words(textpage, origin=origin, dropped=dropped)]
    assert 10 < len(in_order) < len(texts) / 2
    assert "vic" in texts and "tims" in texts  # a size change splits a word
    assert "Mixedfonts" in texts  # a font change at one size does not
    assert not {"Vertical", "Mirrored"} & set(texts)  # not upright
    assert "final" in texts and "flow" in texts  # ligatures expanded
    assert dropped[0] > 0  # the line drawn twice


# A PDFium call of the engine's kind (a text page, a character index, the address of a float buffer), as a
# C function pointer: the engine's C loop calls it as it calls PDFium's own.
CALL_WITH_BUFFER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)


def _bent(real, bend):
    """A PDFium call of the engine's kind whose answer ``bend`` rewrites."""

    def call(handle, index, address):
        ok = real(handle, index, address)
        floats = (ctypes.c_float * 4).from_address(address)
        ok, floats[:] = bend(index, ok, list(floats))
        return ok

    return CALL_WITH_BUFFER(call)


def _bent_reference(real, bend):
    def call(raw, index):
        ok, values = bend(index, *real(raw, index))
        return ok, [float(np.float32(value)) for value in values]  # PDFium's floats are 32-bit

    return call


BOX_BENDS = {
    "a right edge of -0.0 (signed zeros)": lambda i, ok, v: (
        ok,
        [v[0], v[1], -0.0 if i % 40 == 7 else v[2], v[3]],
    ),
    "a right edge of NaN": lambda i, ok, v: (ok, [v[0], v[1], math.nan if i % 30 == 3 else v[2], v[3]]),
    "boxes PDFium does not give": lambda i, ok, v: (0 if i % 17 == 5 else ok, v),
    "far-off coordinates (no packed keys)": lambda i, ok, v: (ok, [v[0] + 3e6, v[1], v[2] + 3e6, v[3]]),
    "a baseline at 0": lambda i, ok, v: (ok, [v[0], v[1] - v[3] + 792.0, v[2], 792.0] if i == 9 else v),
}


@pytest.mark.parametrize("bend", list(BOX_BENDS.values()), ids=list(BOX_BENDS))
def test_odd_boxes_give_the_same_words(bend, pdfs, monkeypatch):
    monkeypatch.setattr(pdfium_words, "_LOOSE_BOX", _bent(pdfium_words._LOOSE_BOX, bend))
    _assert_same_words(pdfs[:3], get_box=_bent_reference(_real_box, bend))


@pytest.mark.parametrize("in_order", [False, True], ids=["runs", "all in order"])
def test_a_missing_matrix_keeps_the_previous_one_as_before(in_order, pdfs, monkeypatch):
    real = pdfium_words._MATRIX_OF

    def call(handle, index, address):  # PDFium writes nothing when it fails
        return 0 if index % 7 == 3 else real(handle, index, address)

    def reference(raw, index):
        ok, values = _real_matrix(raw, index)
        return (0, [9.0] * 4) if index % 7 == 3 else (ok, values)

    monkeypatch.setattr(pdfium_words, "_MATRIX_OF", CALL_WITH_BUFFER(call))
    options = {"get_matrix": reference}
    if in_order:  # a signed zero sends every run through the in-order rules
        bend = BOX_BENDS["a right edge of -0.0 (signed zeros)"]
        monkeypatch.setattr(pdfium_words, "_LOOSE_BOX", _bent(pdfium_words._LOOSE_BOX, bend))
        options["get_box"] = _bent_reference(_real_box, bend)
    _assert_same_words(pdfs[:3], **options)


def test_an_infinite_coordinate_fails_as_before(pdfs, monkeypatch):
    def bend(index, ok, values):
        return ok, [math.inf if index == 4 else values[0], *values[1:]]

    monkeypatch.setattr(pdfium_words, "_LOOSE_BOX", _bent(pdfium_words._LOOSE_BOX, bend))
    pages = _pages(pdfs[0])  # kept: the document closes with the generator
    textpage, origin = next(pages)
    with pytest.raises(OverflowError) as ours:
        page_words(textpage, origin=origin)
    with pytest.raises(OverflowError) as theirs:
        reference_words(textpage, origin, get_box=_bent_reference(_real_box, bend))
    assert str(ours.value) == str(theirs.value)


def test_space_codes_are_every_space_character():
    spaces = [code for code in range(0x110000) if chr(code).isspace()]
    assert spaces == pdfium_words.SPACE_CODES.tolist()


def test_packed_and_plain_duplicate_keys_agree():
    rng = np.random.default_rng(7)
    codes = rng.integers(0, 5, 400).astype(np.uint32)
    x0s, bottoms = rng.integers(0, 6, 400) + 0.5 * rng.integers(0, 2, 400), rng.integers(0, 4, 400) * 1.0
    keep = pdfium_words._first_drawn(codes, x0s, bottoms)
    far = pdfium_words._first_drawn(codes, x0s + 2e6, bottoms)
    seen, expected = set(), []
    for key in zip(codes.tolist(), x0s.tolist(), bottoms.tolist(), strict=True):
        expected.append((key[0], round(key[1]), round(key[2])) not in seen)
        seen.add((key[0], round(key[1]), round(key[2])))
    assert keep.tolist() == expected == far.tolist()


def test_characters_outside_the_bmp_read_as_with_pdfplumber(pdfs):
    """PDFium numbers the two UTF-16 halves of such a character apart; the words hold the character."""
    from analyzer.ingest import read_document

    unicode_pdf = next(path for path in pdfs if path.name == "unicode.pdf")
    lines = {
        engine: [
            line
            for line in read_document(unicode_pdf, engine=engine, timeout=None).pages[0].text.splitlines()
            if "italic" in line or "math" in line
        ]
        for engine in ("pdfium", "pdfplumber")
    }
    assert (
        lines["pdfium"]
        == lines["pdfplumber"]
        == [
            "Section 2. Old italic \U00010300\U00010301\U00010302 letters here.",
            "Section 3. Bold math \U0001d400\U0001d401\U0001d402 then text.",
        ]
    )
