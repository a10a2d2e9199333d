"""The HTML report: complete for policymakers, self-contained, and safe against hostile documents."""

from __future__ import annotations

import dataclasses
import html
from html.parser import HTMLParser
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from analyzer.pipeline import audit_document
from analyzer.report.html import evidence_spans, highlighted, percent, render_html, write_html
from analyzer.score import gaps as gaps_of
from analyzer.score import scorecard
from analyzer.taxonomy import load_taxonomy
from analyzer.types import PRINCIPLE_IDS

PROJECT = Path(__file__).resolve().parents[2]
SAMPLE = PROJECT / "corpus" / "documents" / "my-shelter-sop.pdf"
HOSTILE_TEXT = (
    "<script>alert(1)</script> Shelter Rules\n\n"
    "Section 1. Residents shall not leave the shelter <script>alert(1)</script> without permission. "
    '=HYPERLINK("http://x")\n\n'
    "Section 2. Residents shall hand over their passports and telephones to the shelter manager.\n"
)
PLAIN_TEXT = "Regulation\n\nSection 1. This Regulation comes into force on the date of signature.\n"
VOID_TAGS = frozenset({"meta", "link", "br", "hr", "img", "input", "wbr", "col", "area", "base", "source"})


@pytest.fixture(scope="module")
def sample():
    result = audit_document(SAMPLE, country="MY")
    return result, render_html(result)


