"""Audit many documents: in worker processes, resumable through the store.

:func:`audit_many` yields ``(path, AuditResult)`` or ``(path, InputError)`` as documents finish, so one
failing document never stops a batch. Where processes fork, a batch of two or more documents is audited
by a pool of ``workers`` processes (one by default) that inherit the caller's classifier; elsewhere each
worker loads the model once, and ``workers=1`` audits in this process. Results come back to the caller,
which writes reports and the store. ``skip`` lets a re-run pass over documents already stored with the
same model version. With ``scheduler`` (``"local"`` or ``tcp://HOST:PORT``) the documents go to a Dask
cluster instead (:mod:`analyzer.batch_dask`).

A worker process is itself the isolation that a parse needs (:mod:`analyzer.ingest.isolate`): it reads
each document in place, under the same time and memory limits, instead of forking a child per document
and receiving the ``Document`` back (~70 ms of CPU time saved per 10-page PDF). The pool keeps at most
``workers`` documents in flight. If a worker process dies (killed, out of memory, or ended by the
watchdog of a parse stuck in C code), the pool is rebuilt: documents that were in flight are retried one
at a time, so the document that kills its worker is recorded as failed and the others are audited.
A worker that neither answers nor dies (deadlocked: a forked process can inherit a lock that another
thread of its parent held) is treated the same way once no document has come back for ``--timeout``
plus ``WATCHDOG_GRACE`` plus ``AUDIT_ALLOWANCE`` seconds: with a time limit, the batch never waits for
ever.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path

from analyzer.errors import InputError
from analyzer.ingest import DEFAULT_TIMEOUT
from analyzer.ingest.isolate import WATCHDOG_GRACE
from analyzer.processes import can_fork, end_pool, end_with_parent, exit_quietly_on_interrupt
from analyzer.types import AuditResult

_WORKER_CLASSIFIER = None
WORKER_DIED = "the worker process auditing it died (killed, out of memory or stuck past --timeout)"
# Seconds a worker may take over one document beyond its parse limit (--timeout, which OCR is part of)
# and the watchdog's grace: segmenting and classifying the largest document allowed (2,000 pages) takes
# well under a minute. A pool with nothing back for longer is stuck, and its workers are stopped.
AUDIT_ALLOWANCE = 600.0


def _init_forked_worker() -> None:
    gc.freeze()  # what it inherits is never garbage: the collector need not walk (and copy) it
    exit_quietly_on_interrupt()
    end_with_parent()


def _init_worker(model: Path | None) -> None:
    global _WORKER_CLASSIFIER
    from analyzer.classify.classifier import Classifier

    exit_quietly_on_interrupt()
    end_with_parent()
    _WORKER_CLASSIFIER = Classifier.load(model)


def _audit_in_worker(path: Path, options: dict) -> AuditResult | InputError:
    from analyzer.pipeline import audit_document

    try:
        return audit_document(path, classifier=_WORKER_CLASSIFIER, in_worker=True, **options)
    except InputError as error:
        return error


def audit_many(
    paths: Sequence[Path],
    *,
    workers: int | None = 1,
    scheduler: str | None = None,
    model: Path | None = None,
    classifier=None,
    skip: Callable[[Path], bool] = lambda _: False,
    **options,
) -> Iterator[tuple[Path, AuditResult | InputError | None]]:
    """Audit ``paths``; yield each path with its result, its refusal, or ``None`` when skipped.

    ``options`` go to :func:`analyzer.pipeline.audit_document` (country, doc_type, password, and the
    options of ``read_document``: limits, OCR, engine).
    """
    todo = []
    for path in paths:
        if skip(path):
            yield path, None
        else:
            todo.append(path)
    if scheduler:
        from analyzer.batch_dask import audit_on_cluster

        yield from audit_on_cluster(todo, scheduler=scheduler, workers=workers, model=model, options=options)
    elif len(todo) <= 1 or ((workers or 1) <= 1 and not can_fork()):
        yield from _audit_here(todo, model=model, classifier=classifier, options=options)
    else:
        yield from _audit_in_pool(
            todo, workers=workers or 1, model=model, classifier=classifier, options=options
        )


def _audit_here(todo, *, model, classifier, options) -> Iterator[tuple[Path, AuditResult | InputError]]:
    from analyzer.pipeline import audit_document

    if classifier is None:
        from analyzer.classify.classifier import Classifier

        classifier = Classifier.load(model)
    for path in todo:
        try:
            yield path, audit_document(path, classifier=classifier, **options)
        except InputError as error:
            yield path, error


def _audit_in_pool(
    todo, *, workers: int, model, classifier, options
) -> Iterator[tuple[Path, AuditResult | InputError]]:
    """Audit in a process pool; rebuild it when a worker dies or stops answering, and isolate the
    documents in flight."""
    queue, suspects = list(reversed(todo)), []
    patience = _patience(options)
    while queue or suspects:
        # after a crash, the suspects run alone: the one that kills its worker again is the culprit
        isolating = bool(suspects)
        batch, size = (suspects, 1) if isolating else (queue, workers)
        crashed: list[Path] = []
        stuck = False
        with _pool(size, model, classifier) as pool, _stopped_at_once(pool):
            running = {}
            while (batch or running) and not crashed:
                _fill(pool, running, batch, size, options)
                done, _ = wait(running, timeout=patience, return_when=FIRST_COMPLETED)
                if not done:  # nothing back within the patience: the workers are stuck
                    end_pool(pool)
                    stuck = True
                    break
                finished = []
                for future in done:
                    path = running.pop(future)
                    try:
                        finished.append((path, future.result()))
                    except BrokenProcessPool:
                        crashed.append(path)
                    except Exception as error:  # noqa: BLE001 - e.g. a result that cannot travel back
                        said = " ".join(str(error).split())[:200]
                        reason = f"the worker auditing it failed ({type(error).__name__}{': ' if said else ''}{said})"
                        finished.append((path, InputError(path, reason)))
                if not crashed:  # the workers go on while the caller handles what finished
                    _fill(pool, running, batch, size, options)
                yield from finished
            crashed += running.values()
        if isolating:
            reason = _stuck_reason(patience) if stuck else WORKER_DIED
            for path in crashed:
                yield path, InputError(path, reason)
        else:
            suspects = list(reversed(crashed))


def _patience(options: dict) -> float | None:
    """Seconds the pool waits for some document to come back before it takes its workers for stuck;
    ``None`` (for ever) when the parse has no time limit."""
    timeout = options.get("timeout", DEFAULT_TIMEOUT)
    return None if timeout is None else timeout + WATCHDOG_GRACE + AUDIT_ALLOWANCE


def _stuck_reason(waited: float) -> str:
    return f"the worker process auditing it gave no answer in {waited:g} s and was stopped"


@contextmanager
def _stopped_at_once(pool: ProcessPoolExecutor):
    """On an interruption (Ctrl+C, or the SIGTERM that ``dnh audit`` turns into one) or the caller leaving
    the batch, end the workers now: the pool's own exit waits for the documents in progress (up to
    --timeout each) and their results would be thrown away anyway."""
    try:
        yield
    except (KeyboardInterrupt, GeneratorExit):
        end_pool(pool)
        raise


def _fill(pool: ProcessPoolExecutor, running: dict, batch: list[Path], size: int, options: dict) -> None:
    """Submit documents from the end of ``batch`` until ``size`` are in flight."""
    while batch and len(running) < size:
        path = batch.pop()
        running[pool.submit(_audit_in_worker, path, options)] = path


def _pool(size: int, model, classifier) -> ProcessPoolExecutor:
    """A pool of ``size`` workers. Forked workers inherit the caller's classifier, loaded and warmed
    once here, instead of each loading the model again; they freeze what they inherit, so that the
    collector never walks the model's objects (which would copy every page that holds one)."""
    global _WORKER_CLASSIFIER
    if can_fork():
        if classifier is None:
            from analyzer.classify.classifier import Classifier

            classifier = Classifier.load(model)
        classifier.classify_texts(["warm-up"], ["The victim shall not be detained."])
        _WORKER_CLASSIFIER = classifier
        return ProcessPoolExecutor(
            max_workers=size, mp_context=mp.get_context("fork"), initializer=_init_forked_worker
        )
    return ProcessPoolExecutor(
        max_workers=size, mp_context=mp.get_context("spawn"), initializer=_init_worker, initargs=(model,)
    )
