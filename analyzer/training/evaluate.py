"""``dnh evaluate``: the figures of ``metrics.json`` recomputed for a saved model.

The dev split is scored with the saved model as it is; cross-validation refits fresh models on folds of
the train split with the same seed and folds as training, so the figures reproduce ``metrics.json`` of a
model trained by this version's code (for an older model, cross-validation describes today's method).
With a folder of real legislation, the documents that have a key in ``corpus/legislation/`` are scored
end to end as well (not part of ``metrics.json``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from analyzer.corpus.answer_keys import KEY_SUFFIX
from analyzer.corpus.dataset import contrast_groups, default_corpus_dir, load_clauses
from analyzer.training.metrics import evaluate

LEGISLATION = "legislation"  # corpus/legislation/: answer keys of real legislation, without its text


def document_figures(classifier, *, corpus: Path | None = None) -> dict:
    """Figures on the sample documents, end to end: each PDF read, segmented and classified, against its
    answer key. No sample document is used in training or tuning."""
    from analyzer.corpus.answer_keys import document_clauses, key_path, read_key

    folder = (corpus or default_corpus_dir()) / "documents"
    pairs = [
        (document_clauses(pdf), read_key(key_path(pdf)))
        for pdf in sorted(folder.glob("*.pdf"))
        if key_path(pdf).is_file()
    ]
    return _figures(classifier, pairs)


def legislation_figures(
    classifier,
    fixtures: Path,
    *,
    corpus: Path | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> dict:
    """Figures on real legislation, end to end, like :func:`document_figures`: every key in
    ``corpus/legislation/`` (``STEM.key.jsonl``, clauses identified by hash, no text) is scored against
    the document ``STEM.*`` in ``fixtures``. A missing document is skipped with one progress line; a key
    that no longer lines up with the document's clauses raises an :class:`InputError` naming the clause."""
    from analyzer.corpus.answer_keys import document_clauses, key_problems, read_key
    from analyzer.errors import InputError
    from analyzer.ingest import READERS

    if not fixtures.is_dir():
        raise InputError(fixtures, "no such folder (the folder holding the legislation documents)")
    pairs = []
    for key in sorted((corpus or default_corpus_dir()).joinpath(LEGISLATION).glob(f"*{KEY_SUFFIX}")):
        stem = key.name[: -len(KEY_SUFFIX)]
        documents = [
            fixtures / f"{stem}{suffix}" for suffix in READERS if (fixtures / f"{stem}{suffix}").is_file()
        ]
        if not documents:
            progress(f"skipped {stem}: no such document in {fixtures}")
            continue
        progress(f"scoring {documents[0].name}")
        clauses, entries = document_clauses(documents[0]), read_key(key)
        problems = key_problems(clauses, entries)
        if problems:
            raise InputError(key, f"does not line up with {documents[0].name}: {'; '.join(problems[:2])}")
        pairs.append((clauses, entries))
    return _figures(classifier, pairs)


def _figures(classifier, pairs: list[tuple[list, list[dict]]]) -> dict:
    """The metrics of the clauses of every (clauses, key) pair scored together; empty without clauses."""
    texts = [c.text for clauses, _ in pairs for c in clauses]
    gold = [entry["findings"] for _, key in pairs for entry in key]
    if not texts:
        return {}
    from analyzer.classify.features import analyse

    figures = evaluate(gold, classifier.probabilities(texts, analyse(texts)), emit=classifier.thresholds.emit)
    return {"documents": len(pairs), **figures}


def evaluate_model(
    classifier,
    *,
    corpus: Path | None = None,
    folds: int = 5,
    workers: int | None = None,
    legislation: Path | None = None,
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
    if legislation is not None:
        laws = legislation_figures(classifier, legislation, corpus=corpus, progress=progress)
        if laws:
            metrics["legislation"] = laws
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
            workers=workers,
            progress=progress,
        )
        metrics["cross_validation"] = {
            "folds": folds,
            **evaluate([r["findings"] for r in train_set], probabilities, emit=emit),
        }
    return metrics
