"""Country and document-type guesses that pre-fill the dashboard's forms."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import fixture_path

from analyzer.ingest import read_document
from analyzer.ingest.metadata import guess_country, guess_doc_type

SOURCES = Path(__file__).resolve().parents[2] / "corpus" / "documents" / "src"

SAMPLES = [
    ("id-witness-protection-regulation.md", "ID", "regulation"),
    ("kh-repatriation-prakas.md", "KH", "regulation"),
    ("la-th-return-mou.md", "LA", "MOU"),
    ("mm-shelter-house-rules.md", "MM", "shelter rules"),
    ("my-shelter-sop.md", "MY", "SOP"),
    ("ph-referral-guidelines.md", "PH", "guideline"),
    ("th-immigration-circular.md", "TH", "circular"),
    ("vn-child-victim-guideline.md", "VN", "circular"),
]


@pytest.mark.parametrize(("name", "country", "doc_type"), SAMPLES)
def test_sample_documents(name, country, doc_type):
    document = read_document(SOURCES / name, timeout=None)
    assert guess_country(document.text, language=document.language, title=document.title) == country
    assert guess_doc_type(document.text, title=document.title) == doc_type


@pytest.mark.fixtures
@pytest.mark.parametrize(
    ("name", "country", "doc_type"),
    [
        ("my-atipsom-bill-2007-ms.md", "MY", "bill"),
        ("th-anti-trafficking-act-be2551-th.txt", "TH", "law"),
        ("intl-palermo-protocol-2000-arts1-14-en.md", None, "law"),
    ],
)
def test_real_documents(name, country, doc_type):
    document = read_document(fixture_path(name), timeout=None)
    assert guess_country(document.text, language=document.language, title=document.title) == country
    assert guess_doc_type(document.text, title=document.title) == doc_type


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Section 1. Victims shall not be detained.", "en", None),
        ("Pasal 1. Korban tidak boleh ditahan.", "id", "ID"),
        ("The Philippines and Thailand agree. Thailand shall return. Thailand shall pay.", "en", "TH"),
        ("Laotian Thaiwan Malaysiana and Bangkoks are not whole-word cues.", "en", None),
    ],
)
def test_country_cues_are_whole_words_and_counted(text, language, expected):
    assert guess_country(text, language=language) == expected


def test_the_title_decides_the_type_before_the_body():
    body = "This Act amends the Circular of 2019 and the Guidelines annexed to it."
    assert guess_doc_type(body, title="Standard Operating Procedure on shelters") == "SOP"
    assert guess_doc_type(body) == "law"
    assert guess_doc_type("Victims shall be informed of their rights.") is None
