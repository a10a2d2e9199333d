"""The ``dnh`` command line. Thin: it parses options, calls library functions and prints.

Bad input (see :class:`~analyzer.errors.InputError`) ends the command with exit status 2 and one line
on stderr, ``dnh: <file>: <reason>``; nothing else prints a traceback to the user.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path

import typer

from analyzer import __version__
from analyzer.errors import InputError

app = typer.Typer(
    name="dnh",
    help="Do No Harm Policy Analyzer: find counter-trafficking provisions that harm victims.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_BAD_INPUT = 2


class SegmentFormat(StrEnum):
    jsonl = "jsonl"
    table = "table"


def fail(message: str) -> None:
    """Print one line on stderr and exit with the bad-input status."""
    typer.echo(f"dnh: {' '.join(message.split())}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dnh {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """Do No Harm Policy Analyzer."""


@app.command()
def segment(
    paths: list[Path] = typer.Argument(..., help="Documents (PDF, DOCX, HTML, TXT, MD) or folders."),
    fmt: SegmentFormat = typer.Option(SegmentFormat.jsonl, "--format", "-f", help="Output format."),
    password: str = typer.Option(None, "--password", help="Password of an encrypted PDF."),
    timeout: float = typer.Option(120.0, "--timeout", help="Seconds allowed to parse one document."),
    output: Path = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
) -> None:
    """Split documents into clauses by their own numbering and print them."""
    from analyzer.ingest import iter_documents, read_document
    from analyzer.segment import segment as segment_document

    out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
    try:
        for path in iter_documents(paths):
            document = read_document(path, password=password, timeout=timeout)
            clauses = segment_document(document)
            for warning in document.warnings:
                typer.echo(f"dnh: {path}: warning: {warning}", err=True)
            if fmt is SegmentFormat.jsonl:
                for clause in clauses:
                    record = {"document": str(path), "id": clause.clause_id, **clause.to_dict()}
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                out.write(_table(path, clauses))
    except InputError as error:
        fail(str(error))
    finally:
        if output:
            out.close()


MODEL_OPTION = typer.Option(None, "--model", help="Model folder (default: models/clause-classifier).")


def _load_classifier(model: Path | None):
    from analyzer.classify.classifier import Classifier
    from analyzer.classify.model import ModelError

    try:
        return Classifier.load(model)
    except ModelError as error:
        typer.echo(f"dnh: {error}", err=True)
        raise typer.Exit(1) from None


def _read_jsonl_clauses(path: Path) -> list[dict]:
    """Records with at least "id" and "text", or a one-line failure naming the line."""
    if str(path) != "-" and not path.is_file():
        fail(f"{path}: no such file")
    handle = sys.stdin if str(path) == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    records = []
    try:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                fail(f"{path}: line {number}: not JSON ({error.msg})")
            if not isinstance(record, dict) or "id" not in record or not isinstance(record.get("text"), str):
                fail(f'{path}: line {number}: each line needs an "id" and a "text" string')
            records.append(record)
    except UnicodeDecodeError:
        fail(f"{path}: not UTF-8 text")
    finally:
        if handle is not sys.stdin:
            handle.close()
    return records


@app.command()
def classify(
    input: Path = typer.Argument(
        ..., help='JSON Lines with at least "id" and "text" per line (- for stdin).'
    ),
    output: Path = typer.Option(None, "--output", "-o", help="Write JSON Lines here instead of stdout."),
    model: Path = MODEL_OPTION,
    fmt: SegmentFormat = typer.Option(
        SegmentFormat.jsonl, "--format", "-f", help="jsonl, or a table of findings."
    ),
) -> None:
    """Classify clauses: JSON Lines in, the same lines with "findings" out.

    Pipe `dnh segment` into it to classify a document: `dnh segment POLICY.pdf | dnh classify - -f table`.
    """
    records = _read_jsonl_clauses(input)
    classifier = _load_classifier(model)
    taxonomy = classifier.taxonomy
    results = classifier.classify_texts([str(r["id"]) for r in records], [r["text"] for r in records])
    out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
    if fmt is SegmentFormat.table:
        out.write(_findings_table(records, results))
        if output:
            out.close()
        return
    try:
        for record, findings in zip(records, results, strict=True):
            record = dict(record)
            record["findings"] = [
                {
                    "principle": f.principle,
                    "stance": f.stance,
                    "confidence": f.confidence,
                    "needs_review": f.needs_review,
                    "evidence": list(f.evidence),
                    "rationale": f.rationale,
                    "source": f.source,
                    "legal_sources": [s.citation for s in taxonomy.get(f.principle).sources],
                    "recommended_wording": taxonomy.get(f.principle).recommended_wording,
                }
                for f in findings
            ]
            record["model_version"] = classifier.version
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        if output:
            out.close()


@app.command()
def train(
    corpus: Path = typer.Option(None, "--corpus", help="Corpus folder (default: corpus/)."),
    out: Path = typer.Option(
        None, "--out", help="Model folder to write (default: models/clause-classifier)."
    ),
    folds: int = typer.Option(5, "--folds", min=2, help="Cross-validation folds on the train split."),
    reviews: Path = typer.Option(
        None, "--reviews", help="Reviewed clauses (JSON Lines, corpus format) to add to training."
    ),
) -> None:
    """Train the clause model on the corpus's train split; report dev and cross-validated figures."""
    from analyzer.training.train import train as run_training

    extra = []
    if reviews:
        extra = [dict(r, findings=r.get("findings", [])) for r in _read_jsonl_clauses(reviews)]
    metrics = run_training(
        corpus=corpus, out=out, folds=folds, extra=extra, progress=lambda m: typer.echo(m, err=True)
    )
    typer.echo(_metrics_table(metrics))


