"""``dnh audit`` and ``dnh compare``: reports and the store from the command line."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import typer

from analyzer.cli import options as opt
from analyzer.cli.app import (
    EXIT_BAD_INPUT,
    MODEL_OPTION,
    app,
    fail,
    load_classifier,
    open_store,
    output_folder,
    say,
    writable_file,
)
from analyzer.cli.progress import ProgressBar, printable
from analyzer.errors import InputError

AUDIT_FORMATS = ("json", "csv", "html", "pdf")
MAX_WORKERS_PER_CORE = 4
REPORT_ENDINGS = (".json", ".csv", ".html", ".highlighted.pdf")  # what _write_reports writes


def _formats(value: list[str]) -> list[str]:
    chosen = [f.strip().lower() for item in value for f in item.split(",") if f.strip()]
    unknown = sorted(set(chosen) - set(AUDIT_FORMATS))
    if unknown:
        raise typer.BadParameter(
            f"unknown format {', '.join(unknown)}; choose from {', '.join(AUDIT_FORMATS)}"
        )
    return chosen or list(AUDIT_FORMATS)


@app.command()
def audit(
    paths: list[Path] = typer.Argument(..., help="Documents or folders to audit."),
    country: str = typer.Option(
        None, "--country", help="ISO country code of the documents (e.g. MY, PH, TH)."
    ),
    doc_type: str = typer.Option(None, "--doc-type", help="Document type (law, SOP, circular, ...)."),
    out: Path = typer.Option(Path("dnh-audit"), "--out", help="Folder for the reports."),
    formats: list[str] = typer.Option(
        [], "--format", "-f", help="json, csv, html, pdf (repeat or comma-separate; default: all)."
    ),
    db: Path = typer.Option(None, "--db", help="DuckDB store (default: $DNH_DB or the user data folder)."),
    store: bool = typer.Option(True, "--store/--no-store", help="Save the audit in the store."),
    password: str = typer.Option(None, "--password", help="Password of encrypted PDFs."),
    workers: int = typer.Option(
        None, "--workers", min=1, help="Parallel processes (default 1; with --scheduler local, one per core)."
    ),
    scheduler: str = typer.Option(
        None, "--scheduler", help="Run on Dask: 'local' starts a LocalCluster, or tcp://HOST:PORT."
    ),
    resume: bool = typer.Option(
        True, "--resume/--no-resume", help="Skip documents the store holds for this model version."
    ),
    model: Path = MODEL_OPTION,
    timeout: float = opt.TIMEOUT,
    max_file_mb: float = opt.MAX_FILE_MB,
    max_pages: int = opt.MAX_PAGES,
    memory_mb: int = opt.MEMORY_MB,
    max_unpacked_mb: float = opt.MAX_UNPACKED_MB,
    ocr: bool = opt.OCR,
    ocr_lang: str = opt.OCR_LANG,
    engine: str = opt.ENGINE,
) -> None:
    """Audit documents: findings, scorecard and gaps, as JSON, CSV, HTML report and highlighted PDF."""
    import signal
    import time

    import duckdb

    from analyzer.batch import audit_many
    from analyzer.ingest import distinct_documents, is_own_report
    from analyzer.ingest.build import sha256_of
    from analyzer.ingest.language import unread
    from analyzer.processes import interrupt_on_sigterm

    chosen = _formats(formats)
    if scheduler and scheduler != "local" and "://" not in scheduler:
        fail(f"--scheduler {scheduler}: give 'local' or an address such as tcp://HOST:8786")
    reading = opt.read_options(
        timeout=timeout,
        max_file_mb=max_file_mb,
        max_pages=max_pages,
        memory_mb=memory_mb,
        max_unpacked_mb=max_unpacked_mb,
        ocr=ocr,
        ocr_lang=ocr_lang,
        engine=engine,
    )
    country = _country_code(country)  # before any work: a bad code leaves no folder or store behind
    try:
        documents = distinct_documents(paths, exclude=[out])  # the reports of an earlier run are no policies
    except InputError as error:
        fail(str(error))
    # an earlier run's reports beside the documents (--out the folder itself) are left out, with a note
    reports = [path for path in documents if is_own_report(path)]
    left_out = set(reports)
    documents = [path for path in documents if path not in left_out]
    if reports:
        say(f"dnh: note: {len(reports)} report(s) written by dnh left out (not policies), e.g. {reports[0]}")
    if not documents:
        fail("no document to audit: the files given are reports written by dnh")
    workers = _workers(workers, len(documents))
    classifier = load_classifier(model)
    output_folder(out)
    started, failures, skipped, pages, findings = time.monotonic(), [], 0, 0, 0
    # a report never replaces a document given (policy.html audited into its own folder, or a link there)
    inputs = {path.resolve() for path in documents}
    used_stems: set[str] = set()
    # names given in the order of the documents, not of the audits' ending (workers finish in any order)
    stems = {path: _unique_stem(path, used_stems, out, inputs) for path in documents}
    opened = open_store(db) if store else None

    def already_stored(path: Path) -> bool:
        if not (opened and resume) or not path.is_file():  # a pipe would block the hash: its reader says no
            return False
        try:
            return opened.has(sha256_of(path), classifier.version)
        except OSError:  # unreadable: its audit says so in one line
            return False

    options = {"country": country, "doc_type": doc_type, "password": password, **reading}
    bar = ProgressBar(len(documents))
    interrupted = False
    sigterm = interrupt_on_sigterm()  # `kill` stops the batch as Ctrl+C does: one line, stored audits kept
    try:
        results = audit_many(
            documents,
            workers=workers,
            scheduler=scheduler,
            model=model,
            classifier=classifier,
            skip=already_stored,
            **options,
        )
        for number, (path, result) in enumerate(_reachable(results, bar), start=1):
            prefix = f"[{number}/{len(documents)}] {path.name}"
            if result is None:
                skipped += 1
                bar.echo(f"{prefix}: already in the store for this model; skipped (--no-resume redoes it)")
                bar.advance(skipped=True)
                continue
            try:
                if isinstance(result, InputError):
                    raise result
                written, notes = _write_reports(result, path, out / stems[path], chosen, classifier, password)
            except InputError as error:
                failures.append(str(error))
                place = f"[{number}/{len(documents)}] " if len(documents) > 1 else ""  # as the other lines
                bar.echo(f"dnh: {place}{' '.join(str(error).split())}")
                bar.advance(failed=True)
                continue
            for warning in [*result.document.warnings, *notes]:
                bar.echo(f"dnh: {path}: warning: {' '.join(warning.split())}")
            if formats and "pdf" in chosen and result.document.format != "pdf":  # asked for, not written
                bar.echo(
                    f"dnh: {path}: no highlighted PDF: the document is not a PDF ({result.document.format})"
                )
            if opened is not None:
                opened.save(result)
            card = result.scorecard
            pages += result.document.page_count
            findings += card["findings"]
            score = "not scored" if card["score"] is None else f"score {card['score']:.0f}"
            not_read = unread(result.document.language)  # as the audit recorded it
            gap_text = "not assessed (language)" if not_read else ", ".join(result.gaps) or "none"
            guessed = ""
            if country is None:  # not given: the audit guessed it from the text
                found = result.document.country
                guessed = f"; country {found} guessed from the text" if found else "; country unknown"
                guessed += " (--country sets it)"
            bar.echo(
                f"{prefix}: {len(result.clauses)} clauses, {card['harmful']} harmful, "
                f"{card['protective']} protective, {card['needs_review']} to review, {score}; gaps: {gap_text}"
                f"{guessed}"
            )
            for item in written:
                bar.echo(str(item), out=sys.stdout)
            bar.advance()
    except (KeyboardInterrupt, duckdb.InterruptException):  # Ctrl+C: DuckDB turns it into its own error
        interrupted = True
    finally:
        bar.close()
        if opened is not None:
            opened.close()
        signal.signal(signal.SIGTERM, sigterm)
    elapsed = time.monotonic() - started
    if interrupted:
        done = bar.done
        again = "audits the rest" if store and resume else "audits them all again"
        say(
            f"dnh: interrupted after {done} of {len(documents)} document{'' if len(documents) == 1 else 's'} "
            f"({done - len(failures) - skipped} audited{' and stored' if store else ''}); the same command "
            f"{again}"
        )
        raise typer.Exit(130)
    audited = len(documents) - len(failures) - skipped
    say(
        f"{audited} document{'' if audited == 1 else 's'} audited ({pages} pages, {findings} findings), "
        f"{skipped} skipped, "
        f"{len(failures)} failed, {elapsed:.1f} s; reports in {out}"
    )
    if failures:
        raise typer.Exit(EXIT_BAD_INPUT)


def _reachable(results, bar: ProgressBar):
    """The batch's results; an unreachable Dask scheduler ends the command with one line and exit 2."""
    from analyzer.batch_dask import SchedulerUnreachable

    try:
        yield from results
    except SchedulerUnreachable as error:
        bar.close()
        fail(str(error))


