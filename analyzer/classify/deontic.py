"""The deontic frame of one clause: modality, negation and its scope, exceptions, provisos, conditions,
hedges, euphemisms, who the clause acts on, penalties, definitions and cross-references.

The cues are data: ``deontic_patterns.yaml`` holds spaCy PhraseMatcher phrases and Matcher token patterns,
grouped by kind. This module is the engine that matches them on a blank English tokenizer (no tagger,
no model) and reads the matches into a :class:`Frame`:

1. match every group; drop matches overlapped by a group that ``blocks`` them; keep the longest of
   overlapping matches within a group, across the four modalities and across the span markers;
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
from spacy.matcher import Matcher, PhraseMatcher
from spacy.symbols import ORTH
from spacy.tokens import Doc, Token
from spacy.util import compile_infix_regex

Modality = Literal["prohibition", "obligation", "permission", "weak", "none"]
Actor = Literal["offender", "victim", "child", "official", "none"]
MODALITIES: tuple[str, ...] = ("prohibition", "obligation", "permission", "weak", "none")
ACTORS: tuple[str, ...] = ("offender", "victim", "child", "official", "none")
MARKERS = ("exception_marker", "condition_marker", "limiter", "restrictor", "unconditional")
CUES = ("weakener", "negation", "cooperation_act", "proviso", "discretion", "narrow", "vague", "broad_ground")
TOPICS = ("hedge", "euphemism", "offender", "victim", "child", "official", "penalty", "definition")
GROUPS = MODALITIES[:4] + MARKERS + CUES + TOPICS + ("cross_reference", "cooperation")
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
    checks: tuple[tuple[str, Any], ...] = ()  # (Token attribute, value or frozenset of values)

    def accepts(self, token: Token) -> bool:
        return all(
            getattr(token, a) in v if isinstance(v, frozenset) else getattr(token, a) == v
            for a, v in self.checks
        )


# group, only at the clause start, gaps before the first word run, their width, the parts after it
Chain = tuple[str, bool, tuple[Gap, ...], int, tuple[int | Gap, ...]]


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
    chains: dict[int, list[Chain]]  # key of a chain's first word run -> the chains starting with it
    blocks: dict[str, tuple[str, ...]]
    strength: dict[str, float]
    hard: frozenset[str]
    soft: frozenset[str]


def analyze(text: str) -> Frame:
    """The deontic frame of one clause."""
    r = rules()
    return _frame(r.nlp(text), r)


def analyze_many(texts: Iterable[str]) -> list[Frame]:
    """The deontic frames of many clauses, in order (tokenized with ``nlp.pipe``)."""
    r = rules()
    return [_frame(doc, r) for doc in r.nlp.pipe(texts)]


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


def read_patterns() -> dict[str, Any]:
    """The shipped ``deontic_patterns.yaml`` as data."""
    text = resources.files("analyzer.classify").joinpath("deontic_patterns.yaml").read_text("utf-8")
    return yaml.safe_load(text)


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
                    first = next(i for i, part in enumerate(chain) if not isinstance(part, Gap))
                    lead, rest = tuple(chain[:first]), tuple(chain[first + 1 :])
                    entry = (group, at_start, lead, sum(gap.low for gap in lead), rest)
                    chains.setdefault(chain[first], []).append(entry)
            if docs:
                phrases.add(key, docs)
    matcher = Matcher(nlp.vocab) if fallback else None
    for key, pattern in fallback:
        matcher.add(key, [pattern])
    stops = data["stops"]
    settings = (blocks, dict(data["strength"]), frozenset(stops["hard"]), frozenset(stops["soft"]))
    return Rules(nlp, phrases, matcher, labels, chains, *settings)


def _run(nlp: spacy.language.Language, phrases: PhraseMatcher, key: str, part: Any) -> int | Gap:
    """A chain part: a gap as it is, a word run as the PhraseMatcher key of its word sequences."""
    if isinstance(part, Gap):
        return part
    phrases.add(key, [Doc(nlp.vocab, words=words) for words in part])
    return nlp.vocab.strings[key]


def _checked(group: str, pattern: Any) -> list[dict[str, Any]]:
    """A token pattern with only the attributes a blank pipeline sets; LOWER values lower-cased."""
    if not isinstance(pattern, list) or not pattern:
        raise ValueError(f"deontic patterns: {group!r}: a pattern is a non-empty list of tokens: {pattern!r}")
    for token in pattern:
        if not isinstance(token, dict) or not set(token) <= PATTERN_ATTRS:
            raise ValueError(f"deontic patterns: {group!r}: only {sorted(PATTERN_ATTRS)} allowed: {token!r}")
        values = token.get("LOWER", {}).get("IN", []) if isinstance(token.get("LOWER"), dict) else []
        if not all(isinstance(v, str) for v in values):
            raise ValueError(
                f"deontic patterns: {group!r}: a word is not a string (quote no/yes/on): {token!r}"
            )
    return [
        {**t, "LOWER": {"IN": [v.lower() for v in t["LOWER"]["IN"]]}}
        if isinstance(t.get("LOWER"), dict)
        else {**t, "LOWER": t["LOWER"].lower()}
        if "LOWER" in t
        else t
        for t in pattern
    ]


_ATTRS = {"LOWER": "lower_", "TEXT": "text", "IS_PUNCT": "is_punct", "LIKE_NUM": "like_num"}
_REPEAT = re.compile(r"\{(\d*)(,?)(\d*)\}")
_OPEN = 10**6


def _parts(pattern: list[dict[str, Any]], *, limit: int = 10000) -> list[Any] | None:
    """A token pattern as word runs (every word sequence a run matches) and :class:`Gap`s; None when it
    has no word run, a run that may be empty or has too many sequences, a gap of open width before the
    first run, or an operator other than ?, *, + and {n,m}."""
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
        checks = tuple(
            (
                _ATTRS[a],
                frozenset(v["IN"]) if isinstance(v, dict) else frozenset([v]) if isinstance(v, str) else v,
            )
            for a, v in attrs.items()
        )
        parts.append(Gap(low, high, checks))
    runs = [i for i, p in enumerate(parts) if not isinstance(p, Gap)]
    if not runs or any([] in parts[i] for i in runs) or any(p.low != p.high for p in parts[: runs[0]]):
        return None
    return parts


def _longest(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Of overlapping spans, the longest (then the earliest), in text order."""
    kept: list[tuple[int, int]] = []
    for s, e in sorted(set(spans), key=lambda span: (span[0] - span[1], span[0])):
        if all(e <= ks or s >= ke for ks, ke in kept):
            kept.append((s, e))
    return sorted(kept)