@app.command()
def evaluate(
    corpus: Path = typer.Option(None, "--corpus", help="Corpus folder (default: corpus/)."),
    model: Path = MODEL_OPTION,
    folds: int = typer.Option(5, "--folds", min=2, help="Cross-validation folds; 0 skips cross-validation."),
    cross_validation: bool = typer.Option(
        True, "--cv/--no-cv", help="Also cross-validate on the train split."
    ),
) -> None:
    """Score a model on the dev split (and by cross-validation) with the figures of metrics.json."""
    from analyzer.training.evaluate import evaluate_model

    classifier = _load_classifier(model)
    metrics = evaluate_model(
        classifier,
        corpus=corpus,
        folds=folds if cross_validation else 0,
        progress=lambda m: typer.echo(m, err=True),
    )
    typer.echo(_metrics_table(metrics))


def _findings_table(records: list[dict], results) -> str:
    """Findings one per line, harmful first within each clause; clauses without findings left out."""
    order = {"HARMFUL": 0, "PROTECTIVE": 1, "NEUTRAL": 2}
    lines = [f"{'clause':<14} {'principle':<25} {'stance':<10} {'conf':>5}  text"]
    counts = {"HARMFUL": 0, "PROTECTIVE": 0, "NEUTRAL": 0}
    for record, findings in zip(records, results, strict=True):
        label = str(record.get("number") or record["id"])[:14]
        text = " ".join(record["text"][len(record.get("lead_in") or "") :].split())
        for finding in sorted(findings, key=lambda f: order[f.stance]):
            counts[finding.stance] += 1
            review = "?" if finding.needs_review else " "
            lines.append(
                f"{label:<14} {finding.principle:<25} {finding.stance:<10} {finding.confidence:>5.2f}{review} {text[:70]}"
            )
    lines.append(
        f"\n{len(records)} clauses: {counts['HARMFUL']} harmful, {counts['PROTECTIVE']} protective, "
        f"{counts['NEUTRAL']} neutral findings (? = needs review)"
    )
    return "\n".join(lines) + "\n"


