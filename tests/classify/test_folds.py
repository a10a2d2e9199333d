"""Cross-validation folds fitted side by side in worker processes (analyzer.training.folds) give the
same out-of-fold outputs as folds fitted one after the other."""

from __future__ import annotations

import numpy as np

from analyzer.classify.features import analyse
from analyzer.corpus.dataset import load_clauses
from analyzer.training import folds
from analyzer.training.train import _folds


def _small_train_split(count: int = 90):
    records = [r for r in load_clauses() if r["split"] == "train"][:count]
    texts = [r["text"] for r in records]
    return texts, [r["findings"] for r in records], analyse(texts)


def test_folds_in_two_workers_give_the_outputs_of_one_process_bit_for_bit():
    texts, findings, analyses = _small_train_split()
    splits = _folds(len(texts), [str(i) for i in range(len(texts))], folds=3, seed=13)
    lines = {1: [], 2: []}
    outputs = {
        workers: folds.cross_validated(
            texts, findings, analyses, splits, seed=13, workers=workers, progress=lines[workers].append
        )
        for workers in (1, 2)
    }
    (heads_1, harm_1), (heads_2, harm_2) = outputs[1], outputs[2]
    assert np.array_equal(heads_1, heads_2) and np.array_equal(harm_1, harm_2)
    assert heads_1.any() and harm_1.any()  # every clause was some fold's test clause
    assert lines[1] == lines[2] == [f"cross-validation fold {k}/3" for k in (1, 2, 3)]
    assert folds._INHERITED == {}  # the parent lets go of what the workers inherited


def test_default_workers_are_the_cores_but_never_more_than_the_folds():
    assert 1 <= folds.default_workers(5) <= 5
    assert folds.default_workers(1) == 1
