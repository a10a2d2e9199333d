"""The deontic frame of one clause: modality, negation and its scope, exceptions, provisos, conditions,
hedges, euphemisms, who the clause acts on, penalties, definitions and cross-references.

The cues are data: ``deontic_patterns.yaml`` holds spaCy PhraseMatcher phrases and Matcher token patterns,
grouped by kind. This module is the engine that matches them on a blank English tokenizer (no tagger,
no model) and reads the matches into a :class:`Frame`:

1. match every group; drop matches overlapped by a group that ``blocks`` them; of overlapping matches
   keep the longest within a group and across the four modalities, the earliest across span markers;
2. open a span at each marker ("except", "unless", "provided that", "only", "who" ...) up to the next
   marker, a hard stop, or the comma before a following modal; a span holding a cooperation act is a
   proviso, one holding an official's discretion or a vague ground a broad exception, one holding a
   victim-centred ground a narrow exception, any other "except"/"unless" span a broad exception and any
   other "if"/"where"/"subject to" span a condition;
3. read modality, negation, penalty and actor from the cues outside those spans.

:func:`analyze` reads one clause, :func:`analyze_many` many (``nlp.pipe``); :func:`frame_vector` turns a
frame into the numbers listed in :data:`FRAME_FEATURES` for a scikit-learn model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

import spacy
import yaml
from spacy.attrs import IDX, IS_PUNCT, LENGTH, LIKE_NUM, LOWER, ORTH
from spacy.matcher import Matcher, PhraseMatcher
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

Modality = Literal["prohibition", "obligation", "permission", "weak", "none"]
Actor = Literal["offender", "victim", "child", "official", "none"]
MODALITIES: tuple[str, ...] = ("prohibition", "obligation", "permission", "weak", "none")
ACTORS: tuple[str, ...] = ("offender", "victim", "child", "official", "none")
MARKERS = ("exception_marker", "condition_marker", "limiter", "restrictor", "unconditional")
CUES = ("weakener", "negation", "cooperation_act", "refusal", "loss", "proviso")
CUES += ("discretion", "authority", "narrow", "vague", "broad_ground")  # exception kinds, strongest first
TOPICS = ("hedge", "euphemism", "offender", "victim", "child", "official", "penalty", "definition")
GROUPS = MODALITIES[:4] + MARKERS + CUES + TOPICS + ("cross_reference", "cooperation")
_KINDS = (("discretion", "broad"), ("narrow", "narrow"), ("authority", "broad"), ("vague", "broad"))
PATTERN_ATTRS = frozenset({"LOWER", "TEXT", "OP", "IS_PUNCT", "LIKE_NUM"})
_COUNTS = ("broad_exceptions", "narrow_exceptions", "provisos", "conditions", "hedges", "euphemisms")
_FLAGS = ("mentions_victim", "mentions_child", "mentions_offender", "penalty", "penalty_on_offender")
_FLAGS += ("definition", "cross_reference", "cooperation")
FRAME_FEATURES: tuple[str, ...] = (
    *(f"modality={m}" for m in MODALITIES),
    "strength",
    "negated",
    *_COUNTS,
    *(f"actor={a}" for a in ACTORS),
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
    mentions_victim: bool = False
    mentions_child: bool = False
    mentions_offender: bool = False
    penalty: bool = False
    penalty_on_offender: bool = False
    definition: bool = False
    cross_reference: bool = False
    cooperation: bool = False
    evidence: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Gap:
    """Tokens between the word runs of a token pattern: how many, and what each of them must be."""

    low: int
    high: int
    checks: tuple[tuple[int, Any], ...] = ()  # (column of _COLUMNS, a flag or a frozenset of string ids)

    def accepts(self, columns: list[list[int]], i: int) -> bool:
        return all(
            columns[c][i] in v if isinstance(v, frozenset) else columns[c][i] == v for c, v in self.checks
        )


# group, only at the clause start, the parts before the anchor run (nearest first), the parts after it
Chain = tuple[str, bool, tuple["int | Gap", ...], tuple["int | Gap", ...]]
_COLUMNS = (LOWER, ORTH, IS_PUNCT, LIKE_NUM, IDX, LENGTH)
_COMMA = get_string_id(",")
_TRAILING = frozenset(map(get_string_id, (",", "—", "–")))  # trimmed off the end of a span
_CLOSING = frozenset(map(get_string_id, (")", "]")))  # kept at the end of a cue: "subsection (1)"


@dataclass(frozen=True)
class Rules:
    """The compiled patterns: a tokenizer-only pipeline, its matchers and the YAML's settings.

    Phrases, and token patterns made of words only, run on one PhraseMatcher. A token pattern with gaps
    ("{0,12}", "*", IS_PUNCT, LIKE_NUM) becomes a chain of word runs (PhraseMatcher keys) and :class:`Gap`s
    joined here, several times faster than spaCy's Matcher with these patterns (its predicates run on
    every token); a pattern that cannot be chained (a "!" operator, no word at all) runs on a Matcher.
    """

    nlp: spacy.language.Language
    phrases: PhraseMatcher
    matcher: Matcher | None
    labels: dict[int, tuple[str, bool]]  # match id -> (group, only at the clause start)
    chains: dict[int, list[Chain]]  # PhraseMatcher key of a word run -> the chains anchored on it
    backward: frozenset[int]  # word runs that stand before the anchor of a chain
    blocks: dict[str, tuple[str, ...]]
    strength: dict[str, float]
    hard: frozenset[int]  # string ids of the stops
    soft: frozenset[int]


def analyze(text: str) -> Frame:
    """The deontic frame of one clause (runs of white space, line breaks included, read as one space)."""
    r, text = rules(), " ".join(text.split())
    return _frame(r.nlp(text), r, text)


def analyze_many(texts: Iterable[str]) -> list[Frame]:
    """The deontic frames of many clauses, in order (tokenized with ``nlp.pipe``)."""
    r, texts = rules(), [" ".join(text.split()) for text in texts]
    return [_frame(doc, r, text) for doc, text in zip(r.nlp.pipe(texts), texts, strict=True)]


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
        *(float(getattr(frame, name)) for name in _FLAGS),
    ]


def read_patterns(text: str | None = None) -> dict[str, Any]:
    """``text`` (by default the shipped ``deontic_patterns.yaml``) as data; a key given twice in one
    mapping is an error, where YAML would keep the last one silently."""
    if text is None:
        text = resources.files("analyzer.classify").joinpath("deontic_patterns.yaml").read_text("utf-8")
    return yaml.load(text, Loader=_UniqueKeyLoader)


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A SafeLoader that refuses a mapping with a repeated key (YAML would keep the last silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        if repeated := sorted({str(k) for k in keys if keys.count(k) > 1}):
            raise ValueError(
                f"deontic patterns: key given twice {repeated} near line {node.start_mark.line + 1}"
            )
        return super().construct_mapping(node, deep=deep)


@cache
def rules() -> Rules:
    """The shipped patterns, compiled once per process."""
    return build_rules(read_patterns())


def build_rules(data: Mapping[str, Any]) -> Rules:
    """Validate and compile pattern data; raises ``ValueError`` naming the first bad group or pattern."""
    nlp = spacy.blank("en")
    tokenizer = data.get("tokenizer", {})
    for case in tokenizer.get("special_cases", []):
        nlp.tokenizer.add_special_case(case, [{ORTH: case}])
    if tokenizer.get("infixes"):
        nlp.tokenizer.infix_finditer = compile_infix_regex(
            [*nlp.Defaults.infixes, *tokenizer["infixes"]]
        ).finditer
    groups = data["groups"]
    missing = [g for g in GROUPS if g not in groups]
    if missing or set(data["strength"]) != set(MODALITIES):
        raise ValueError(
            f"deontic patterns: missing groups {missing} or strengths {sorted(data['strength'])}"
        )
    phrases, check, fallback = PhraseMatcher(nlp.vocab, attr="LOWER"), Matcher(nlp.vocab, validate=True), []
    labels, chains, blocks = {}, {}, {}
    for group, spec in groups.items():
        if group not in GROUPS and not spec.get("blocks"):
            raise ValueError(f"deontic patterns: unknown group {group!r} blocks nothing")
        if unknown := set(spec.get("blocks", [])) - set(groups):
            raise ValueError(f"deontic patterns: {group!r} blocks unknown groups {sorted(unknown)}")
        blocks[group] = tuple(spec.get("blocks", []))
        cues = spec.get("phrases", [])
        if not all(isinstance(c, str) for c in cues):
            raise ValueError(
                f"deontic patterns: {group!r} has a phrase that is not a string (quote no/yes/on)"
            )
        patterns = [_checked(group, p) for p in spec.get("patterns", [])]
        anchored = [p[1:] for p in patterns if p[0] == {"IS_PUNCT": True} and len(p) > 1]
        for key, found, at_start in ((group, patterns, False), (f"{group}@start", anchored, True)):
            labels[nlp.vocab.strings.add(key)] = (group, at_start)
            docs = [] if at_start else [nlp.make_doc(c) for c in cues]
            for n, pattern in enumerate(found):
                try:
                    check.add(key, [pattern])  # a valid spaCy Matcher pattern, however it is run
                except (ValueError, KeyError) as error:
                    raise ValueError(f"deontic patterns: {group!r}: {error}") from error
                parts = _parts(pattern)
                if parts is None:
                    fallback.append((key, pattern))
                elif len(parts) == 1:
                    docs += [Doc(nlp.vocab, words=words) for words in parts[0]]
                else:
                    chain = [_run(nlp, phrases, f"{key}#{n}.{m}", p) for m, p in enumerate(parts)]
                    # anchor on the longest word run, the rarest to match: "person who" rather than "any"
                    runs = [i for i, p in enumerate(parts) if not isinstance(p, Gap)]
                    k = max(runs, key=lambda i: (min(map(len, parts[i])), -i))
                    entry = (group, at_start, tuple(reversed(chain[:k])), tuple(chain[k + 1 :]))
                    chains.setdefault(chain[k], []).append(entry)
            if docs:
                phrases.add(key, docs)
    matcher = Matcher(nlp.vocab) if fallback else None
    for key, pattern in fallback:
        matcher.add(key, [pattern])
    stops = data["stops"]
    hard, soft = (frozenset(get_string_id(w.lower()) for w in stops[k]) for k in ("hard", "soft"))
    settings = ({g: t for g, t in blocks.items() if t}, dict(data["strength"]), hard, soft)
    backward = frozenset(
        p for entries in chains.values() for e in entries for p in e[2] if not isinstance(p, Gap)
    )
    return Rules(nlp, phrases, matcher, labels, chains, backward, *settings)


def _run(nlp: spacy.language.Language, phrases: PhraseMatcher, key: str, part: Any) -> int | Gap:
    """A chain part: a gap as it is, a word run as the PhraseMatcher key of its word sequences."""
    if isinstance(part, Gap):
        return part
    phrases.add(key, [Doc(nlp.vocab, words=words) for words in part])
    return nlp.vocab.strings[key]


def _checked(group: str, pattern: Any) -> list[dict[str, Any]]:
    """A token pattern with only the attributes a blank pipeline sets (words as strings or IN lists of
    strings, flags as booleans); LOWER words lower-cased."""
    if not isinstance(pattern, list) or not pattern:
        raise ValueError(f"deontic patterns: {group!r}: a pattern is a non-empty list of tokens: {pattern!r}")
    checked = []
    for token in pattern:
        if not isinstance(token, dict) or not set(token) <= PATTERN_ATTRS:
            raise ValueError(f"deontic patterns: {group!r}: only {sorted(PATTERN_ATTRS)} allowed: {token!r}")
        token = dict(token)
        for attr in {"LOWER", "TEXT"} & set(token):
            value = token[attr]
            words = value.get("IN") if isinstance(value, dict) and set(value) == {"IN"} else [value]
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise ValueError(
                    f"deontic patterns: {group!r}: a word is not a string (quote no/yes/on): {token!r}"
                )
            if attr == "LOWER":
                token[attr] = {"IN": [w.lower() for w in words]} if isinstance(value, dict) else value.lower()
        if any(not isinstance(token[flag], bool) for flag in {"IS_PUNCT", "LIKE_NUM"} & set(token)):
            raise ValueError(
                f"deontic patterns: {group!r}: IS_PUNCT and LIKE_NUM take true or false: {token!r}"
            )
        checked.append(token)
    return checked


_ATTRS = {"LOWER": 0, "TEXT": 1, "IS_PUNCT": 2, "LIKE_NUM": 3}  # columns of _COLUMNS
_REPEAT = re.compile(r"\{(\d*)(,?)(\d*)\}")
_OPEN = 10**6


def _parts(pattern: list[dict[str, Any]], *, limit: int = 10000) -> list[Any] | None:
    """A token pattern as word runs (every word sequence a run matches) and :class:`Gap`s; None when it
    has no word run, a run that may be empty or has too many sequences, or an operator other than
    ?, *, + and {n,m}."""
    parts: list[Any] = []
    for token in pattern:
        op, attrs = token.get("OP"), {k: v for k, v in token.items() if k != "OP"}
        if op in (None, "?") and len(attrs) == 1 and set(attrs) <= {"LOWER", "TEXT"}:
            value = next(iter(attrs.values()))
            words = [value] if isinstance(value, str) else value["IN"]
            if not parts or isinstance(parts[-1], Gap):
                parts.append([[]])
            parts[-1] = [s + [w.lower()] for s in parts[-1] for w in words] + (parts[-1] if op == "?" else [])
            if len(parts[-1]) > limit:
                return None
            continue
        repeat = _REPEAT.fullmatch(op or "")
        if op not in (None, "?", "*", "+") and not repeat:
            return None
        low, high = {None: (1, 1), "?": (0, 1), "*": (0, _OPEN), "+": (1, _OPEN)}.get(op, (0, 0))
        if repeat:
            low = int(repeat[1] or 0)
            high = int(repeat[3]) if repeat[3] else _OPEN if repeat[2] else low
        checks = tuple((_ATTRS[a], _value(v, lower=a == "LOWER")) for a, v in attrs.items())
        parts.append(Gap(low, high, checks))
    runs = [i for i, p in enumerate(parts) if not isinstance(p, Gap)]
    if not runs or any([] in parts[i] for i in runs):
        return None
    return parts


def _value(value: Any, *, lower: bool) -> Any:
    """A gap's test value: the string ids of its words, or a flag as 0 / 1."""
    if isinstance(value, bool):
        return int(value)
    words = [value] if isinstance(value, str) else value["IN"]
    return frozenset(get_string_id(w.lower() if lower else w) for w in words)