def _metrics_table(metrics: dict) -> str:
    from analyzer.types import PRINCIPLE_IDS

    columns = [name for name in ("dev", "cross_validation", "sample_documents") if name in metrics]
    rows = [f"{'figure':<40}" + "".join(f"{c:>18}" for c in columns)]  # sample_documents: held out

    def line(label: str, get) -> None:
        rows.append(f"{label:<40}" + "".join(f"{get(metrics[c]):>18.3f}" for c in columns))

    line("harmful-clause precision", lambda m: m["harmful_clause"]["precision"])
    line("harmful-clause recall", lambda m: m["harmful_clause"]["recall"])
    line("harmful-clause F1", lambda m: m["harmful_clause"]["f1"])
    line("harmful macro-F1 (principles)", lambda m: m["harmful_macro_f1"])
    line("all findings micro-F1", lambda m: m["all_findings_micro"]["f1"])
    line("false alarms (no-finding clauses)", lambda m: m["false_alarm_rate"])
    line("calibration error (ECE)", lambda m: m["calibration_error"])
    for principle in PRINCIPLE_IDS:
        line(f"  F1 HARMFUL {principle}", lambda m, p=principle: m["harmful_by_principle"][p]["f1"])
    return "\n".join(rows)


AUDIT_FORMATS = ("json", "csv", "html", "pdf")


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
    timeout: float = typer.Option(120.0, "--timeout", help="Seconds allowed to parse one document."),
    workers: int = typer.Option(1, "--workers", min=1, help="Documents audited in parallel processes."),
    resume: bool = typer.Option(
        True, "--resume/--no-resume", help="Skip documents the store holds for this model version."
    ),
    model: Path = MODEL_OPTION,
) -> None:
    """Audit documents: findings, scorecard and gaps, as JSON, CSV, HTML report and highlighted PDF."""
    import time

    from analyzer.batch import audit_many, file_sha256
    from analyzer.ingest import iter_documents

    chosen = _formats(formats)
    try:
        documents = list(iter_documents(paths))
    except InputError as error:
        fail(str(error))
    classifier = _load_classifier(model)
    out.mkdir(parents=True, exist_ok=True)
    started, failures, skipped, pages, findings = time.monotonic(), [], 0, 0, 0
    used_stems: set[str] = set()
    opened = _open_store(db) if store else None

    def already_stored(path: Path) -> bool:
        return bool(opened and resume and opened.has(file_sha256(path), classifier.version))

    options = {"country": country, "doc_type": doc_type, "password": password, "timeout": timeout}
    try:
        results = audit_many(
            documents, workers=workers, model=model, classifier=classifier, skip=already_stored, **options
        )
        for number, (path, result) in enumerate(results, start=1):
            prefix = f"[{number}/{len(documents)}] {path.name}"
            if result is None:
                skipped += 1
                typer.echo(
                    f"{prefix}: already in the store for this model; skipped (--no-resume redoes it)",
                    err=True,
                )
                continue
            try:
                if isinstance(result, InputError):
                    raise result
                written = _write_reports(
                    result, path, out / _unique_stem(path, used_stems), chosen, classifier, password
                )
            except InputError as error:
                failures.append(str(error))
                typer.echo(f"dnh: {' '.join(str(error).split())}", err=True)
                continue
            if opened is not None:
                opened.save(result)
            card = result.scorecard
            pages += result.document.page_count
            findings += card["findings"]
            score = "not scored" if card["score"] is None else f"score {card['score']:.0f}"
            typer.echo(
                f"{prefix}: {len(result.clauses)} clauses, {card['harmful']} harmful, "
                f"{card['protective']} protective, {card['needs_review']} to review, {score}; gaps: "
                f"{', '.join(result.gaps) or 'none'}",
                err=True,
            )
            for item in written:
                typer.echo(str(item))
    finally:
        if opened is not None:
            opened.close()
    elapsed = time.monotonic() - started
    audited = len(documents) - len(failures) - skipped
    typer.echo(
        f"{audited} documents audited ({pages} pages, {findings} findings), {skipped} skipped, "
        f"{len(failures)} failed, {elapsed:.1f} s; reports in {out}",
        err=True,
    )
    if failures:
        raise typer.Exit(EXIT_BAD_INPUT)


