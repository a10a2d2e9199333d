"""The rule side of the features reads a bounded prefix of a clause, so one giant line cannot stall it."""

from __future__ import annotations

from analyzer.classify.features import MAX_RULE_CHARS, analyse


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
