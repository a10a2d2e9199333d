"""The trained clause model: which principles a clause engages, the stance it takes on each, and whether it
harms at all.

Three kinds of head on the clause's features: an *engagement* head per principle (binary logistic
regression: does the clause regulate this principle's subject?), one *stance* head over all findings
(multinomial logistic regression on the clause's features, the principle, and the principle × deontic-frame
interactions), a clause *harm* head (binary: has the clause any HARMFUL finding?) and a *principle harm*
head per principle (binary: is the clause HARMFUL on this principle?). The heads give
P(engaged) × P(stance | engaged) per principle, so a clause never gets two stances for one principle;
the :mod:`~analyzer.classify.combine` combiner, fitted on out-of-fold head outputs, turns those and the
harm heads into calibrated probabilities. The principle harm heads answer in one step what the
engagement and stance heads answer in two, learning from every clause rather than only from those that
engage the principle; the combiner weighs both readings. The model is saved with skops — never pickle —
as ``model.skops`` beside ``meta.json``; loading lists the file's types first and refuses any outside
:data:`TRUSTED_PREFIXES`, and refuses a model trained on another taxonomy.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from analyzer.classify.combine import combined
from analyzer.classify.features import WORD_VECTORS, Analysis, FeatureSpace, analyse, frame_rows
from analyzer.classify.heads import HeadStack
from analyzer.types import PRINCIPLE_IDS

LABELS: tuple[str, ...] = ("NONE", "HARMFUL", "PROTECTIVE", "NEUTRAL")
MODEL_FILE = "model.skops"
META_FILE = "meta.json"
# Types a model file may contain beyond skops' own trusted set: classes (never functions, which a
# FunctionTransformer or a Pipeline step could call) of scikit-learn, numpy, scipy.sparse or builtins.
TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.sparse.", "builtins.")


class ModelError(ValueError):
    """A model folder that cannot be used, with a one-line reason."""


def encode(findings_per_clause: Sequence[Sequence[dict]]) -> np.ndarray:
    """Gold labels as an (n_clauses, n_principles) array of ``LABELS`` indexes."""
    y = np.zeros((len(findings_per_clause), len(PRINCIPLE_IDS)), dtype=np.int64)
    column = {p: i for i, p in enumerate(PRINCIPLE_IDS)}
    for row, findings in enumerate(findings_per_clause):
        for finding in findings:
            y[row, column[finding["principle"]]] = LABELS.index(finding["stance"])
    return y


STANCES = LABELS[1:]
ENGAGED_WEIGHT = 3.0  # class weight of "engaged" in the engagement heads (few clauses engage each principle)
HARM_WEIGHT = 1.0  # class weight of "harmful" in the clause and principle harm heads
C_ENGAGEMENT = 10.0  # inverse regularisation of the engagement heads
C_STANCE = 10.0  # ... of the stance head
C_HARM = 10.0  # ... of the clause harm head and the principle harm heads
NB_HEADS: frozenset[str] = frozenset({"harm"})  # heads fitted on Naive Bayes-scaled n-grams (nb_ratios)
NB_ALPHA = 0.01  # smoothing of the Naive Bayes ratios (TF-IDF weights, not counts: sums are small)


def _stance_matrix(x: sparse.csr_matrix, frames: np.ndarray, principles: Sequence[int]) -> sparse.csr_matrix:
    """Stance features: the clause's features, the principle, and principle × frame interactions."""
    rows = len(principles)
    onehot = np.zeros((rows, len(PRINCIPLE_IDS)), dtype=np.float32)
    onehot[np.arange(rows), principles] = 1.0
    interactions = (onehot[:, :, None] * frames[:, None, :]).reshape(rows, -1)
    return sparse.hstack([x, sparse.csr_matrix(onehot), sparse.csr_matrix(interactions)], format="csr")


