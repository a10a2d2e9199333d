"""The shipped clause model: metric floors on held-out data, contrast pairs, save/load and safety checks.

Floors sit a little below the figures in models/clause-classifier/metrics.json so that a regression fails
the suite; they are not the product targets (see the model card).
"""

from __future__ import annotations

import copy
import json
import shutil
from functools import cache

import numpy as np
import pytest

from analyzer.classify import model as model_module
from analyzer.classify.classifier import Classifier
from analyzer.classify.features import analyse
from analyzer.classify.model import ClauseModel, ModelError
from analyzer.corpus.dataset import label_set, load_clauses
from analyzer.training.metrics import evaluate
from analyzer.training.train import default_model_dir
from analyzer.types import PRINCIPLE_IDS

# Floors on the dev split (1,770 clauses; the shipped model: harmful-clause F1 0.830, macro 0.720, false
# alarms 0.040, ECE 0.046), a little below the measured figures so that retraining noise (±0.01-0.02 from
# a few clauses) does not fail them, and close enough that a real regression does. The false-alarm rate is
# a share of the dev clauses without a finding, where one clause moves it by about 0.3 points.
DEV_FLOORS = {
    "harmful_clause_f1": 0.80,
    "harmful_macro_f1": 0.69,
    "false_alarm_rate": 0.055,
    "calibration_error": 0.07,
}


@cache
def classifier() -> Classifier:
    return Classifier.load()


@cache
def dev_figures() -> dict:
    dev = [r for r in load_clauses() if r["split"] == "dev"]
    texts = [r["text"] for r in dev]
    probabilities = classifier().probabilities(texts, analyse(texts))
    return evaluate([r["findings"] for r in dev], probabilities, emit=classifier().thresholds.emit)


def test_dev_split_harmful_clause_f1_floor():
    assert dev_figures()["harmful_clause"]["f1"] >= DEV_FLOORS["harmful_clause_f1"]


def test_dev_split_harmful_macro_f1_floor():
    assert dev_figures()["harmful_macro_f1"] >= DEV_FLOORS["harmful_macro_f1"]


def test_dev_split_false_alarms_ceiling():
    assert dev_figures()["false_alarm_rate"] <= DEV_FLOORS["false_alarm_rate"]


def test_dev_split_calibration_error_ceiling():
    assert dev_figures()["calibration_error"] <= DEV_FLOORS["calibration_error"]


def test_shipped_metrics_match_the_dev_split():
    shipped = json.loads((default_model_dir() / "metrics.json").read_text(encoding="utf-8"))["dev"]
    assert shipped == dev_figures()


def test_most_dev_contrast_pairs_get_different_findings():
    records = {r["id"]: r for r in load_clauses()}
    pairs = [
        (r, records[r["contrast_of"]]) for r in records.values() if r["contrast_of"] and r["split"] == "dev"
    ]
    assert len(pairs) >= 10
    ids = [p[0]["id"] for p in pairs] + [p[1]["id"] for p in pairs]
    texts = [p[0]["text"] for p in pairs] + [p[1]["text"] for p in pairs]
    findings = dict(zip(ids, classifier().classify_texts(ids, texts), strict=True))

    def labels(record_id):
        return {(f.principle, f.stance) for f in findings[record_id] if not f.needs_review}

    differing = sum(labels(a["id"]) != labels(b["id"]) for a, b in pairs)
    assert differing / len(pairs) >= 0.5
    assert all(label_set(a) != label_set(b) for a, b in pairs)


@pytest.mark.parametrize(
    ("case", "text", "principle", "stance"),
    [
        (
            "negated detention",
            "No trafficked person shall be held in a police cell or an immigration depot.",
            "NON_DETENTION",
            "PROTECTIVE",
        ),
        (
            "assistance tied to testimony",
            "Shelter and a monthly allowance shall be provided only to victims who agree to testify against the accused.",
            "UNCONDITIONAL_ASSISTANCE",
            "HARMFUL",
        ),
        (
            "forced return",
            "Foreign victims shall be deported within seven days of their rescue.",
            "VOLUNTARY_SAFE_RETURN",
            "HARMFUL",
        ),
        (
            "return whatever the person wants",
            "Once the trial is over, foreign victims shall be deported to their country of origin, whether or not "
            "they consent to return.",
            "VOLUNTARY_SAFE_RETURN",
            "HARMFUL",
        ),
    ],
)
def test_clear_cases_are_read_right(case, text, principle, stance):
    findings = classifier().classify_texts(["x"], [text])[0]
    assert (principle, stance) in {(f.principle, f.stance) for f in findings}, case


