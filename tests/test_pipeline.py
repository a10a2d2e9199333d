"""The audit pipeline end to end: scorecards, gaps, exports and `dnh audit`."""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from helpers import fixture_path, run_command

from analyzer.classify.classifier import Classifier
from analyzer.corpus.render import parse_source, render_pdf
from analyzer.ingest.language import language_warning, language_warnings
from analyzer.pipeline import audit_document, audit_parsed
from analyzer.report.export import finding_rows, neutralise, safe_stem, write_csv
from analyzer.types import PRINCIPLE_IDS

DNH = Path(sys.executable).parent / "dnh"
SAMPLE = Path(__file__).resolve().parents[1] / "corpus" / "documents" / "my-shelter-sop.pdf"
KNOWN = """% title: Test Shelter Regulation
% header: Test Shelter Regulation 2026

# TEST SHELTER REGULATION

## PART I GENERAL

Section 1. Short title. - This Regulation may be cited as the Test Shelter Regulation.

Section 2. Non-detention. - No trafficked person shall be held in a police cell, a prison or an immigration detention centre.

Section 3. Return. - Foreign victims shall be deported to their country of origin within seven days of their rescue.

Section 4. Assistance. - Shelter, food and medical care shall be provided only to victims who agree to testify against the accused.

Section 5. Commencement. - This Regulation comes into force on the date of its publication in the Gazette.
"""

# Thai, written for these tests: "Section 1. A victim of trafficking shall receive shelter and medical care
# without conditions. Section 2. The name of a victim shall not be disclosed to the public."
THAI = (
    "พระราชบัญญัติคุ้มครองผู้เสียหาย\n\n"
    "มาตรา ๑ ผู้เสียหายจากการค้ามนุษย์ต้องได้รับที่พักและการรักษาพยาบาลโดยไม่มีเงื่อนไข\n\n"
    "มาตรา ๒ ห้ามเปิดเผยชื่อของผู้เสียหายต่อสาธารณะ\n"
)


@cache
def classifier() -> Classifier:
    return Classifier.load()


@cache
def sample():
    return audit_document(SAMPLE, country="MY", classifier=classifier())


@pytest.fixture(scope="module")
def known(tmp_path_factory):
    path = render_pdf(parse_source(KNOWN), tmp_path_factory.mktemp("known") / "known.pdf")
    return audit_document(path, country="ZZ", classifier=classifier())


def _findings(result, number: str) -> set[tuple[str, str]]:
    ids = {c.clause_id for c in result.clauses if c.number == number}
    return {(f.principle, f.stance) for f in result.findings if f.clause_id in ids and not f.needs_review}


def test_a_country_and_type_not_given_are_guessed_from_the_text_unless_asked_not_to(tmp_path):
    """An auditor's folder of several countries' documents is compared by country without --country
    for each: the audit guesses from the text (the sample SOP names Malaysia and its institutions)."""
    document = sample().document
    guessed = audit_parsed(
        dataclasses.replace(document, country=None, doc_type=None), classifier=classifier()
    )
    assert (guessed.document.country, guessed.document.doc_type) == ("MY", "SOP")
    given = audit_parsed(
        dataclasses.replace(document, country=None, doc_type=None), country="TH", classifier=classifier()
    )
    assert given.document.country == "TH"
    kept = audit_parsed(
        dataclasses.replace(document, country=None, doc_type=None), classifier=classifier(), guess=False
    )
    assert (kept.document.country, kept.document.doc_type) == (None, None)
    plain = tmp_path / "rules.txt"
    plain.write_text("1. Victims shall be cared for.\n", encoding="utf-8")
    nothing = audit_document(plain, classifier=classifier())
    assert nothing.document.country is None  # no cue: no guess


@pytest.mark.parametrize(
    ("case", "number", "expected"),
    [
        ("a plain ban on detention protects", "2", ("NON_DETENTION", "PROTECTIVE")),
        ("deportation within seven days harms", "3", ("VOLUNTARY_SAFE_RETURN", "HARMFUL")),
        ("help tied to testimony harms", "4", ("UNCONDITIONAL_ASSISTANCE", "HARMFUL")),
    ],
)
def test_known_provisions_of_a_generated_pdf_are_found(known, case, number, expected):
    assert expected in _findings(known, number), case


def test_commencement_clause_gets_no_finding(known):
    assert _findings(known, "5") == set()


