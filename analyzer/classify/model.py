"""The trained clause model: which principles a clause engages, then the stance it takes on each.

Two stages, because stance cues (negation, exceptions, provisos) are shared across principles while the
subject is not: an *engagement* head per principle (binary logistic regression: does the clause regulate
this principle's subject?) and one *stance* head over all findings (multinomial logistic regression on
the clause's features, the principle, and the principle × deontic-frame interactions). The probability
of a (principle, stance) finding is P(engaged) × P(stance | engaged), so a clause never gets two
stances for one principle. The model is saved with skops — never pickle — as ``model.skops`` beside
``meta.json``; loading lists the file's types first and refuses any outside :data:`TRUSTED_PREFIXES`, and
refuses a model trained on another taxonomy.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.dummy import DummyClassifier
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from analyzer.classify.features import Analysis, FeatureSpace, analyse, frame_row
from analyzer.types import PRINCIPLE_IDS

LABELS: tuple[str, ...] = ("NONE", "HARMFUL", "PROTECTIVE", "NEUTRAL")
MODEL_FILE = "model.skops"
META_FILE = "meta.json"
# Types a model file may contain: scikit-learn estimators and the numpy/scipy containers they hold.
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


def fit_calibrator(probabilities: np.ndarray, gold: np.ndarray) -> list[IsotonicRegression]:
    """Map the likeliest stance's probability to how often it is right, from out-of-fold predictions: one
    isotonic regression per stance (HARMFUL, PROTECTIVE, NEUTRAL), since the heads are not equally
    over- or under-confident about each."""
    stances = probabilities[:, :, 1:]
    best, confidence = stances.argmax(axis=2) + 1, stances.max(axis=2)
    mask = (confidence >= 0.05) | (gold != 0)
    calibrators = []
    for stance in range(1, len(LABELS)):
        chosen = mask & (best == stance)
        calibrator = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip", increasing=True)
        if chosen.sum() < 2:  # too few to fit: the identity on [0, 1]
            calibrators.append(calibrator.fit([0.0, 1.0], [0.0, 1.0]))
        else:
            calibrators.append(
                calibrator.fit(confidence[chosen], (gold[chosen] == stance).astype(np.float64))
            )
    return calibrators


def calibrated(probabilities: np.ndarray, calibrator: Sequence[IsotonicRegression] | None) -> np.ndarray:
    """Rescale each (clause, principle)'s stance probabilities so the likeliest one is calibrated by the
    calibrator of its stance."""
    if calibrator is None:
        return probabilities
    out = probabilities.copy()
    stances = out[:, :, 1:]
    best, top = stances.argmax(axis=2), stances.max(axis=2)
    target = np.zeros_like(top)
    for index, stance_calibrator in enumerate(calibrator):
        chosen = best == index
        if chosen.any():
            target[chosen] = stance_calibrator.predict(top[chosen])
    scale = np.divide(target, top, out=np.ones_like(top), where=top > 0)
    total = stances.sum(axis=2)
    stances *= np.minimum(scale, np.divide(1.0, total, out=np.ones_like(top), where=total > 0))[:, :, None]
    out[:, :, 0] = 1.0 - stances.sum(axis=2)
    return out


def _frames(analyses: Sequence[Analysis]) -> np.ndarray:
    return np.asarray([frame_row(a) for a in analyses], dtype=np.float32)


class ClauseModel:
    """Features, engagement heads and the stance head; ``probabilities`` gives (clauses, principles, labels)."""

    def __init__(
        self,
        features: FeatureSpace,
        engagement: dict[str, LogisticRegression | DummyClassifier],
        stance: LogisticRegression,
        meta: dict | None = None,
        calibrator: Sequence[IsotonicRegression] | None = None,
    ) -> None:
        self.features = features
        self.engagement = engagement
        self.stance = stance
        self.meta = meta or {}
        self.calibrator = calibrator

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        findings: Sequence[Sequence[dict]],
        *,
        analyses: Sequence[Analysis] | None = None,
        c_engagement: float = 10.0,
        c_stance: float = 10.0,
        seed: int = 13,
        encoder: str = "",
    ) -> ClauseModel:
        analyses = analyses if analyses is not None else analyse(texts)
        features = FeatureSpace(encoder=encoder).fit(texts)
        x = features.transform(texts, analyses)
        y = encode(findings)
        engagement = {}
        for column, principle in enumerate(PRINCIPLE_IDS):
            engaged = (y[:, column] > 0).astype(np.int64)
            if engaged.min() == engaged.max():  # a training set where no clause (or every clause) engages it
                head = DummyClassifier(strategy="constant", constant=int(engaged[0]))
            else:
                head = LogisticRegression(
                    C=c_engagement, class_weight={0: 1.0, 1: ENGAGED_WEIGHT}, max_iter=5000, random_state=seed
                )
            engagement[principle] = head.fit(x, engaged)
        rows, columns = np.nonzero(y)
        stance_x = _stance_matrix(x[rows], _frames([analyses[i] for i in rows]), columns)
        stance = LogisticRegression(C=c_stance, class_weight="balanced", max_iter=5000, random_state=seed)
        stance.fit(stance_x, y[rows, columns])
        return cls(features, engagement, stance)

    def probabilities(self, texts: Sequence[str], analyses: Sequence[Analysis] | None = None) -> np.ndarray:
        """P(label) per clause and principle, shape (len(texts), 13, 4), rows summing to one."""
        analyses = analyses if analyses is not None else analyse(texts)
        x = self.features.transform(texts, analyses)
        frames = _frames(analyses)
        out = np.zeros((len(texts), len(PRINCIPLE_IDS), len(LABELS)), dtype=np.float64)
        stance_columns = list(self.stance.classes_)
        stance_by_principle = self._stance_probabilities(x, frames)
        for column, principle in enumerate(PRINCIPLE_IDS):
            head = self.engagement[principle]
            classes = list(head.classes_)
            engaged = head.predict_proba(x)[:, classes.index(1)] if 1 in classes else np.zeros(len(texts))
            out[:, column, 0] = 1.0 - engaged
            out[:, column, stance_columns] = engaged[:, None] * stance_by_principle[column]
        return calibrated(out, self.calibrator)

    def _stance_probabilities(self, x: sparse.csr_matrix, frames: np.ndarray) -> list[np.ndarray]:
        """P(stance | engaged) for every principle, as the stance head computes it on
        ``_stance_matrix(x, frames, [principle] * n)``, without building that matrix thirteen times."""
        coef, intercept = self.stance.coef_, self.stance.intercept_
        width, count = x.shape[1], len(PRINCIPLE_IDS)
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
            "word": self.features.word,
            "char": self.features.char,
            "engagement": self.engagement,
            "stance": self.stance,
            "calibrator": self.calibrator,
            "encoder": self.features.encoder,
        }
        sio.dump(state, folder / MODEL_FILE, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
        (folder / META_FILE).write_text(
            json.dumps(self.meta, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        return folder

    @classmethod
    def load(cls, folder: Path, *, check_taxonomy: bool = True) -> ClauseModel:
        import skops.io as sio

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
        untrusted = sio.get_untrusted_types(file=path)
        refused = [t for t in untrusted if not t.startswith(TRUSTED_PREFIXES)]
        if refused:
            raise ModelError(
                f"{folder}: refusing to load unexpected types from the model file: {', '.join(refused)}"
            )
        state = sio.load(path, trusted=untrusted)
        encoder = state.get("encoder", "")
        if encoder:
            from analyzer.classify.encoder import INSTALL_HINT, available

            if not available():
                raise ModelError(f"{folder}: this model needs the sentence encoder {encoder}: {INSTALL_HINT}")
        return cls(
            FeatureSpace(state["word"], state["char"], encoder),
            state["engagement"],
            state["stance"],
            meta,
            state["calibrator"],
        )


def _check_taxonomy(folder: Path, meta: dict) -> None:
    from analyzer.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    trained = meta.get("taxonomy", {})
    if trained.get("hash") != taxonomy.content_hash:
        raise ModelError(
            f"{folder}: trained on taxonomy {trained.get('version')} ({str(trained.get('hash'))[:12]}), "
            f"but this version ships {taxonomy.version} ({taxonomy.content_hash[:12]}); retrain with `dnh train`"
        )
