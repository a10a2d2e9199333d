"""``dnh corpus ...``: render sample documents, check answer keys, split and describe the corpus."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from analyzer.cli.app import app, corpus_folder, fail
from analyzer.errors import InputError

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

    for source in sources:
        if not source.is_file():
            fail(f"{source}: no such file")
        if source.suffix.lower() != ".md":
            fail(f"{source}: not a sample-document source (a .md file, as corpus/documents/src/*.md)")
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
    from analyzer.corpus.dataset import assign_splits, load_clauses, record_problems, write_clauses

    path = corpus_folder(corpus) / "clauses.jsonl"
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
    from analyzer.corpus.dataset import load_clauses
    from analyzer.corpus.datasheet import datasheet_markdown

    folder = corpus_folder(corpus)
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


@corpus_app.command("agreement")
def corpus_agreement(
    keys_a: Path = typer.Argument(..., help="An answer key (NAME.key.jsonl), or a folder of keys."),
    keys_b: Path = typer.Argument(..., help="The other annotator's key of the same document, or folder."),
) -> None:
    """Agreement between two annotators' keys: identical clauses, Cohen's kappa (HARMFUL, any finding,
    each principle), and the disagreeing clauses, per document and overall."""
    from analyzer.corpus.agreement import compare, report_lines

    try:
        documents = compare(keys_a, keys_b)
    except InputError as error:
        fail(str(error))
    for line in report_lines(documents):
        typer.echo(line)
