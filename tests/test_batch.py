"""Batch audits: parallel workers give the serial results, re-runs resume, a bad file does not stop a batch."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from helpers import run_command, wait_for_ever
from typer.testing import CliRunner

from analyzer import batch_dask, ingest
from analyzer.batch import audit_many
from analyzer.cli import app
from analyzer.errors import InputError
from analyzer.ingest.build import sha256_of as file_sha256
from analyzer.pipeline import audit_document
from analyzer.store import Store

DOCUMENTS = Path(__file__).resolve().parents[1] / "corpus" / "documents"
PDFS = [
    DOCUMENTS / "my-shelter-sop.pdf",
    DOCUMENTS / "th-immigration-circular.pdf",
    DOCUMENTS / "la-th-return-mou.pdf",
]


def _findings(results):
    return {
        path.name: sorted((f.clause_id, f.principle, f.stance, f.confidence) for f in result.findings)
        for path, result in results
    }


@pytest.fixture(scope="module")
def classifier():
    from analyzer.classify.classifier import Classifier

    return Classifier.load()


@pytest.fixture(scope="module")
def serial(classifier):
    """The findings of the documents audited one after the other in this process, each read in a child."""
    return _findings((path, audit_document(path, classifier=classifier, country="XX")) for path in PDFS)


@pytest.mark.parametrize("workers", [None, 1, 2])
def test_a_pool_of_workers_gives_the_serial_findings(serial, classifier, workers):
    parallel = _findings(audit_many(PDFS, workers=workers, classifier=classifier, country="XX"))
    assert parallel == serial and len(serial) == len(PDFS)


def _reading_process(log: Path):
    """A PDF reader that notes which process reads each file (its pid and its parent's)."""
    from analyzer.ingest.pdf_fast import read_pdf_fast

    def read(path, **options):
        with log.open("a") as handle:
            handle.write(f"{Path(path).name} {os.getpid()} {os.getppid()}\n")
        if Path(path).name == "hangs.pdf":
            while True:  # pure Python: the alarm stops it
                time.sleep(0.05)
        return read_pdf_fast(path, **options)

    return read


def test_workers_read_in_place_and_a_hanging_parse_is_stopped(tmp_path, monkeypatch, classifier):
    log = tmp_path / "reads.log"
    hangs = tmp_path / "hangs.pdf"
    hangs.write_bytes(PDFS[0].read_bytes())
    monkeypatch.setattr(ingest, "_reader", lambda suffix, engine: _reading_process(log))
    started = time.monotonic()
    results = dict(
        audit_many([*PDFS[:2], hangs], workers=2, classifier=classifier, timeout=2, engine="pdfium")
    )
    assert time.monotonic() - started < 60
    assert "took longer than 2 s" in str(results[hangs])
    assert all(results[path].findings for path in PDFS[:2])
    reads = [line.split() for line in log.read_text().splitlines()]
    assert sorted(name for name, *_ in reads) == sorted([PDFS[0].name, PDFS[1].name, "hangs.pdf"])
    # read by the workers themselves: children of this process, not grandchildren forked per document
    assert all(int(parent) == os.getpid() for *_, parent in reads)
    assert len({pid for _, pid, _ in reads}) <= 2


def test_a_bad_file_is_reported_and_the_batch_goes_on(tmp_path, classifier):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 truncated")
    results = dict(audit_many([bad, PDFS[0]], workers=2, classifier=classifier))
    assert isinstance(results[bad], InputError)
    assert results[PDFS[0]].findings


def test_skipped_documents_are_yielded_without_auditing(classifier):
    stored = {file_sha256(PDFS[0])}
    results = dict(audit_many(PDFS[:2], classifier=classifier, skip=lambda path: file_sha256(path) in stored))
    assert results[PDFS[0]] is None and results[PDFS[1]].clauses


def test_a_local_dask_cluster_gives_the_serial_findings(serial):
    on_cluster = _findings(audit_many(PDFS, scheduler="local", workers=1, country="XX"))
    assert on_cluster == serial


def test_an_existing_dask_scheduler_receives_the_documents(classifier, monkeypatch):
    from distributed import LocalCluster

    monkeypatch.setitem(batch_dask._CLASSIFIERS, "None", classifier)
    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        results = dict(audit_many(PDFS[:1], scheduler=cluster.scheduler_address, engine="pdfium"))
    assert results[PDFS[0]].findings


def test_an_unreachable_scheduler_is_one_line_and_exit_2(tmp_path, monkeypatch):
    monkeypatch.setattr("analyzer.batch_dask.CONNECT_TIMEOUT", 0.5)
    for address, reason in [("tcp://127.0.0.1:9", "cannot reach"), ("somewhere", "give 'local'")]:
        outcome = CliRunner().invoke(
            app, ["audit", str(PDFS[0]), "--scheduler", address, "--no-store", "--out", str(tmp_path)]
        )
        assert outcome.exit_code == 2
        assert reason in outcome.output and len(outcome.output.strip().splitlines()) == 1


def _dies_on(victim: str, *, marker: Path | None = None):
    """An ``audit_document`` whose worker process dies on ``victim`` (only once when ``marker`` is given)."""
    from analyzer import pipeline

    real = pipeline.audit_document

    def audit_document(path, **options):
        if Path(path).name == victim and (marker is None or not marker.exists()):
            if marker is not None:
                marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return real(path, **options)

    return audit_document


def _stored(db: Path) -> list[tuple[str, int, int]]:
    """(file name, clause rows, distinct clause ids) per stored document."""
    with Store(db) as store:
        frame = store.query(
            "SELECT d.file_name, count(c.clause_id) AS rows, count(DISTINCT c.clause_id) AS distinct_ids "
            "FROM documents d LEFT JOIN clauses c USING (doc_id, model_version) "
            "GROUP BY d.doc_id, d.file_name ORDER BY d.file_name"
        )
    return [(row.file_name, row.rows, row.distinct_ids) for row in frame.itertuples()]


def test_a_batch_whose_worker_is_killed_resumes_with_every_document_stored_once(tmp_path, monkeypatch):
    folder = tmp_path / "docs"
    folder.mkdir()
    for pdf in PDFS:
        (folder / pdf.name).write_bytes(pdf.read_bytes())
    db, out = tmp_path / "store.duckdb", tmp_path / "out"
    args = ["audit", str(folder), "--workers", "2", "--db", str(db), "--out", str(out), "-f", "json"]
    with monkeypatch.context() as patched:  # the worker auditing this document is killed every time
        patched.setattr("analyzer.pipeline.audit_document", _dies_on(PDFS[1].name))
        first = CliRunner().invoke(app, args)
    assert first.exit_code == 2 and "worker process auditing it died" in first.output
    assert [name for name, *_ in _stored(db)] == sorted([PDFS[0].name, PDFS[2].name])
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0, again.output
    assert again.output.count("skipped (--no-resume redoes it)") == 2
    stored = _stored(db)
    assert [name for name, *_ in stored] == sorted(p.name for p in PDFS)  # each document once
    assert all(rows == distinct > 0 for _, rows, distinct in stored)  # its clauses once each


def test_a_worker_that_dies_once_is_replaced_and_the_batch_completes(tmp_path, monkeypatch, classifier):
    monkeypatch.setattr("analyzer.pipeline.audit_document", _dies_on(PDFS[0].name, marker=tmp_path / "died"))
    results = dict(audit_many(PDFS, workers=2, classifier=classifier))
    assert (tmp_path / "died").exists()
    assert all(not isinstance(result, InputError) for result in results.values())
    assert sorted(results) == sorted(PDFS)


def _deadlocks_on(victim: str):
    """An ``audit_document`` whose worker process waits for ever on ``victim``, neither answering nor
    dying: as a forked worker does that inherited a lock held by another thread of its parent."""
    from analyzer import pipeline

    real = pipeline.audit_document

    def audit_document(path, **options):
        if Path(path).name == victim:
            wait_for_ever()
        return real(path, **options)

    return audit_document


def test_a_worker_that_stops_answering_is_stopped_and_the_batch_completes(monkeypatch, classifier):
    monkeypatch.setattr("analyzer.pipeline.audit_document", _deadlocks_on(PDFS[1].name))
    monkeypatch.setattr("analyzer.batch.WATCHDOG_GRACE", 0.0)
    monkeypatch.setattr("analyzer.batch.AUDIT_ALLOWANCE", 5.0)  # the pool waits 10 + 0 + 5 s for an answer
    started = time.monotonic()
    results = dict(audit_many(PDFS, workers=2, classifier=classifier, timeout=10, engine="pdfium"))
    assert time.monotonic() - started < 150
    assert "gave no answer in 15 s and was stopped" in str(results[PDFS[1]])
    assert results[PDFS[0]].findings and results[PDFS[2]].findings


def _alive_with(marker: str) -> list[str]:
    """The processes whose command line names ``marker`` (Linux's /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker in (entry / "cmdline").read_bytes().decode(errors="replace"):
                found.append(entry.name)
        except OSError:
            continue
    return found


@pytest.mark.parametrize("stop", ["ctrl-c", "kill"])
def test_ctrl_c_during_a_batch_says_so_in_one_line_and_the_same_command_resumes(tmp_path, stop):
    """Ctrl+C reaches the whole process group: the workers end silently (each printed a traceback) and
    dnh prints one line, exit status 130; the same command then audits what is missing. ``kill`` (SIGTERM
    to dnh alone) does the same, and no worker outlives it (they kept auditing for nobody)."""
    import subprocess
    import sys

    from analyzer.store import Store, load_documents

    folder = tmp_path / "docs"
    folder.mkdir()
    samples = sorted((Path(__file__).resolve().parents[1] / "corpus" / "documents").glob("*.pdf"))
    for pdf in samples:
        (folder / pdf.name).write_bytes(pdf.read_bytes())
    dnh = Path(sys.executable).parent / "dnh"
    db = tmp_path / "store.duckdb"
    command = [
        str(dnh),
        "audit",
        str(folder),
        "--workers",
        "2",
        "--db",
        str(db),
        "--out",
        str(tmp_path / "o"),
    ]
    process = subprocess.Popen(
        [*command, "-f", "json"],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # as from a terminal: a job a script puts in the background inherits SIGINT ignored, and so would dnh
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    # reading stderr to its end waits for ever if dnh or a worker never ends: after 5 minutes they are killed
    watchdog = threading.Timer(300, os.killpg, (process.pid, signal.SIGKILL))
    watchdog.start()
    seen = []
    try:
        for line in process.stderr:  # the first document done, then Ctrl+C
            seen.append(line)
            if line.startswith("[1/"):
                if stop == "ctrl-c":
                    os.killpg(process.pid, signal.SIGINT)
                else:
                    os.kill(process.pid, signal.SIGTERM)
                break
        seen += process.stderr.readlines()
        assert process.wait(timeout=120) == 130, seen
    finally:
        watchdog.cancel()
    deadline = time.monotonic() + 30
    while _alive_with(str(db)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive_with(str(db)), "a worker outlived dnh"
    said = "".join(seen)
    assert "Traceback" not in said and "Error" not in said, said
    assert [line for line in seen if line.startswith("dnh: interrupted after ")], said
    again = run_command([*command, "-f", "json"], capture_output=True, text=True, timeout=600, check=False)
    assert again.returncode == 0, again.stderr[-2000:]
    with Store(db) as store:
        stored = load_documents(store)
    assert sorted(stored["file_name"]) == [pdf.name for pdf in samples]  # each once
