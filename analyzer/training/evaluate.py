"""``dnh evaluate``: the figures of ``metrics.json`` recomputed for a saved model.

The dev split is scored with the saved model as it is; cross-validation refits fresh models on folds of
the train split with the same seed and folds as training, so the figures reproduce ``metrics.json``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from analyzer.corpus.dataset import contrast_groups, default_corpus_dir, load_clauses
from analyzer.training.metrics import evaluate


def document_figures(classifier, *, corpus: Path | None = None) -> dict:
    """Figures on the sample documents, end to end: each PDF read, segmented and classified, against its
    answer key. No sample document is used in training or tuning."""
    from analyzer.corpus.answer_keys import document_clauses, key_path, read_key

    folder = (corpus or default_corpus_dir()) / "documents"
    texts, gold = [], []
    for pdf in sorted(folder.glob("*.pdf")):
        key = key_path(pdf)
        if key.is_file():
            clauses = document_clauses(pdf)
            texts += [c.text for c in clauses]
            gold += [entry["findings"] for entry in read_key(key)]
    if not texts:
        return {}
    from analyzer.classify.features import analyse

    figures = evaluate(gold, classifier.probabilities(texts, analyse(texts)), emit=classifier.thresholds.emit)
    return {"documents": len(list(folder.glob("*.key.jsonl"))), **figures}


def evaluate_model(
    classifier,
    *,
    corpus: Path | None = None,
    folds: int = 5,
    progress: Callable[[str], None] = lambda _: None,
) -> dict:
    from analyzer.classify.features import analyse
    from analyzer.training.train import SEED, cross_validation

    records = load_clauses((corpus or default_corpus_dir()) / "clauses.jsonl")
    emit = classifier.thresholds.emit
    dev = [r for r in records if r["split"] == "dev"]
    progress(f"scoring {len(dev)} dev clauses")
    texts = [r["text"] for r in dev]
    metrics = {
        "dev": evaluate(
            [r["findings"] for r in dev], classifier.probabilities(texts, analyse(texts)), emit=emit
        )
    }
    documents = document_figures(classifier, corpus=corpus)
    if documents:
        metrics["sample_documents"] = documents
    if folds:
        train_set = [r for r in records if r["split"] == "train"]
        texts = [r["text"] for r in train_set]
        groups = contrast_groups(records)
        seed = classifier.model.meta.get("training", {}).get("seed", SEED)
        probabilities, _ = cross_validation(
            texts,
            [r["findings"] for r in train_set],
            analyse(texts),
            [groups[r["id"]] for r in train_set],
            folds=folds,
            seed=seed,
            encoder=classifier.model.features.encoder,
            progress=progress,
        )
        metrics["cross_validation"] = {
            "folds": folds,
            **evaluate([r["findings"] for r in train_set], probabilities, emit=emit),
        }
    return metrics