def match_cues(doc: Doc, r: Rules | None = None) -> dict[str, set[tuple[int, int]]]:
    """Every match of every group in ``doc`` as token spans, before blocking and overlap resolution."""
    r = r or rules()
    found: dict[str, set[tuple[int, int]]] = {}
    runs: dict[int, dict[int, list[int]]] = {}
    for key, s, e in [*r.phrases(doc), *(r.matcher(doc) if r.matcher else ())]:
        if key in r.labels:
            group, at_start = r.labels[key]
            if not at_start or s == 0:
                found.setdefault(group, set()).add((s, e))
        else:
            runs.setdefault(key, {}).setdefault(s, []).append(e)
    for key, starts in runs.items():
        for group, at_start, lead, width, rest in r.chains.get(key, ()):
            for s, ends in starts.items():
                begin = s - width
                if begin < 0 or (at_start and begin) or not _fits(doc, lead, begin):
                    continue
                reached = set(ends)
                for part in rest:
                    reached = _advance(doc, part, reached, runs)
                found.setdefault(group, set()).update((begin, e) for e in reached)
    return found


def _fits(doc: Doc, gaps: tuple[Any, ...], begin: int) -> bool:
    """Whether the fixed-width gaps before a chain's first word run accept the tokens from ``begin``."""
    checks = [gap for gap in gaps for _ in range(gap.low)]
    return all(gap.accepts(doc[begin + i]) for i, gap in enumerate(checks))


