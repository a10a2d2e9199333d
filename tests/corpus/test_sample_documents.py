"""The sample policy documents: rendered PDFs whose answer keys line up with what the segmenter finds."""

from __future__ import annotations

from functools import cache

import pdfplumber
import pytest

from analyzer.corpus.answer_keys import document_clauses, key_path, key_problems, own_text, read_key
from analyzer.corpus.dataset import default_corpus_dir, load_clauses, near_duplicates
from analyzer.ingest import read_document
from analyzer.segment import segment

DOCUMENTS = default_corpus_dir() / "documents"
SOURCES = sorted((DOCUMENTS / "src").glob("*.md"))
NAMES = [source.stem for source in SOURCES]


@cache
def clauses(name: str):
    return document_clauses(DOCUMENTS / f"{name}.pdf")


def test_there_are_at_least_eight_sample_documents_with_keys():
    complete = [
        n for n in NAMES if (DOCUMENTS / f"{n}.pdf").is_file() and key_path(DOCUMENTS / f"{n}.pdf").is_file()
    ]
    assert len(complete) >= 8, complete


@pytest.mark.parametrize("name", NAMES)
def test_answer_key_lines_up_with_the_segmented_pdf(name):
    pdf = DOCUMENTS / f"{name}.pdf"
    assert key_problems(clauses(name), read_key(key_path(pdf))) == []


@pytest.mark.parametrize("name", NAMES)
def test_pdf_has_three_to_fifteen_pages(name):
    with pdfplumber.open(DOCUMENTS / f"{name}.pdf") as pdf:
        assert 3 <= len(pdf.pages) <= 15


@pytest.mark.parametrize("name", NAMES)
def test_document_mixes_harmful_and_protective_provisions(name):
    key = read_key(key_path(DOCUMENTS / f"{name}.pdf"))
    stances = [f["stance"] for entry in key for f in entry["findings"]]
    principles = {f["principle"] for entry in key for f in entry["findings"]}
    assert stances.count("HARMFUL") >= 12 and stances.count("PROTECTIVE") >= 10
    assert len(principles) >= 6


def test_sample_document_clauses_are_not_in_the_training_corpus():
    corpus = [r["text"] for r in load_clauses()]
    texts = [own_text(c) for name in NAMES for c in clauses(name) if len(own_text(c).split()) >= 8]
    assert near_duplicates(texts, others=corpus) == []


def test_a_docx_rendering_segments_like_its_pdf():
    docx = sorted(DOCUMENTS.glob("*.docx"))
    assert docx, "at least one sample document is also rendered as DOCX"
    for path in docx:
        from_docx = [c.number for c in segment(read_document(path)) if c.number]
        from_pdf = [c.number for c in clauses(path.stem) if c.number]
        assert from_docx == from_pdf


def test_sources_render_to_the_committed_pdfs_page_count(tmp_path):
    from analyzer.corpus.render import render

    source = SOURCES[0]
    rendered = render(source, out_dir=tmp_path)[0]
    with pdfplumber.open(rendered) as fresh, pdfplumber.open(DOCUMENTS / f"{source.stem}.pdf") as committed:
        assert len(fresh.pages) == len(committed.pages)
    assert [c.number for c in segment(read_document(rendered))] == [c.number for c in clauses(source.stem)]


def test_every_source_has_its_pdf():
    missing = [n for n in NAMES if not (DOCUMENTS / f"{n}.pdf").is_file()]
    assert missing == []


def test_documents_folder_holds_only_known_files():
    allowed = {".pdf", ".docx", ".jsonl"}
    stray = [
        p.name
        for p in DOCUMENTS.iterdir()
        if p.is_file() and p.suffix not in allowed and p.name != "README.md"
    ]
    assert stray == []
