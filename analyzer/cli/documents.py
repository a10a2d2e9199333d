"""``dnh segment`` and ``dnh taxonomy``: documents into clauses, and the principles they are read against."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from analyzer.cli import options as opt
from analyzer.cli.app import EXIT_BAD_INPUT, SegmentFormat, app, fail, output_file, say
from analyzer.cli.progress import is_terminal, printable
from analyzer.errors import InputError


@app.command()
def segment(
    paths: list[Path] = typer.Argument(..., help="Documents (PDF, DOCX, HTML, TXT, MD) or folders."),
    fmt: SegmentFormat = typer.Option(SegmentFormat.jsonl, "--format", "-f", help="Output format."),
    password: str = typer.Option(None, "--password", help="Password of an encrypted PDF."),
    output: Path = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
    timeout: float = opt.TIMEOUT,
    max_file_mb: float = opt.MAX_FILE_MB,
    max_pages: int = opt.MAX_PAGES,
    memory_mb: int = opt.MEMORY_MB,
    max_unpacked_mb: float = opt.MAX_UNPACKED_MB,
    ocr: bool = opt.OCR,
    ocr_lang: str = opt.OCR_LANG,
    engine: str = opt.ENGINE,
) -> None:
    """Split documents into clauses by their own numbering and print them. A document that cannot be read
    is reported in one line and the others are still read; the exit status is then 2."""
    from analyzer.ingest import distinct_documents, read_document
    from analyzer.segment import segment as segment_document

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
    try:
        documents = distinct_documents(paths)
    except InputError as error:
        fail(str(error))
    if output is not None and output.resolve() in {path.resolve() for path in documents}:
        fail(f"-o {output}: that is a document being read; give another file")  # it would be emptied
    out, failed = output_file(output), 0
    try:
        for path in documents:
            try:  # a bad document is reported in one line, and the others are still read
                document = read_document(path, password=password, **reading)
            except InputError as error:
                say(f"dnh: {error}")
                failed += 1
                continue
            clauses = segment_document(document)
            for warning in document.warnings:
                say(f"dnh: {path}: warning: {warning}")
            if fmt is SegmentFormat.jsonl:
                for clause in clauses:
                    record = {"document": document.path, "id": clause.clause_id, **clause.to_dict()}
                    record["ocr_confidence"] = document.ocr_confidence(clause.pages)
                    out.write(json.dumps(record, ensure_ascii=is_terminal(out)) + "\n")  # as dnh classify
            else:
                out.write(_table(path, clauses))
    finally:
        if output:
            out.close()
    if failed:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command()
def taxonomy(
    fmt: str = typer.Option("table", "--format", "-f", help="table or json"),
) -> None:
    """Show the Do No Harm principles: IDs, names, severity, legal sources, recommended wording."""
    from dataclasses import asdict

    from analyzer.taxonomy import load_taxonomy

    if fmt not in ("table", "json"):
        fail(f"--format {fmt}: choose table or json")
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


def _table(path: Path, clauses) -> str:
    rows = [f"{path}: {len(clauses)} clauses", f"{'number':<14} {'pages':<7} text"]
    for clause in clauses:
        pages = ",".join(map(str, clause.pages))
        text = " ".join(clause.text[len(clause.lead_in) :].split())
        rows.append(f"{clause.number[:14]:<14} {pages[:7]:<7} {text[:100]}")
    return "\n".join(map(printable, rows)) + "\n\n"
