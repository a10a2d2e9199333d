"""The deontic frame of one clause: modality, negation and its scope, exceptions, provisos, conditions,
hedges, euphemisms, who the clause acts on, penalties, definitions and cross-references.

The cues are data: ``deontic_patterns.yaml`` holds spaCy PhraseMatcher phrases and Matcher token patterns,
grouped by kind. The engine that reads them into a :class:`Frame` on a blank English tokenizer (no
tagger, no model) is split across four modules:

1. :mod:`~analyzer.classify.deontic_patterns` reads, validates and compiles the patterns;
2. :mod:`~analyzer.classify.deontic_matching` matches every group; drops matches overlapped by a group
   that ``blocks`` them; of overlapping matches keeps the longest within a group and across the four
   modalities, the earliest across span markers;
3. :mod:`~analyzer.classify.deontic_reading` opens a span at each marker and reads exceptions, provisos,
   conditions and the negation;
4. this module reads modality, negation, penalty and actor from the cues outside those spans.

:func:`analyze` reads one clause, :func:`analyze_many` many (``nlp.pipe``); :func:`frame_vector` turns a
frame into the numbers listed in :data:`FRAME_FEATURES` for a scikit-learn model. The pattern and
matching names (:func:`read_patterns`, :func:`build_rules`, :func:`rules`, :func:`match_cues`, ...) are
importable from here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from spacy.tokens import Doc

from analyzer.classify.deontic_matching import match_cues
from analyzer.classify.deontic_patterns import (
    ACTORS,
    CUES,
    GROUPS,
    MARKERS,
    MODALITIES,
    PATTERN_ATTRS,
    SUBJECTS,
    TOPICS,
    Chain,
    Gap,
    Rules,
    build_rules,
    read_patterns,
    rules,
)
from analyzer.classify.deontic_patterns import _checked as _checked
from analyzer.classify.deontic_reading import _guaranteed, _negation, _Reading, _spans

__all__ = [
    "ACTORS",
    "CUES",
    "FRAME_FEATURES",
    "GROUPS",
    "MARKERS",
    "MODALITIES",
    "PATTERN_ATTRS",
    "SUBJECTS",
    "TOPICS",
    "Actor",
    "Chain",
    "Frame",
    "Gap",
    "Modality",
    "Rules",
    "analyze",
    "analyze_doc",
    "analyze_many",
    "build_rules",
    "frame_vector",
    "match_cues",
    "read_patterns",
    "rules",
    "subject_at",
]

Modality = Literal["prohibition", "obligation", "permission", "weak", "none"]
Actor = Literal["offender", "victim", "child", "official", "none"]
Subject = Literal["offender", "victim", "child", "official", "other", "none"]
_COUNTS = ("broad_exceptions", "narrow_exceptions", "provisos", "conditions", "hedges", "euphemisms")
_FLAGS = ("mentions_victim", "mentions_child", "mentions_offender", "penalty", "penalty_on_offender")
_FLAGS += ("definition", "cross_reference", "cooperation")
FRAME_FEATURES: tuple[str, ...] = (
    *(f"modality={m}" for m in MODALITIES),
    "strength",
    "negated",
    *_COUNTS,
    *(f"actor={a}" for a in ACTORS),
    *(f"subject={a}" for a in SUBJECTS),
    *_FLAGS,
)


@dataclass(frozen=True)
class Frame:
    """What the deontic operators of one clause do; ``evidence`` maps each kind to the strings matched."""

    modality: Modality = "none"
    strength: float = 0.0
    negated: bool = False
    negation_cue: str = ""
    negation_scope: str = ""
    exceptions: tuple[tuple[str, str], ...] = ()  # (text, "broad" | "narrow")
    provisos: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    hedges: tuple[str, ...] = ()
    euphemisms: tuple[str, ...] = ()
    actor: Actor = "none"
    subject: Subject = "none"  # whom the first modal binds: "the victim shall ...", "the officer shall ..."
    mentions_victim: bool = False
    mentions_child: bool = False
    mentions_offender: bool = False
    penalty: bool = False
    penalty_on_offender: bool = False
    definition: bool = False
    cross_reference: bool = False
    cooperation: bool = False
    evidence: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    # (character offset, "|" for a sentence's start or the subject group named there), in text order: what
    # :func:`subject_at` reads to tell who binds any point of the clause, not only its first modal
    bindings: tuple[tuple[int, str], ...] = ()


def analyze(text: str) -> Frame:
    """The deontic frame of one clause (runs of white space, line breaks included, read as one space)."""
    r, text = rules(), " ".join(text.split())
    return _frame(r.nlp(text), r, text)


def analyze_many(texts: Iterable[str]) -> list[Frame]:
    """The deontic frames of many clauses, in order (tokenized with ``nlp.pipe``)."""
    r, texts = rules(), [" ".join(text.split()) for text in texts]
    return [_frame(doc, r, text) for doc, text in zip(r.nlp.pipe(texts), texts, strict=True)]


def analyze_doc(doc: Doc | None, text: str, columns: list[list[int]] | None = None) -> Frame:
    """The deontic frame of ``text`` (white space normalised) already tokenized by ``rules().nlp`` as
    ``doc`` (``columns``: its :func:`analyzer.classify.token_matching.columns`, if the caller has them;
    ``doc`` may then be None), for callers that reuse the tokenization
    (:func:`analyzer.classify.features.analyse`)."""
    return _frame(doc, rules(), text, columns)


def frame_vector(frame: Frame) -> list[float]:
    """The frame as numbers, in the order of :data:`FRAME_FEATURES`."""
    kinds = [kind for _, kind in frame.exceptions]
    counts = (kinds.count("broad"), kinds.count("narrow"), len(frame.provisos), len(frame.conditions))
    return [
        *(float(frame.modality == m) for m in MODALITIES),
        frame.strength,
        float(frame.negated),
        *map(float, counts + (len(frame.hedges), len(frame.euphemisms))),
        *(float(frame.actor == a) for a in ACTORS),
        *(float(frame.subject == a) for a in SUBJECTS),
        *(float(getattr(frame, name)) for name in _FLAGS),
    ]


def _frame(doc: Doc | None, r: Rules, text: str, columns: list[list[int]] | None = None) -> Frame:
    rd = _Reading(doc, r, text, columns)
    exceptions, provisos, conditions = _spans(rd)
    cue, scope, where, sentence = _negation(rd)
    provisos, conditions = _guaranteed(rd, provisos, conditions, cue=where)

    mains = [(r.strength[g], s, e, g) for g in MODALITIES[:4] for s, e in rd.get(g) if rd.zone[s] != "c"]
    everywhere = [(r.strength[g], s, e, g) for g in MODALITIES[:4] for s, e in rd.get(g)]
    modals = sorted(mains or everywhere, key=lambda m: (-m[0], m[1]))
    weakeners = [(s, e) for s, e in rd.get("weakener") if rd.zone[s] != "c"]
    modality = "weak" if weakeners else modals[0][3] if modals else "none"
    rd.note("modality", weakeners + [(s, e) for _, s, e, _ in modals])

    penalties = [(s, e) for s, e in rd.get("penalty") if not rd.zone[s] and s not in sentence]
    offenders = [(s, e) for s, e in rd.get("offender") if rd.zone[s] != "c"]
    first_modal = min([s for _, s, _, _ in mains] + [rd.n])
    first_victim = min([s for g in ("victim", "child") for s, _ in rd.get(g)] + [rd.n])
    mentions = {g: bool(rd.get(g)) for g in ("victim", "child", "official")}
    if offenders and (penalties or any(s < min(first_modal, first_victim) for s, _ in offenders)):
        actor = "offender"
    else:
        actor = next((a for a in ("child", "victim", "official") if mentions[a]), "none")
    rd.note("actor", offenders if actor == "offender" else rd.get(actor) if actor != "none" else [])
    bindings = _bindings(rd)
    subject = _bound(bindings, rd.columns[4][first_modal]) if first_modal < rd.n else "none"
    references = [(s, e) for s, e in rd.get("cross_reference") if s > 0]  # not the clause's own number
    cooperation = sorted(
        rd.get("cooperation") + rd.get("cooperation_act") + rd.get("refusal") + rd.get("proviso")
    )
    for key, spans in (
        ("penalty", penalties),
        ("hedges", rd.get("hedge")),
        ("euphemisms", rd.get("euphemism")),
    ):
        rd.note(key, spans)
    for key, spans in (("definition", rd.get("definition")), ("cross_reference", references)):
        rd.note(key, spans)
    rd.note("cooperation", cooperation)
    return Frame(
        modality=modality,
        strength=r.strength[modality],
        negated=bool(cue),
        negation_cue=cue,
        negation_scope=scope,
        exceptions=tuple((span, kind) for _, span, kind in exceptions),
        provisos=tuple(dict.fromkeys(provisos)),
        conditions=tuple(dict.fromkeys(conditions)),
        hedges=tuple(dict.fromkeys(rd.evidence.get("hedges", []))),
        euphemisms=tuple(dict.fromkeys(rd.evidence.get("euphemisms", []))),
        actor=actor,
        subject=subject,
        mentions_victim=mentions["victim"],
        mentions_child=mentions["child"],
        mentions_offender=bool(rd.get("offender")),
        penalty=bool(penalties),
        # not when the penalty also reaches a person who sells sex or solicits ("any person who offers sexual
        # services, and any person who engages such services, shall be fined"): not_offender in the patterns
        penalty_on_offender=bool(penalties) and actor == "offender" and not rd.get("not_offender"),
        definition=bool(rd.get("definition")),
        cross_reference=bool(references),
        cooperation=bool(cooperation),
        evidence={k: tuple(dict.fromkeys(v)) for k, v in rd.evidence.items() if v},
        bindings=bindings,
    )


# group -> subject; at a token two groups name, the first of this order wins
_SUBJECT_GROUPS = {"child": "child", "offender": "offender", "official": "official", "other_party": "other"}
_SUBJECT_GROUPS["victim"] = "victim"


def _named(rd: _Reading) -> list[tuple[int, str]]:
    """(token, subject) of every party named outside exceptions, provisos, conditions and relative
    clauses, in text order (at one token, the first group of :data:`_SUBJECT_GROUPS`)."""
    named = {}
    for group, subject in _SUBJECT_GROUPS.items():
        for s, _ in rd.get(group):
            if rd.zone[s] not in ("c", "r"):
                named.setdefault(s, subject)
    return sorted(named.items())


def _bindings(rd: _Reading) -> tuple[tuple[int, str], ...]:
    """:attr:`Frame.bindings`: the character offsets of each sentence's start ("|") and of each party
    named (its subject), in text order."""
    starts = rd.columns[4]
    marks = [(starts[i + 1], "|") for i in rd.stops if i + 1 < rd.n]
    marks += [(starts[s], subject) for s, subject in _named(rd)]
    return tuple(sorted(marks, key=lambda mark: (mark[0], mark[1] != "|")))  # a start before a name


def subject_at(frame: Frame, offset: int) -> Subject:
    """Who binds the words at character ``offset`` of the clause read into ``frame`` (the text given to
    :func:`analyze_doc`): the first party named in the offset's sentence before it, outside exceptions,
    provisos, conditions and relative clauses, or "none". :attr:`Frame.subject` is this reading at the
    first modal: "The victim shall report weekly" binds the victim, "All agencies assisting victims shall
    undergo training" the agencies, "Whoever ... shall be punished" the offender, "The employer shall
    bear the costs" another party; "Persons who work with victims shall attend" nobody named."""
    return _bound(frame.bindings, offset)


def _bound(bindings: tuple[tuple[int, str], ...], offset: int) -> Subject:
    """:func:`subject_at` on a frame's ``bindings``."""
    subject = "none"
    for at, mark in bindings:
        if at > offset or (at == offset and mark != "|"):  # the offset's own sentence start counts
            break
        if mark == "|":
            subject = "none"
        elif subject == "none":
            subject = mark
    return subject
