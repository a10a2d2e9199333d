"""The dashboard's logic without Streamlit: uploads, sample seeding, downloads and page images."""

from __future__ import annotations

import dataclasses
import json

import pytest

from analyzer.dashboard import downloads
from analyzer.dashboard.page_image import page_highlights, render_page
from analyzer.dashboard.samples import SAMPLES_DIR, sample_paths, seed
from analyzer.dashboard.uploads import inspect_upload, save_upload, saved_name
from analyzer.errors import InputError
from analyzer.report.pdf import highlight_counts
from analyzer.store import Store, load_documents, load_result
from analyzer.taxonomy import load_taxonomy


@pytest.fixture(scope="module")
def my_result(seeded_db):
    """The stored audit of the sample Malaysian SOP."""
    with Store(seeded_db) as store:
        doc_id = load_documents(store).query("country == 'MY'")["doc_id"].iloc[0]
        return load_result(doc_id, store)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("policy.PDF", "policy.pdf"),
        ("../../etc/passwd", "passwd"),
        ("SOP <script>.docx", "SOP-script.docx"),
        ("notes", "notes"),
        ("..pdf", "document.pdf"),
    ],
)
def test_upload_names_are_sanitised_and_keep_their_extension(name, expected):
    assert saved_name(name) == expected


def test_an_upload_is_saved_once_per_content(tmp_path):
    first = save_upload("a.txt", b"Article 1. Victims shall not be detained.", tmp_path)
    again = save_upload("a.txt", b"Article 1. Victims shall not be detained.", tmp_path)
    other = save_upload("a.txt", b"Article 1. Victims may leave.", tmp_path)
    assert first == again != other
    assert first.parent.parent == tmp_path and first.read_bytes().startswith(b"Article 1.")


def test_inspecting_a_sample_guesses_its_country_and_type():
    inspected = inspect_upload(SAMPLES_DIR / "th-immigration-circular.pdf")
    assert (inspected.country, inspected.doc_type) == ("TH", "circular")
    assert inspected.document.page_count == 7


def test_a_mislabelled_upload_is_refused_in_one_line(tmp_path):
    path = save_upload("report.pdf", b"just some text, not a PDF", tmp_path)
    with pytest.raises(InputError) as error:
        inspect_upload(path)
    assert "\n" not in str(error.value) and "PDF" in error.value.reason


def test_seeding_skips_samples_already_stored(tmp_path, classifier):
    paths = sample_paths()[:1]
    with Store(tmp_path / "s.duckdb") as store:
        assert [s for _, s in seed(store, classifier, paths=paths)][0].startswith("audited")
        assert [s for _, s in seed(store, classifier, paths=paths)] == ["already in the store"]
        assert len(load_documents(store)) == 1
    assert len(sample_paths()) == 8


def test_downloads_match_the_stored_audit(my_result):
    result = my_result
    taxonomy = load_taxonomy()
    data = json.loads(downloads.json_bytes(result))
    assert len(data["findings"]) == len(result.findings) and data["document"]["country"] == "MY"
    rows = downloads.csv_bytes(result, taxonomy=taxonomy).decode().splitlines()
    assert rows[0].startswith("document,country,clause_id") and len(rows) > len(result.findings)
    assert b"<h1>" in downloads.html_bytes(result, taxonomy=taxonomy)
    pdf, reason = downloads.highlighted_pdf(result, taxonomy=taxonomy)
    assert reason == "" and pdf.startswith(b"%PDF-")


def test_the_highlighted_pdf_download_carries_the_annotations(my_result, tmp_path):
    result = my_result
    pdf, _ = downloads.highlighted_pdf(result, taxonomy=load_taxonomy())
    (tmp_path / "h.pdf").write_bytes(pdf)
    counts = highlight_counts(tmp_path / "h.pdf")
    assert counts["HARMFUL"] > 0 and counts["PROTECTIVE"] > 0


def test_no_page_view_when_the_original_is_gone_or_changed(my_result, tmp_path):
    result = my_result
    moved = dataclasses.replace(
        result, document=dataclasses.replace(result.document, path=str(tmp_path / "x.pdf"))
    )
    assert downloads.original_pdf(moved)[0] is None and "no longer" in downloads.original_pdf(moved)[1]
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4 changed")
    assert "changed" in downloads.highlighted_pdf(moved, taxonomy=load_taxonomy())[1]


def _mean_colour(image, box, scale):
    import numpy as np

    crop = image.crop((box.x0 * scale, box.top * scale, box.x1 * scale, box.bottom * scale))
    return tuple(np.asarray(crop, dtype=float).reshape(-1, 3).mean(axis=0))


def test_the_page_image_colours_a_harmful_clause_red(my_result):
    result = my_result
    stances = {}
    for finding in result.findings:
        stances.setdefault(finding.clause_id, []).append((finding.stance, finding.needs_review))
    clause = next(c for c in result.clauses if stances.get(c.clause_id) == [("HARMFUL", False)] and c.boxes)
    page = clause.boxes[0].page
    drawn = render_page(result.document.path, page, page_highlights(result, page))
    plain = render_page(result.document.path, page, [])
    assert any(h.clause_id == clause.clause_id for h in drawn.drawn) and not plain.drawn
    red, green, blue = _mean_colour(drawn.image, clause.boxes[0], 1.5)
    before = _mean_colour(plain.image, clause.boxes[0], 1.5)
    assert red > green + 20 and red > blue + 20, (red, green, blue)
    assert green < before[1] - 20