def stance_confidence(probabilities: np.ndarray, gold: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(confidence, correct) of the likeliest stance, over the (clause, principle) pairs where the model
    gives a finding at least 5 % or the gold data has one: what a finding's ``confidence`` promises."""
    stances = probabilities[:, :, 1:]
    best, confidence = stances.argmax(axis=2) + 1, stances.max(axis=2)
    mask = (confidence >= 0.05) | (gold != 0)
    return confidence[mask], (best == gold)[mask].astype(np.float64)


def _binary_head(
    target: np.ndarray, c: float, positive_weight: float, seed: int
) -> LogisticRegression | DummyClassifier:
    """A logistic regression for a yes/no target, or a constant when the training set has one answer."""
    if target.min() == target.max():
        return DummyClassifier(strategy="constant", constant=int(target[0]))
    return LogisticRegression(
        C=c, class_weight={0: 1.0, 1: positive_weight}, max_iter=5000, random_state=seed
    )


def nb_ratios(
    x: sparse.csr_matrix, target: np.ndarray, ngrams: int, alpha: float | None = None
) -> np.ndarray:
    """Naive Bayes log-count ratios of the first ``ngrams`` columns (the n-gram weights) for a yes/no
    ``target``, and 1 for the other columns: how much likelier each n-gram's weight is among the "yes"
    clauses than among the "no" ones (Wang & Manning 2012, NBSVM)."""
    x, alpha = sparse.csr_matrix(x), NB_ALPHA if alpha is None else alpha
    yes = np.asarray(x[target == 1][:, :ngrams].sum(axis=0)).ravel() + alpha
    no = np.asarray(x[target == 0][:, :ngrams].sum(axis=0)).ravel() + alpha
    ratios = np.ones(x.shape[1], dtype=np.float64)
    ratios[:ngrams] = np.log((yes / yes.sum()) / (no / no.sum()))
    return ratios


def _fit_binary(
    x: sparse.csr_matrix, target: np.ndarray, c: float, positive_weight: float, seed: int, ngrams: int | None
) -> LogisticRegression | DummyClassifier:
    """A binary head fitted on ``x``; with ``ngrams``, on ``x`` with its n-gram columns scaled by their
    :func:`nb_ratios`, the scaling then folded into the coefficients, so that the head is an ordinary
    logistic regression on ``x`` (nothing else to save, and the same arithmetic at prediction)."""
    head = _binary_head(target, c, positive_weight, seed)
    if ngrams is None or isinstance(head, DummyClassifier):
        return head.fit(x, target)
    ratios = nb_ratios(x, target, ngrams)
    head.fit(sparse.csr_matrix(x.multiply(ratios.astype(x.dtype)[None, :])), target)
    head.coef_ = (head.coef_ * ratios[None, :]).astype(head.coef_.dtype)
    return head


def _per_principle(
    x: sparse.csr_matrix,
    targets: np.ndarray,
    c: float,
    positive_weight: float,
    seed: int,
    ngrams: int | None = None,
) -> dict[str, LogisticRegression | DummyClassifier]:
    """One binary head per principle, fitted on that principle's column of ``targets``."""
    return {
        principle: _fit_binary(x, targets[:, column], c, positive_weight, seed, ngrams)
        for column, principle in enumerate(PRINCIPLE_IDS)
    }


class ClauseModel:
    """Features and heads, and the combiner once training has fitted it; ``probabilities`` gives
    (clauses, principles, labels)."""

    def __init__(
        self,
        features: FeatureSpace,
        engagement: dict[str, LogisticRegression | DummyClassifier],
        stance: LogisticRegression,
        meta: dict | None = None,
        harm: LogisticRegression | DummyClassifier | None = None,
        combiner: Pipeline | None = None,
        principle_harm: dict[str, LogisticRegression | DummyClassifier] | None = None,
    ) -> None:
        self.features = features
        self.engagement = engagement
        self.stance = stance
        self.meta = meta or {}
        self.harm = harm
        self.combiner = combiner
        self.principle_harm = principle_harm

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        findings: Sequence[Sequence[dict]],
        *,
        analyses: Sequence[Analysis] | None = None,
        c_heads: float | None = None,
        seed: int = 13,
        encoder: str = "",
    ) -> ClauseModel:
        """Fit the features and the heads (not the combiner: it needs out-of-fold outputs, see training).
        ``c_heads``, when given, is the inverse regularisation of every head instead of the module's."""
        c_engagement, c_stance, c_harm = (c_heads,) * 3 if c_heads else (C_ENGAGEMENT, C_STANCE, C_HARM)
        analyses = analyses if analyses is not None else analyse(texts)
        # One BLAS thread: the solvers' dense products are small, and a second thread only spins (dnh
        # evaluate's cross-validation, serial, on two cores: 1 min 48 s wall and 3 min 2 s CPU with
        # OpenBLAS's two threads, 1 min 38 s and 1 min 45 s with one), and it would compete with
        # parallel folds.
        with threadpool_limits(limits=1):
            features = FeatureSpace(encoder=encoder).fit(texts)
            frames = frame_rows(analyses)
            x = features.transform(texts, analyses, frames)
            y = encode(findings)
            engaged = (y > 0).astype(np.int64)
            ngrams = len(features.word.vocabulary_) + len(features.char.vocabulary_)
            nb = {
                head: ngrams if head in NB_HEADS else None
                for head in ("engagement", "harm", "principle_harm")
            }
            engagement = _per_principle(x, engaged, c_engagement, ENGAGED_WEIGHT, seed, nb["engagement"])
            harmed = (y == LABELS.index("HARMFUL")).astype(np.int64)
            harmful = harmed.any(axis=1).astype(np.int64)
            harm = _fit_binary(x, harmful, c_harm, HARM_WEIGHT, seed, nb["harm"])
            principle_harm = _per_principle(x, harmed, c_harm, HARM_WEIGHT, seed, nb["principle_harm"])
            rows, columns = np.nonzero(y)
            stance_x = _stance_matrix(x[rows], frames[rows], columns)
            stance = LogisticRegression(C=c_stance, class_weight="balanced", max_iter=5000, random_state=seed)
            stance.fit(stance_x, y[rows, columns])
            return cls(features, engagement, stance, harm=harm, principle_harm=principle_harm)

    def probabilities(self, texts: Sequence[str], analyses: Sequence[Analysis] | None = None) -> np.ndarray:
        """P(label) per clause and principle, shape (len(texts), 13, 4), rows summing to one: the
        combiner's when the model has one, else the heads' own."""
        heads, harm = self.head_outputs(texts, analyses)
        return heads if self.combiner is None else combined(heads, harm, self.combiner)

    def head_outputs(
        self, texts: Sequence[str], analyses: Sequence[Analysis] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The heads' P(engaged) × P(stance | engaged), shape (len(texts), 13, 4), and the harm heads':
        P(any HARMFUL finding) then P(HARMFUL on the principle) for each principle, shape
        (len(texts), 14) — or only the first, shape (len(texts),), for a model without principle harm
        heads."""
        analyses = analyses if analyses is not None else analyse(texts)
        frames = frame_rows(analyses)
        x = self.features.transform(texts, analyses, frames)
        count = len(PRINCIPLE_IDS)
        positives, shared = self._stack(x.shape[1]).apply(x)
        out = np.zeros((len(texts), count, len(LABELS)), dtype=np.float64)
        stance_columns = list(self.stance.classes_)
        stance_by_principle = self._stance_probabilities(x, frames, shared)
        for column in range(count):
            engaged = positives[column]
            out[:, column, 0] = 1.0 - engaged
            out[:, column, stance_columns] = engaged[:, None] * stance_by_principle[column]
        own = self.harm is not None  # the clause harm head's column follows the engagement heads'
        harm = positives[count] if own else out[:, :, 1].max(axis=1)
        if self.principle_harm is not None:
            harm = np.column_stack([harm, *positives[count + own :]])
        return out, harm

    def _stack(self, width: int) -> HeadStack:
        """The heads as one :class:`~analyzer.classify.heads.HeadStack`, built once per set of heads."""
        heads = [self.engagement[p] for p in PRINCIPLE_IDS] + [self.harm] * (self.harm is not None)
        heads += [self.principle_harm[p] for p in PRINCIPLE_IDS] if self.principle_harm is not None else []
        stack = getattr(self, "_stacked", None)
        if stack is None or stack.key != (tuple(map(id, heads)), id(self.stance), width):
            stack = self._stacked = HeadStack(heads, self.stance, width)
        return stack

    def _stance_probabilities(
        self, x: sparse.csr_matrix, frames: np.ndarray, shared: np.ndarray | None = None
    ) -> list[np.ndarray]:
        """P(stance | engaged) for every principle, as the stance head computes it on
        ``_stance_matrix(x, frames, [principle] * n)``, without building that matrix thirteen times
        (``shared``: the clause part of the logits with the intercept, if the caller has it)."""
        coef, intercept = self.stance.coef_, self.stance.intercept_
        width, count = x.shape[1], len(PRINCIPLE_IDS)
        if shared is None:
            shared = np.asarray(x @ coef[:, :width].T) + intercept
        per_principle = coef[:, width : width + count]
        interactions = coef[:, width + count :].reshape(coef.shape[0], count, -1)
        result = []
        for column in range(count):
            logits = shared + per_principle[:, column] + frames @ interactions[:, column, :].T
            if logits.shape[1] == 1:  # a binary head: sklearn keeps one column of logits
                logits = np.hstack([-logits, logits]) / 2
            logits -= logits.max(axis=1, keepdims=True)
            exp = np.exp(logits)
            result.append(exp / exp.sum(axis=1, keepdims=True))
        return result

    def save(self, folder: Path) -> Path:
        import skops.io as sio

        folder.mkdir(parents=True, exist_ok=True)
        state = {
            "word": _without_vocabulary(self.features.word),
            "char": _without_vocabulary(self.features.char),
            "word_terms": _terms(self.features.word),
            "char_terms": _terms(self.features.char),
            "engagement": self.engagement,
            "stance": self.stance,
            "harm": self.harm,
            "combiner": self.combiner,
            "principle_harm": self.principle_harm,
            "encoder": self.features.encoder,
            "shape": self.features.shape,
            "word_vectors": None if self.features.vectors is None else self.features.vectors.arrays(),
        }
        sio.dump(state, folder / MODEL_FILE, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
        (folder / META_FILE).write_text(
            json.dumps(self.meta, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        return folder

    @classmethod
    def load(cls, folder: Path, *, check_taxonomy: bool = True) -> ClauseModel:
        folder = Path(folder)
        path, meta_path = folder / MODEL_FILE, folder / META_FILE
        if not path.is_file() or not meta_path.is_file():
            raise ModelError(
                f"{folder}: not a model folder (needs {MODEL_FILE} and {META_FILE}); run `dnh train`"
            )
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("labels") != list(LABELS) or meta.get("principles") != list(PRINCIPLE_IDS):
            raise ModelError(
                f"{folder}: the model's labels differ from this version's; retrain with `dnh train`"
            )
        if check_taxonomy:
            _check_taxonomy(folder, meta)
        state = _load_state(folder, path)
        for name in ("word", "char"):
            terms = state.get(f"{name}_terms")
            if terms is not None:  # saved since 2026-12-01; older files hold vocabulary_ itself
                state[name].vocabulary_ = {term: index for index, term in enumerate(terms.tolist())}
        encoder = state.get("encoder", "")
        if encoder:
            from analyzer.classify.encoder import ENCODERS, INSTALL_HINT, available

            if encoder not in ENCODERS:
                raise ModelError(
                    f"{folder}: the model needs the sentence encoder {encoder!r}, which this version lacks "
                    f"(it has {', '.join(ENCODERS)}); retrain with `dnh train`"
                )

            if not available():
                raise ModelError(f"{folder}: this model needs the sentence encoder {encoder}: {INSTALL_HINT}")
        vectors = state.get("word_vectors")
        if vectors is not None:
            from analyzer.classify.word_vectors import WordVectors

            vectors = WordVectors(**vectors)
        elif encoder == WORD_VECTORS:
            raise ModelError(
                f"{folder}: the model's {encoder} sentence vectors lack their word table; retrain"
            )
        return cls(
            FeatureSpace(state["word"], state["char"], encoder, vectors, bool(state.get("shape", False))),
            state["engagement"],
            state["stance"],
            meta,
            state.get("harm"),
            state.get("combiner"),
            state.get("principle_harm"),
        )


def _without_vocabulary(vectorizer):
    """A shallow copy of a fitted vectorizer without its ``vocabulary_``, which :func:`_terms` saves as
    one array: skops stores a dict entry by entry, and reading 180,000 entries back took most of the
    time a model takes to load."""
    import copy

    bare = copy.copy(vectorizer)
    del bare.vocabulary_
    return bare


def _terms(vectorizer) -> np.ndarray:
    """The vectorizer's n-grams in the order of their feature columns."""
    terms = [""] * len(vectorizer.vocabulary_)
    for term, index in vectorizer.vocabulary_.items():
        terms[index] = term
    return np.array(terms, dtype=str)


def _load_state(folder: Path, path: Path) -> dict:
    """The saved state, with no types beyond skops' own trusted set or, failing that, beyond the classes
    of :data:`TRUSTED_PREFIXES`. The first attempt reads the file once; only a file with other types is
    read a second time, to list them (skops refuses the first attempt before building anything)."""
    import skops.io as sio
    from skops.io.exceptions import UntrustedTypesFoundException

    try:
        return sio.load(path, trusted=[])
    except UntrustedTypesFoundException:
        pass
    untrusted = sio.get_untrusted_types(file=path)
    refused = [t for t in untrusted if not _trusted_type(t)]
    if refused:
        raise ModelError(
            f"{folder}: refusing to load unexpected types from the model file: {', '.join(refused)}"
        )
    return sio.load(path, trusted=untrusted)


def _check_taxonomy(folder: Path, meta: dict) -> None:
    from analyzer.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    trained = meta.get("taxonomy", {})
    if trained.get("hash") != taxonomy.content_hash:
        raise ModelError(
            f"{folder}: trained on taxonomy {trained.get('version')} ({str(trained.get('hash'))[:12]}), "
            f"but this version ships {taxonomy.version} ({taxonomy.content_hash[:12]}); retrain with `dnh train`"
        )


def _trusted_type(name: str) -> bool:
    """Whether ``name`` (``module.Name`` as skops lists it) is a class under :data:`TRUSTED_PREFIXES`;
    a function (``builtins.eval``, ``numpy.exp`` …) is refused, whatever its module."""
    import importlib

    if not name.startswith(TRUSTED_PREFIXES):
        return False
    module, _, attribute = name.rpartition(".")
    try:
        found = getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError, ValueError):
        return False
    return isinstance(found, type)
