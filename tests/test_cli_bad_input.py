"""Claims about the installed ``dnh`` command on bad input: exit status 2 and one line ``dnh: <path>: <reason>``.

The files come from :func:`pdfgen.make_bad_inputs` and :func:`hostilegen.make_hostile_inputs` (the other
hostile files are checked in-process in ``tests/ingest/test_hostile_files.py``); the command is the real console script next to the
test's Python, run in a subprocess as a user would run it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pdfgen
import pytest
from helpers import run_command

DNH = Path(sys.executable).parent / "dnh"
TIMEOUT = 120

# what the case is for, the input (a key of make_bad_inputs, or "missing"), what the reason must say:
# every entry of the last column must be found; a tuple entry is satisfied by any one of its words.
CASES = [
    ("a path that does not exist", "missing", ["no such file"]),
    ("a 0-byte file named .pdf", "empty", ["empty"]),
    ("a text file renamed .pdf", "not_pdf", ["not a PDF"]),
    ("a PNG image renamed .pdf", "png_renamed", ["not a PDF", "PNG"]),
    ("a PDF cut to 40 % of its bytes", "truncated", [("truncated", "damaged", "corrupt")]),
    ("an encrypted PDF opened without its password", "encrypted", ["password"]),
    ("a PDF whose page tree is empty", "zero_pages", ["no pages"]),
    ("a scan: images only, no text layer", "image_only", ["OCR"]),
    ("a file type the analyzer does not read", "unsupported", ["unsupported"]),
    ("a folder holding no supported document", "empty_folder", ["no documents"]),
    ("a DOCX zip bomb: 48 MB of zeros in 48 KB", "zip_bomb_docx", ["refused", "200:1", "zip bomb"]),
    ("a PDF stream that inflates 1000:1", "stream_bomb", ["refused", "decompression bomb"]),
    ("a PDF of 3000 blank pages, over the page limit", "thousands_of_pages", ["3000 pages", "--max-pages"]),
    ("an array nested 300 levels deep", "nested_deep", ["refused", "levels deep"]),
    ("a page tree that contains itself", "page_loop", ["refused", "loops back"]),
    (
        "a PDF header and no object to rebuild a table from",
        "broken_xref",
        ["cross-reference", "not be repaired"],
    ),
]

# cases whose outcome depends on the limits given on the command line
LIMIT_CASES = [
    ("3000 blank pages within a raised page limit: parsed, no text", "thousands_of_pages",
     ["--max-pages", "5000"], ["no text on any page"]),
    ("3000 blank pages under a 1 s time limit", "thousands_of_pages",
     ["--max-pages", "5000", "--timeout", "1"], ["longer than 1 s", "--timeout"]),
    ("a normal PDF over a tiny file-size limit", "encrypted", ["--max-file-mb", "0.001"], ["limit", "--max-file-mb"]),
]  # fmt: skip


def run_dnh(*args: str | Path) -> subprocess.CompletedProcess:
    assert DNH.exists(), f"{DNH} is missing: install the package (pip install -e . --no-deps)"
    return run_command(
        [str(DNH), *map(str, args)], capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def _says(reason: str, expected: str | tuple[str, ...]) -> bool:
    words = (expected,) if isinstance(expected, str) else expected
    return any(word.lower() in reason.lower() for word in words)


@pytest.mark.parametrize(("purpose", "case", "must_say"), CASES, ids=[case for _, case, _ in CASES])
def test_bad_input_exits_2_with_one_line_naming_the_file_and_the_reason(
    purpose, case, must_say, bad_inputs, tmp_path
):
    path = tmp_path / "missing.pdf" if case == "missing" else bad_inputs[case]
    result = run_dnh("segment", path)
    assert result.returncode == 2, (purpose, result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].strip(), (purpose, result.stderr)
    line = lines[0]
    assert line.startswith(f"dnh: {path}: "), (purpose, line)
    for expected in must_say:
        assert _says(line, expected), f"{purpose}: {line!r} does not say {expected!r}"


@pytest.mark.parametrize(
    ("purpose", "case", "options", "must_say"), LIMIT_CASES, ids=[c[0][:40] for c in LIMIT_CASES]
)
def test_limits_given_on_the_command_line_are_applied(purpose, case, options, must_say, bad_inputs):
    result = run_dnh("segment", bad_inputs[case], *options)
    assert result.returncode == 2, (purpose, result.returncode, result.stderr[-2000:])
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"dnh: {bad_inputs[case]}: "), (purpose, result.stderr)
    for expected in must_say:
        assert _says(lines[0], expected), f"{purpose}: {lines[0]!r} does not say {expected!r}"


def test_encrypted_pdf_is_segmented_with_its_password(bad_inputs):
    result = run_dnh("segment", bad_inputs["encrypted"], "--password", pdfgen.PASSWORD)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip()


def test_jsonl_output_is_one_clause_object_per_line(structured_pdf):
    result = run_dnh("segment", structured_pdf, "--format", "jsonl")
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert lines
    for line in lines:
        record = json.loads(line)
        assert isinstance(record, dict)
        assert {"number", "heading_path", "text", "pages", "boxes"} <= record.keys(), sorted(record)
        assert isinstance(record["heading_path"], list) and isinstance(record["pages"], list)


@pytest.mark.parametrize(
    "purpose, command",
    [
        ("audit into the store", ["audit", "POLICY", "--out", "OUT"]),
        ("compare countries from the store", ["compare"]),
        ("seed the dashboard's samples", ["app", "--samples", "--port", "8599"]),
    ],
)
def test_a_store_that_is_not_a_database_is_refused_in_one_line(purpose, command, tmp_path, structured_pdf):
    db = tmp_path / "store.duckdb"
    db.write_text("not a database\n", encoding="utf-8")
    args = [
        str(structured_pdf) if a == "POLICY" else str(tmp_path / "out") if a == "OUT" else a for a in command
    ]
    result = run_command(
        [str(DNH), *args, "--db", str(db)], capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    assert result.returncode == 2, (purpose, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dnh: the store cannot be opened"), (purpose, lines)
    assert str(db) in lines[0], (purpose, lines)
    assert "Traceback" not in result.stderr, purpose


@pytest.mark.parametrize(
    "args, says",
    [
        (["segment", "x.pdf", "--timeout", "0"], "dnh: Invalid value for '--timeout'"),
        (["audit", "x.pdf", "--workers", "0"], "dnh: Invalid value for '--workers'"),
        (["audit", "--bogus"], "dnh: No such option: --bogus"),
        (["segment"], "dnh: Missing argument"),
        (["nosuch"], "dnh: No such command 'nosuch'"),
    ],
)
def test_a_usage_error_is_one_line_with_where_to_look(args, says):
    """Typer's framed usage text (a dozen lines of box drawing) is one line, as every other bad input."""
    result = run_command([str(DNH), *args], capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(says) and "--help`)" in lines[0], result.stderr


def test_dnh_alone_and_help_still_show_the_help():
    for args in ([], ["--help"], ["audit", "--help"]):
        result = run_command([str(DNH), *args], capture_output=True, text=True, timeout=TIMEOUT)
        assert result.returncode == 0 and "Usage" in result.stdout, (args, result.stderr)
    version = run_command([str(DNH), "--version"], capture_output=True, text=True, timeout=TIMEOUT)
    assert version.returncode == 0 and version.stdout.startswith("dnh ")