def test_a_page_outside_the_document_is_refused(my_result):
    result = my_result
    with pytest.raises(InputError, match="has no page 99"):
        render_page(result.document.path, 99, [])


def test_rendering_runs_apart_under_a_time_limit(my_result):
    """A page that takes too long to render is stopped with one line; in or out of process, same image."""
    path = my_result.document.path
    with pytest.raises(InputError, match=r"rendering page 1 took longer than 0\.001 s and was stopped$"):
        render_page(path, 1, [], timeout=0.001)
    apart, here = render_page(path, 1, []), render_page(path, 1, [], timeout=None)
    assert apart.image.size == here.image.size and apart.image.tobytes() == here.image.tobytes()


def test_a_rotated_page_is_shown_without_boxes(tmp_path, my_result):
    result = my_result
    import pikepdf

    with pikepdf.open(result.document.path) as pdf:
        pdf.pages[0].rotate(90, relative=True)
        pdf.save(tmp_path / "rotated.pdf")
    image = render_page(tmp_path / "rotated.pdf", 1, page_highlights(result, 1))
    assert image.drawn == () and "rotated" in image.note


def test_the_highlighted_pdf_download_says_which_pages_are_left_unhighlighted(tmp_path, my_result):
    import hashlib

    import pikepdf

    with pikepdf.open(my_result.document.path) as pdf:
        pdf.pages[0].rotate(90, relative=True)
        pdf.save(tmp_path / "rotated.pdf")
    document = dataclasses.replace(
        my_result.document,
        path=str(tmp_path / "rotated.pdf"),
        doc_id=hashlib.sha256((tmp_path / "rotated.pdf").read_bytes()).hexdigest(),
    )
    pdf, note = downloads.highlighted_pdf(
        dataclasses.replace(my_result, document=document), taxonomy=load_taxonomy()
    )
    assert pdf.startswith(b"%PDF-") and note == "pages [1] are rotated; their clauses are not highlighted"


def test_the_methodology_says_whether_the_targets_are_met():
    from analyzer.dashboard.screens.methodology import targets_note

    def metrics(f1, macro, alarms):
        return {"dev": {"harmful_clause": {"f1": f1}, "harmful_macro_f1": macro, "false_alarm_rate": alarms}}

    assert targets_note(metrics(0.9, 0.8, 0.04)).endswith("Met on the dev split.")
    assert "Not yet met" in targets_note(metrics(0.9, 0.7, 0.04))
    assert "does not hold" in targets_note({})


def test_clause_cards_show_the_ocr_confidence_of_scanned_pages(my_result):
    from analyzer.dashboard.widgets import clause_cards_html

    pages = tuple(
        dataclasses.replace(page, ocr=True, ocr_confidence=0.873) if page.number == 1 else page
        for page in my_result.document.pages
    )
    document = dataclasses.replace(my_result.document, pages=pages)
    first, later = my_result.clauses[0], next(c for c in my_result.clauses if min(c.pages) > 1)
    html = clause_cards_html([first, later], {}, load_taxonomy(), document=document)
    cards = html.split('<div class="dnh-clause')[1:]
    assert "OCR 87.3%" in cards[0] and "OCR" not in cards[1]


@pytest.mark.skipif(__import__("shutil").which("tesseract") is None, reason="Tesseract is not installed")
def test_a_scanned_upload_is_read_again_in_the_chosen_countrys_language(tmp_path, monkeypatch):
    """The upload is first read before the user picks the country; its OCR'd pages are read again in
    the chosen country's language when that differs, and not for a country of the same language."""
    import hostilegen

    from analyzer.dashboard import uploads

    mixed = hostilegen.mixed_copy(
        hostilegen.policy_pdf(tmp_path / "sop.pdf"), tmp_path / "sop-mixed.pdf", scanned={2}
    )
    inspected = inspect_upload(mixed)
    assert inspected.document.language == "en" and inspected.document.pages[1].ocr
    born_digital = inspect_upload(hostilegen.policy_pdf(tmp_path / "digital.pdf"))
    calls = []
    real = uploads.read_document
    monkeypatch.setattr(uploads, "read_document", lambda *a, **k: calls.append(k) or real(*a, **k))
    assert uploads.for_country(inspected, "PH") is inspected  # English again: nothing to redo
    assert uploads.for_country(inspected, None) is inspected
    again = uploads.for_country(inspected, "VN")
    assert [call.get("ocr_lang") for call in calls] == ["vi"]
    assert again.document.pages[1].ocr and again.document.doc_id == inspected.document.doc_id
    assert uploads.for_country(born_digital, "TH") is born_digital  # no OCR'd page: nothing to redo
    assert len(calls) == 1
