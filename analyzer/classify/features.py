"""Features of a clause for the model: word and character n-grams, the deontic frame, taxonomy topics.

:class:`FeatureSpace` holds the two fitted ``TfidfVectorizer``s (plain scikit-learn objects, saved with
skops) and computes the dense part — the deontic frame vector of :mod:`analyzer.classify.deontic` and one
topic flag per principle from :func:`analyzer.taxonomy.topics` — which needs no fitted state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from analyzer.types import PRINCIPLE_IDS

DENSE_WEIGHT = 1.0


def word_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        ngram_range=(1, 3), min_df=2, max_features=60000, sublinear_tf=True, lowercase=True, dtype=np.float32
    )


def char_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        min_df=2,
        max_features=120000,
        sublinear_tf=True,
        lowercase=True,
        dtype=np.float32,
    )


@dataclass(frozen=True)
class Analysis:
    """What the rule side knows about one clause: its frame and the principles its words are about."""

    frame: object
    topics: dict[str, list[str]]


def analyse(texts: Sequence[str]) -> list[Analysis]:
    """The deontic frame and taxonomy topics of each text."""
    from analyzer.classify.deontic import analyze_many
    from analyzer.taxonomy import topics

    frames = analyze_many(texts)
    return [Analysis(frame, topics(text)) for frame, text in zip(frames, texts, strict=True)]


def dense_matrix(analyses: Sequence[Analysis]) -> np.ndarray:
    """Frame vector plus one topic flag per principle, as float32 rows."""
    from analyzer.classify.deontic import frame_vector

    rows = [
        list(frame_vector(a.frame)) + [1.0 if p in a.topics else 0.0 for p in PRINCIPLE_IDS] for a in analyses
    ]
    return np.asarray(rows, dtype=np.float32) * DENSE_WEIGHT


class FeatureSpace:
    """Word and character TF-IDF plus dense frame and topic features."""

    def __init__(self, word: TfidfVectorizer | None = None, char: TfidfVectorizer | None = None) -> None:
        self.word = word or word_vectorizer()
        self.char = char or char_vectorizer()

    def fit(self, texts: Sequence[str]) -> FeatureSpace:
        for vectorizer in (self.word, self.char):
            vectorizer.fit(texts)
            # The n-grams cut by min_df / max_features are kept only for introspection; they would make
            # the saved model ten times larger.
            vectorizer.stop_words_ = None
            # Plain ints, not numpy scalars: skops stores each numpy scalar as a file of its own.
            vectorizer.vocabulary_ = {term: int(index) for term, index in vectorizer.vocabulary_.items()}
        return self

    def transform(self, texts: Sequence[str], analyses: Sequence[Analysis]) -> sparse.csr_matrix:
        return sparse.hstack(
            [
                self.word.transform(texts),
                self.char.transform(texts),
                sparse.csr_matrix(dense_matrix(analyses)),
            ],
            format="csr",
        )