@pytest.fixture(scope="module")
def audit_text(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report-docs")

    def run(name: str, text: str):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        result = audit_document(path)
        return result, render_html(result)

    return run


@pytest.fixture(scope="module")
def hostile(audit_text):
    return audit_text("hostile.txt", HOSTILE_TEXT)


@pytest.fixture(scope="module")
def plain(audit_text):
    return audit_text("plain.txt", PLAIN_TEXT)


class TagBalance(HTMLParser):
    """Records end tags that close nothing, and elements never closed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID_TAGS:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        else:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")


def soup_of(page: str) -> BeautifulSoup:
    return BeautifulSoup(page, "html.parser")


def names(principle_ids) -> list[str]:
    taxonomy = load_taxonomy()
    return [taxonomy.get(p).name for p in principle_ids]


# --- the sample SOP -----------------------------------------------------------------------------------


def test_sample_report_names_every_harmful_finding_by_clause_and_principle(sample):
    result, page = sample
    clauses = {c.clause_id: c for c in result.clauses}
    harmful = [f for f in result.findings if f.stance == "HARMFUL"]
    assert harmful
    cards = soup_of(page).select("#harmful article.finding")
    assert len(cards) == len(harmful)
    for finding in harmful:
        number = clauses[finding.clause_id].number or "unnumbered"
        name = load_taxonomy().get(finding.principle).name
        assert f"Clause {html.escape(number)}" in page
        assert html.escape(name) in page
        card = soup_of(page).select_one(
            f'article[data-clause="{finding.clause_id}"][data-principle="{finding.principle}"]'
        )
        assert card is not None and f"Clause {number}" in card.h4.get_text()
        assert name in card.h4.get_text()


def test_harmful_findings_are_counted_ones_first_then_by_page_and_clause(sample):
    result, page = sample
    emit = result.scorecard["emit_thresholds"]["HARMFUL"]
    order = {c.clause_id: (min(c.pages), i) for i, c in enumerate(result.clauses)}
    confidence = {(f.clause_id, f.principle): f.confidence for f in result.findings}
    keys = [
        (confidence[(a["data-clause"], a["data-principle"])] < emit, *order[a["data-clause"]])
        for a in soup_of(page).select("#harmful article.finding")
    ]
    assert keys == sorted(keys)
    assert any(k[0] for k in keys) and not all(k[0] for k in keys)


def test_needs_review_findings_are_marked_as_such(sample):
    result, page = sample
    for card in soup_of(page).select("#harmful article.finding"):
        finding = next(
            f
            for f in result.findings
            if (f.clause_id, f.principle) == (card["data-clause"], card["data-principle"])
        )
        assert (card.select_one(".badge") is not None) == finding.needs_review


def test_sample_report_has_a_scorecard_svg_with_one_accessible_bar_per_principle(sample):
    result, page = sample
    svg = soup_of(page).find("svg")
    assert svg is not None and svg.find("title") and svg.find("desc")
    bars = svg.select("g.bar")
    assert len(bars) == 13 == len(PRINCIPLE_IDS)
    for bar, principle_id, name in zip(bars, PRINCIPLE_IDS, names(PRINCIPLE_IDS), strict=True):
        counts = result.scorecard["principles"][principle_id]
        label = bar.find("text", class_="counts").get_text()
        assert bar.find("text", class_="name").get_text() == name
        assert f"{counts['harmful']} harmful" in label and f"{counts['protective']} protective" in label
        score = bar.find("text", class_="score").get_text()
        assert score == ("—" if counts["score"] is None else f"{counts['score']:g}")


def test_sample_report_lists_the_gaps_with_recommended_wording(sample):
    result, _ = sample
    # the sample's key leaves FREEDOM_OF_MOVEMENT unprotected: drop any protective finding the model made on it
    kept = [f for f in result.findings if f.principle != "FREEDOM_OF_MOVEMENT" or f.stance != "PROTECTIVE"]
    card = scorecard(kept, clauses=len(result.clauses), emit=result.scorecard["emit_thresholds"])
    result = dataclasses.replace(result, findings=kept, scorecard=card, gaps=gaps_of(card))
    page = render_html(result)
    assert "FREEDOM_OF_MOVEMENT" in result.gaps
    gaps = soup_of(page).select("#gaps li")
    assert [li.h3.get_text() for li in gaps] == names(result.gaps)
    for li, principle_id in zip(gaps, result.gaps, strict=True):
        wording = li.select_one("blockquote.wording").get_text()
        assert wording == load_taxonomy().get(principle_id).recommended_wording


def test_sample_report_summary_shows_score_and_counts(sample):
    result, page = sample
    summary = " ".join(soup_of(page).select_one("#summary").get_text(" ").split())
    card = result.scorecard
    assert f"{card['score']:g}" in summary
    for key in ("harmful", "protective", "neutral"):
        assert f"{card[key]} {key}" in summary
    assert f"{card['needs_review']} need review" in summary
    assert "protective ÷ (protective + harmful)" in summary


def test_sample_report_header_identifies_document_model_and_taxonomy(sample):
    result, page = sample
    header = soup_of(page).find("header").get_text(" ")
    for value in (
        result.document.title,
        "my-shelter-sop.pdf",
        "MY",
        "English",
        result.document.doc_id[:12],
        result.scorecard["model_version"],
        result.scorecard["taxonomy_version"],
    ):
        assert value in header


def test_report_loads_nothing_from_the_network(sample):
    _, page = sample
    soup = soup_of(page)
    assert "http://" not in page and "https://" not in page
    assert not soup.find_all(["link", "script", "iframe", "object", "embed", "img"])
    for element in soup.find_all(True):
        for attribute in ("src", "href", "srcset", "action", "data"):
            assert not element.get(attribute), f"{element.name} has {attribute}"
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert csp["content"] == "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def test_sample_report_tags_are_balanced(sample):
    _, page = sample
    parser = TagBalance()
    parser.feed(page)
    parser.close()
    assert parser.errors == [] and parser.stack == []


def test_evidence_words_are_marked_in_the_clause_text(sample):
    result, page = sample
    for card in soup_of(page).select("#harmful article.finding"):
        finding = next(
            f
            for f in result.findings
            if (f.clause_id, f.principle) == (card["data-clause"], card["data-principle"])
        )
        marked = [m.get_text().lower() for m in card.select("blockquote.clause mark")]
        clause_text = card.select_one("blockquote.clause").get_text().lower()
        for word in finding.evidence:
            if word.lower() in clause_text:
                assert any(word.lower() in m for m in marked), (word, marked)


def test_protective_findings_are_tabled_and_neutral_ones_only_counted(sample):
    result, page = sample
    protective = [f for f in result.findings if f.stance == "PROTECTIVE"]
    rows = soup_of(page).select("#protective tbody tr:not(.group)")
    assert len(rows) == len(protective)
    neutral = sum(f.stance == "NEUTRAL" for f in result.findings)
    assert soup_of(page).select_one("#neutral") is not None
    assert len(soup_of(page).select("article.finding")) == sum(f.stance == "HARMFUL" for f in result.findings)
    assert neutral  # the sample has neutral findings, and they are not listed as cards


# --- hostile and empty documents ----------------------------------------------------------------------


def test_hostile_markup_is_only_ever_escaped(hostile):
    result, page = hostile
    assert any("<script>" in c.text for c in result.clauses)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page.lower()
    soup = soup_of(page)
    assert soup.find("script") is None
    assert "<script>alert(1)</script>" in soup.find("h1").get_text()


def test_hostile_clause_keeps_its_evidence_marks_and_its_exact_text(hostile):
    result, page = hostile
    clauses = {c.clause_id: c for c in result.clauses}
    cards = soup_of(page).select("#harmful article.finding")
    assert cards
    for card in cards:
        quote = card.select_one("blockquote.clause")
        assert quote.get_text() == clauses[card["data-clause"]].text
    marked = [m.get_text() for m in soup_of(page).select("blockquote.clause mark")]
    assert "without permission" in marked


def test_hostile_report_tags_are_balanced(hostile):
    _, page = hostile
    parser = TagBalance()
    parser.feed(page)
    parser.close()
    assert parser.errors == [] and parser.stack == []


def test_document_without_findings_still_renders(plain):
    result, page = plain
    assert result.findings == ()
    soup = soup_of(page)
    assert "not scored" in soup.select_one("#summary").get_text()
    assert len(soup.select("svg g.bar")) == 13
    assert len(soup.select("#gaps li")) == 13
    assert soup.select("#harmful article") == []
    assert "Regulation" in soup.find("h1").get_text()


def test_write_html_writes_the_page_as_utf8(plain, tmp_path):
    result, page = plain
    path = write_html(result, tmp_path / "report.html")
    assert path == tmp_path / "report.html"
    assert path.read_text(encoding="utf-8") == page


# --- highlighting -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "text", "evidence", "expected"),
    [
        (
            "case-insensitive",
            "Residents need PERMISSION.",
            ["permission"],
            "Residents need <mark>PERMISSION</mark>.",
        ),
        (
            "overlapping phrases merge",
            "kept at the place of refuge",
            ["kept at", "at the place", "refuge"],
            "<mark>kept at the place</mark> of <mark>refuge</mark>",
        ),
        ("inflection at the end", "hand over passports", ["passport"], "hand over <mark>passports</mark>"),
        ("no match inside a word", "in a language", ["age"], "in a language"),
        ("whitespace runs", "shall  not\nleave", ["shall not leave"], "<mark>shall  not\nleave</mark>"),
        (
            "markup in text and evidence",
            "leave <b>now</b> & <script>x</script>",
            ["<script>x</script>"],
            "leave &lt;b&gt;now&lt;/b&gt; &amp; <mark>&lt;script&gt;x&lt;/script&gt;</mark>",
        ),
        ("quotes escaped", 'the "Act"', ["act"], "the &quot;<mark>Act</mark>&quot;"),
        ("evidence absent", "nothing here", ["custody", ""], "nothing here"),
    ],
)
def test_highlighted_marks_evidence_on_escaped_text(case, text, evidence, expected):
    assert highlighted(text, evidence) == expected


def test_evidence_spans_are_sorted_and_disjoint():
    spans = evidence_spans("a child, the child's parent, a child", ["child", "child's parent", "parent"])
    assert spans == sorted(spans)
    assert all(end < start for (_, end), (start, _) in zip(spans, spans[1:], strict=False))


@pytest.mark.parametrize(
    ("case", "value", "expected"),
    [
        ("just below a 45% threshold", 0.4495, "44.9%"),
        ("exactly the threshold", 0.45, "45%"),
        ("just below a 37.5% threshold", 0.3749, "37.4%"),
        ("exactly a threshold with a tenth", 0.375, "37.5%"),
        ("high", 0.8654, "86.5%"),
        ("certain", 1.0, "100%"),
    ],
)
def test_percent_never_rounds_up_across_a_threshold(case, value, expected):
    assert percent(value) == expected


# --- warnings -----------------------------------------------------------------------------------------

THAI_TEXT = (
    "พระราชบัญญัติคุ้มครองผู้เสียหาย\n\n"
    "มาตรา ๑ ผู้เสียหายจากการค้ามนุษย์ต้องได้รับที่พักและการรักษาพยาบาลโดยไม่มีเงื่อนไข\n\n"
    "มาตรา ๒ ห้ามเปิดเผยชื่อของผู้เสียหายต่อสาธารณะ\n"
)


def test_a_document_in_another_language_is_reported_with_its_warning_first(audit_text):
    result, page = audit_text("thai.txt", THAI_TEXT)
    soup = soup_of(page)
    box = soup.select_one("section.warnings")
    assert box is not None and box.find_previous("header") is not None
    assert box.find_next("section")["id"] == "summary"
    assert "in Thai (th)" in box.get_text() and "English only" in box.get_text()


def test_warnings_are_escaped_and_a_document_without_any_has_no_box(plain, sample):
    result, _ = plain
    assert soup_of(sample[1]).select("section.warnings") == []
    document = dataclasses.replace(result.document, warnings=("page 2: <script>alert(1)</script> odd",))
    page = render_html(dataclasses.replace(result, document=document))
    assert "<script" not in page.lower()
    assert (
        soup_of(page).select_one("section.warnings li").get_text() == "page 2: <script>alert(1)</script> odd"
    )