def _longest(spans: list[tuple[int, int]], *, earliest: bool = False) -> list[tuple[int, int]]:
    """Of overlapping spans, the longest then the earliest (or the earliest then the longest), in text
    order."""
    if len(spans) < 2:
        return list(spans)
    kept: list[tuple[int, int]] = []
    order = (lambda m: (m[0], m[0] - m[1])) if earliest else (lambda m: (m[0] - m[1], m[0]))
    for s, e in sorted(set(spans), key=order):
        if all(e <= ks or s >= ke for ks, ke in kept):
            kept.append((s, e))
    return sorted(kept)


def match_cues(
    doc: Doc, r: Rules | None = None, columns: list[list[int]] | None = None
) -> dict[str, set[tuple[int, int]]]:
    """Every match of every group in ``doc`` as token spans, before blocking and overlap resolution."""
    r = r or rules()
    found: dict[str, set[tuple[int, int]]] = {}
    forward: dict[int, dict[int, list[int]]] = {}  # word run -> start -> ends
    backward: dict[int, dict[int, list[int]]] = {}  # word run -> end -> starts
    for key, s, e in [*r.phrases(doc), *(r.matcher(doc) if r.matcher else ())]:
        if key in r.labels:
            group, at_start = r.labels[key]
            if not at_start or s == 0:
                found.setdefault(group, set()).add((s, e))
        else:
            forward.setdefault(key, {}).setdefault(s, []).append(e)
            if key in r.backward:
                backward.setdefault(key, {}).setdefault(e, []).append(s)
    columns = columns or _columns(doc)
    for key, starts in forward.items():
        for group, at_start, before, after in r.chains.get(key, ()):
            for s, ends in starts.items():
                begins = {s}
                for part in before:
                    begins = _reach(columns, part, begins, backward, step=-1)
                if at_start:
                    begins &= {0}
                reached = set(ends) if begins else set()
                for part in after:
                    reached = _reach(columns, part, reached, forward, step=1)
                if reached:
                    found.setdefault(group, set()).update((b, e) for b in begins for e in reached)
    return found


