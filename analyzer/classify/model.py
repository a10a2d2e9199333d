"""The trained clause model: one calibrated multinomial logistic regression per principle.

For each principle the head predicts one of ``LABELS`` (no finding, HARMFUL, PROTECTIVE, NEUTRAL) from
the features of :mod:`analyzer.classify.features`, so a clause never gets two stances for one principle.
Probabilities are calibrated (sigmoid, cross-validated). The model is saved with skops — never pickle —
as ``model.skops`` beside ``meta.json``; loading lists the file's types first and refuses any outside
:data:`TRUSTED_PREFIXES`, and refuses a model trained on another taxonomy.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from analyzer.classify.features import Analysis, FeatureSpace, analyse
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


def _head(*, c: float, seed: int) -> CalibratedClassifierCV:
    base = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
    return CalibratedClassifierCV(
        base, method="sigmoid", cv=StratifiedKFold(3, shuffle=True, random_state=seed)
    )


class ClauseModel:
    """Features and per-principle heads; ``probabilities`` gives (clauses, principles, labels)."""

    def __init__(self, features: FeatureSpace, heads: dict[str, object], meta: dict | None = None) -> None:
        self.features = features
        self.heads = heads
        self.meta = meta or {}

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        findings: Sequence[Sequence[dict]],
        *,
        analyses: Sequence[Analysis] | None = None,
        c: float = 4.0,
        seed: int = 13,
    ) -> ClauseModel:
        analyses = analyses if analyses is not None else analyse(texts)
        features = FeatureSpace().fit(texts)
        x = features.transform(texts, analyses)
        y = encode(findings)
        heads = {}
        for column, principle in enumerate(PRINCIPLE_IDS):
            heads[principle] = _head(c=c, seed=seed).fit(x, y[:, column])
        return cls(features, heads)

    def probabilities(self, texts: Sequence[str], analyses: Sequence[Analysis] | None = None) -> np.ndarray:
        """P(label) per clause and principle, shape (len(texts), 13, 4); classes unseen in training get 0."""
        analyses = analyses if analyses is not None else analyse(texts)
        x = self.features.transform(texts, analyses)
        out = np.zeros((len(texts), len(PRINCIPLE_IDS), len(LABELS)), dtype=np.float64)
        for column, principle in enumerate(PRINCIPLE_IDS):
            head = self.heads[principle]
            out[:, column, head.classes_] = head.predict_proba(x)
        return out

    def save(self, folder: Path) -> Path:
        import skops.io as sio

        folder.mkdir(parents=True, exist_ok=True)
        state = {"word": self.features.word, "char": self.features.char, "heads": self.heads}
        sio.dump(state, folder / MODEL_FILE)
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
        return cls(FeatureSpace(state["word"], state["char"]), state["heads"], meta)


def _check_taxonomy(folder: Path, meta: dict) -> None:
    from analyzer.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    trained = meta.get("taxonomy", {})
    if trained.get("hash") != taxonomy.content_hash:
        raise ModelError(
            f"{folder}: trained on taxonomy {trained.get('version')} ({str(trained.get('hash'))[:12]}), "
            f"but this version ships {taxonomy.version} ({taxonomy.content_hash[:12]}); retrain with `dnh train`"
        )