def test_scorecard_counts_follow_the_findings():
    result = sample()
    card = result.scorecard
    assert set(card["principles"]) == set(PRINCIPLE_IDS)
    emit = card["emit_thresholds"]
    for stance in ("HARMFUL", "PROTECTIVE", "NEUTRAL"):
        counted = sum(f.stance == stance and f.confidence >= emit[stance] for f in result.findings)
        assert card[stance.lower()] == counted
    for principle, counts in card["principles"].items():
        binding = counts["harmful"] + counts["protective"]
        assert counts["score"] == (round(100 * counts["protective"] / binding, 1) if binding else None)
        assert (principle in result.gaps) == (counts["protective"] == 0)


def test_audit_keeps_country_and_every_clause():
    result = sample()
    assert result.document.country == "MY"
    key = (SAMPLE.with_name("my-shelter-sop.key.jsonl")).read_text(encoding="utf-8").splitlines()
    assert len(result.clauses) == len(key)


@pytest.mark.parametrize(
    "language, says",
    [
        (None, None),
        ("und", None),  # too little text to tell
        ("en", None),
        ("th", "the document is in Thai (th), and the classifier reads English only"),
        ("ms", "the document is in Malay (ms)"),
        ("xx", "the document is in xx (xx)"),
    ],
)
def test_language_warning(language, says):
    warning = language_warning(language)
    assert warning == says if says is None else says in warning


@pytest.mark.parametrize(
    "name, language",
    [
        ("th-anti-trafficking-act-be2551-th.txt", "th"),
        ("my-atipsom-bill-2007-ms.md", "ms"),
        ("my-atipsom-bill-2007-en.md", None),
    ],
)
def test_real_documents_in_other_languages_are_audited_with_a_warning_once(name, language):
    result = audit_document(fixture_path(name), classifier=classifier())
    assert language_warnings(result.document.warnings) == ([language_warning(language)] if language else [])
    assert result.document.language == (language or "en")
    again = audit_parsed(result.document, classifier=classifier())  # the dashboard audits what it read
    assert again.document.warnings == result.document.warnings
    assert result.clauses  # audited all the same


def test_a_bilingual_document_is_audited_with_a_warning_of_its_share(tmp_path):
    english = fixture_path("my-atipsom-bill-2007-en.md").read_text(encoding="utf-8")
    malay = fixture_path("my-atipsom-bill-2007-ms.md").read_text(encoding="utf-8")
    path = tmp_path / "bilingual.txt"
    path.write_text(english[:60_000] + "\n" + malay[:20_000], encoding="utf-8")
    result = audit_document(path, classifier=classifier())
    warned = language_warnings(result.document.warnings)
    assert len(warned) == 1 and warned[0].startswith("about 2") and "Malay (ms)" in warned[0], warned
    assert result.document.language == "en" and result.findings  # the English part is read


def test_csv_cells_that_look_like_formulas_are_neutralised(tmp_path):
    source = tmp_path / "hostile.txt"
    source.write_text(
        'Section 1. =HYPERLINK("http://example.invalid") Residents shall not leave the shelter without the '
        "written permission of the manager.\n",
        encoding="utf-8",
    )
    result = audit_document(source, classifier=classifier())
    rows = finding_rows(result)
    assert rows, "the hostile clause should still be classified"
    rows[0]["clause_text"] = "=HYPERLINK(1)"
    path = write_csv(rows, tmp_path / "out.csv")
    with open(path, encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert "'=HYPERLINK(1)" in cells


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-2", "'-2"), ("@x", "'@x"), ("ok", "ok"), (3, 3)],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("My SOP (final).pdf", "My-SOP-final"),
        ("../../etc/passwd", "passwd"),
        ("<script>.pdf", "script"),
        ("....pdf", "document"),
        ("CON.pdf", "document-CON"),
        ("nul.tar.pdf", "document-nul.tar"),
        ("-rf .pdf", "rf"),
        ("a" * 79 + "-b.pdf", "a" * 79),
    ],
)
def test_output_file_names_are_sanitised(name, stem):
    assert safe_stem(name) == stem


def run(*args: str) -> subprocess.CompletedProcess:
    return run_command([str(DNH), *args], capture_output=True, text=True, timeout=600, check=False)


