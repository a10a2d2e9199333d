"""Stance cues (analyzer.classify.stance_cues): which wording each cue catches and which it must leave
alone, the pattern file, and how the cues reach the model and the explanations.

Every sentence here was written for these tests.
"""

from __future__ import annotations

import pytest

from analyzer.classify import stance_cues
from analyzer.classify.explain import evidence
from analyzer.classify.features import analyse, frame_row
from analyzer.classify.stance_cues import cue_names, matched_cues
from analyzer.corpus.dataset import load_clauses

# fmt: off
CUE_CASES = [
    ("removal whether or not they consent", "Foreign victims shall be deported within seven days, whether or not they consent.", "consent_override"),
    ("irrespective of any wish", "The person shall be repatriated irrespective of any wish expressed by that person to remain.", "consent_override"),
    ("deemed consent", "A resident who has not objected within a day is deemed to have consented to the test.", "consent_override"),
    ("consent not required", "The consent of the victim shall not be required for an examination under this section.", "consent_override"),
    ("signing on the victim's behalf", "The Director may sign the consent form on behalf of the victim.", "consent_override"),
    ("shall undergo", "All rescued women shall undergo a medical check-up on admission.", "compulsory_act"),
    ("shall be photographed", "Every rescued person shall be photographed and fingerprinted.", "compulsory_act"),
    ("shall attend", "Residents shall attend the weekly guidance session.", "compulsory_act"),
    ("shall contribute to board", "Residents staying beyond sixty days shall contribute to the cost of meals.", "victim_pays"),
    ("recovered from the victim", "The cost of the ticket shall be recovered from the victim after return.", "victim_pays"),
    ("free of charge", "Interpreters shall be provided free of charge.", "relief"),
    ("exempt from fees", "The victim shall be exempt from the payment of court fees.", "relief"),
    ("only with consent", "The examination shall take place only with the informed consent of the victim.", "voluntary"),
    ("at the victim's request", "Documents may be kept in the safe at her own request.", "voluntary"),
    ("deported within days", "The victim shall be deported within fourteen days of the judgment.", "scheduled_removal"),
    ("released for deportation", "The person shall be released to an immigration officer for deportation.", "scheduled_removal"),
    ("support ceases at discharge", "All assistance shall cease upon the discharge of the resident.", "support_ends"),
    ("case closed", "After the hand-over the case file shall be closed.", "support_ends"),
    ("press release", "The police shall issue a press release with the photographs of the rescued persons.", "exposure"),
    ("names sent to", "The names and addresses of returnees shall be sent to the village head.", "exposure"),
    ("only citizens", "The Fund shall pay interim awards only to citizens of the Republic.", "differential"),
    ("citizens versus foreigners", "Citizens shall receive full support; foreigners shall receive emergency care.", "differential"),
    ("treated as an adult", "A victim aged sixteen or more shall be dealt with as an adult.", "differential"),
    ("may not leave", "Rescued persons may not leave the centre.", "confinement"),
    ("the second sentence's subject pays", "The Ministry shall provide shelter; residents shall pay for their own meals.", "victim_pays"),
    ("held until the trial ends", "The witness shall be held at the centre until the conclusion of the trial.", "confinement"),
    ("bond", "A resident may be released upon a bond executed by a guarantor.", "confinement"),
]

ABSENT_CASES = [
    ("agreeing to testify is no consent override", "Victims shall receive shelter whether or not they agree to testify.", "consent_override"),
    ("wishing to cooperate is no consent override", "Care continues whether or not the victim wishes to cooperate with the police.", "consent_override"),
    ("not required to pay is no payment", "No victim shall be required to pay for food or lodging.", "victim_pays"),
    ("a plain obligation of the state", "The Ministry shall provide shelter to every identified victim.", "compulsory_act"),
    ("officials undergo training", "All agencies assisting victims shall be required to undergo training.", "compulsory_act"),
    ("the state bears the costs", "The State shall bear the costs of the victim's return.", "victim_pays"),
    ("the offender pays", "The trafficker shall pay compensation to the victim.", "victim_pays"),
    ("the employer pays", "The employer shall bear the costs of the victim's return.", "victim_pays"),
    ("parties bear their costs", "Each Party shall bear its own costs of repatriation.", "victim_pays"),
    ("an NGO attends", "Non-governmental organisations shall attend the case conference.", "compulsory_act"),
    ("the second sentence binds the employer", "Victims may stay at the centre. The employer shall pay the fare home.", "victim_pays"),
    ("the victim shall not pay", "Victims shall not pay for their board or lodging.", "victim_pays"),
    ("the victim shall not undergo", "Victims shall not undergo any test without consent.", "compulsory_act"),
    ("an officer may not leave the child", "The officer shall not leave the child alone at the station.", "confinement"),
]
# fmt: on


@pytest.mark.parametrize(("case", "text", "cue"), CUE_CASES, ids=[c[0] for c in CUE_CASES])
def test_cue_catches_its_wording(case, text, cue):
    assert cue in matched_cues(text)
    assert cue in analyse([text])[0].cues


@pytest.mark.parametrize(("case", "text", "cue"), ABSENT_CASES, ids=[c[0] for c in ABSENT_CASES])
def test_cue_leaves_other_wording_alone(case, text, cue):
    assert cue not in analyse([text])[0].cues


def test_subject_patterns_count_only_for_the_person_or_nobody():
    text = "Residents shall attend the weekly guidance session."
    assert "compulsory_act" in matched_cues(text, subject="victim")
    assert "compulsory_act" in matched_cues(text, subject="none")
    assert "compulsory_act" not in matched_cues(text, subject="official")
    assert "compulsory_act" not in matched_cues(text, subject="offender")
    # an ordinary pattern of the same cue counts whoever the subject is
    assert "compulsory_act" in matched_cues(
        "The officer shall cause the victim to be examined.", subject="official"
    )


def test_every_cue_in_the_file_has_a_case():
    assert set(cue_names()) == {cue for _, _, cue in CUE_CASES}


def test_line_breaks_read_as_spaces():
    assert "consent_override" in matched_cues("shall be returned,\nwhether or not\n  they consent")


def test_cues_reach_the_frame_row_in_file_order():
    text = "The victim shall be deported within seven days, whether or not they consent."
    analysis = analyse([text])[0]
    row = frame_row(analysis)
    tail = row[-len(cue_names()) :]
    assert tail == [float(name in matched_cues(text)) for name in cue_names()]
    assert len(row) == len(frame_row(analyse(["Short title."])[0]))


def test_harmful_evidence_quotes_the_consent_override():
    text = "Foreign victims shall be deported within seven days, whether or not they consent."
    analysis = analyse([text])[0]
    assert "whether or not they consent" in evidence("VOLUNTARY_SAFE_RETURN", "HARMFUL", analysis)


def test_triggers_never_hide_a_match_in_the_corpus():
    for record in load_clauses():
        assert matched_cues(record["text"]) == matched_cues(record["text"], gated=False), record["id"]


def test_a_cue_without_patterns_is_refused(tmp_path, monkeypatch):
    bad = tmp_path / "cues.yaml"
    bad.write_text("version: 1\ncues:\n  empty:\n    triggers: [x]\n    patterns: []\n", encoding="utf-8")
    monkeypatch.setattr(stance_cues, "CUES_FILE", bad)
    stance_cues.compiled.cache_clear()
    try:
        with pytest.raises(ValueError, match="empty"):
            stance_cues.compiled()
    finally:
        stance_cues.compiled.cache_clear()
