"""``TfidfVectorizer.transform`` for character n-grams (``char_wb``) and word n-grams, about four and
eight times faster.

scikit-learn builds each document's n-grams one Python ``append`` at a time, the largest cost of the
clause model's features. Here the n-grams of a whole batch are found with numpy: the batch becomes one
array of letters, each letter mapped to its number in the fitted vocabulary's alphabet (a letter outside
it, and the break between two words, is 0); a window of n letters without a 0 packs its letter numbers
into one integer (12 bits a letter for 5-grams: exact, no hashing), looked up among the vocabulary's
sorted keys with ``searchsorted``. Word n-grams are counted the same way, a word number per token
(:mod:`analyzer.classify.fast_words`).

Counts are then weighted exactly as ``TfidfTransformer`` does (sublinear tf, idf, l2 norm). The fitted
vectorizer stays a plain scikit-learn object (saved with skops); :func:`transform` reads its settings and
falls back to the vectorizer's own ``transform`` for any setting it does not reproduce. The test suite
checks that both give the same matrix on the corpus.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from analyzer.classify import fast_words

_UNICODE = 0x110000
_BITS = 63  # bits a packed n-gram may use (an int64 key)
_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def supported(vectorizer: TfidfVectorizer) -> bool:
    """Whether :func:`transform` reproduces this fitted vectorizer's ``transform``."""
    v = vectorizer
    return (
        type(v) is TfidfVectorizer
        and v.input == "content"
        and (
            (
                v.analyzer == "char_wb" and v.lowercase and v.ngram_range[0] <= 3
            )  # a padded word has 3+ letters
            or fast_words.supported(v)
        )
        and v.preprocessor is None
        and v.tokenizer is None
        and not v.strip_accents
        and v.stop_words is None
        and not v.binary
        and v.norm in ("l2", None)
        and hasattr(v, "vocabulary_")
    )


def transform(vectorizer: TfidfVectorizer, texts: Sequence[str]) -> sparse.csr_matrix:
    """The TF-IDF matrix of ``texts``, as ``vectorizer.transform(texts)`` gives it."""
    if not supported(vectorizer):
        return sparse.csr_matrix(vectorizer.transform(texts))
    if len(texts) == 0:
        return sparse.csr_matrix((0, len(vectorizer.vocabulary_)), dtype=vectorizer.dtype)
    x = _counts(vectorizer, texts)
    if x is None:  # an alphabet or a word list too large to pack n-grams into one integer
        return sparse.csr_matrix(vectorizer.transform(texts))
    x = x.astype(vectorizer.dtype)
    if vectorizer.sublinear_tf:
        np.log(x.data, x.data)
        x.data += 1.0
    if vectorizer.use_idf:
        x.data *= vectorizer.idf_[x.indices]
    if vectorizer.norm is not None:
        x = normalize(x, norm=vectorizer.norm, copy=False)
    return x


def _counts(vectorizer: TfidfVectorizer, texts: Sequence[str]) -> sparse.csr_matrix | None:
    """The n-gram counts of ``texts``, or None when the vocabulary cannot be packed."""
    if vectorizer.analyzer == "word":
        table = fast_words.table(vectorizer)
        return None if table is None else fast_words.counts(table, list(texts))
    table = _char_table(vectorizer)
    return None if table is None else _char_counts(table, [text.lower() for text in texts])


@dataclass(frozen=True)
class _CharTable:
    """A fitted char_wb vocabulary as numbers: letter -> letter number, packed n-gram -> feature."""

    letters: np.ndarray  # uint16 per code point; 0 for a letter the vocabulary never uses
    bits: int
    keys: np.ndarray  # sorted packed n-grams (int64)
    features: np.ndarray  # the feature index of each key
    ngram_range: tuple[int, int]
    width: int  # number of features
    separator: str  # a letter outside the alphabet


def _char_table(vectorizer: TfidfVectorizer) -> _CharTable | None:
    """The vectorizer's table, built once per fitted vectorizer; None if its alphabet is too large."""
    if vectorizer in _TABLES:
        return _TABLES[vectorizer]
    low, high = vectorizer.ngram_range
    terms = list(vectorizer.vocabulary_)
    alphabet = sorted({c for term in terms for c in term})
    bits = _BITS // high
    table = None
    if len(alphabet) < min(2**bits - 1, 2**16 - 1):  # letter numbers fit the key and a uint16
        letters = np.zeros(_UNICODE, dtype=np.uint16)
        letters[[ord(c) for c in alphabet]] = np.arange(1, len(alphabet) + 1)
        keys = np.zeros(len(terms), dtype=np.int64)
        for j, term in enumerate(terms):
            for c in term:
                keys[j] = (int(keys[j]) << bits) | int(letters[ord(c)])
        features = np.asarray([vectorizer.vocabulary_[t] for t in terms], dtype=np.int64)
        order = np.argsort(keys)
        separator = next(chr(c) for c in range(_UNICODE) if not letters[c])
        table = _CharTable(letters, bits, keys[order], features[order], (low, high), len(terms), separator)
    _TABLES[vectorizer] = table
    return table


def _char_counts(table: _CharTable, texts: list[str]) -> sparse.csr_matrix:
    """Counts of the vocabulary's char_wb n-grams in each text (rows) as a CSR matrix."""
    # Each word padded with a space as sklearn's char_wb does; a letter outside the alphabet between words
    # and after each text, so that no window spans two words.
    pieces = [table.separator.join(f" {word} " for word in text.split()) for text in texts]
    joined = table.separator.join(pieces) + table.separator
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    letters = table.letters[codes].astype(np.int64)  # separators and unknown letters are 0
    doc = np.repeat(np.arange(len(texts)), [len(piece) + 1 for piece in pieces])
    return fast_words.packed_counts(table, letters, doc, len(texts))
