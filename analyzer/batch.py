"""Audit many documents: in this process or in parallel worker processes, resumable through the store.

:func:`audit_many` yields ``(path, AuditResult)`` or ``(path, InputError)`` as documents finish, so one
failing document never stops a batch. With ``workers > 1`` each worker process loads the classifier once
and audits whole documents; results come back to the caller, which writes reports and the store.
``skip`` lets a re-run pass over documents already stored with the same model version.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path

from analyzer.errors import InputError
from analyzer.types import AuditResult

_WORKER_CLASSIFIER = None


def _init_worker(model: Path | None) -> None:
    global _WORKER_CLASSIFIER
    from analyzer.classify.classifier import Classifier

    _WORKER_CLASSIFIER = Classifier.load(model)


def _audit_in_worker(path: Path, options: dict) -> AuditResult | InputError:
    from analyzer.pipeline import audit_document

    try:
        return audit_document(path, classifier=_WORKER_CLASSIFIER, **options)
    except InputError as error:
        return error


def audit_many(
    paths: Sequence[Path],
    *,
    workers: int = 1,
    model: Path | None = None,
    classifier=None,
    skip: Callable[[Path], bool] = lambda _: False,
    **options,
) -> Iterator[tuple[Path, AuditResult | InputError | None]]:
    """Audit ``paths``; yield each path with its result, its refusal, or ``None`` when skipped.

    ``options`` go to :func:`analyzer.pipeline.audit_document` (country, doc_type, password, and the options of ``read_document``).
    """
    from analyzer.pipeline import audit_document

    todo = []
    for path in paths:
        if skip(path):
            yield path, None
        else:
            todo.append(path)
    if workers <= 1 or len(todo) <= 1:
        if classifier is None:
            from analyzer.classify.classifier import Classifier

            classifier = Classifier.load(model)
        for path in todo:
            try:
                yield path, audit_document(path, classifier=classifier, **options)
            except InputError as error:
                yield path, error
        return
    context = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(model,)
    ) as pool:
        pending = {pool.submit(_audit_in_worker, path, options): path for path in todo}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                path = pending.pop(future)
                try:
                    yield path, future.result()
                except Exception as error:  # noqa: BLE001 - a crashed worker is that document's failure
                    yield path, InputError(path, f"the worker auditing it failed ({type(error).__name__})")