def _workers(workers: int | None, documents: int) -> int | None:
    """``--workers``, at most one per document and :data:`MAX_WORKERS_PER_CORE` per core (each worker is a
    process holding the model: 100,000 of them would bring the machine down), with a warning when the
    per-core limit cuts it."""
    import os

    if workers is None:
        return None
    per_core = MAX_WORKERS_PER_CORE * (os.cpu_count() or 1)
    if min(workers, documents) > per_core:
        say(
            f"dnh: warning: --workers {workers} is more than {MAX_WORKERS_PER_CORE} per core; using {per_core}"
        )
    return max(1, min(workers, documents, per_core))


def _unique_stem(path: Path, used: set[str], out: Path | None = None, inputs: set[Path] = frozenset()) -> str:
    """A safe report name for ``path``, not in ``used`` (then added to it), nor the name of another file's
    reports in ``out``, nor one whose report files would replace a document being audited (``inputs``,
    resolved: a link in ``out`` to a document counts): policy.pdf and policy.docx must not overwrite each
    other, in one run or in two (the second is ``policy-docx``), and policy.html audited into its own
    folder keeps its text. A report is another file's when its JSON names another file (see
    :func:`_reports_of_another`); the same file audited again keeps its name (its reports are replaced)."""
    import itertools

    from analyzer.report.export import safe_stem

    def taken(stem: str) -> bool:
        if stem in used:
            return True
        if out is not None and any((out / f"{stem}{end}").resolve() in inputs for end in REPORT_ENDINGS):
            return True
        return _reports_of_another(out, stem, path)

    stem = safe_stem(path.name)
    if taken(stem):
        suffix = path.suffix.lstrip(".").lower() or "file"
        stem = next(c for n in itertools.count() if not taken(c := f"{stem}-{suffix}{n or ''}"))
    used.add(stem)
    return stem