def test_dnh_audit_writes_every_output_and_does_not_duplicate_on_rerun(tmp_path):
    db, out = tmp_path / "audits.duckdb", tmp_path / "out"
    first = run("audit", str(SAMPLE), "--country", "MY", "--out", str(out), "--db", str(db))
    assert first.returncode == 0, first.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        ["my-shelter-sop.json", "my-shelter-sop.csv", "my-shelter-sop.html", "my-shelter-sop.highlighted.pdf"]
    )
    data = json.loads((out / "my-shelter-sop.json").read_text(encoding="utf-8"))
    assert data["document"]["country"] == "MY" and data["scorecard"]["principles"]
    second = run("audit", str(SAMPLE), "--country", "MY", "--out", str(out), "--db", str(db))
    assert second.returncode == 0, second.stderr
    from analyzer.store import load_documents

    assert len(load_documents(db)) == 1


def test_dnh_audit_goes_on_after_a_bad_file_and_exits_2(tmp_path):
    bad, thai = tmp_path / "broken.pdf", tmp_path / "thai.txt"
    bad.write_text("not a pdf", encoding="utf-8")
    thai.write_text(THAI, encoding="utf-8")
    result = run(
        "audit",
        *(str(p) for p in (bad, SAMPLE, thai)),
        *("--no-store", "--format", "json", "--out", str(tmp_path / "o")),
    )
    assert result.returncode == 2
    assert "broken.pdf: not a PDF" in result.stderr and "Traceback" not in result.stderr
    assert (tmp_path / "o" / "my-shelter-sop.json").is_file()
    # the Thai file is audited, with its warning, and its gaps are not asserted
    assert f"{thai}: warning: the document is in Thai (th)" in result.stderr
    assert re.search(r"thai\.txt: \d+ clauses, .*; gaps: not assessed \(language\)", result.stderr)
    data = json.loads((tmp_path / "o" / "thai.json").read_text(encoding="utf-8"))
    assert [w for w in data["document"]["warnings"] if "English only" in w]


def test_dnh_compare_prints_the_country_matrix(tmp_path):
    db, thai = tmp_path / "audits.duckdb", tmp_path / "thai.txt"
    thai.write_text(THAI, encoding="utf-8")
    documents = Path(SAMPLE).parent
    for names, country in ((["my-shelter-sop.pdf"], "MY"), (["th-immigration-circular.pdf", thai], "TH")):
        result = run(
            "audit",
            *(str(documents / name) for name in names),
            "--country",
            country,
            "--db",
            str(db),
            "--format",
            "json",
            "--out",
            str(tmp_path / "o"),
        )
        assert result.returncode == 0, result.stderr
    compared = run("compare", "--db", str(db), "--out", str(tmp_path / "matrix.csv"))
    assert compared.returncode == 0, compared.stderr
    assert "MY" in compared.stdout and "TH" in compared.stdout and "NON_DETENTION" in compared.stdout
    assert compared.stderr.splitlines()[0] == (
        "dnh: note: 1 stored document in a language the classifier does not read adds no findings to "
        "these figures: thai.txt (TH, Thai)"
    )
    assert (tmp_path / "matrix.csv").is_file()


def test_same_named_documents_do_not_overwrite_each_other(tmp_path):
    documents = Path(SAMPLE).parent
    out = tmp_path / "o"
    result = run(
        "audit",
        str(documents / "th-immigration-circular.pdf"),
        str(documents / "th-immigration-circular.docx"),
        "--no-store",
        "--format",
        "json",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert len(list(out.glob("*.json"))) == 2


def test_dnh_audit_of_hostile_text_writes_only_safe_outputs(tmp_path):
    """Script tags and formula cells in a document, and in its file name, reach no output live."""
    import hostilegen

    source = tmp_path / hostilegen.SCRIPT_NAME
    source.write_text(hostilegen.SCRIPT_TEXT, encoding="utf-8")
    out = tmp_path / "out"
    result = run("audit", str(source), "--no-store", "--out", str(out), "--format", "json,csv,html")
    assert result.returncode == 0, result.stderr[-2000:]
    written = sorted(p.name for p in out.iterdir())
    assert written and all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name) for name in written), written
    stem = out / written[0].rsplit(".", 1)[0]
    page = stem.with_suffix(".html").read_text(encoding="utf-8")
    assert "<script" not in page.lower() and "<img" not in page.lower()
    assert "&lt;script&gt;" in page
    with open(stem.with_suffix(".csv"), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    texts = [row["clause_text"] for row in rows]
    assert any(text.startswith("'=HYPERLINK") for text in texts), texts
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row.values())
    report = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
    assert any('<script>alert("owned")</script>' in c["text"] for c in report["clauses"])