def _columns(doc: Doc) -> list[list[int]]:
    """Token attributes, one list per attribute of :data:`_COLUMNS` (what gaps test; offsets)."""
    return doc.to_array(_COLUMNS).T.tolist() if len(doc) else [[] for _ in _COLUMNS]


def _reach(
    columns: list[list[int]],
    part: int | Gap,
    at: set[int],
    runs: dict[int, dict[int, list[int]]],
    *,
    step: int,
) -> set[int]:
    """Where a chain can stand after one more part, from each position in ``at``, going forward
    (``step`` 1) or backward (-1)."""
    if not isinstance(part, Gap):
        table = runs.get(part, {})
        return {q for p in at for q in table.get(p, ())}
    reached, n = set(), len(columns[0])
    for p in at:
        if part.low == 0:
            reached.add(p)
        count = 0
        while count < part.high:
            i = p + count if step > 0 else p - count - 1
            if not 0 <= i < n or not part.accepts(columns, i):
                break
            count += 1
            if count >= part.low:
                reached.add(p + step * count)
    return reached


def _matches(doc: Doc, r: Rules, columns: list[list[int]]) -> dict[str, list[tuple[int, int]]]:
    """The matches that count: blocked ones dropped, the longest of overlapping ones kept."""
    found = {g: list(spans) for g, spans in match_cues(doc, r, columns).items()}
    for blocker in r.blocks.keys() & found.keys():
        for bs, be in found[blocker]:
            for t in r.blocks[blocker]:
                if t in found:
                    found[t] = [(s, e) for s, e in found[t] if e <= bs or s >= be]
    found = {g: spans if g in MARKERS else _longest(spans) for g, spans in found.items() if spans}
    for family in (MODALITIES[:4], MARKERS):  # the marker that opens first governs: "except where ..."
        tagged = {span: g for g in family for span in found.get(g, ())}
        kept = _longest(list(tagged), earliest=family == MARKERS)
        for g in family:
            found[g] = [span for span in kept if tagged[span] == g]
    return found


