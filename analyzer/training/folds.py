"""Out-of-fold head outputs, the folds fitted side by side in worker processes.

Cross-validation fits the clause model's heads once per fold, and the folds are independent: with
``workers`` above one (the default: one per core, at most one per fold) each fold is fitted in a forked
worker process, which inherits the clauses, their analyses and the split instead of receiving them,
and sends back only its two arrays of head outputs. A fit is seeded and does not depend on the process
it runs in, so the outputs are the same to the bit as fitting the folds one after the other (a test
checks this). Where processes cannot fork, or with one worker, the folds are fitted in this process.

Ctrl-C reaches the workers with the rest of the process group: each leaves at once, without a
traceback, and the interrupt stops the command. A worker that dies otherwise (killed, out of memory)
stops cross-validation with :class:`WorkerDied`, and so does one that neither answers nor dies
(deadlocked: a forked process can inherit a lock another thread of its parent held) once no fold has
come back for ``FOLD_PATIENCE`` seconds; its workers are then killed.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

import numpy as np

from analyzer.classify.features import Analysis
from analyzer.classify.model import LABELS, ClauseModel
from analyzer.processes import can_fork, end_pool, end_with_parent
from analyzer.types import PRINCIPLE_IDS

Split = tuple[np.ndarray, np.ndarray]
_INHERITED: dict = {}  # what a forked worker reads: set by the parent just before the pool forks
# Seconds without any fold coming back after which the workers are taken for stuck: a fold of the shipped
# model takes ~30 s on 7,000 clauses, one with the sentence encoder a few minutes.
FOLD_PATIENCE = 1800.0


class WorkerDied(RuntimeError):
    """A process fitting a fold died before it answered."""


def default_workers(folds: int) -> int:
    """One worker per core this process may use, at most one per fold."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(folds, cores))


def cross_validated(
    texts: Sequence[str],
    findings: Sequence[Sequence[dict]],
    analyses: Sequence[Analysis],
    splits: Sequence[Split],
    *,
    seed: int,
    encoder: str = "",
    workers: int | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold head outputs for every clause: (n, principles, labels) and the harm heads' (n, 1 +
    principles), as :meth:`ClauseModel.head_outputs` gives them."""
    data = {"texts": texts, "findings": findings, "analyses": analyses, "seed": seed, "encoder": encoder}
    workers = default_workers(len(splits)) if workers is None else max(1, min(workers, len(splits)))
    heads = np.zeros((len(texts), len(PRINCIPLE_IDS), len(LABELS)))
    harm = None
    for fold, (test, (fold_heads, fold_harm)) in enumerate(_fold_outputs(data, splits, workers), start=1):
        progress(f"cross-validation fold {fold}/{len(splits)}")
        heads[test] = fold_heads
        harm = np.zeros((len(texts), *fold_harm.shape[1:])) if harm is None else harm
        harm[test] = fold_harm
    return heads, harm


def _fold_outputs(data: dict, splits: Sequence[Split], workers: int):
    """(test indexes, head outputs) of each fold, in fold order, as each is fitted."""
    if workers == 1 or not can_fork():
        for train, test in splits:
            yield test, _fit_fold(data, train, test)
        return
    _INHERITED.update(data)
    context = mp.get_context("fork")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_start) as pool:
            futures = [pool.submit(_fit_inherited_fold, train, test) for train, test in splits]
            try:
                for (_, test), future in zip(splits, futures, strict=True):
                    yield test, _result(future, futures, pool)
            except BrokenProcessPool:
                raise WorkerDied(
                    "a process fitting a cross-validation fold died (killed or out of memory); "
                    "try again with --workers 1"
                ) from None
            finally:
                for future in futures:
                    future.cancel()
    finally:
        _INHERITED.clear()


def _result(future, futures: list, pool: ProcessPoolExecutor) -> tuple[np.ndarray, np.ndarray]:
    """The fold's outputs; while it runs, some fold must come back every ``FOLD_PATIENCE`` seconds, else
    the workers are killed and :class:`WorkerDied` raised."""
    while True:
        done, _ = wait(
            [future, *(f for f in futures if not f.done())],
            timeout=FOLD_PATIENCE,
            return_when=FIRST_COMPLETED,
        )
        if not done:
            end_pool(pool)
            raise WorkerDied(
                f"the processes fitting the cross-validation folds gave no answer in {FOLD_PATIENCE:g} s "
                "and were stopped; try again with --workers 1"
            )
        if future.done():
            return future.result()


def _worker_start() -> None:
    """A fold worker leaves at once on Ctrl-C (the interrupted parent stops the command) and when its
    parent ends however it ends (killed, it left the worker fitting for nobody), and freezes what it
    inherits, so that the collector never walks (and copies) the parent's objects."""
    signal.signal(signal.SIGINT, lambda *_: os._exit(130))
    end_with_parent()
    gc.freeze()


def _fit_inherited_fold(train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return _fit_fold(_INHERITED, train, test)


def _fit_fold(data: dict, train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The head outputs on the fold's test clauses of heads fitted on its train clauses."""
    texts, findings, analyses = data["texts"], data["findings"], data["analyses"]
    model = ClauseModel.fit(
        [texts[i] for i in train],
        [findings[i] for i in train],
        analyses=[analyses[i] for i in train],
        seed=data["seed"],
        encoder=data["encoder"],
    )
    return model.head_outputs([texts[i] for i in test], [analyses[i] for i in test])