def _advance(doc: Doc, part: int | Gap, starts: set[int], runs: dict[int, dict[int, list[int]]]) -> set[int]:
    """Where a chain can stand after one more part, from each position in ``starts``."""
    if not isinstance(part, Gap):
        following = runs.get(part, {})
        return {e for s in starts for e in following.get(s, ())}
    ends = set()
    for s in starts:
        if part.low == 0:
            ends.add(s)
        i = s
        while i < len(doc) and i - s < part.high and part.accepts(doc[i]):
            i += 1
            if i - s >= part.low:
                ends.add(i)
    return ends


def _matches(doc: Doc, r: Rules) -> dict[str, list[tuple[int, int]]]:
    """The matches that count: blocked ones dropped, the longest of overlapping ones kept."""
    found = {g: list(spans) for g, spans in match_cues(doc, r).items()}
    for blocker, targets in r.blocks.items():
        for bs, be in found.get(blocker, ()):
            for t in targets:
                found[t] = [(s, e) for s, e in found.get(t, ()) if e <= bs or s >= be]
    found = {g: _longest(spans) for g, spans in found.items() if spans}
    for family in (MODALITIES[:4], MARKERS):
        tagged = {span: g for g in family for span in found.get(g, ())}
        kept = _longest(list(tagged))
        for g in family:
            found[g] = [span for span in kept if tagged[span] == g]
    return found


class _Reading:
    """Working state while one clause is read: its matches, and which tokens lie in which span."""

    def __init__(self, doc: Doc, r: Rules) -> None:
        self.doc, self.r, self.n = doc, r, len(doc)
        self.found = _matches(doc, r)
        self.words = [t.lower_ for t in doc]
        self.zone = [
            ""
        ] * self.n  # "c": exception, proviso or condition; "r": relative clause; "u": unconditional
        self.evidence: dict[str, list[str]] = {}
        self.stops = {i for i, w in enumerate(self.words) if w in r.hard}

    def get(self, group: str) -> list[tuple[int, int]]:
        return self.found.get(group, [])

    def text(self, s: int, e: int) -> str:
        return self.doc[s:e].text

    def within(self, group: str, a: int, b: int) -> list[tuple[int, int]]:
        return [(s, e) for s, e in self.get(group) if a <= s and e <= b]

    def note(self, key: str, spans: Iterable[tuple[int, int]]) -> None:
        """Record matched cues as evidence, without the punctuation a pattern anchors on."""
        edge = self.r.hard | self.r.soft - {")", "]"}
        for s, e in spans:
            while s < e - 1 and self.words[s] in edge:
                s += 1
            while e > s + 1 and self.words[e - 1] in edge:
                e -= 1
            self.evidence.setdefault(key, []).append(self.text(s, e))

    def mark(self, s: int, e: int, kind: str) -> None:
        for i in range(s, e):
            self.zone[i] = self.zone[i] or kind