class _Reading:
    """Working state while one clause is read: its matches, and which tokens lie in which span."""

    def __init__(self, doc: Doc, r: Rules, text: str) -> None:
        self.doc, self.r, self.n, self.source = doc, r, len(doc), text  # text == doc.text
        self.columns = _columns(doc)
        self.found = _matches(doc, r, self.columns)
        self.ids = self.columns[0]  # string ids of the lower-cased words
        self.zone = [""] * self.n  # "c" exception, proviso, condition; "r" relative clause; "u" unconditional
        self.evidence: dict[str, list[str]] = {}
        self.stops = {i for i, w in enumerate(self.ids) if w in r.hard}

    def get(self, group: str) -> list[tuple[int, int]]:
        return self.found.get(group, [])

    def text(self, s: int, e: int) -> str:
        """The text of tokens s..e (``doc[s:e].text`` without making a Span)."""
        if e <= s:
            return ""
        start, length = self.columns[4], self.columns[5]
        return self.source[start[s] : start[e - 1] + length[e - 1]]

    def within(self, group: str, a: int, b: int) -> list[tuple[int, int]]:
        return [(s, e) for s, e in self.get(group) if a <= s and e <= b]

    def note(self, key: str, spans: Iterable[tuple[int, int]]) -> None:
        """Record matched cues as evidence, without the punctuation or number a pattern anchors on."""
        edge, numbers = self.r.hard | self.r.soft - _CLOSING, self.columns[3]
        for s, e in spans:
            while s < e - 1 and (self.ids[s] in edge or numbers[s]):
                s += 1
            while e > s + 1 and self.ids[e - 1] in edge:
                e -= 1
            self.evidence.setdefault(key, []).append(self.text(s, e))

    def mark(self, s: int, e: int, kind: str) -> None:
        for i in range(s, e):
            self.zone[i] = self.zone[i] or kind