def _unique_stem(path: Path, used: set[str]) -> str:
    """A safe report name for ``path``; policy.pdf and policy.docx in one run must not overwrite each other."""
    from analyzer.report.export import safe_stem

    stem = safe_stem(path.name)
    if stem in used:
        suffix = path.suffix.lstrip(".").lower() or "file"
        stem = next(
            f"{stem}-{suffix}{n or ''}"
            for n in range(len(used) + 1)
            if f"{stem}-{suffix}{n or ''}" not in used
        )
    used.add(stem)
    return stem


def _write_reports(
    result, path: Path, stem: Path, chosen: list[str], classifier, password: str | None
) -> list[Path]:
    """The chosen report files of one audit, named after ``stem``."""
    from analyzer.report.export import finding_rows, write_csv, write_json

    written = []
    if "json" in chosen:
        written.append(write_json(result, stem.with_suffix(".json")))
    if "csv" in chosen:
        written.append(
            write_csv(finding_rows(result, taxonomy=classifier.taxonomy), stem.with_suffix(".csv"))
        )
    if "html" in chosen:
        from analyzer.report.html import write_html

        written.append(write_html(result, stem.with_suffix(".html")))
    if "pdf" in chosen and result.document.format == "pdf":
        from analyzer.report.pdf import highlight_pdf

        out = stem.with_name(stem.name + ".highlighted.pdf")
        written.append(highlight_pdf(result, path, out, taxonomy=classifier.taxonomy, password=password))
    return written


def _open_store(db: Path | None):
    from analyzer.store import Store

    return Store(db)


@app.command()
def compare(
    db: Path = typer.Option(None, "--db", help="DuckDB store (default: $DNH_DB or the user data folder)."),
    out: Path = typer.Option(None, "--out", help="Also write the matrix to FILE.csv or FILE.parquet."),
    stance: str = typer.Option(
        "HARMFUL", "--stance", help="HARMFUL, PROTECTIVE or NEUTRAL findings to count."
    ),
) -> None:
    """Print the country × principle matrix of findings from the store."""
    from analyzer.store import country_matrix, export

    stance = stance.upper()
    if stance not in ("HARMFUL", "PROTECTIVE", "NEUTRAL"):
        fail(f"--stance {stance}: choose HARMFUL, PROTECTIVE or NEUTRAL")
    matrix = country_matrix(db, stance=stance)
    if matrix.empty:
        typer.echo("the store holds no audits yet: run `dnh audit` first", err=True)
        raise typer.Exit(1)
    typer.echo(f"{stance} findings by country and principle")
    typer.echo(matrix.to_string())
    if out:
        try:
            export(matrix.reset_index(), out)
        except ValueError as error:
            fail(f"{out}: {error}")
        typer.echo(f"wrote {out}", err=True)


@app.command()
def taxonomy(
    fmt: str = typer.Option("table", "--format", "-f", help="table or json"),
) -> None:
    """Show the Do No Harm principles: IDs, names, severity, legal sources, recommended wording."""
    from dataclasses import asdict

    from analyzer.taxonomy import load_taxonomy

    loaded = load_taxonomy()
    if fmt == "json":
        typer.echo(
            json.dumps([asdict(p) for p in loaded.principles], ensure_ascii=False, indent=2, default=str)
        )
        return
    typer.echo(
        f"Taxonomy {loaded.version} ({loaded.content_hash[:12]}), {len(loaded.principles)} principles\n"
    )
    for principle in loaded.principles:
        typer.echo(f"{principle.id}  {principle.name}  [severity {principle.severity}]")
        typer.echo(f"  {principle.definition}")
        for source in principle.sources:
            typer.echo(f"  source: {source.citation}{'' if source.verified else ' (unverified)'}")
        typer.echo(f"  better wording: {principle.recommended_wording}\n")


corpus_app = typer.Typer(help="Build, check and describe the annotated corpus and sample documents.")
app.add_typer(corpus_app, name="corpus")


@corpus_app.command("render")
def corpus_render(
    sources: list[Path] = typer.Argument(..., help="Sample-document sources (corpus/documents/src/*.md)."),
    docx: bool = typer.Option(False, "--docx", help="Also write a DOCX."),
    out_dir: Path = typer.Option(
        None, "--out-dir", help="Folder for the output (default: corpus/documents)."
    ),
) -> None:
    """Render sample documents from their source to PDF (and DOCX)."""
    from analyzer.corpus.render import render

    try:
        for source in sources:
            for written in render(source, out_dir=out_dir, docx=docx):
                typer.echo(f"wrote {written}")
    except InputError as error:
        fail(str(error))


