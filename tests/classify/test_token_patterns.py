"""The fast pattern engine finds what spaCy's Matcher finds, for every operator and attribute it takes."""

from __future__ import annotations

import pytest
from spacy.matcher import Matcher

from analyzer.classify.deontic_patterns import rules
from analyzer.classify.token_matching import columns, match_all
from analyzer.classify.token_patterns import PatternCompiler, checked

PATTERNS = {
    "optional_word_between_gaps": [{"LOWER": "within"}, {"LIKE_NUM": True}, {"LOWER": "-", "OP": "?"},
                                   {"LIKE_NUM": True, "OP": "?"}, {"LOWER": {"IN": ["hours", "days"]}}],
    "digits": [{"LOWER": "within"}, {"IS_DIGIT": True}, {"LOWER": "days"}],
    "wildcards": [{"LOWER": "pay"}, {"OP": "?"}, {"OP": "?"}, {"LOWER": {"IN": ["fee", "fees", "costs"]}}],
    "repeated_set": [{"LOWER": "without"}, {"LOWER": {"IN": ["a", "valid", "travel"]}, "OP": "*"},
                     {"LOWER": {"IN": ["passport", "visa"]}}],
    "plus_and_range": [{"LOWER": "shall"}, {"LOWER": "not", "OP": "+"}, {"OP": "{0,2}"}, {"LOWER": "detained"}],
    "punctuation_anchor": [{"IS_PUNCT": True}, {"LOWER": "except"}, {"LOWER": "where"}],
    "words_only": [{"LOWER": "best"}, {"LOWER": "interests", "OP": "?"}, {"LOWER": "of"}],
}  # fmt: skip
TEXTS = [
    "Screening shall be completed within 24 - 48 hours, or within 3 days.",
    "Within 72 hours of the rescue, or within 30 days at most.",
    "The victim shall pay the fee; victims shall pay all their board costs.",
    "Entering without a valid travel passport or without visa is no offence.",
    "They shall not not be detained; they shall not be unlawfully detained.",
    "Except where the court orders otherwise, victims may leave. Victims may leave, except where unsafe.",
    "In the best interests of the child, and the best of care.",
    "",
    "within within 5 5 days days",
]


@pytest.fixture(scope="module")
def compiled():
    nlp = rules().nlp
    compiler = PatternCompiler(nlp, what="test patterns")
    for key, pattern in PATTERNS.items():
        compiler.add(key, [], [checked("test patterns", key, pattern)])
    return nlp, compiler.build()


@pytest.mark.parametrize("text", TEXTS)
def test_every_match_is_spacys(compiled, text):
    nlp, patterns = compiled
    doc = nlp.make_doc(text)
    expected: dict[str, set[tuple[int, int]]] = {}
    for key, pattern in PATTERNS.items():
        reference = Matcher(nlp.vocab)
        reference.add(key, [pattern])
        spans = {(s, e) for _, s, e in reference(doc)}
        if pattern[0] == {"IS_PUNCT": True}:  # such a pattern also matches at the clause start without it
            at_start = Matcher(nlp.vocab)
            at_start.add(key, [pattern[1:]])
            spans |= {(s, e) for _, s, e in at_start(doc) if s == 0}
        if spans:
            expected[key] = spans
    assert match_all(doc, patterns, columns(doc)) == expected


def test_the_chains_cover_the_gaps_without_a_fallback_matcher(compiled):
    _, patterns = compiled
    assert patterns.matcher is None  # every pattern above runs on the fast path
    assert set(match_all(rules().nlp.make_doc(TEXTS[0]), patterns, columns(rules().nlp.make_doc(TEXTS[0]))))


def test_bad_flags_are_refused():
    with pytest.raises(ValueError, match="IS_DIGIT take true or false"):
        checked("test patterns", "k", [{"IS_DIGIT": "yes"}])
    with pytest.raises(ValueError, match="only"):
        checked("test patterns", "k", [{"POS": "VERB"}])
