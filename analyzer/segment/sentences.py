"""Sentence boundaries inside long clauses: a blank spaCy pipeline with a sentencizer.

The tokenizer learns the legal abbreviations of ``patterns.yaml`` ("Art.", "Sec.", "No.", "s.", "ss.",
"para.", "Cap.", "Reg." ...) as special cases so that "under s. 12 of Cap. 6" stays one sentence.
Scripts without sentence punctuation (Thai, Khmer, Lao, Myanmar) are not split here.
"""

from __future__ import annotations

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


def sentence_spans(text: str, *, language: str = "en") -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (offsets into ``text``), whitespace trimmed. A text
    over :data:`PIECE` characters is read in pieces; a sentence is never longer than one."""
    if language in UNSPLIT_SCRIPTS or not text.strip():
        return [(0, len(text))] if text.strip() else []
    nlp = sentencizer(language)
    spans = []
    for offset, stop in pieces(text):
        piece = text[offset:stop]
        for sent in nlp(piece).sents:
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
