"""Plain-language rationales and evidence for findings, built from the clause's deontic frame.

One sentence says why the clause got its stance ("Assistance is made conditional on cooperation with
the investigation: 'provided that … cooperates'"); the evidence lists the words that carried the topic
and the frame cues. The principle's legal sources and recommended wording come from the taxonomy.
"""

from __future__ import annotations

from analyzer.classify.features import Analysis

# Stance cues (analyzer/classify/stance_cues.yaml) quoted as evidence for a harmful or a protective finding.
HARMFUL_CUES = frozenset(
    {
        "consent_override",
        "compulsory_act",
        "victim_pays",
        "scheduled_removal",
        "support_ends",
        "exposure",
        "differential",
        "confinement",
    }
)
PROTECTIVE_CUES = frozenset({"relief", "voluntary"})


def _quote(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return f"'{text if len(text) <= limit else text[: limit - 1] + '…'}'"


def rationale(principle, stance: str, analysis: Analysis) -> str:
    """One sentence on why ``stance`` fits ``principle`` (a taxonomy Principle) for this clause."""
    frame, name = analysis.frame, principle.name
    broad = [text for text, kind in frame.exceptions if kind == "broad"]
    narrow = [text for text, kind in frame.exceptions if kind == "narrow"]
    weak = frame.modality == "weak" or bool(frame.hedges)
    if stance == "HARMFUL":
        if "consent_override" in analysis.cues:
            return (
                f"The person's own will is set aside ({_quote(analysis.cues['consent_override'])}): "
                f"{principle.harmful_when}"
            )
        if frame.provisos and principle.id in {
            "UNCONDITIONAL_ASSISTANCE",
            "ACCESS_TO_JUSTICE",
            "NON_PUNISHMENT",
        }:
            return (
                f"Help is made conditional on cooperation with the authorities: {_quote(frame.provisos[0])}."
            )
        if broad:
            return f"The safeguard is undone by a broad exception left to an official's discretion: {_quote(broad[0])}."
        if frame.penalty and not frame.penalty_on_offender:
            return f"The clause exposes the victim to a penalty ({name.lower()}): {_quote(frame.evidence.get('penalty', [''])[0] or 'penalty')}."
        if frame.euphemisms:
            return (
                f"Welfare wording ({_quote(frame.euphemisms[0])}) does not change what the provision does: "
                f"{principle.harmful_when}"
            )
        if frame.provisos:
            return f"A condition tied to cooperation ({_quote(frame.provisos[0])}) weighs on {name.lower()}."
        return f"Read literally, the provision risks breaching {name.lower()}: {principle.harmful_when}"
    if stance == "PROTECTIVE":
        if narrow:
            base = f"The safeguard for {name.lower()} keeps only a narrow, victim-centred exception: {_quote(narrow[0])}."
        elif frame.negated and frame.modality == "prohibition":
            base = f"The provision rules the harm out ({_quote(frame.negation_scope or 'shall not')}), a safeguard for {name.lower()}."
        else:
            base = f"The provision adds a safeguard for {name.lower()}: {principle.protective_when}"
        if weak:
            cue = (frame.hedges or frame.evidence.get("modality", ["weak wording"]))[0]
            base += f" Its weak wording ({_quote(cue, 40)}) protects less."
        return base
    return f"The provision regulates {name.lower()} without adding or removing protection."


def evidence(principle_id: str, stance: str, analysis: Analysis, *, limit: int = 6) -> tuple[str, ...]:
    """The topic words of the principle, then the frame cues that decided the stance."""
    frame = analysis.frame
    cues: list[str] = list(analysis.topics.get(principle_id, []))
    if stance == "HARMFUL":
        cues += [text for text, kind in frame.exceptions if kind == "broad"]
        cues += list(frame.provisos) + list(frame.euphemisms)
        cues += [text for name, text in analysis.cues.items() if name in HARMFUL_CUES]
    elif stance == "PROTECTIVE":
        cues += [text for text, kind in frame.exceptions if kind == "narrow"]
        cues += [text for name, text in analysis.cues.items() if name in PROTECTIVE_CUES]
        if frame.negated and frame.negation_scope:
            cues.append(frame.negation_scope)
    cues += list(frame.hedges)
    unique: list[str] = []
    for cue in cues:
        cue = " ".join(cue.split())
        if cue and cue not in unique:
            unique.append(cue)
    return tuple(unique[:limit])
