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
                    record = {"document": str(path), **clause.to_dict()}
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                out.write(_table(path, clauses))
    except InputError as error:
        fail(str(error))
    finally:
        if output:
            out.close()


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
