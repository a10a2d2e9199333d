"""Find which principles a clause is about, from the taxonomy's patterns (topic only, never stance).

Everything runs over one blank English pipeline (tokenizer only, no tagger or lemmatizer), so it is
fast and has no model to download:

- :func:`phrase_matcher` — a ``PhraseMatcher`` on lower-cased tokens holding every principle's phrases
  (match ID ``"<ID>/phrase"``) and keywords (``"<ID>/keyword"``). A keyword matches whole tokens, in its
  listed form or a regular inflection (``detain`` → ``detains``, ``detained``, ``detaining``; ``penalty`` →
  ``penalties``), which stands in for the lemmatizer the runtime does not have.
- :func:`principle_matcher` — a ``Matcher`` holding the token patterns (match ID ``"<ID>/<pattern name>"``).
- :func:`topics` — phrases, keywords and token patterns over one clause: ``{principle ID: [evidence]}``.

spaCy's ``Matcher`` tries every pattern at every token, and each ``{IN: [...]}`` set is a Python call,
so one matcher holding all patterns costs about a millisecond a clause. :func:`topics` therefore gives
each token pattern its own small matcher and runs it only when the clause contains at least one word of
every required token of the pattern (a check that cannot change the result): same matches as
:func:`principle_matcher`, several thousand clauses a second.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from analyzer.taxonomy.loader import load_taxonomy
from analyzer.taxonomy.model import Taxonomy, TokenPattern

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import Matcher, PhraseMatcher

PHRASE = "phrase"
KEYWORD = "keyword"
_VOWELS = frozenset("aeiou")
_GATED_OPS = (None, "+")  # a token with no OP, or "+", must be present; "?", "*", "!", "{,n}" need not
_CACHE: dict[tuple[str, str], Any] = {}


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
    is about, not whether it harms or protects: that is the deontic analysis's job.
    """
    taxonomy = taxonomy or load_taxonomy()
    nlp = blank_pipeline()
    from spacy.attrs import LOWER

    doc = nlp.make_doc(text)
    matches = list(phrase_matcher(taxonomy)(doc))
    words = set(doc.to_array(LOWER).tolist())  # string ids of the lower-cased words, without a Python loop
    for gated in _gated_patterns(taxonomy):
        if all(not required.isdisjoint(words) for required in gated.required):
            matches += gated.matcher(doc)
    strings = nlp.vocab.strings
    found: dict[str, dict[str, None]] = {}
    for match_id, start, end in sorted(matches, key=lambda match: (match[1], -match[2])):
        principle_id = strings[match_id].split("/", 1)[0]
        found.setdefault(principle_id, {})[doc[start:end].text.lower()] = None
    return {pid: list(found[pid]) for pid in taxonomy.ids if pid in found}


@dataclass(frozen=True)
class _GatedPattern:
    """One token pattern with its own matcher, and the word sets a clause must touch for it to match."""

    required: tuple[frozenset[int], ...]  # string ids (``vocab.strings``) of the words
    matcher: Matcher


def _gated_patterns(taxonomy: Taxonomy) -> tuple[_GatedPattern, ...]:
    key = ("gated", taxonomy.content_hash)
    if key not in _CACHE:
        from spacy.matcher import Matcher
        from spacy.strings import get_string_id

        gated = []
        for principle in taxonomy.principles:
            for token_pattern in principle.patterns.token_patterns:
                matcher = Matcher(blank_pipeline().vocab)
                matcher.add(f"{principle.id}/{token_pattern.name}", [token_pattern.pattern], greedy="LONGEST")
                required = tuple(
                    frozenset(get_string_id(word) for word in words)
                    for words in _required_words(token_pattern)
                )
                gated.append(_GatedPattern(required=required, matcher=matcher))
        _CACHE[key] = tuple(gated)
    return _CACHE[key]


def _required_words(token_pattern: TokenPattern) -> tuple[frozenset[str], ...]:
    """For each non-optional token that names its words, the lower-cased words it accepts."""
    required = []
    for token in token_pattern.pattern:
        if token.get("OP") not in _GATED_OPS:
            continue
        for attr in ("LOWER", "TEXT"):
            value = token.get(attr)
            if isinstance(value, str):
                required.append(frozenset({value.lower()}))
            elif isinstance(value, dict) and "IN" in value:
                required.append(frozenset(str(word).lower() for word in value["IN"]))
    return tuple(required)
