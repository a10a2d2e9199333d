"""Audit documents on a Dask distributed cluster: a ``LocalCluster`` or an existing scheduler.

:func:`audit_on_cluster` submits one task per document and yields ``(path, AuditResult | InputError)``
as tasks finish, like the process pool of :mod:`analyzer.batch`: the caller writes reports and the store.
Each worker process loads the classifier once. Workers read documents by path, so a remote cluster must
see the same files (a shared folder). Results travel back through Dask's own serialisation: use only a
cluster you trust, as for any Dask cluster.

A task that fails (a worker killed while auditing it, a parse that crashes) becomes that document's
``InputError``; the other documents go on. A scheduler that cannot be reached raises
:class:`SchedulerUnreachable` with a one-line reason.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from analyzer.errors import InputError
from analyzer.types import AuditResult

CONNECT_TIMEOUT = 10.0
_CLASSIFIERS: dict = {}


class SchedulerUnreachable(Exception):
    """The Dask scheduler address given cannot be reached or is not an address."""


def audit_task(path: Path, model: Path | None, options: dict) -> AuditResult | InputError:
    """Audit one document on a worker; a refusal is returned, not raised, so it keeps its reason."""
    from analyzer.classify.classifier import Classifier
    from analyzer.pipeline import audit_document

    key = str(model)
    if key not in _CLASSIFIERS:
        _CLASSIFIERS[key] = Classifier.load(model)
    if mp.current_process().daemon:  # a daemonic worker cannot start the parser's time-limited child
        options = {**options, "timeout": None}
    try:
        return audit_document(path, classifier=_CLASSIFIERS[key], **options)
    except InputError as error:
        return error


@contextmanager
def cluster_client(scheduler: str, *, workers: int | None = None, timeout: float | None = None):
    """A Dask client: on a new ``LocalCluster`` when ``scheduler`` is ``"local"``, else on its address.

    The local cluster runs ``workers`` processes (default: one per core) of one thread each, without a
    dashboard, and is shut down on exit.
    """
    import dask
    from distributed import Client, LocalCluster

    timeout = timeout or CONNECT_TIMEOUT
    if scheduler == "local":
        settings = {"distributed.worker.daemon": False, "distributed.scheduler.allowed-failures": 1}
        with dask.config.set(settings):
            cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
        try:
            with Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    if "://" not in scheduler:
        raise SchedulerUnreachable(
            f"--scheduler {scheduler}: give 'local' or an address such as tcp://HOST:8786"
        )
    try:
        client = Client(scheduler, timeout=f"{timeout:g}s")
    except (OSError, TimeoutError, ValueError) as error:
        detail = " ".join(str(error).split()) or type(error).__name__
        raise SchedulerUnreachable(
            f"cannot reach the Dask scheduler at {scheduler} within {timeout:g} s ({detail})"
        ) from None
    with client:
        yield client


def audit_on_cluster(
    paths: Sequence[Path],
    *,
    scheduler: str,
    workers: int | None = None,
    model: Path | None = None,
    options: dict | None = None,
) -> Iterator[tuple[Path, AuditResult | InputError]]:
    """Audit ``paths`` on the cluster; yield each path with its result or refusal as it finishes."""
    from distributed import as_completed

    run = uuid.uuid4().hex[:12]  # task keys unique to this run: a shared scheduler must not mix batches
    with cluster_client(scheduler, workers=workers) as client:
        futures = {
            client.submit(audit_task, path, model, options or {}, key=f"dnh-audit-{run}-{i}"): path
            for i, path in enumerate(paths)
        }
        for future in as_completed(futures):
            path = futures[future]
            try:
                result = future.result()
            except Exception as error:  # noqa: BLE001 - a failed task is that document's failure
                result = InputError(path, f"the Dask worker auditing it failed ({type(error).__name__})")
            future.release()
            yield path, result