def _spans(rd: _Reading) -> tuple[list[tuple[int, str, str]], list[tuple[int, str, list, bool]], list[str]]:
    """Exceptions (start, text, kind), provisos (start, text, cues, whether the marker makes a
    condition) and conditions, from the span markers and free cues."""
    r, ids, n = rd.r, rd.ids, rd.n
    modal_starts = sorted(s for g in MODALITIES[:4] for s, _ in rd.get(g))
    markers = sorted((s, e, g) for g in MARKERS for s, e in rd.get(g))
    opens = [s for s, _, g in markers if g not in ("restrictor", "limiter")]
    ends = rd.stops | set(modal_starts) | set(opens) | {s for s, _ in rd.get("penalty")}
    exceptions, provisos, conditions = [], [], []
    for s, e, g in markers:
        if g in ("restrictor", "limiter"):
            if rd.zone[s] and g == "restrictor":
                continue
            if e < n and ids[e] == _COMMA:  # "who, in the opinion of the officer, is ..."
                e = next((i + 1 for i in range(e + 1, n) if ids[i] == _COMMA), e)
            end = next((i for i in range(e, n) if ids[i] in r.soft or i in ends), n)
        else:
            end = min([i for i in (*opens, *rd.stops) if i >= e] + [n])
            later = [m for m in modal_starts if e <= m < end and _COMMA in ids[e:m]]
            if later:
                end = max(i for i in range(e, later[0]) if ids[i] == _COMMA)
        while s < end and (ids[s] in r.soft or ids[s] in r.hard):
            s += 1
        while end > s and (ids[end - 1] in r.hard or ids[end - 1] in _TRAILING):
            end -= 1
        refused = rd.within("refusal", s, end)
        coop = [
            (a, b)
            for a, b in rd.within("cooperation_act", s, end)
            if not any(c < b and a < d for c, d in refused)
        ]
        span, coop = rd.text(s, end), coop + refused
        if g == "unconditional":
            rd.mark(s, end, "u")
        elif coop and not any(a <= s < b for a, b in rd.get("offender")):
            provisos.append((s, span, coop, g in ("condition_marker", "exception_marker")))
            rd.mark(s, end, "c")
        elif g == "restrictor":
            rd.mark(s, end, "r")
        else:
            kind, cues = "broad", []
            for group, label in _KINDS:
                cues = rd.within(group, s, end) + (
                    rd.within("broad_ground", s, end) if group == "vague" else []
                )
                if cues:
                    kind = label
                    break
            if not cues and g != "exception_marker":
                if g == "condition_marker":
                    conditions.append(span)
                    rd.note("conditions", [(s, e)])
                    rd.mark(s, end, "c")
                continue
            exceptions.append((s, span, kind))
            rd.note("exceptions", [(s, e), *cues])
            rd.mark(s, end, "c")
    for group in ("broad_ground", "proviso"):
        for s, e in rd.get(group):
            if not rd.zone[s]:
                if group == "proviso":
                    provisos.append((s, rd.text(s, e), [(s, e)], False))
                else:
                    exceptions.append((s, rd.text(s, e), "broad"))
                    rd.note("exceptions", [(s, e)])
                rd.mark(s, e, "c")
    return sorted(exceptions), provisos, conditions


