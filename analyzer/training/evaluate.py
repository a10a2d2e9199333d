"""``dnh evaluate``: the figures of ``metrics.json`` recomputed for a saved model.

The dev split is scored with the saved model as it is; cross-validation refits fresh models on folds of
the train split with the same seed and folds as training, so the figures reproduce ``metrics.json``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from analyzer.corpus.dataset import _contrast_groups, default_corpus_dir, load_clauses
from analyzer.training.metrics import evaluate


def evaluate_model(
    classifier,
    *,
    corpus: Path | None = None,
    folds: int = 5,
    progress: Callable[[str], None] = lambda _: None,
) -> dict:
    from analyzer.classify.features import analyse
    from analyzer.training.train import SEED, cross_validated

    records = load_clauses((corpus or default_corpus_dir()) / "clauses.jsonl")
    emit = classifier.thresholds.emit
    dev = [r for r in records if r["split"] == "dev"]
    progress(f"scoring {len(dev)} dev clauses")
    texts = [r["text"] for r in dev]
    metrics = {
        "dev": evaluate(
            [r["findings"] for r in dev], classifier.model.probabilities(texts, analyse(texts)), emit=emit
        )
    }
    if folds:
        train_set = [r for r in records if r["split"] == "train"]
        texts = [r["text"] for r in train_set]
        groups = _contrast_groups(records)
        seed = classifier.model.meta.get("training", {}).get("seed", SEED)
        probabilities = cross_validated(
            texts,
            [r["findings"] for r in train_set],
            analyse(texts),
            [groups[r["id"]] for r in train_set],
            folds=folds,
            seed=seed,
            progress=progress,
        )
        metrics["cross_validation"] = {
            "folds": folds,
            **evaluate([r["findings"] for r in train_set], probabilities, emit=emit),
        }
    return metrics