def _reports_of_another(out: Path | None, stem: str, path: Path) -> bool:
    """Whether ``out`` holds a JSON report named ``stem`` of a file other than ``path``: neither the same
    content (its ``doc_id``, so the same file named from another folder or with a name that is not
    UTF-8 is the same) nor the same path. One that cannot be read is taken as another's: better a new
    name than a lost report."""
    from analyzer.ingest.build import sha256_of, shown_path

    report = out / f"{stem}.json" if out is not None else None
    if report is None or not report.is_file():
        return False
    try:
        with open(report, encoding="utf-8") as handle:
            recorded = json.load(handle)["document"]
        if shown_path(Path(recorded["path"]).resolve()) == shown_path(path.resolve()):
            return False
        return not path.is_file() or recorded["doc_id"] != sha256_of(path)
    except (OSError, ValueError, KeyError, TypeError):
        return True


def _write_reports(
    result, path: Path, stem: Path, chosen: list[str], classifier, password: str | None
) -> tuple[list[Path], list[str]]:
    """The chosen report files of one audit, named after ``stem``, and what writing them warned of (the
    highlighter's warnings, such as rotated pages left unhighlighted, said on one line each rather than as
    Python's two-line warning with the raw file name)."""
    from analyzer.report.export import finding_rows, write_csv, write_json

    written, notes = [], []
    if "json" in chosen:
        written.append(write_json(result, stem.with_name(stem.name + ".json")))
    if "csv" in chosen:
        written.append(
            write_csv(finding_rows(result, taxonomy=classifier.taxonomy), stem.with_name(stem.name + ".csv"))
        )
    if "html" in chosen:
        from analyzer.report.html import write_html

        written.append(write_html(result, stem.with_name(stem.name + ".html")))
    if "pdf" in chosen and result.document.format == "pdf":
        from analyzer.report.pdf import highlight_pdf_noting

        out = stem.with_name(stem.name + ".highlighted.pdf")
        pdf, notes = highlight_pdf_noting(result, path, out, taxonomy=classifier.taxonomy, password=password)
        written.append(pdf)
    return written, notes


