"""The rule side's tokens without a spaCy Doc are spaCy's: the cached piece tokenizer gives the columns of
``nlp.make_doc``, and the dictionary phrase look-up finds what the PhraseMatcher finds."""

from __future__ import annotations

import pytest
from spacy.matcher import Matcher

from analyzer.classify.deontic_patterns import build_rules, read_patterns, rules
from analyzer.classify.features import _bounded
from analyzer.classify.token_columns import TokenColumns
from analyzer.classify.token_matching import columns, match_all, phrase_matches
from analyzer.classify.token_patterns import PatternCompiler, checked
from analyzer.corpus.dataset import load_clauses
from analyzer.taxonomy import load_taxonomy
from analyzer.taxonomy.matching import compiled_patterns

TRICKY = [
    "",
    "Art. 5 and Sec. 3(b) (Art. 7) Cap. 25), s. 4, ss. 2-3 and para. 9.",
    "Art . 5 Art.. No.12 Reg.5 Sec.",
    "See https://example.org/law?x=1 or e-mail info@example.org, e.g. U.S. and U.K. rules.",
    "The victim's right; don't detain—ever–never; co-operate with the 'Department'.",
    "Fees of 1,000.50 baht, 3rd-party costs, 24/7 help, 10% of wages :) (i) (ii)",
    "ผู้เสียหาย ย่อมได้รับ ความคุ้มครอง; Pasal 5 ayat (1) huruf a.",
    '"Quoted" [bracketed] {braced} … ellipsis -- double dash',
]


def normalised(text: str) -> str:
    return _bounded(" ".join(text.split()))


@pytest.fixture(scope="module")
def corpus_texts():
    return [normalised(row["text"]) for row in load_clauses()]


@pytest.mark.parametrize("text", TRICKY)
def test_columns_are_spacys_on_tricky_text(text):
    nlp = rules().nlp
    assert TokenColumns(nlp)(normalised(text)) == columns(nlp.make_doc(normalised(text)))


def test_columns_are_spacys_on_the_whole_corpus(corpus_texts):
    nlp, tokens = rules().nlp, TokenColumns(rules().nlp)
    assert [tokens(t) for t in corpus_texts] == [columns(d) for d in nlp.tokenizer.pipe(corpus_texts)]


def test_a_full_piece_store_is_emptied_and_refilled(monkeypatch, corpus_texts):
    monkeypatch.setattr("analyzer.classify.token_columns.MAX_PIECES", 50)
    nlp, tokens = rules().nlp, TokenColumns(rules().nlp)
    texts = corpus_texts[:40]
    assert [tokens(t) for t in texts] == [columns(nlp.make_doc(t)) for t in texts]
    longest = max(len(set(t.split(" "))) for t in texts)
    assert 0 < len(tokens.pieces) <= 50 + longest < len({p for t in texts for p in t.split(" ")})


@pytest.mark.parametrize("which", ["deontic", "taxonomy"])
def test_phrase_lookup_finds_what_the_phrase_matcher_finds(which, corpus_texts):
    if which == "deontic":
        patterns = build_rules(read_patterns(), phrase_matcher=True).patterns
    else:
        patterns = compiled_patterns(load_taxonomy(), phrase_matcher=True)
    assert patterns.phrases is not None and len(patterns.phrases) > 50
    nlp = rules().nlp
    for text in [*corpus_texts[::3], *TRICKY]:
        doc = nlp.make_doc(text)
        assert sorted(set(phrase_matches(patterns, columns(doc)[0]))) == sorted(set(patterns.phrases(doc)))


def test_a_fallback_pattern_runs_on_a_doc_made_from_the_columns():
    nlp = rules().nlp
    compiler = PatternCompiler(nlp, what="test patterns")
    pattern = [{"LOWER": "shall"}, {"LOWER": "not", "OP": "!"}, {"LOWER": "be"}]
    compiler.add("fallback", [], [checked("test patterns", "fallback", pattern)])
    patterns = compiler.build()
    assert patterns.matcher is not None
    text = "It shall be done, and it shall not be refused; it shall  be kept."
    doc = nlp.make_doc(text)
    reference = Matcher(nlp.vocab)
    reference.add("fallback", [pattern])
    expected = {(s, e) for _, s, e in reference(doc)}
    assert (
        match_all(None, patterns, columns(doc))
        == match_all(doc, patterns, columns(doc))
        == {"fallback": expected}
    )
