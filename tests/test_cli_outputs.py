"""Where `dnh` writes, and the option values it checks before working: one line and exit status 2, never a
traceback, for an output path it cannot use; report names that do not depend on the order audits finish;
counted findings marked in the exports. Run in process (typer's CliRunner) on the sample documents."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from helpers import run_command
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.store import Store, load_documents

DOCUMENTS = Path(__file__).resolve().parents[1] / "corpus" / "documents"
SOP = DOCUMENTS / "my-shelter-sop.pdf"


def dnh(*args) -> object:
    return CliRunner().invoke(app, [str(a) for a in args])


def one_line(result, *says: str) -> None:
    """Exit status 2 and one line on stderr, ``dnh: ...``, saying each of ``says``; no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dnh: "), lines
    for words in says:
        assert words in lines[0], (words, lines[0])


@pytest.mark.parametrize(
    "purpose, args, says",
    [
        (
            "segment into a missing folder",
            ["segment", SOP, "-o", "{tmp}/no/such/out.jsonl"],
            "no such folder",
        ),
        ("segment into a folder", ["segment", SOP, "-o", "{tmp}"], "(a folder)"),
        ("classify into a folder", ["classify", "{tmp}/one.jsonl", "-o", "{tmp}"], "(a folder)"),
        (
            "audit into a file",
            ["audit", SOP, "--no-store", "--out", "{tmp}/one.jsonl"],
            "a file of that name",
        ),
        ("compare into a missing folder", ["compare", "--out", "{tmp}/no/m.csv"], "no such folder"),
        ("compare into a spreadsheet", ["compare", "--out", "{tmp}/m.xlsx"], ".csv or .parquet"),
        ("a memory limit too small to parse", ["segment", SOP, "--memory-mb", "50"], "at least 64"),
        (
            "a model folder that is not one",
            ["classify", "{tmp}/one.jsonl", "--model", "{tmp}"],
            "not a model",
        ),
        (
            "train on a corpus that is not one",
            ["train", "--corpus", "{tmp}", "--out", "{tmp}/m"],
            "not a corpus",
        ),
        ("render a PDF as a source", ["corpus", "render", SOP, "--out-dir", "{tmp}"], "not a sample-doc"),
        (
            "render a missing source",
            ["corpus", "render", "{tmp}/none.md", "--out-dir", "{tmp}"],
            "no such file",
        ),
        ("train into a file", ["train", "--out", "{tmp}/one.jsonl"], "a file of that name exists"),
        ("the principles in XML", ["taxonomy", "--format", "xml"], "choose table or json"),
        ("classify a folder", ["classify", "{tmp}"], "a folder: give a JSON Lines file"),
        ("classify a NaN", ["classify", "{tmp}/nan.jsonl"], "line 2: not JSON (NaN is not a JSON value)"),
        ("compare a mistyped store", ["compare", "--db", "{tmp}/typo.duckdb"], "no such store"),
        (
            "segment into the document",
            ["segment", "{tmp}/one.jsonl.txt", "-o", "{tmp}/one.jsonl.txt"],
            "a document being read",
        ),
        ("a timeout of infinity", ["segment", SOP, "--timeout", "inf"], "--timeout inf: give at most 604800"),
        (
            "an unpacking limit overflowing",
            ["audit", SOP, "--no-store", "--max-unpacked-mb", "1e308"],
            "give at most 1e+06",
        ),
        (
            "classify deeply nested JSON",
            ["classify", "{tmp}/deep.jsonl"],
            "line 1: not JSON we read (nested too deeply)",
        ),
        (
            "classify a lone surrogate",
            ["classify", "{tmp}/surrogate.jsonl"],
            "line 1: a lone surrogate (\\ud800-\\udfff) is not Unicode text",
        ),
    ],
)
def test_unusable_paths_and_values_get_one_line_before_any_work(purpose, args, says, tmp_path):
    (tmp_path / "one.jsonl").write_text(
        json.dumps({"id": "1", "text": "Victims shall not be detained."}) + "\n"
    )
    (tmp_path / "nan.jsonl").write_text('{"id": "1", "text": "a"}\n{"id": "2", "text": "b", "score": NaN}\n')
    (tmp_path / "one.jsonl.txt").write_text("1. Victims shall not be detained.\n")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "surrogate-id.jsonl").write_text('{"id": "\\ud800", "text": "Victims shall"}\n')
    (tmp_path / "huge.jsonl").write_text('{"id": 1e999, "text": "Victims shall"}\n')
    (tmp_path / "deep.jsonl").write_text('{"id": "1", "text": "a", "z": ' + "[" * 100_000 + "\n")
    (tmp_path / "surrogate.jsonl").write_text('{"id": "1", "text": "Victims \\ud800 shall"}\n')
    result = dnh(*(str(a).replace("{tmp}", str(tmp_path)) for a in args))
    one_line(result, says)
    assert not (tmp_path / "m.xlsx").exists() and "findings by country" not in result.stdout
    assert not (tmp_path / "typo.duckdb").exists()  # a reading command leaves no empty store behind
    assert (tmp_path / "one.jsonl.txt").read_text() == "1. Victims shall not be detained.\n"