@corpus_app.command("key-skeleton")
def corpus_key_skeleton(document: Path = typer.Argument(..., help="A rendered sample document.")) -> None:
    """Print an answer key with every clause of DOCUMENT and empty findings (JSON Lines)."""
    from analyzer.corpus.answer_keys import document_clauses, key_skeleton

    try:
        for entry in key_skeleton(document_clauses(document)):
            typer.echo(json.dumps(entry, ensure_ascii=False))
    except InputError as error:
        fail(str(error))


@corpus_app.command("check-keys")
def corpus_check_keys(
    documents: list[Path] = typer.Argument(
        ..., help="Rendered sample documents with NAME.key.jsonl beside them."
    ),
) -> None:
    """Check that each document's answer key lines up with its segmented clauses."""
    from analyzer.corpus.answer_keys import document_clauses, key_path, key_problems, read_key

    failed = False
    try:
        for document in documents:
            key = key_path(document)
            if not key.is_file():
                fail(f"{document}: no answer key ({key.name})")
            problems = key_problems(document_clauses(document), read_key(key))
            for problem in problems:
                typer.echo(f"{document}: {problem}", err=True)
            failed |= bool(problems)
            typer.echo(f"{document}: {'OK' if not problems else f'{len(problems)} problems'}")
    except (InputError, ValueError) as error:
        fail(str(error))
    if failed:
        raise typer.Exit(1)


CORPUS_OPTION = typer.Option(None, "--corpus", help="Corpus folder (default: corpus/ of this checkout).")


@corpus_app.command("split")
def corpus_split(corpus: Path = CORPUS_OPTION) -> None:
    """Give new clauses in clauses.jsonl a train/dev split (old ones keep theirs), then validate."""
    from analyzer.corpus.dataset import (
        assign_splits,
        default_corpus_dir,
        load_clauses,
        record_problems,
        write_clauses,
    )

    path = (corpus or default_corpus_dir()) / "clauses.jsonl"
    records = load_clauses(path)
    before = sum(r.get("split") in ("train", "dev") for r in records)
    assign_splits(records)
    problems = record_problems(records)
    if problems:
        fail(f"{path}: {len(problems)} problems, first: {problems[0]}")
    write_clauses(records, path)
    typer.echo(f"{path}: {len(records) - before} clauses given a split; {len(records)} in all")


@corpus_app.command("stats")
def corpus_stats(
    corpus: Path = CORPUS_OPTION,
    check: bool = typer.Option(
        False, "--check", help="Only check that DATASHEET.md is current (exit 1 if not)."
    ),
) -> None:
    """Write corpus/DATASHEET.md (counts by principle, stance, country style, type, difficulty)."""
    from analyzer.corpus.dataset import default_corpus_dir, load_clauses
    from analyzer.corpus.datasheet import datasheet_markdown

    folder = corpus or default_corpus_dir()
    sheet = datasheet_markdown(load_clauses(folder / "clauses.jsonl"))
    target = folder / "DATASHEET.md"
    if check:
        current = target.read_text(encoding="utf-8") if target.is_file() else ""
        if current != sheet:
            typer.echo(f"{target} is stale: run `dnh corpus stats`", err=True)
            raise typer.Exit(1)
        typer.echo(f"{target} is current")
        return
    target.write_text(sheet, encoding="utf-8")
    typer.echo(f"wrote {target}")


def _table(path: Path, clauses) -> str:
    rows = [f"{path}: {len(clauses)} clauses", f"{'number':<14} {'pages':<7} text"]
    for clause in clauses:
        pages = ",".join(map(str, clause.pages))
        text = " ".join(clause.text[len(clause.lead_in) :].split())
        rows.append(f"{clause.number[:14]:<14} {pages[:7]:<7} {text[:100]}")
    return "\n".join(rows) + "\n\n"


if __name__ == "__main__":  # pragma: no cover
    app()