def _spans(rd: _Reading) -> tuple[list[tuple[int, str, str]], list[str], list[str]]:
    """Exceptions (start, text, kind), provisos and conditions, from the span markers and free cues."""
    r, words, n = rd.r, rd.words, rd.n
    modal_starts = sorted(s for g in MODALITIES[:4] for s, _ in rd.get(g))
    markers = sorted((s, e, g) for g in MARKERS for s, e in rd.get(g))
    opens = [s for s, _, g in markers if g not in ("restrictor", "limiter")]
    ends = rd.stops | set(modal_starts) | set(opens) | {s for s, _ in rd.get("penalty")}
    exceptions, provisos, conditions = [], [], []
    for s, e, g in markers:
        if g in ("restrictor", "limiter"):
            if rd.zone[s] and g == "restrictor":
                continue
            end = next((i for i in range(e, n) if words[i] in r.soft or i in ends), n)
        else:
            end = min([i for i in (*opens, *rd.stops) if i >= e] + [n])
            later = [m for m in modal_starts if e <= m < end and "," in words[e:m]]
            if later:
                end = max(i for i in range(e, later[0]) if words[i] == ",")
        while s < end and (words[s] in r.soft or words[s] in r.hard):
            s += 1
        while end > s and (words[end - 1] in r.hard or words[end - 1] in {",", "—", "–"}):
            end -= 1
        span, coop = rd.text(s, end), rd.within("cooperation_act", s, end)
        if g == "unconditional":
            rd.mark(s, end, "u")
        elif coop and not any(a <= s < b for a, b in rd.get("offender")):
            provisos.append(span)
            rd.note("provisos", coop)
            rd.mark(s, end, "c")
        elif g == "restrictor":
            rd.mark(s, end, "r")
        else:
            kind, cues = "broad", []
            for group, label in (("discretion", "broad"), ("narrow", "narrow"), ("vague", "broad")):
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
                    provisos.append(rd.text(s, e))
                else:
                    exceptions.append((s, rd.text(s, e), "broad"))
                rd.note("provisos" if group == "proviso" else "exceptions", [(s, e)])
                rd.mark(s, e, "c")
    return sorted(exceptions), provisos, conditions


def _negation(rd: _Reading) -> tuple[str, str, range]:
    """The first negation cue outside the spans, what it scopes over, and the sentence it stands in."""
    negations = [(s, e) for s, e in rd.get("negation") if rd.zone[s] not in ("c", "r")]
    if not negations:
        return "", "", range(0)
    rd.note("negation", negations)
    (s, e), punctuation = negations[0], " ,;:.—–"
    stop = next((i for i in range(e, rd.n) if rd.zone[i] == "c" or i in rd.stops), rd.n)
    start = max([i + 1 for i in rd.stops if i < s] + [0])
    scope = rd.text(e, stop).strip(punctuation) or rd.text(start, s).strip(punctuation)
    return rd.text(s, e), scope, range(start, min([i for i in rd.stops if i >= e] + [rd.n]))


def _frame(doc: Doc, r: Rules) -> Frame:
    rd = _Reading(doc, r)
    exceptions, provisos, conditions = _spans(rd)
    cue, scope, sentence = _negation(rd)

    mains = [(r.strength[g], s, e, g) for g in MODALITIES[:4] for s, e in rd.get(g) if rd.zone[s] != "c"]
    everywhere = [(r.strength[g], s, e, g) for g in MODALITIES[:4] for s, e in rd.get(g)]
    modals = sorted(mains or everywhere, key=lambda m: (-m[0], m[1]))
    weakeners = [(s, e) for s, e in rd.get("weakener") if rd.zone[s] != "c"]
    modality = "weak" if weakeners else modals[0][3] if modals else "none"
    rd.note("modality", weakeners + [(s, e) for _, s, e, _ in modals])

    penalties = [(s, e) for s, e in rd.get("penalty") if not rd.zone[s] and s not in sentence]
    offenders = [(s, e) for s, e in rd.get("offender") if rd.zone[s] != "c"]
    first_modal = min([s for _, s, _, _ in mains] + [rd.n])
    mentions = {g: bool(rd.get(g)) for g in ("victim", "child", "official")}
    if offenders and (penalties or any(s < first_modal for s, _ in offenders)):
        actor = "offender"
    else:
        actor = next((a for a in ("child", "victim", "official") if mentions[a]), "none")
    rd.note("actor", offenders if actor == "offender" else rd.get(actor) if actor != "none" else [])
    heading = next((t.i for t in doc if not t.is_space), 0)
    references = [(s, e) for s, e in rd.get("cross_reference") if s != heading]
    cooperation = sorted(rd.get("cooperation") + rd.get("cooperation_act") + rd.get("proviso"))
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