def test_segment_reads_the_other_documents_of_a_folder_after_a_bad_one(tmp_path):
    folder = tmp_path / "mix"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(SOP.read_bytes())
    (folder / "m.pdf").write_text("not a PDF at all", encoding="utf-8")
    (folder / "z.pdf").write_bytes((DOCUMENTS / "th-immigration-circular.pdf").read_bytes())
    result = dnh("segment", folder, "-o", tmp_path / "out.jsonl")
    one_line(result, "m.pdf: not a PDF")
    read = {json.loads(line)["document"] for line in (tmp_path / "out.jsonl").read_text().splitlines()}
    assert read == {str(folder / "a.pdf"), str(folder / "z.pdf")}


def test_report_names_follow_the_order_of_the_documents_and_counted_findings_are_marked(
    tmp_path, monkeypatch
):
    import analyzer.batch

    audit_many = analyzer.batch.audit_many

    def last_first(*args, **kwargs):  # as workers may finish: the last document given first
        yield from reversed(list(audit_many(*args, **kwargs)))

    monkeypatch.setattr(analyzer.batch, "audit_many", last_first)
    docx, pdf = DOCUMENTS / "ph-referral-guidelines.docx", DOCUMENTS / "ph-referral-guidelines.pdf"
    out = tmp_path / "out"
    db = tmp_path / "audits.duckdb"
    result = dnh(
        "audit", pdf, docx, pdf, "--country", "ph", "--out", out, "--format", "csv,json,pdf", "--db", db
    )
    assert result.exit_code == 0, result.output
    # the PDF is named first, whichever audit ends first; named twice, it is audited once
    assert json.loads((out / "ph-referral-guidelines.json").read_text())["document"]["format"] == "pdf"
    assert json.loads((out / "ph-referral-guidelines-docx.json").read_text())["document"]["format"] == "docx"
    assert sorted(p.name for p in out.iterdir()) == [
        "ph-referral-guidelines-docx.csv",
        "ph-referral-guidelines-docx.json",
        "ph-referral-guidelines.csv",
        "ph-referral-guidelines.highlighted.pdf",
        "ph-referral-guidelines.json",
    ]
    assert f"{docx}: no highlighted PDF: the document is not a PDF (docx)" in result.stderr
    assert "2 documents audited" in result.stderr
    # the exports mark the findings the scorecard counts: as many as it says
    data = json.loads((out / "ph-referral-guidelines.json").read_text())
    assert (
        sum(f["asserted"] for f in data["findings"]) == data["scorecard"]["findings"] < len(data["findings"])
    )
    with open(out / "ph-referral-guidelines.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sum(row["asserted"] == "True" for row in rows) == data["scorecard"]["findings"]
    # --country is stored upper-cased: one country in the comparisons
    with Store(db) as store:
        assert set(load_documents(store)["country"]) == {"PH"}


def test_an_unknown_country_code_is_kept_with_a_warning(tmp_path):
    result = dnh("audit", SOP, "--country", "xx", "--no-store", "--format", "json", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert "dnh: warning: --country XX is not the code of an ASEAN member state or INT" in result.stderr
    assert json.loads((tmp_path / "my-shelter-sop.json").read_text())["document"]["country"] == "XX"


def test_a_password_given_for_a_pdf_that_needs_none_prints_no_python_warning():
    import warnings

    from analyzer.ingest.pdf_checks import open_quietly

    with warnings.catch_warnings(record=True) as caught:  # the filters in force, warnings recorded
        open_quietly(SOP, "secret").close()
        warnings.warn("a password is no longer needed here", UserWarning, stacklevel=1)  # others still show
    assert [str(w.message) for w in caught] == ["a password is no longer needed here"]


def test_classify_leaves_an_existing_output_alone_when_it_cannot_run(tmp_path):
    clauses, out = tmp_path / "one.jsonl", tmp_path / "out.jsonl"
    clauses.write_text(json.dumps({"id": "1", "text": "Victims shall not be detained."}) + "\n")
    out.write_text("earlier results\n")
    one_line(dnh("classify", clauses, "-o", out, "--model", tmp_path), "not a model folder")
    assert out.read_text() == "earlier results\n"
    assert dnh("classify", clauses, "-o", out).exit_code == 0
    assert json.loads(out.read_text())["findings"]


def test_a_batch_numbers_its_failure_lines_as_its_other_lines(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot a pdf at all")
    result = dnh("audit", SOP, broken, "--no-store", "--format", "json", "--out", tmp_path / "out")
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = [line for line in result.stderr.splitlines() if "[" in line and "/2]" in line]
    assert lines[0].startswith("[1/2] my-shelter-sop.pdf: "), lines
    assert lines[1].startswith(f"dnh: [2/2] {broken}: "), lines


def test_classify_skips_a_byte_order_mark(tmp_path):
    clauses = tmp_path / "excel.jsonl"
    clauses.write_bytes(
        b"\xef\xbb\xbf" + json.dumps({"id": "1", "text": "Victims shall be detained."}).encode()
    )
    result = dnh("classify", clauses)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == "1"


def test_control_characters_in_a_file_name_reach_the_terminal_as_escapes(tmp_path):
    """A file named to retitle the terminal window (OSC), ring its bell and forge a line: every line
    naming it shows the characters as escapes."""
    name = "sop\x1b]0;owned\x07\nfake.pdf"
    (tmp_path / name).write_text("not a PDF at all", encoding="utf-8")
    (tmp_path / "b\u202etxt.txt").write_text(
        "1. Victims shall be detained in the shelter.\n", encoding="utf-8"
    )
    result = dnh("audit", tmp_path, "--no-store", "--format", "json", "--out", tmp_path / "out")
    assert result.exit_code == 2, result.output
    for stream in (result.stderr, result.stdout):
        assert not any(c in stream for c in "\x1b\x07\u202e"), stream
    assert "sop\\x1b]0;owned\\x07 fake.pdf: not a PDF" in result.stderr  # one line
    assert "b\\u202etxt.txt: 1 clauses" in result.stderr
    segmented = dnh("segment", tmp_path / "b\u202etxt.txt", "-f", "table")
    assert "\u202e" not in segmented.stdout and "b\\u202etxt.txt: 1 clauses" in segmented.stdout


def test_a_rotated_page_is_read_and_its_warnings_are_one_line_each(tmp_path):
    """A page turned by mistake is read as written; the reader's warning and the highlighter's (its
    clauses are not highlighted) are one dnh line each, the file name escaped, not Python warnings."""
    import pikepdf

    rotated = tmp_path / "rot\x1b[31m.pdf"
    with pikepdf.open(SOP) as pdf:
        pdf.pages[1].rotate(90, relative=True)
        pdf.save(rotated)
    result = dnh("audit", rotated, "--no-store", "--format", "pdf", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "UserWarning" not in result.output and "\x1b" not in result.stderr
    said = [line for line in result.stderr.splitlines() if "page 2" in line or "pages [2]" in line]
    name = f"dnh: {tmp_path}/rot\\x1b[31m.pdf: warning:"
    assert said == [
        f"{name} page 2 is turned by its /Rotate entry (90°) so that its text does not show upright; "
        "it was read as written, and its clauses are not marked on it",
        f"{name} pages [2] are rotated; their clauses are not highlighted",
    ], said
    plain = dnh("audit", SOP, "--no-store", "--format", "pdf", "--out", tmp_path / "plain")
    assert plain.exit_code == 0 and "warning" not in plain.stderr
    assert result.stderr.count(" clauses, ") == plain.stderr.count(" clauses, ") == 1
    assert result.stderr.split(" clauses, ")[0].split()[-1] == plain.stderr.split(" clauses, ")[0].split()[-1]


def test_a_later_run_does_not_overwrite_another_files_reports_of_the_same_name(tmp_path):
    out = tmp_path / "out"
    first = dnh("audit", SOP, "--no-store", "--format", "json", "--out", out)
    assert first.exit_code == 0, first.output
    kept = (out / "my-shelter-sop.json").read_text(encoding="utf-8")
    second = dnh("audit", SOP.with_suffix(".docx"), "--no-store", "--format", "json", "--out", out)
    assert second.exit_code == 0, second.output
    assert (out / "my-shelter-sop.json").read_text(encoding="utf-8") == kept
    assert json.loads((out / "my-shelter-sop-docx.json").read_text())["document"]["format"] == "docx"
    again = dnh("audit", SOP, "--no-store", "--format", "json", "--out", out)  # the same file: replaced
    assert again.exit_code == 0 and sorted(p.name for p in out.iterdir()) == [
        "my-shelter-sop-docx.json",
        "my-shelter-sop.json",
    ]


def test_audit_without_country_says_what_it_guessed(tmp_path):
    unnamed = tmp_path / "rules.txt"
    unnamed.write_text("1. Victims shall be detained in the shelter.\n", encoding="utf-8")
    result = dnh("audit", SOP, unnamed, "--format", "json", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert lines[0].endswith("; country MY guessed from the text (--country sets it)"), lines
    assert lines[1].endswith("; country unknown (--country sets it)"), lines
    with Store() as store:  # the session's own store ($DNH_DB)
        stored = load_documents(store).set_index("file_name")["country"]
    assert stored["my-shelter-sop.pdf"] == "MY" and stored["rules.txt"] == "unknown"
    given = dnh("audit", SOP, "--country", "my", "--no-store", "--format", "json", "--out", tmp_path / "out")
    assert "guessed" not in given.stderr


def test_a_report_never_replaces_a_document_being_audited(tmp_path):
    """policy.html audited into its own folder: the report is policy-html.html, the policy is intact; and
    the next run over the folder does not audit the reports as policies."""
    folder = tmp_path / "policies"
    folder.mkdir()
    policy = folder / "policy.html"
    policy.write_text("<html><body><p>1. Victims shall be detained in the shelter.</p></body></html>")
    original = policy.read_text()
    result = dnh("audit", policy, "--no-store", "--format", "json,html", "--out", folder)
    assert result.exit_code == 0, result.output
    assert policy.read_text() == original
    assert (folder / "policy-html.html").is_file() and (folder / "policy-html.json").is_file()
    walked = tmp_path / "walked"
    walked.mkdir()
    (walked / "policy.html").write_text(original)
    for _ in range(2):  # the second run would find the first one's reports in the folder it walks
        again = dnh("audit", walked, "--no-store", "--format", "json,html", "--out", walked / "reports")
        assert again.exit_code == 0, again.output
    assert "1 document audited" in again.stderr  # policy.html only (the earlier reports are .html too)


def test_reports_of_dotted_names_do_not_overwrite_each_other(tmp_path):
    for version in ("v1", "v2"):
        (tmp_path / f"policy.{version}.txt").write_text(f"1. Victims shall be detained ({version}).\n")
    result = dnh("audit", tmp_path, "--no-store", "--format", "json", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["policy.v1.json", "policy.v2.json"]


def test_a_file_name_that_is_not_utf8_is_audited_and_stored(tmp_path):
    import os

    folder = tmp_path / "mixed"
    folder.mkdir()
    name = os.fsdecode(b"d\xe9tention.txt")  # Latin-1 bytes: not UTF-8
    (folder / name).write_text("1. Victims found in a raid shall be detained in the shelter.\n")
    (folder / "z-after.txt").write_text("1. Victims found in a raid shall not be detained.\n")
    result = dnh("audit", folder, "--format", "json,csv,html", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "d\\udce9tention.txt: 1 clauses" in result.stderr and "z-after.txt: 1 clauses" in result.stderr
    report = json.loads((tmp_path / "out" / "d-tention.json").read_text(encoding="utf-8"))
    assert report["document"]["path"].endswith("d\ufffdtention.txt")
    with Store() as store:
        names = set(load_documents(store)["file_name"])
    assert {"d\ufffdtention.txt", "z-after.txt"} <= names


def test_a_batch_is_told_apart_from_too_many_workers(tmp_path):
    from analyzer.cli.audit import MAX_WORKERS_PER_CORE, _workers

    assert _workers(100_000, 2) == 2  # one per document at most
    assert _workers(None, 5) is None and _workers(3, 5) == 3
    per_core = MAX_WORKERS_PER_CORE * (os.cpu_count() or 1)
    assert _workers(10 * per_core, 10 * per_core) == per_core
    assert _workers(20 * per_core, 10 * per_core) == per_core  # more documents than the cap, too


def test_an_unreadable_file_or_folder_is_one_line_and_the_rest_is_audited_and_stored(tmp_path):
    """A file or a subfolder without read permission stopped the batch with a traceback, the store left
    empty (the resume check hashed the file first). As root the permissions are dropped with setpriv."""
    import os
    import shutil
    import sys

    prefix = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("root without setpriv: file permissions cannot be tested")
        prefix = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]
    folder = tmp_path / "docs"
    (folder / "locked").mkdir(parents=True)
    (folder / "a.txt").write_text("1. Victims of forced labour shall be detained in the shelter.\n")
    (folder / "b.pdf").write_bytes(SOP.read_bytes())
    (folder / "c.txt").write_text("1. Victims of forced labour shall not be detained.\n")
    (folder / "locked" / "d.txt").write_text("1. Victims of forced labour may leave.\n")
    os.chmod(folder / "b.pdf", 0)
    os.chmod(folder / "locked", 0)
    try:
        dnh_path = Path(sys.executable).parent / "dnh"
        db = tmp_path / "s.duckdb"
        command = [*prefix, str(dnh_path), "audit", str(folder), "--db", str(db), "-f", "json"]
        result = run_command(
            [*command, "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=300
        )
        segmented = run_command(
            [*prefix, str(dnh_path), "segment", str(folder)], capture_output=True, text=True, timeout=300
        )
    finally:
        os.chmod(folder / "b.pdf", 0o644)
        os.chmod(folder / "locked", 0o755)
    for run in (result, segmented):
        assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
        assert f"{folder / 'b.pdf'}: cannot be read (Permission denied)" in run.stderr
        assert f"{folder / 'locked'}: a folder that cannot be read" in run.stderr
    with Store(db) as store:
        assert sorted(load_documents(store)["file_name"]) == ["a.txt", "c.txt"]


def test_a_link_to_nothing_in_a_folder_is_said_and_a_file_named_twice_is_read_once(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("1. Victims shall be detained.\n")
    (folder / "gone.pdf").symlink_to(tmp_path / "deleted.pdf")
    result = dnh("segment", folder, folder / "a.txt", "-f", "table")
    assert result.exit_code == 2
    assert f"dnh: {folder / 'gone.pdf'}: no such file" in result.stderr
    assert result.stdout.count("a.txt: 1 clauses") == 1


def test_reports_left_beside_the_documents_are_left_out_and_refused_as_policies(tmp_path):
    """An earlier run's HTML report and highlighted PDF in the folder audited again: left out with a note
    (read as policies they gave '0 harmful ... score 100' to the country), the same names kept run after
    run; named to a reader, refused in one line."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / SOP.name).write_bytes(SOP.read_bytes())
    for _ in range(3):
        again = dnh("audit", folder, "--no-store", "--format", "html,pdf,json", "--out", folder)
        assert again.exit_code == 0, again.output
    assert "dnh: note: 2 report(s) written by dnh left out" in again.stderr
    assert sorted(p.name for p in folder.iterdir()) == [
        "my-shelter-sop.highlighted.pdf",
        "my-shelter-sop.html",
        "my-shelter-sop.json",
        "my-shelter-sop.pdf",
    ]
    for engine in ("pdfplumber", "pdfium"):
        result = dnh("segment", folder / "my-shelter-sop.highlighted.pdf", "--engine", engine)
        one_line(result, "a report written by dnh, not a policy document")
    one_line(dnh("segment", folder / "my-shelter-sop.html"), "a report written by dnh")


def test_a_report_is_not_written_through_a_link_to_a_document(tmp_path):
    source, out = tmp_path / "src", tmp_path / "out"
    source.mkdir()
    out.mkdir()
    policy = source / "policy.html"
    policy.write_text("<html><body><p>1. Victims shall be detained in the shelter.</p></body></html>")
    original = policy.read_text()
    (out / "policy.html").symlink_to(policy)
    result = dnh("audit", out / "policy.html", "--no-store", "--format", "html", "--out", out)
    assert result.exit_code == 0, result.output
    assert policy.read_text() == original and (out / "policy-html.html").is_file()


def test_the_same_name_from_many_files_never_runs_out_of_report_names(tmp_path):
    out = tmp_path / "out"
    for n in range(5):
        folder = tmp_path / f"v{n}"
        folder.mkdir()
        (folder / "policy.txt").write_text(f"1. Victims shall be detained ({n}).\n")
        result = dnh("audit", folder / "policy.txt", "--no-store", "--format", "json", "--out", out)
        assert result.exit_code == 0, result.output
    assert len(list(out.iterdir())) == 5
    again = dnh("audit", tmp_path / "v0" / "policy.txt", "--no-store", "--format", "json", "--out", out)
    assert again.exit_code == 0 and len(list(out.iterdir())) == 5  # the same file: its own name again


def test_a_pipe_does_not_block_the_resume_check(tmp_path):
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    result = dnh("audit", pipe, "--db", tmp_path / "s.duckdb", "--format", "json", "--out", tmp_path / "o")
    assert result.exit_code == 2 and f"dnh: {pipe}: not a regular file" in result.stderr  # no hang
