"""Find which principles a clause is about, from the taxonomy's patterns (topic only, never stance).

Everything runs over one tokenizer-only English pipeline (:func:`blank_pipeline`, the one the deontic
analysis uses, so a clause is tokenized once for both), with no tagger or lemmatizer to download:

- :func:`phrase_matcher` — a ``PhraseMatcher`` on lower-cased tokens holding every principle's phrases
  (match ID ``"<ID>/phrase"``) and keywords (``"<ID>/keyword"``). A keyword matches whole tokens, in its
  listed form or a regular inflection (``detain`` → ``detains``, ``detained``, ``detaining``; ``penalty`` →
  ``penalties``), which stands in for the lemmatizer the runtime does not have.
- :func:`principle_matcher` — a spaCy ``Matcher`` holding the token patterns (match ID
  ``"<ID>/<pattern name>"``, overlapping matches of one pattern keep the longest).
- :func:`topics` / :func:`topics_of` — phrases, keywords and token patterns over one clause:
  ``{principle ID: [evidence]}``.

The two spaCy matchers define what matches; :func:`topics_of` finds the same matches with the engine of
:mod:`analyzer.classify.token_patterns` (:func:`compiled_patterns`): spaCy's ``Matcher`` runs each
``{IN: [...]}`` set as a Python call at every token, about a millisecond a clause for the taxonomy's
patterns, where word runs on one ``PhraseMatcher`` joined across gaps cost a few hundredths of that.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from analyzer.taxonomy.loader import load_taxonomy
from analyzer.taxonomy.model import Taxonomy

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import Matcher, PhraseMatcher
    from spacy.tokens import Doc

    from analyzer.classify.token_patterns import PatternSet

PHRASE = "phrase"
KEYWORD = "keyword"
_VOWELS = frozenset("aeiou")
_CACHE: dict[tuple[str, str], Any] = {}


def blank_pipeline() -> Language:
    """The tokenizer-only English pipeline every matcher here runs on: the deontic analysis's (blank
    English with its special cases), so that one tokenization of a clause serves both."""
    from analyzer.classify.deontic_patterns import rules

    return rules().nlp


def keyword_forms(word: str) -> tuple[str, ...]:
    """``word`` and its regular inflections (-s/-es, -ed/-d, -ing, -ies/-ied); other words unchanged."""
    if not word.isalpha():
        return (word,)
    forms = [word, word + "s"]
    if word.endswith(("s", "x", "z", "ch", "sh")):
        forms.append(word + "es")
    if word.endswith("e"):
        forms += [word + "d", word[:-1] + "ing"]
    elif word.endswith("y") and len(word) > 2 and word[-2] not in _VOWELS:
        forms += [word[:-1] + "ies", word[:-1] + "ied", word + "ing"]
    else:
        forms += [word + "ed", word + "ing"]
    return tuple(dict.fromkeys(forms))


def phrase_matcher(taxonomy: Taxonomy) -> PhraseMatcher:
    """A ``PhraseMatcher`` (attribute ``LOWER``) for every principle's phrases and keyword forms."""
    key = ("phrase", taxonomy.content_hash)
    if key not in _CACHE:
        from spacy.matcher import PhraseMatcher

        nlp = blank_pipeline()
        matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for principle in taxonomy.principles:
            forms = dict.fromkeys(
                form for word in principle.patterns.keywords for form in keyword_forms(word)
            )
            matcher.add(f"{principle.id}/{PHRASE}", list(nlp.tokenizer.pipe(principle.patterns.phrases)))
            matcher.add(f"{principle.id}/{KEYWORD}", list(nlp.tokenizer.pipe(forms)))
        _CACHE[key] = matcher
    return _CACHE[key]


def principle_matcher(taxonomy: Taxonomy) -> Matcher:
    """A ``Matcher`` holding every principle's token patterns; overlapping matches keep the longest."""
    key = ("token", taxonomy.content_hash)
    if key not in _CACHE:
        from spacy.matcher import Matcher

        matcher = Matcher(blank_pipeline().vocab)
        for principle in taxonomy.principles:
            for token_pattern in principle.patterns.token_patterns:
                matcher.add(f"{principle.id}/{token_pattern.name}", [token_pattern.pattern], greedy="LONGEST")
        _CACHE[key] = matcher
    return _CACHE[key]


