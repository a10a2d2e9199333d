"""Find which principles a clause is about, from the taxonomy's patterns (topic only, never stance).

Everything runs over one blank English pipeline (tokenizer only, no tagger or lemmatizer), so it is
fast and has no model to download:

- :func:`phrase_matcher` — a ``PhraseMatcher`` on lower-cased tokens holding every principle's phrases
  (match ID ``"<ID>/phrase"``) and keywords (``"<ID>/keyword"``). A keyword matches whole tokens, in its
  listed form or a regular inflection (``detain`` → ``detains``, ``detained``, ``detaining``; ``penalty`` →
  ``penalties``), which stands in for the lemmatizer the runtime does not have.
- :func:`principle_matcher` — a ``Matcher`` holding the token patterns (match ID ``"<ID>/<pattern name>"``).
- :func:`topics` — both matchers over one clause: ``{principle ID: [evidence, ...]}`` in canonical order.

Matchers are built once per taxonomy (keyed by its content hash).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from analyzer.taxonomy.loader import load_taxonomy
from analyzer.taxonomy.model import Taxonomy

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import Matcher, PhraseMatcher

PHRASE = "phrase"
KEYWORD = "keyword"
_VOWELS = frozenset("aeiou")
_CACHE: dict[tuple[str, str], object] = {}


@functools.cache
def blank_pipeline() -> Language:
    """The blank English pipeline every matcher here shares its vocabulary with."""
    import spacy

    return spacy.blank("en")


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
            phrases = principle.patterns.phrases
            forms = dict.fromkeys(
                form for word in principle.patterns.keywords for form in keyword_forms(word)
            )
            matcher.add(f"{principle.id}/{PHRASE}", list(nlp.tokenizer.pipe(phrases)))
            matcher.add(f"{principle.id}/{KEYWORD}", list(nlp.tokenizer.pipe(forms)))
        _CACHE[key] = matcher
    return _CACHE[key]  # type: ignore[return-value]


def principle_matcher(taxonomy: Taxonomy) -> Matcher:
    """A ``Matcher`` holding every principle's token patterns; overlapping matches keep the longest."""
    key = ("token", taxonomy.content_hash)
    if key not in _CACHE:
        from spacy.matcher import Matcher

        matcher = Matcher(blank_pipeline().vocab)
        for principle in taxonomy.principles:
            for token_pattern in principle.patterns.token_patterns:
                alternatives = _split_first_token(token_pattern.pattern)
                matcher.add(f"{principle.id}/{token_pattern.name}", alternatives, greedy="LONGEST")
        _CACHE[key] = matcher
    return _CACHE[key]  # type: ignore[return-value]


def _split_first_token(pattern: list[dict]) -> list[list[dict]]:
    """One pattern per value of a leading ``{IN: [...]}`` set: same matches, much faster.

    spaCy tries every pattern's first token at every position; a plain ``LOWER`` comparison runs in
    compiled code, while a set predicate is a Python call, so splitting the leading set keeps
    :func:`topics` well above 2,000 clauses a second.
    """
    first, rest = pattern[0], pattern[1:]
    for attr in ("LOWER", "TEXT"):
        value = first.get(attr)
        if isinstance(value, dict) and set(value) == {"IN"}:
            return [[{**first, attr: choice}, *rest] for choice in dict.fromkeys(value["IN"])]
    return [pattern]


def topics(text: str, *, taxonomy: Taxonomy | None = None) -> dict[str, list[str]]:
    """For each principle whose patterns match ``text``, the matched evidence (lower-cased, in order).

    Principles come in canonical order; a clause about none of them gives ``{}``. This says what a clause
    is about, not whether it harms or protects: that is the deontic analysis's job.
    """
    taxonomy = taxonomy or load_taxonomy()
    nlp = blank_pipeline()
    doc = nlp.make_doc(text)
    strings = nlp.vocab.strings
    found: dict[str, dict[str, None]] = {}
    matches = [*phrase_matcher(taxonomy)(doc), *principle_matcher(taxonomy)(doc)]
    for match_id, start, end in sorted(matches, key=lambda match: (match[1], -match[2])):
        principle_id = strings[match_id].split("/", 1)[0]
        found.setdefault(principle_id, {})[doc[start:end].text.lower()] = None
    return {pid: list(found[pid]) for pid in taxonomy.ids if pid in found}