def _country_code(country: str | None) -> str | None:
    """``--country`` upper-cased (``my`` and ``MY`` are one country in the store), with a warning when it
    is not an ASEAN member state's code or INT (it is kept all the same: a neighbour's law can be
    audited too)."""
    from analyzer.ingest.metadata import cues

    code = (country or "").strip().upper() or None
    if code is not None and not re.fullmatch(r"[A-Z0-9-]{2,12}", code):  # stored and shown everywhere
        fail(f"--country {code[:40]}: give a country code such as MY (2-12 letters, digits or '-')")
    known = [*cues().countries, "INT"]
    if code is not None and code not in known:
        say(
            f"dnh: warning: --country {code} is not the code of an ASEAN member state or INT "
            f"({', '.join(known)}); it is kept"
        )
    return code


@app.command()
def compare(
    db: Path = typer.Option(None, "--db", help="DuckDB store (default: $DNH_DB or the user data folder)."),
    out: Path = typer.Option(None, "--out", help="Also write the matrix to FILE.csv or FILE.parquet."),
    stance: str = typer.Option(
        "HARMFUL", "--stance", help="HARMFUL, PROTECTIVE or NEUTRAL findings to count."
    ),
) -> None:
    """Print the country × principle matrix of findings from the store."""
    from analyzer.store import copies, copies_note, country_matrix, export, load_documents, unread_note
    from analyzer.store.export import EXPORT_SUFFIXES

    stance = stance.upper()
    if stance not in ("HARMFUL", "PROTECTIVE", "NEUTRAL"):
        fail(f"--stance {stance}: choose HARMFUL, PROTECTIVE or NEUTRAL")
    if out is not None:  # checked before the matrix is printed, not after
        if out.suffix.lower() not in EXPORT_SUFFIXES:
            fail(f"--out {out}: give a file ending in {' or '.join(EXPORT_SUFFIXES)}")
        writable_file(out)
    with open_store(db, existing=True) as opened:
        matrix = country_matrix(opened, stance=stance)
        notes = [unread_note(load_documents(opened)), copies_note(copies(opened))]
    if matrix.empty:
        typer.echo("dnh: the store holds no audits yet: run `dnh audit` first", err=True)
        raise typer.Exit(1)
    typer.echo(f"{stance} findings by country and principle")
    typer.echo(matrix.rename(index=printable).to_string())  # the countries are what users typed
    for note in filter(None, notes):
        say(f"dnh: note: {note}")
    if out:
        try:
            export(matrix.reset_index(), out)
        except (ValueError, OSError) as error:
            fail(f"{out}: {error}")
        say(f"wrote {out}")