def topics(text: str, *, taxonomy: Taxonomy | None = None) -> dict[str, list[str]]:
    """For each principle whose patterns match ``text``, the matched evidence (lower-cased, in order).

    Principles come in canonical order; a clause about none of them gives ``{}``. This says what a clause
    is about, not whether it harms or protects: that is the deontic analysis's job. Runs of white space
    are read as one space, as the deontic analysis reads them.
    """
    text = " ".join(text.split())
    return topics_of(blank_pipeline().make_doc(text), text, taxonomy=taxonomy)


def topics_of(
    doc: Doc | None, text: str, cols: list[list[int]] | None = None, *, taxonomy: Taxonomy | None = None
) -> dict[str, list[str]]:
    """:func:`topics` of ``text`` already tokenized by :func:`blank_pipeline` as ``doc`` (``cols``: its
    :func:`analyzer.classify.token_matching.columns`, if the caller has them; ``doc`` may then be
    None)."""
    from analyzer.classify.token_matching import columns, longest, match_all

    patterns, keys, order = _plan(taxonomy or load_taxonomy())
    cols = cols if cols is not None else columns(doc)
    spans = []
    for key, found in match_all(doc, patterns, cols).items():
        principle_id, every = keys[key]
        for s, e in found if every else longest(list(found)):
            spans.append((s, e, principle_id))
    start, length = cols[4], cols[5]
    evidence: dict[str, dict[str, None]] = {}
    for s, e, principle_id in sorted(spans, key=_place):
        evidence.setdefault(principle_id, {})[text[start[s] : start[e - 1] + length[e - 1]].lower()] = None
    return {pid: list(evidence[pid]) for pid in sorted(evidence, key=order.__getitem__)}


def _place(span: tuple[int, int, str]) -> tuple[int, int]:
    """A span's place in the evidence: its start, then the longest first."""
    return span[0], -span[1]


def _plan(taxonomy: Taxonomy) -> tuple[PatternSet, dict[str, tuple[str, bool]], dict[str, int]]:
    """What :func:`topics_of` reads, once per taxonomy: the compiled patterns, each key's principle and
    whether all its matches count (phrases and keywords) or the longest of overlapping ones (token
    patterns), and each principle's place in canonical order."""
    key = ("plan", taxonomy.content_hash)
    if key not in _CACHE:
        names = [
            f"{principle.id}/{name}"
            for principle in taxonomy.principles
            for name in (PHRASE, KEYWORD, *(p.name for p in principle.patterns.token_patterns))
        ]
        keys = {name: (name.split("/", 1)[0], name.split("/", 1)[1] in (PHRASE, KEYWORD)) for name in names}
        order = {principle.id: n for n, principle in enumerate(taxonomy.principles)}
        _CACHE[key] = (compiled_patterns(taxonomy), keys, order)
    return _CACHE[key]


def compiled_patterns(taxonomy: Taxonomy, *, phrase_matcher: bool = False) -> PatternSet:
    """Every principle's phrases, keyword forms and token patterns, compiled for :func:`topics_of`
    (keys ``"<ID>/phrase"``, ``"<ID>/keyword"``, ``"<ID>/<pattern name>"``), once per taxonomy.
    ``phrase_matcher``: compiled anew, with the phrases also on a spaCy PhraseMatcher (the tests'
    reference)."""
    if phrase_matcher:
        return _compile(taxonomy, phrase_matcher=True)
    key = ("compiled", taxonomy.content_hash)
    if key not in _CACHE:
        _CACHE[key] = _compile(taxonomy)
    return _CACHE[key]


def _compile(taxonomy: Taxonomy, *, phrase_matcher: bool = False) -> PatternSet:
    from analyzer.classify.token_patterns import PatternCompiler, checked

    compiler = PatternCompiler(blank_pipeline(), what="taxonomy patterns", phrase_matcher=phrase_matcher)
    for principle in taxonomy.principles:
        forms = dict.fromkeys(form for word in principle.patterns.keywords for form in keyword_forms(word))
        compiler.add(f"{principle.id}/{PHRASE}", list(principle.patterns.phrases), [])
        compiler.add(f"{principle.id}/{KEYWORD}", list(forms), [])
        for token_pattern in principle.patterns.token_patterns:
            name = f"{principle.id}/{token_pattern.name}"
            compiler.add(name, [], [checked("taxonomy patterns", name, token_pattern.pattern)])
    return compiler.build()
