"""The rule side of the features reads a bounded prefix of a clause, so one giant line cannot stall it."""

from __future__ import annotations

import pytest

from analyzer.classify.features import MAX_RULE_CHARS, FeatureSpace, analyse, clause_body, shape_matrix


def test_a_giant_clause_is_read_up_to_the_limit():
    filler = "The officer shall record the time, except where the Director deems it necessary. " * 2000
    assert len(filler) > MAX_RULE_CHARS
    late_harm = filler + "Victims shall be detained in the immigration depot whether or not they consent."
    frame_only_early = analyse([late_harm])[0]
    # the consent override stands beyond the limit: not read by the rule side
    assert "consent_override" not in frame_only_early.cues
    early_harm = "Victims shall be detained in the immigration depot whether or not they consent. " + filler
    assert "consent_override" in analyse([early_harm])[0].cues
    assert analyse([early_harm])[0].frame.exceptions  # the frame is read, exceptions and all


def test_a_clause_under_the_limit_is_read_whole():
    text = "Victims shall not be detained, except where the Director deems it necessary."
    assert analyse([text])[0] == analyse([text + "  "])[0]
    assert analyse([text])[0].frame.exceptions == (("except where the Director deems it necessary", "broad"),)


@pytest.mark.parametrize(
    ("text", "body", "heading", "lead_in"),
    [
        ("Article 12. Medical examination and treatment", "Medical examination and treatment", 1, 0),
        ("5. INTERIM PROTECTION ORDER", "INTERIM PROTECTION ORDER", 1, 0),
        ("CHAPTER IV PROTECTION AND ASSISTANCE", "PROTECTION AND ASSISTANCE", 1, 0),
        ("Mandatory HIV testing of rescued persons", "Mandatory HIV testing of rescued persons", 1, 0),
        (
            "Rule 15. The following shall apply to child residents:",
            "The following shall apply to child residents:",
            0,
            1,
        ),
        (
            "(1) If a trafficked person absconds from the shelter —",
            "If a trafficked person absconds from the shelter —",
            0,
            1,
        ),
        (
            "12. Victims pay their own lawyers.",
            "Victims pay their own lawyers.",
            0,
            0,
        ),  # a rule in the present tense
        ("(c) Victims shall not be detained", "Victims shall not be detained", 0, 0),  # a modal: a rule
        ("Section 3. " + "word " * 20, "word " * 19 + "word", 0, 0),  # too long for a heading
    ],
)
def test_headings_and_lead_ins_are_told_from_rules(text, body, heading, lead_in):
    assert clause_body(text) == body
    assert shape_matrix([text], analyse([text])).tolist() == [[heading, lead_in]]


def test_a_feature_space_without_the_shape_flags_is_two_columns_narrower():
    texts = ["Article 1. Victims shall not be detained.", "Article 2. Medical examination"]
    analyses = analyse(texts)
    with_shape = FeatureSpace().fit(texts)
    without = FeatureSpace(with_shape.word, with_shape.char, shape=False)
    assert with_shape.transform(texts, analyses).shape[1] == without.transform(texts, analyses).shape[1] + 2
