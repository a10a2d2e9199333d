"""Word n-gram counts for :mod:`analyzer.classify.fast_tfidf`, as ``TfidfVectorizer(analyzer="word")``
counts them, with numpy instead of one Python string per n-gram.

scikit-learn joins every run of one to three tokens into a string and looks each up in the vocabulary.
Here each token of the batch becomes the number of its word among the words the vocabulary's terms use
(0 for any other word, and between two texts); a window of n tokens without a 0 packs its word numbers
into one integer (21 bits a word for trigrams: exact, no hashing), looked up among the vocabulary's
sorted keys with ``searchsorted``. The tokens are scikit-learn's own (its ``token_pattern`` over the
lower-cased text), so the counts are the same.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

_BITS = 63  # bits a packed n-gram may use (an int64 key)
# scikit-learn's default token pattern: tokens never hold a space, so a term splits into its tokens
DEFAULT_TOKEN_PATTERN = r"(?u)\b\w\w+\b"
_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def supported(v: TfidfVectorizer) -> bool:
    """Whether :func:`counts` reproduces this fitted word vectorizer's counts."""
    return v.analyzer == "word" and v.token_pattern == DEFAULT_TOKEN_PATTERN and v.ngram_range[0] >= 1


@dataclass(frozen=True)
class WordTable:
    """A fitted word vocabulary as numbers: word -> word number, packed n-gram -> feature."""

    words: dict[str, int]  # every word the vocabulary's terms use, numbered from 1
    bits: int
    keys: np.ndarray  # sorted packed n-grams (int64)
    features: np.ndarray  # the feature index of each key
    ngram_range: tuple[int, int]
    width: int  # number of features
    lowercase: bool
    tokens: re.Pattern[str]


def table(vectorizer: TfidfVectorizer) -> WordTable | None:
    """The vectorizer's table, built once per fitted vectorizer; None if its words are too many to pack
    its longest n-grams into one integer."""
    if vectorizer in _TABLES:
        return _TABLES[vectorizer]
    low, high = vectorizer.ngram_range
    bits = _BITS // high
    words: dict[str, int] = {}
    terms = [term.split(" ") for term in vectorizer.vocabulary_]
    for term in terms:
        for word in term:
            words.setdefault(word, len(words) + 1)
    found = None
    if len(words) < 2**bits:
        keys = np.zeros(len(terms), dtype=np.int64)
        for j, term in enumerate(terms):
            for word in term:
                keys[j] = (int(keys[j]) << bits) | words[word]
        features = np.fromiter(vectorizer.vocabulary_.values(), dtype=np.int64, count=len(terms))
        order = np.argsort(keys)
        pattern = re.compile(vectorizer.token_pattern)
        found = WordTable(
            words, bits, keys[order], features[order], (low, high), len(terms), vectorizer.lowercase, pattern
        )
    _TABLES[vectorizer] = found
    return found


def counts(table: WordTable, texts: list[str]) -> sparse.csr_matrix:
    """Counts of the vocabulary's word n-grams in each text (rows) as a CSR matrix."""
    lookup, findall = table.words.get, table.tokens.findall
    numbers: list[int] = []
    lengths = []
    for text in texts:
        tokens = findall(text.lower() if table.lowercase else text)
        numbers += [lookup(token, 0) for token in tokens]
        numbers.append(0)  # no n-gram spans two texts
        lengths.append(len(tokens) + 1)
    words = np.asarray(numbers, dtype=np.int64)
    return packed_counts(table, words, np.repeat(np.arange(len(texts)), lengths), len(texts))


def packed_counts(table, symbols: np.ndarray, doc: np.ndarray, rows: int) -> sparse.csr_matrix:
    """Counts of a vocabulary's n-grams as a CSR matrix of ``rows`` texts, from one int64 sequence of
    symbol numbers (``symbols``: words or letters, 0 between texts and wherever no n-gram may span) and
    the text each symbol belongs to (``doc``). ``table`` has ``bits`` per symbol, the sorted packed
    n-gram ``keys`` with their ``features``, the ``ngram_range`` and the ``width`` (number of features)."""
    zeros = np.concatenate([[0], np.cumsum(symbols == 0)])
    found_rows, columns = [], []
    low, high = table.ngram_range
    for n in range(low, high + 1):
        count = len(symbols) - n + 1
        if count <= 0:
            break
        key = np.zeros(count, dtype=np.int64)
        for k in range(n):
            key = (key << table.bits) | symbols[k : k + count]
        inside = np.flatnonzero(zeros[n : n + count] == zeros[:count])  # no 0 in the window
        key = key[inside]
        slot = np.minimum(np.searchsorted(table.keys, key), len(table.keys) - 1)
        hit = table.keys[slot] == key
        found_rows.append(doc[inside[hit]])
        columns.append(table.features[slot[hit]])
    row = np.concatenate(found_rows) if found_rows else np.zeros(0, dtype=np.int64)
    column = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int64)
    x = sparse.csr_matrix((np.ones(len(row)), (row, column)), shape=(rows, table.width))
    x.sum_duplicates()
    return x