def _guaranteed(
    rd: _Reading, provisos: list[tuple[int, str, list, bool]], conditions: list[str], *, cue: int
) -> tuple[list[str], list[str]]:
    """Provisos that stand, and conditions. A refusal to cooperate is no proviso when the provision
    guarantees help anyway: an unconditional cue ("shall continue to receive"), or a negation that
    follows the refusal ("a victim who declines to testify shall not be ...") or rules out a loss
    ("assistance shall not be withdrawn if the victim refuses ..."). ``cue``: where the negation of the
    provision stands, -1 if it has none."""
    refusals = set(rd.get("refusal"))
    loss = any(rd.zone[s] != "c" and cue <= s for s, _ in rd.get("loss")) if cue >= 0 else False
    guaranteed = any(z == "u" for z in rd.zone)
    kept = []
    for start, text, cues, conditional in provisos:
        if all(c in refusals for c in cues) and (guaranteed or (cue >= 0 and (start < cue or loss))):
            if conditional:
                conditions.append(text)
            continue
        kept.append(text)
        rd.note("provisos", cues)
    return kept, conditions


def _negation(rd: _Reading) -> tuple[str, str, int, range]:
    """The first negation cue outside the spans, what it scopes over, where it stands (-1 if nowhere)
    and the tokens of its sentence."""
    negations = [(s, e) for s, e in rd.get("negation") if rd.zone[s] not in ("c", "r")]
    if not negations:
        return "", "", -1, range(0)
    rd.note("negation", negations)
    (s, e), punctuation = negations[0], " ,;:.—–"
    stop = next((i for i in range(e, rd.n) if rd.zone[i] == "c" or i in rd.stops), rd.n)
    modals = [m for g in MODALITIES[:4] for m, _ in rd.get(g) if e < m < stop and _COMMA in rd.ids[e:m]]
    if modals:  # "shall not be scheduled on that date, and the return shall be arranged ..."
        stop = max(i for i in range(e, min(modals)) if rd.ids[i] == _COMMA)
    start = max([i + 1 for i in rd.stops if i < s] + [0])
    scope = rd.text(e, stop).strip(punctuation) or rd.text(start, s).strip(punctuation)
    return rd.text(s, e), scope, s, range(start, min([i for i in rd.stops if i >= e] + [rd.n]))


def _frame(doc: Doc, r: Rules, text: str) -> Frame:
    rd = _Reading(doc, r, text)
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
        mentions_victim=mentions["victim"],
        mentions_child=mentions["child"],
        mentions_offender=bool(rd.get("offender")),
        penalty=bool(penalties),
        penalty_on_offender=bool(penalties) and actor == "offender",
        definition=bool(rd.get("definition")),
        cross_reference=bool(references),
        cooperation=bool(cooperation),
        evidence={k: tuple(dict.fromkeys(v)) for k, v in rd.evidence.items() if v},
    )
