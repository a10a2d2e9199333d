"""Sentence boundaries inside long clauses: a blank spaCy pipeline with a sentencizer.

The tokenizer learns the legal abbreviations of ``patterns.yaml`` ("Art.", "Sec.", "No.", "s.", "ss.",
"para.", "Cap.", "Reg." ...) as special cases so that "under s. 12 of Cap. 6" stays one sentence.
Scripts without sentence punctuation (Thai, Khmer, Lao, Myanmar) are not split here. Long runs of
punctuation are cut up before spaCy sees them (see :func:`tokenizable`), so any text is split in time
about proportional to its length.
"""

from __future__ import annotations

import re
from functools import cache

import spacy
from spacy.symbols import ORTH

from analyzer.segment.markers import load_patterns

SPACY_LANGUAGES = {"en", "id", "ms", "tl", "vi"}
UNSPLIT_SCRIPTS = {"th", "km", "lo", "my"}


@cache
def sentencizer(language: str = "en") -> spacy.language.Language:
    """A blank pipeline with a sentencizer and the legal abbreviations as tokenizer exceptions."""
    code = language if language in SPACY_LANGUAGES else "xx" if language in UNSPLIT_SCRIPTS else "en"
    try:
        nlp = spacy.blank(code)
    except (ImportError, OSError, ValueError):  # a language whose extra dependencies are missing
        nlp = spacy.blank("en")
    for abbreviation in load_patterns().abbreviations:
        nlp.tokenizer.add_special_case(abbreviation, [{ORTH: abbreviation}])
    nlp.add_pipe("sentencizer")
    return nlp


# spaCy refuses a text over a million characters; a clause nobody numbered (a long unstructured text) is
# read in pieces of at most this many, cut after a line break or else a space near the end of each piece.
PIECE = 100_000


def pieces(text: str, size: int = PIECE) -> list[tuple[int, int]]:
    """``text`` as consecutive spans of at most ``size`` characters, cut after the last line break of a
    piece's second half, or else its last space, or else at ``size``."""
    spans, start = [], 0
    while len(text) - start > size:
        end = start + size
        cut = text.rfind("\n", start + size // 2, end)
        cut = cut if cut >= 0 else text.rfind(" ", start + size // 2, end)
        end = cut + 1 if cut >= 0 else end
        spans.append((start, end))
        start = end
    return spans + [(start, len(text))]


# spaCy's tokenizer takes punctuation off a token one character at a time, copying the rest of the token
# each time, so a run of punctuation costs the square of its length: 20,000 "=" took 100 s. The tokenizer
# is given a copy of the text in which such a run is cut by a space after every RUN characters. The copy
# has the same length, so every offset stays true of the text; its pieces hold the same characters, so
# a run set apart by spaces gives the same sentences as before (one glued to a word may now split from
# it). Runs of up to RUN characters are left alone, so ordinary text reaches spaCy unchanged; at 32 the
# worst case, text made only of such runs, still costs only a few times more per character than prose.
RUN = 32
_PUNCTUATION_RUN = re.compile(rf"(?:[^\w\s]|_){{{RUN + 1},}}")  # neither letters, digits nor spaces


def _cut_run(match: re.Match[str]) -> str:
    # a space replaces every (RUN + 1)th character, except where it would leave one character alone at
    # the end: a lone "." ends a sentence that a run of dots does not
    run = match.group()
    last = len(run) - 2
    return "".join(" " if i % (RUN + 1) == RUN and i < last else c for i, c in enumerate(run))


def tokenizable(text: str) -> str:
    """``text`` with each run of more than :data:`RUN` punctuation or symbol characters cut into pieces
    of at most :data:`RUN` + 2 by spaces that replace some of them: the same length as ``text``, the same
    text when it has no such run."""
    return _PUNCTUATION_RUN.sub(_cut_run, text)


def sentence_spans(text: str, *, language: str = "en") -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (offsets into ``text``), whitespace trimmed. A text
    over :data:`PIECE` characters is read in pieces; a sentence is never longer than one."""
    if language in UNSPLIT_SCRIPTS or not text.strip():
        return [(0, len(text))] if text.strip() else []
    nlp = sentencizer(language)
    spans = []
    for offset, stop in pieces(text):
        for sent in nlp(tokenizable(text[offset:stop])).sents:
            start, end = offset + sent.start_char, offset + sent.end_char
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                spans.append((start, end))
    return spans


def chunk_spans(text: str, *, language: str = "en", limit: int = 400) -> list[tuple[int, int]]:
    """Sentences of ``text`` grouped into consecutive runs of at most ``limit`` characters each
    (a single longer sentence stays whole)."""
    chunks: list[tuple[int, int]] = []
    for start, end in sentence_spans(text, language=language):
        if chunks and end - chunks[-1][0] <= limit:
            chunks[-1] = (chunks[-1][0], end)
        else:
            chunks.append((start, end))
    return chunks
