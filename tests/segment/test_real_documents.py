"""The segmenter on real legislation from ../shared/fixtures (skipped when that folder is absent)."""

from __future__ import annotations

from functools import cache

from helpers import fixture_path, top_numbers

from analyzer.ingest import read_document
from analyzer.segment import segment

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"


@cache
def _clauses(name: str):
    document = read_document(fixture_path(name))
    return document, segment(document)


def test_ra9208_has_every_section_as_printed_with_its_page():
    document, clauses = _clauses("ph-ra9208-2003-anti-trafficking-act.pdf")
    # The source prints "Section 6" twice and has no Section 7: keep what the document says.
    expected = [str(n) for n in range(1, 7)] + ["6"] + [str(n) for n in range(8, 34)]
    headings = [
        c.number for c in clauses if c.division == "body" and not c.lead_in and c.text.startswith("Section ")
    ]
    assert headings == expected
    first_page = {}
    for clause in clauses:
        if clause.number and clause.division == "body":
            first_page.setdefault(clause.heading_path[-1], clause.pages[0])
    assert first_page["Section 1. Title"] == 1
    assert first_page["Section 17. Legal Protection to Trafficked Persons"] == 5
    assert first_page["Section 33. Effectivity"] == 7
    assert document.page_count == 7


def test_ra9208_list_items_keep_their_lead_in_and_boxes():
    document, clauses = _clauses("ph-ra9208-2003-anti-trafficking-act.pdf")
    item = next(c for c in clauses if c.number == "23(a)")
    assert item.lead_in.startswith("Section 23. Mandatory Services to Trafficked Persons.")
    assert item.text.startswith(item.lead_in)
    assert item.boxes and all(box.page in item.pages for box in item.boxes)
    page = document.pages[item.pages[0] - 1]
    assert all(
        0 <= box.x0 < box.x1 <= page.width and 0 <= box.top < box.bottom <= page.height for box in item.boxes
    )


def test_ra9208_web_print_clutter_stays_out_of_the_sections():
    _, clauses = _clauses("ph-ra9208-2003-anti-trafficking-act.pdf")
    sections = [c for c in clauses if c.division == "body"]
    assert sections[0].text.startswith("Section 1. Title.")
    assert not any("Today is" in c.text or "Jurisprudence" in c.text for c in sections)


def test_yogyakarta_every_pasal_of_the_body_found_once_without_the_signature_footer():
    document, clauses = _clauses("id-yogyakarta-perda-6-2025-trafficking-victims.pdf")
    assert top_numbers(clauses) == [str(n) for n in range(1, 38)]
    assert not any("itand atangani" in c.text or "sertifikat elektronik" in c.text for c in clauses)
    assert "itand atangani" not in document.text
    assert document.language == "id"


def test_yogyakarta_explanation_is_apart_from_the_body():
    _, clauses = _clauses("id-yogyakarta-perda-6-2025-trafficking-victims.pdf")
    explained = top_numbers(clauses, division="explanation")
    assert explained == [str(n) for n in range(1, 38)]
    body_text = " ".join(c.text for c in clauses if c.division == "body")
    assert "Cukup jelas" not in body_text


def test_malaysian_bill_sections_once_each_and_no_table_of_contents():
    _, clauses = _clauses("my-atipsom-bill-2007-en.md")
    assert [n for n in top_numbers(clauses) if n] == [str(n) for n in range(1, 68)]
    assert not any("ARRANGEMENT OF CLAUSES" in c.text for c in clauses)
    refuge = next(c for c in clauses if c.number == "42(1)")
    assert "place of refuge" in refuge.text.lower()
    assert refuge.heading_path[0].endswith("V CARE AND PROTECTION OF TRAFFICKED PERSONS")


def test_malay_bill_has_the_same_sections():
    _, clauses = _clauses("my-atipsom-bill-2007-ms.md")
    assert [n for n in top_numbers(clauses) if n] == [str(n) for n in range(1, 68)]


def test_thai_act_has_every_matra_in_thai_numerals():
    document, clauses = _clauses("th-anti-trafficking-act-be2551-th.txt")

    def thai(n: int) -> str:
        return "".join(THAI_DIGITS[int(d)] for d in str(n))

    assert top_numbers(clauses) == [thai(n) for n in range(1, 58)]
    assert document.language == "th"
    assert next(c for c in clauses if c.number == thai(6) + "(" + thai(1) + ")")


def test_palermo_protocol_articles():
    _, clauses = _clauses("intl-palermo-protocol-2000-arts1-14-en.md")
    assert top_numbers(clauses) == [str(n) for n in range(1, 11)] + ["14"]
    article6 = [c for c in clauses if c.number.startswith("6(")]
    assert article6[0].heading_path[0] == "II Protection of victims of trafficking in persons"
