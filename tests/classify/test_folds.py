"""Cross-validation folds fitted side by side in worker processes (analyzer.training.folds) give the
same out-of-fold outputs as folds fitted one after the other."""

from __future__ import annotations

import multiprocessing as mp
import os

import numpy as np
import pytest

from analyzer.classify.features import analyse
from analyzer.corpus.dataset import load_clauses
from analyzer.training import folds
from analyzer.training.train import _folds


def _small_train_split(count: int = 90):
    records = [r for r in load_clauses() if r["split"] == "train"][:count]
    texts = [r["text"] for r in records]
    return texts, [r["findings"] for r in records], analyse(texts)


FORKS = pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="folds run in process")


@FORKS
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
    assert np.allclose(heads_1.sum(axis=2), 1.0)  # every clause got some fold's probabilities
    assert lines[1] == lines[2] == [f"cross-validation fold {k}/3" for k in (1, 2, 3)]
    assert folds._INHERITED == {}  # the parent lets go of what the workers inherited


def test_default_workers_are_the_cores_but_never_more_than_the_folds(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1, 2, 3}, raising=False)
    assert folds.default_workers(5) == 4
    assert folds.default_workers(3) == 3
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0}, raising=False)
    assert folds.default_workers(5) == 1


@FORKS
def test_a_fold_worker_that_dies_stops_cross_validation_with_one_clear_error(monkeypatch):
    texts, findings, analyses = _small_train_split(30)
    splits = _folds(len(texts), [str(i) for i in range(len(texts))], folds=2, seed=13)
    parent = os.getpid()

    def dies_in_a_worker(data, train, test):
        if os.getpid() != parent:
            os._exit(9)  # as a worker killed by the kernel for want of memory would
        raise AssertionError("the fold was fitted in the parent")

    monkeypatch.setattr(folds, "_fit_fold", dies_in_a_worker)
    with pytest.raises(folds.WorkerDied, match="died .*--workers 1"):
        folds.cross_validated(texts, findings, analyses, splits, seed=13, workers=2)
    assert folds._INHERITED == {}


def test_folds_whose_workers_stop_answering_are_stopped(monkeypatch):
    """A fold worker that neither answers nor dies (a lock inherited held) stopped `dnh train` for ever."""
    import time

    from helpers import wait_for_ever

    texts, findings, analyses = _small_train_split(30)
    splits = _folds(len(texts), [str(i) for i in range(len(texts))], folds=2, seed=13)
    monkeypatch.setattr(folds, "_fit_fold", lambda data, train, test: wait_for_ever())
    monkeypatch.setattr(folds, "FOLD_PATIENCE", 3.0)
    started = time.monotonic()
    with pytest.raises(folds.WorkerDied, match="no answer in 3 s .*--workers 1"):
        folds.cross_validated(texts, findings, analyses, splits, seed=13, workers=2)
    assert time.monotonic() - started < 60
    assert folds._INHERITED == {}
