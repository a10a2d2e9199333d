"""The deontic frame of one clause (analyzer.classify.deontic): modality, negation and its scope,
exceptions, provisos, conditions, hedges, euphemisms, actor, penalties, definitions, cross-references;
plus the pattern file itself and the fast matching path against spaCy's own Matcher.

Every sentence here was written for these tests.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from spacy.matcher import Matcher, PhraseMatcher

from analyzer.classify import deontic
from analyzer.classify.deontic import FRAME_FEATURES, Frame, analyze, analyze_many, frame_vector, subject_at

# --- modality -------------------------------------------------------------------------------------------

# fmt: off
MODALITY_CASES = [
    ("no ... shall is a prohibition", "No victim shall be detained in any police cell.", "prohibition"),
    ("shall not is a prohibition", "A rescued girl shall not be kept in a lock-up.", "prohibition"),
    ("must not is a prohibition", "Residents must not leave the shelter premises.", "prohibition"),
    ("may not is a prohibition", "A victim may not be charged with vagrancy.", "prohibition"),
    ("cannot is a prohibition", "Victims cannot be deported while their case is open.", "prohibition"),
    ("shall in no case", "A child shall in no case be returned without a risk assessment.", "prohibition"),
    ("in no case shall, inverted", "In no case shall a minor share a cell with adults.", "prohibition"),
    ("is prohibited from (translated)", "Foreign victims are prohibited from working outside the shelter.", "prohibition"),
    ("it is forbidden to (translated)", "It is forbidden to publish the photograph of a child victim.", "prohibition"),
    ("shall not be allowed to (translated)", "Victims shall not be allowed to use telephones.", "prohibition"),
    ("shall is an obligation", "The Department shall provide interpreters at every interview.", "obligation"),
    ("must is an obligation", "Every shelter must keep a register of admissions.", "obligation"),
    ("is required to", "The officer is required to inform the victim of her rights.", "obligation"),
    ("shall be obliged to (translated)", "The trafficked person shall be obliged to report weekly to the police.", "obligation"),
    ("may is a permission", "A victim may apply for a temporary residence permit.", "permission"),
    ("is entitled to", "Every survivor is entitled to free legal aid.", "permission"),
    ("has the right to", "The victim has the right to claim unpaid wages.", "permission"),
    ("can is a permission", "A resident can receive visitors on Sundays.", "permission"),
    ("shall be entitled to beats shall", "Victims shall be entitled to medical care.", "permission"),
    ("shall endeavour is weak", "The State shall endeavour to trace the family of the victim.", "weak"),
    ("shall consider is weak", "The court shall consider the wishes of the child.", "weak"),
    ("shall make every effort is weak", "The Ministry shall make every effort to reunite families.", "weak"),
    ("should is weak", "Interviews should take place in a private room.", "weak"),
    ("as far as possible weakens shall", "The Department shall, as far as possible, assign a female officer.", "weak"),
    ("where possible weakens shall", "Where possible, victims shall be housed in single rooms.", "weak"),
    ("no operator at all", "This Act comes into force on the first day of January.", "none"),
    ("will not is a prohibition", "The victim will not be questioned about her past.", "prohibition"),
    ("'against her will' is no modal", "She was held against her will for three months.", "none"),
    ("no ... shall after a section number", "Section 5 No victim shall be held in a police cell.", "prohibition"),
    ("no inside a relative clause", "A victim who has no papers shall be referred to a shelter.", "obligation"),
]
# fmt: on


@pytest.mark.parametrize(("case", "text", "modality"), MODALITY_CASES, ids=[c[0] for c in MODALITY_CASES])
def test_modality_is_the_strongest_operator(case, text, modality):
    frame = analyze(text)
    assert frame.modality == modality
    expected = {"prohibition": 1.0, "obligation": 0.8, "permission": 0.5, "weak": 0.3, "none": 0.0}[modality]
    assert frame.strength == expected
    assert bool(frame.evidence.get("modality")) == (modality != "none")


# --- negation and its scope -------------------------------------------------------------------------------

# fmt: off
NEGATION_CASES = [
    ("determiner no", "No victim shall be detained in any police cell.", "No", "victim shall be detained in any police cell"),
    ("shall not", "Victims shall not be required to pay for their board.", "not", "be required to pay for their board"),
    ("scope stops at the exception", "A victim shall not be detained, except where the Director deems it necessary.", "not", "be detained"),
    ("without the consent", "Photographs may be taken without the consent of the victim.", "without the consent", "of the victim"),
    ("exempt from", "A trafficked person shall be exempt from criminal liability for illegal entry.", "exempt from", "criminal liability for illegal entry"),
    ("post-posed prohibition scopes back", "The detention of child victims is prohibited.", "is prohibited", "The detention of child victims"),
    ("scope stops before the next provision", "Return shall not be set on a court day, and the escort shall be female.", "not", "be set on a court day"),
]
# fmt: on


@pytest.mark.parametrize(("case", "text", "cue", "scope"), NEGATION_CASES, ids=[c[0] for c in NEGATION_CASES])
def test_negation_cue_and_scope(case, text, cue, scope):
    frame = analyze(text)
    assert frame.negated
    assert frame.negation_cue == cue
    assert frame.negation_scope == scope


# fmt: off
NOT_NEGATED_CASES = [
    ("'not less than' is a measure", "The offender shall be imprisoned for not less than ten years."),
    ("'whether or not' is no negation", "Assistance shall be given whether or not the victim cooperates."),
    ("negation inside a relative clause", "A victim who does not wish to return shall be granted residence."),
    ("negation inside an exception", "Victims shall be repatriated, unless they do not consent."),
    ("'Act No.' is a number", "Republic Act No. 9208 applies to this Rule."),
    ("without delay is no negation", "The victim shall be informed of the decision without delay."),
]
# fmt: on


@pytest.mark.parametrize(("case", "text"), NOT_NEGATED_CASES, ids=[c[0] for c in NOT_NEGATED_CASES])
def test_no_main_negation(case, text):
    frame = analyze(text)
    assert not frame.negated
    assert frame.negation_cue == frame.negation_scope == ""


# --- exceptions -----------------------------------------------------------------------------------------

# fmt: off
EXCEPTION_CASES = [
    ("Director's discretion is broad", "A victim shall not be detained, except where the Director deems it necessary.", ("broad",)),
    ("victim's own request is narrow", "A victim shall not be detained, except at the victim's own request.", ("narrow",)),
    ("Minister directing otherwise is broad", "The identity of a victim shall not be published unless the Minister directs otherwise.", ("broad",)),
    ("public interest condition is broad", "Where the Commissioner considers it in the public interest, a victim's name may be released.", ("broad",)),
    ("exceptional circumstances are broad", "No restriction on movement shall be imposed save in exceptional circumstances.", ("broad",)),
    ("security reasons stand alone", "Residents may be kept inside the shelter for security reasons.", ("broad",)),
    ("when necessary stands alone", "A foreign victim may be held at the depot when necessary.", ("broad",)),
    ("informed consent is narrow", "No medical test shall be done except with the informed consent of the victim.", ("narrow",)),
    ("assessed, time-limited, reviewed is narrow", "Movement shall not be restricted, except where individually assessed, time-limited and reviewed.", ("narrow",)),
    ("authorities conducting the case is narrow", "The case file may be shared only with the authorities conducting the case.", ("narrow",)),
    ("medical treatment purpose is narrow", "Health records shall not be disclosed except for the purpose of the victim's medical treatment.", ("narrow",)),
    ("permission of the manager is broad", "Residents may leave the home only with the written permission of the manager.", ("broad",)),
    ("an unqualified exception defaults to broad", "Victims shall not be fingerprinted except in accordance with the regulations.", ("broad",)),
    ("discretion beats a narrow cue", "No victim shall be returned unless the Secretary, having heard the victim's wishes, directs otherwise.", ("broad",)),
    ("strict necessity is narrow", "The victim shall not be summoned twice except where strictly necessary.", ("narrow",)),
    ("a plain negation has none", "No victim shall be detained in any police cell.", ()),
    ("definition boilerplate is no exception", "In this Act, unless the context otherwise requires, child means a person under eighteen.", ()),
    ("consent standing alone is narrow", "Medical examinations may be done with the informed consent of the victim.", ("narrow",)),
    ("the Director's consent is broad", "Residents may go out with the consent of the Director.", ("broad",)),
    ("purpose of treatment standing alone", "Health records may be shared for the purpose of the victim's medical treatment.", ("narrow",)),
]
# fmt: on


@pytest.mark.parametrize(("case", "text", "kinds"), EXCEPTION_CASES, ids=[c[0] for c in EXCEPTION_CASES])
def test_exceptions_are_broad_or_narrow(case, text, kinds):
    frame = analyze(text)
    assert tuple(kind for _, kind in frame.exceptions) == kinds
    assert all(span and span in text for span, _ in frame.exceptions)


# --- provisos and conditions ------------------------------------------------------------------------------

# fmt: off
PROVISO_CASES = [
    ("who agree to testify", "Shelter shall be provided to victims who agree to testify.", True, False),
    ("provided that the victim cooperates", "Legal aid shall be granted, provided that the victim cooperates with the police.", True, False),
    ("only victims who", "Only victims who agree to act as witnesses shall receive a work permit.", True, False),
    ("upon execution of an affidavit", "Temporary shelter shall be given upon execution of an affidavit by the victim.", True, False),
    ("whose testimony is required", "Victims whose testimony is required may remain in the country.", True, False),
    ("who have given a statement", "Persons who have given a statement to the police shall receive a daily allowance.", True, False),
    ("subject to participation", "A special pass may be issued subject to the victim's participation in the investigation.", True, False),
    ("if willing to act as a witness", "The victim may stay in the shelter if the victim is willing to act as a witness.", True, False),
    ("refusal, then loss of help", "Support shall be cancelled if the victim refuses to testify.", True, False),
    ("negated condition is no proviso", "Assistance shall not be made conditional on the victim's cooperation with the police.", False, False),
    ("regardless of cooperation", "Victims shall receive shelter regardless of whether they agree to testify.", False, False),
    ("refusal with a guarantee is no proviso", "A victim who declines to testify shall not for that reason lose her place in the shelter.", False, False),
    ("refusers denied shelter", "Shelter shall not be provided to victims who refuse to testify.", True, False),
    ("refusers sent home", "Victims who refuse to testify shall be returned to their province.", True, False),
    ("refusers not deported", "Victims who refuse to testify shall not be deported.", False, False),
    ("help not withdrawn on refusal", "Assistance shall not be withdrawn if the victim refuses to testify.", False, True),
    ("plain condition", "If the victim is a child, the interview shall take place in the presence of a guardian.", False, True),
    ("subject to a section is a condition", "Subject to section 12, a victim may apply for a special pass.", False, True),
    ("penalty for false testimony is no proviso", "Any person who knowingly gives false testimony shall be punished.", False, False),
]
# fmt: on


@pytest.mark.parametrize(
    ("case", "text", "proviso", "condition"), PROVISO_CASES, ids=[c[0] for c in PROVISO_CASES]
)
def test_provisos_tie_help_to_cooperation(case, text, proviso, condition):
    frame = analyze(text)
    assert bool(frame.provisos) == proviso
    assert bool(frame.conditions) == condition
    if proviso:
        assert frame.cooperation and frame.evidence["provisos"]


# --- hedges and euphemisms ------------------------------------------------------------------------------

# fmt: off
WORDING_CASES = [
    ("to the extent practicable", "Legal assistance shall be provided to the extent practicable.", "hedges", "to the extent practicable"),
    ("where appropriate", "Where appropriate, the victim shall be offered counselling.", "hedges", "Where appropriate"),
    ("in appropriate cases", "Compensation may be awarded in appropriate cases.", "hedges", "in appropriate cases"),
    ("subject to available resources", "Vocational training shall be offered, subject to available resources.", "hedges", "subject to available resources"),
    ("where warranted", "A reflection period may, where warranted, be extended.", "hedges", "where warranted"),
    ("if necessary", "An interpreter shall be called if necessary.", "hedges", "if necessary"),
    ("protective custody", "Rescued women shall be held in protective custody.", "euphemisms", "protective custody"),
    ("place of refuge", "The magistrate may order the victim to a place of refuge.", "euphemisms", "place of refuge"),
    ("for their own safety", "Residents shall stay indoors after dark for their own safety.", "euphemisms", "for their own safety"),
    ("for his or her own protection", "The child shall be kept at the centre for his or her own protection.", "euphemisms", "for his or her own protection"),
    ("care of the Ministry until the end of the case", "The child shall be placed under the care of the Ministry until the conclusion of the case.", "euphemisms", "placed under the care of the Ministry until the conclusion of the case"),
    ("rescue operation", "Persons found in a rescue operation shall be screened.", "euphemisms", "rescue operation"),
    ("safekeeping", "Passports shall be kept by the warden for safekeeping.", "euphemisms", "safekeeping"),
    ("compulsory rehabilitation centre", "Girls found in the raid shall be sent to a rehabilitation centre.", "euphemisms", "sent to a rehabilitation centre"),
]
# fmt: on


@pytest.mark.parametrize(
    ("case", "text", "field", "expected"), WORDING_CASES, ids=[c[0] for c in WORDING_CASES]
)
def test_hedges_and_euphemisms_are_quoted(case, text, field, expected):
    assert expected in getattr(analyze(text), field)


# --- who the clause acts on, and penalties ----------------------------------------------------------------

# fmt: off
ACTOR_CASES = [
    ("whoever detains a trafficked person", "Whoever detains a trafficked person shall be punished with imprisonment of up to ten years.", "offender", True, True),
    ("victim fined for overstaying", "Foreign victims who overstay shall be fined.", "victim", True, False),
    ("victim fined, plain", "The victim shall be fined for breaching the curfew.", "victim", True, False),
    ("employer who confiscates", "An employer who confiscates the passport of a worker commits an offence.", "offender", True, True),
    ("official who discloses", "Any public officer who discloses the name of a victim shall be liable to a fine.", "offender", True, True),
    ("trafficker as subject", "The trafficker shall pay compensation to the victim.", "offender", False, False),
    ("negated penalty is none", "A trafficked person shall not be punished for using false papers.", "victim", False, False),
    ("not criminally liable", "No victim shall be held criminally liable for prostitution.", "victim", False, False),
    ("accused as object", "Victims shall not be confronted with the accused.", "victim", False, False),
    ("child beats victim", "A child victim shall be assigned a guardian.", "child", False, False),
    ("under eighteen is a child", "Persons under eighteen shall be interviewed by a social worker.", "child", False, False),
    ("official with no victim", "The Department shall submit an annual report to Parliament.", "official", False, False),
    ("nobody at all", "This Regulation shall be cited as the Anti-Trafficking Rules.", "none", False, False),
    ("persons charged under an Act", "Persons found working on the premises shall be charged under the Immigration Act.", "none", True, False),
    ("defendant mentioned after the child", "Examination of a child victim takes place in the presence of the defendant.", "child", False, False),
    # the person an offence of selling sex reaches is no offender (GUIDELINES §8); the buyer and the seller of a person are
    ("seller of sex", "A person who engages in prostitution shall be fined.", "none", True, False),
    ("seller of sexual services", "Persons who sell sexual services shall be fined.", "none", True, False),
    ("soliciting, between commas", "Any person who, in any public place, solicits for the purpose of prostitution shall be liable to a fine.", "none", True, False),
    ("buyer of sexual services", "Any person who engages the services of a prostitute shall be liable to a fine.", "offender", True, True),
    ("seller of a child", "Any person who sells a child for sexual services shall be punished.", "offender", True, True),
    ("solicits a child", "Any person who solicits a child for prostitution shall be punished.", "offender", True, True),
    ("seller and buyer: the penalty also reaches the seller", "Any person who offers sexual services for payment, and any person who engages the services of such a person, shall be liable to a fine.", "offender", True, False),
]
# fmt: on


@pytest.mark.parametrize(
    ("case", "text", "actor", "penalty", "on_offender"), ACTOR_CASES, ids=[c[0] for c in ACTOR_CASES]
)
def test_actor_and_penalty(case, text, actor, penalty, on_offender):
    frame = analyze(text)
    assert frame.actor == actor
    assert frame.penalty == penalty
    assert frame.penalty_on_offender == on_offender


# fmt: off
SUBJECT_CASES = [
    ("the victim bound", "The victim shall report to the police every week.", "victim"),
    ("passive: the victim undergoes", "Victims shall not be detained in police cells.", "victim"),
    ("an agency bound, victims in its name", "All agencies assisting victims shall undergo training on their rights.", "official"),
    ("the officer bound, the victim the object", "The officer shall inform the victim of her rights.", "official"),
    ("the offender bound", "The offender shall pay compensation to the victim.", "offender"),
    ("whoever", "Whoever detains a trafficked person shall be punished.", "offender"),
    ("a condition before the subject", "Where the victim is a child, the officer shall inform the parents.", "official"),
    ("the child bound", "A child shall be interviewed only in the presence of a guardian.", "child"),
    ("the modal's own sentence", "Victims are fragile. The Department shall publish a report.", "official"),
    ("another party bound", "The employer shall bear the costs of the return.", "other"),
    ("parties to an agreement", "Each Party shall bear its own costs under this Memorandum.", "other"),
    ("nobody named before the modal", "There shall be a fund for the victims of trafficking.", "none"),
    ("a victim inside a relative clause", "Persons who work with victims shall undergo training.", "none"),
    ("no modal", "Victims of trafficking in the province.", "none"),
]
# fmt: on


@pytest.mark.parametrize(("case", "text", "subject"), SUBJECT_CASES, ids=[c[0] for c in SUBJECT_CASES])
def test_subject_is_who_the_first_modal_binds(case, text, subject):
    assert analyze(text).subject == subject


# fmt: off
SUBJECT_AT_CASES = [
    # (text, the words whose subject is read, expected)
    ("The Ministry shall provide shelter; residents shall pay for their meals.", "shall pay", "victim"),
    ("The Ministry shall provide shelter; residents shall pay for their meals.", "shall provide", "official"),
    ("Victims may stay at the centre. The employer shall pay the fare.", "shall pay", "other"),
    ("Victims may stay at the centre, and the employer shall pay the fare.", "shall pay", "victim"),
    ("Where the officer so directs, the victim shall attend.", "shall attend", "victim"),
    ("Persons who assist victims shall attend a course.", "shall attend", "none"),
    ("The victim shall report weekly.", "The victim", "none"),
    # words that open a sentence: the heading's party before it binds nothing
    ("Section 32. Child Victims. – No child shall be returned without an assessment.", "– No", "none"),
]
# fmt: on


@pytest.mark.parametrize(("text", "words", "subject"), SUBJECT_AT_CASES)
def test_subject_at_reads_the_party_named_first_in_the_sentence(text, words, subject):
    assert subject_at(analyze(text), text.index(words)) == subject


def test_subject_at_the_first_modal_is_the_frame_subject():
    for _, text, subject in SUBJECT_CASES:
        frame, modal = analyze(text), re.search(r"\b(?:shall|may|must)\b", text)
        if modal:
            assert subject_at(frame, modal.start()) == frame.subject == subject, text


# fmt: off
MENTION_CASES = [
    ("offender and victim both mentioned", "Whoever detains a trafficked person shall be punished.", (True, False, True)),
    ("child and victim", "No child victim shall be placed in an adult facility.", (True, True, False)),
    ("resident is a victim", "Residents may use the kitchen at any time.", (True, False, False)),
    ("minor offence is no child", "A minor offence shall be dealt with by the village council.", (False, False, False)),
]
# fmt: on


@pytest.mark.parametrize(("case", "text", "mentions"), MENTION_CASES, ids=[c[0] for c in MENTION_CASES])
def test_mentions(case, text, mentions):
    frame = analyze(text)
    assert (frame.mentions_victim, frame.mentions_child, frame.mentions_offender) == mentions


# --- definitions, cross-references, cooperation ----------------------------------------------------------

# fmt: off
FLAG_CASES = [
    ("means", '"Child" means a person below eighteen years of age.', "definition", True),
    ("refers to", "Shelter refers to a temporary home run by the Department.", "definition", True),
    ("shall mean", "Victim shall mean any person who has suffered harm.", "definition", True),
    ("includes", "Exploitation includes forced labour and servitude.", "definition", True),
    ("by means of is no definition", "Any person who recruits a child by means of deception shall be punished.", "definition", False),
    ("section number", "The order shall be made under section 12.", "cross_reference", True),
    ("article and paragraph", "Restitution as referred to in Article 5 paragraph (2) shall be paid.", "cross_reference", True),
    ("subsection in brackets", "An order under subsection (1) may be appealed.", "cross_reference", True),
    ("Indonesian Pasal", "Korban berhak atas restitusi sebagaimana dimaksud dalam Pasal 7.", "cross_reference", True),
    ("own heading is no reference", "Section 4. Victims shall be screened within a day.", "cross_reference", False),
    ("testimony is cooperation", "The victim's testimony may be given by video link.", "cooperation", True),
    ("investigation is cooperation", "The police shall complete the investigation within sixty days.", "cooperation", True),
    ("no cooperation words", "Residents may cook their own meals.", "cooperation", False),
]
# fmt: on


@pytest.mark.parametrize(("case", "text", "field", "expected"), FLAG_CASES, ids=[c[0] for c in FLAG_CASES])
def test_flags(case, text, field, expected):
    frame = analyze(text)
    assert getattr(frame, field) == expected
    assert bool(frame.evidence.get(field)) == expected


# --- the API ---------------------------------------------------------------------------------------------

ALL_TEXTS = [
    c[1]
    for table in (
        MODALITY_CASES,
        NEGATION_CASES,
        NOT_NEGATED_CASES,
        EXCEPTION_CASES,
        PROVISO_CASES,
        WORDING_CASES,
        ACTOR_CASES,
        MENTION_CASES,
        FLAG_CASES,
    )
    for c in table
]


def test_analyze_many_equals_analyze_one_by_one():
    assert analyze_many(ALL_TEXTS) == [analyze(t) for t in ALL_TEXTS]


def test_analyze_many_reads_any_iterable():
    assert analyze_many(t for t in ALL_TEXTS[:3]) == analyze_many(ALL_TEXTS[:3])
    assert analyze_many([]) == []


def test_line_breaks_read_as_spaces():
    wrapped = analyze("Victims shall not\n be detained, except  where the\nDirector deems it necessary.")
    assert wrapped == analyze("Victims shall not be detained, except where the Director deems it necessary.")
    assert wrapped.exceptions == (("except where the Director deems it necessary", "broad"),)


def test_empty_text_has_an_empty_frame():
    assert analyze("") == Frame()
    assert analyze("   ") == Frame()


def test_frame_is_frozen_and_hashable():
    frame = analyze("No victim shall be detained.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        frame.negated = False  # type: ignore[misc]
    assert hash(frame) == hash(analyze("No victim shall be detained."))


def test_evidence_keys_are_frame_kinds():
    kinds = {"modality", "negation", "exceptions", "provisos", "conditions", "hedges", "euphemisms", "actor"}
    kinds |= {"penalty", "definition", "cross_reference", "cooperation"}
    for frame in analyze_many(ALL_TEXTS):
        assert set(frame.evidence) <= kinds
        assert all(
            isinstance(v, tuple) and all(isinstance(x, str) and x for x in v) for v in frame.evidence.values()
        )


def test_frame_vector_follows_frame_features():
    frame = analyze("A victim shall not be detained, except where the Director deems it necessary.")
    vector = dict(zip(FRAME_FEATURES, frame_vector(frame), strict=True))
    assert len(FRAME_FEATURES) == len(set(FRAME_FEATURES))
    assert vector["modality=prohibition"] == 1.0 and vector["modality=obligation"] == 0.0
    assert vector["strength"] == 1.0 and vector["negated"] == 1.0
    assert vector["broad_exceptions"] == 1.0 and vector["narrow_exceptions"] == 0.0
    assert vector["actor=victim"] == 1.0 and vector["mentions_victim"] == 1.0
    assert all(isinstance(x, float) for x in frame_vector(Frame()))


# --- the pattern file -----------------------------------------------------------------------------------


def test_shipped_patterns_compile():
    rules = deontic.build_rules(deontic.read_patterns())
    assert rules.patterns.matcher is None  # every shipped pattern runs on the fast path
    data = deontic.read_patterns()
    assert set(deontic.GROUPS) <= set(data["groups"])
    for group, spec in data["groups"].items():
        assert spec.get("phrases") or spec.get("patterns"), group
        for pattern in spec.get("patterns", []):
            for token in pattern:
                assert set(token) <= deontic.PATTERN_ATTRS, (group, token)


def _data_with(group_spec: dict) -> dict:
    """Small pattern data (one word per group) with ``group_spec`` as the hedges."""
    data = deontic.read_patterns()
    data["groups"] = {group: {"phrases": ["zzz"]} for group in deontic.GROUPS} | {"hedge": group_spec}
    return data


BAD_PATTERN_CASES = [
    ("a tagger attribute", {"patterns": [[{"POS": "VERB"}]]}, "allowed"),
    ("an unquoted no read as false", {"phrases": ["where appropriate", False]}, "not a string"),
    ("a false inside IN", {"patterns": [[{"LOWER": {"IN": ["where", False]}}]]}, "not a string"),
    ("an invalid operator", {"patterns": [[{"LOWER": "where", "OP": "sometimes"}]]}, "hedge"),
    (
        "blocking an unknown group",
        {"phrases": ["where appropriate"], "blocks": ["nothing_like_it"]},
        "unknown",
    ),
]


@pytest.mark.parametrize(
    ("case", "spec", "message"), BAD_PATTERN_CASES, ids=[c[0] for c in BAD_PATTERN_CASES]
)
def test_bad_patterns_are_refused(case, spec, message):
    with pytest.raises(ValueError, match=message):
        deontic.build_rules(_data_with(spec))


def test_a_key_given_twice_is_refused():
    with pytest.raises(ValueError, match="twice"):
        deontic.read_patterns("groups:\n  hedge:\n    phrases: [a]\n    phrases: [b]\n")


def test_fast_path_matches_what_spacy_matcher_matches():
    """The chains of word runs and gaps find exactly what spaCy's Matcher and PhraseMatcher find."""
    rules = deontic.rules()
    data = deontic.read_patterns()
    matcher, phrases = Matcher(rules.nlp.vocab), PhraseMatcher(rules.nlp.vocab, attr="LOWER")
    for group, spec in data["groups"].items():
        patterns = [deontic._checked(group, p) for p in spec.get("patterns", [])]
        if patterns:
            matcher.add(group, patterns)
        if anchored := [p[1:] for p in patterns if p[0] == {"IS_PUNCT": True}]:
            matcher.add(f"{group}@start", anchored)
        if spec.get("phrases"):
            phrases.add(group, [rules.nlp.make_doc(c) for c in spec["phrases"]])
    for text in ALL_TEXTS:
        doc = rules.nlp(text)
        expected: dict[str, set[tuple[int, int]]] = {}
        for key, s, e in [*matcher(doc), *phrases(doc)]:
            name = rules.nlp.vocab.strings[key]
            if name.endswith("@start") and s:
                continue
            expected.setdefault(name.removesuffix("@start"), set()).add((s, e))
        assert deontic.match_cues(doc) == expected, text