def _spread_harm(rng, clauses: int, harm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Head outputs where each clause's HARMFUL mass is spread over principles 0 and 1 (0 a little
    likelier), and gold labels where the clause is harmful on principle 0 exactly when ``harm`` is high."""
    heads = rng.dirichlet(np.ones(4) * 4, size=(clauses, 13)) * 0.1
    heads[:, :, 0] = 0.0
    heads[:, 0, 1], heads[:, 1, 1] = 0.22, 0.20
    heads[:, :, 0] = 1.0 - heads[:, :, 1:].sum(axis=2)
    gold = np.zeros((clauses, 13), dtype=np.int64)
    gold[harm > 0.5, 0] = 1
    return heads, gold


def test_the_combiner_keeps_rows_whole():
    from analyzer.classify.combine import combined, fit_combiner

    rng = np.random.default_rng(5)
    heads = rng.dirichlet(np.ones(4), size=(300, 13))
    harm = rng.uniform(size=300)
    gold = rng.integers(0, 4, size=(300, 13))
    out = combined(heads, harm, fit_combiner(heads, harm, gold, seed=13))
    assert out.shape == heads.shape
    np.testing.assert_allclose(out.sum(axis=2), 1.0)
    assert (out >= 0).all()


def test_the_harm_head_lifts_the_likeliest_principle_of_a_clause_whose_harm_is_spread():
    from analyzer.classify.combine import combined, fit_combiner

    rng = np.random.default_rng(7)
    harm = rng.uniform(size=400)
    heads, gold = _spread_harm(rng, 400, harm)
    combiner = fit_combiner(heads, harm, gold, seed=13)
    probe, _ = _spread_harm(rng, 2, np.array([0.95, 0.05]))
    out = combined(probe, np.array([0.95, 0.05]), combiner)
    assert out[0, 0, 1] >= 0.5 > out[1, 0, 1]  # harmful clause: a finding on principle 0; harmless: none
    assert out[0, 1, 1] < 0.5  # and not on the runner-up


def test_the_principle_harm_heads_let_the_combiner_tell_which_principle_is_harmed():
    """The other heads see the same HARMFUL mass on principles 0 and 1; only the principle harm heads
    say which one the clause harms, and the combiner follows them."""
    from analyzer.classify.combine import combined, fit_combiner

    rng = np.random.default_rng(11)
    clauses = 600
    heads, _ = _spread_harm(rng, clauses, np.ones(clauses))
    heads[:, 1] = heads[:, 0]  # the heads cannot tell principle 0 from 1
    target = rng.integers(0, 2, size=clauses)  # the principle each clause harms
    per_principle = np.full((clauses, 13), 0.02)
    per_principle[np.arange(clauses), target] = rng.uniform(0.6, 0.95, size=clauses)
    harm = np.column_stack([np.full(clauses, 0.9), per_principle])
    gold = np.zeros((clauses, 13), dtype=np.int64)
    gold[np.arange(clauses), target] = 1
    out = combined(heads, harm, fit_combiner(heads, harm, gold, seed=13))
    picked = out[:, :2, 1].argmax(axis=1)
    assert (picked == target).mean() > 0.95
    np.testing.assert_allclose(out.sum(axis=2), 1.0)


def test_the_combiner_still_reads_a_model_without_principle_harm_heads():
    """Head outputs with the clause harm head alone (a model trained before the principle harm heads)."""
    from analyzer.classify.combine import combiner_inputs

    rng = np.random.default_rng(3)
    heads = rng.dirichlet(np.ones(4), size=(5, 13))
    clause_only = combiner_inputs(heads, rng.uniform(size=5))
    with_principles = combiner_inputs(heads, rng.uniform(size=(5, 14)))
    assert clause_only.shape[0] == with_principles.shape[0] == 5 * 13
    assert with_principles.shape[1] == clause_only.shape[1] + 2


def test_the_shipped_model_has_harm_heads_and_a_combiner():
    model = classifier().model
    assert model.harm is not None and model.combiner is not None
    assert sorted(model.principle_harm) == sorted(PRINCIPLE_IDS)
    texts = [r["text"] for r in load_clauses()[:40]]
    heads, harm = model.head_outputs(texts, analyse(texts))
    assert heads.shape == (40, 13, 4) and harm.shape == (40, 1 + 13)
    np.testing.assert_allclose(model.probabilities(texts).sum(axis=2), 1.0)


def test_a_penalty_on_traffickers_is_no_finding():
    text = "Whoever detains a trafficked person or confiscates her passport shall be punished with imprisonment of ten years."
    assert classifier().classify_texts(["x"], [text])[0] == []


def test_every_finding_carries_an_explanation():
    texts = [r["text"] for r in load_clauses() if r["split"] == "dev"][:80]
    for findings in classifier().classify_texts([str(i) for i in range(len(texts))], texts):
        for finding in findings:
            assert finding.rationale.endswith(".") and len(finding.rationale) > 20
            assert 0.0 <= finding.confidence <= 1.0
            assert finding.model_version and finding.taxonomy_version


@cache
def small_model() -> ClauseModel:
    train = [r for r in load_clauses() if r["split"] == "train"][:300]
    model = ClauseModel.fit([r["text"] for r in train], [r["findings"] for r in train])
    model.meta = dict(classifier().model.meta)
    return model


def test_save_and_load_give_the_same_probabilities(tmp_path):
    texts = [r["text"] for r in load_clauses()[:50]]
    before = small_model().probabilities(texts)
    small_model().save(tmp_path / "m")
    after = ClauseModel.load(tmp_path / "m").probabilities(texts)
    np.testing.assert_allclose(before, after)
    assert not list((tmp_path / "m").glob("*.pkl"))


def test_vocabularies_are_saved_as_arrays_and_older_files_still_load(tmp_path, monkeypatch):
    import skops.io as sio

    texts = [r["text"] for r in load_clauses()[:50]]
    model = small_model()
    vocabulary = dict(model.features.char.vocabulary_)
    model.save(tmp_path / "m")
    assert model.features.char.vocabulary_ == vocabulary  # saving leaves the model in use as it was
    state = sio.load(tmp_path / "m" / model_module.MODEL_FILE, trusted=[])
    assert not hasattr(state["char"], "vocabulary_") and len(state["char_terms"]) == len(vocabulary)
    assert ClauseModel.load(tmp_path / "m").features.char.vocabulary_ == vocabulary

    # a file saved before the arrays: the vocabularies inside the vectorizers, their indexes plain ints
    def with_vocabulary(vectorizer):
        old = copy.copy(vectorizer)
        old.vocabulary_ = {term: int(index) for term, index in vectorizer.vocabulary_.items()}
        return old

    monkeypatch.setattr(model_module, "_without_vocabulary", with_vocabulary)
    monkeypatch.setattr(model_module, "_terms", lambda vectorizer: None)
    model.save(tmp_path / "old")
    assert hasattr(sio.load(tmp_path / "old" / model_module.MODEL_FILE, trusted=[])["char"], "vocabulary_")
    np.testing.assert_array_equal(
        ClauseModel.load(tmp_path / "old").probabilities(texts), model.probabilities(texts)
    )


def test_loading_refuses_a_model_trained_on_another_taxonomy(tmp_path):
    folder = tmp_path / "m"
    shutil.copytree(default_model_dir(), folder)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    meta["taxonomy"]["hash"] = "0" * 64
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match="taxonomy"):
        ClauseModel.load(folder)


def test_loading_refuses_unexpected_types(tmp_path):
    import fractions

    import skops.io as sio

    folder = tmp_path / "m"
    shutil.copytree(default_model_dir(), folder)
    sio.dump(
        {"word": None, "char": None, "payload": fractions.Fraction(1, 3)}, folder / model_module.MODEL_FILE
    )
    with pytest.raises(ModelError, match="refusing to load unexpected types.*fractions.Fraction"):
        ClauseModel.load(folder)


@pytest.mark.parametrize("function", ["print", "eval"])
def test_loading_refuses_a_function_a_pipeline_step_would_call(tmp_path, function):
    """A FunctionTransformer in a Pipeline (the combiner is one) would call its function on every
    classification: a builtin or numpy function is refused although its module is trusted."""
    import builtins

    import skops.io as sio
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    folder = tmp_path / "m"
    shutil.copytree(default_model_dir(), folder)
    step = FunctionTransformer(func=getattr(builtins, function))
    sio.dump({"word": None, "char": None, "combiner": make_pipeline(step)}, folder / model_module.MODEL_FILE)
    with pytest.raises(ModelError, match=f"refusing to load unexpected types.*builtins.{function}"):
        ClauseModel.load(folder)


def test_loading_a_folder_without_a_model_says_how_to_get_one(tmp_path):
    with pytest.raises(ModelError, match="dnh train"):
        ClauseModel.load(tmp_path)


def test_fast_stance_probabilities_equal_the_stance_heads_own():
    from analyzer.classify.features import frame_rows
    from analyzer.classify.model import _stance_matrix

    model = classifier().model
    texts = [r["text"] for r in load_clauses()[:60]]
    analyses = analyse(texts)
    x, frames = model.features.transform(texts, analyses), frame_rows(analyses)
    fast = model._stance_probabilities(x, frames)
    for column in range(len(fast)):
        slow = model.stance.predict_proba(_stance_matrix(x, frames, [column] * len(texts)))
        np.testing.assert_allclose(fast[column], slow, rtol=1e-5, atol=1e-7)  # float32 features


def test_naive_bayes_scaling_is_folded_into_an_ordinary_head():
    """The harm head fitted on NB-scaled n-grams predicts on the unscaled features what a head fitted
    and asked on the scaled ones predicts; an n-gram seen only in harmful clauses gets a positive ratio,
    one seen only in the others a negative one, and the other columns keep 1."""
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(3)
    dense = rng.random((60, 8)) * (rng.random((60, 8)) < 0.4)
    target = (rng.random(60) < 0.4).astype(np.int64)
    dense[:, 0], dense[:, 1] = (target == 1) * 0.5, (target == 0) * 0.5
    x = sparse.csr_matrix(dense, dtype=np.float32)
    ratios = model_module.nb_ratios(x, target, ngrams=6)
    assert ratios[0] > 1 and ratios[1] < -1 and np.all(ratios[6:] == 1)
    head = model_module._fit_binary(x, target, 10.0, 1.0, 13, ngrams=6)
    scaled = sparse.csr_matrix(x.multiply(ratios.astype(np.float32)[None, :]))
    reference = LogisticRegression(C=10.0, class_weight={0: 1.0, 1: 1.0}, max_iter=5000, random_state=13)
    reference.fit(scaled, target)
    np.testing.assert_allclose(head.predict_proba(x), reference.predict_proba(scaled), rtol=1e-5, atol=1e-6)
    assert isinstance(head, LogisticRegression) and head.coef_.shape == (1, 8)


def test_classification_runs_blas_on_one_thread_and_then_restores_it(monkeypatch):
    """Classification limits BLAS to one thread (a second only spins) for its own batch, not for the
    rest of the program."""
    from threadpoolctl import threadpool_info

    from analyzer.classify import classifier as classifier_module

    def blas_threads() -> list[int]:
        return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

    real, seen = classifier_module.final_probabilities, []
    monkeypatch.setattr(
        classifier_module, "final_probabilities", lambda *a: seen.append(blas_threads()) or real(*a)
    )
    before = blas_threads()
    classifier().classify_texts(["a"], ["Victims shall not be detained."])
    assert seen and seen[0] and all(count == 1 for count in seen[0])
    assert blas_threads() == before


def test_batches_classified_at_once_in_threads_leave_the_blas_threads_as_they_were():
    """The dashboard's sessions classify in threads of one process: the limit is shared, set by the
    first batch and lifted by the last (one thread restoring another's saved limit left BLAS at one)."""
    import threading

    from threadpoolctl import threadpool_info

    before = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    texts = [f"Victims shall not be detained in centre {i}." for i in range(200)]
    threads = [
        threading.Thread(target=classifier().classify_texts, args=([str(i) for i in range(200)], texts))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"] == before
