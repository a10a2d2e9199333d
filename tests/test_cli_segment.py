"""`dnh segment` as a user runs it: the console script on real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import fixture_path, run_command

DNH = Path(sys.executable).parent / "dnh"
SAMPLE = Path(__file__).resolve().parents[1] / "corpus" / "documents" / "my-shelter-sop.pdf"


def run(*args: str) -> subprocess.CompletedProcess:
    return run_command([str(DNH), *args], capture_output=True, text=True, timeout=300, check=False)


def test_ra9208_sections_listed_with_numbers_and_pages():
    result = run("segment", str(fixture_path("ph-ra9208-2003-anti-trafficking-act.pdf")), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert all({"number", "heading_path", "text", "pages", "boxes"} <= record.keys() for record in records)
    sections = {r["number"]: r["pages"] for r in records if r["number"].isdigit()}
    assert set(sections) == {str(n) for n in range(1, 34)} - {"7"}
    assert sections["17"] == [5] and sections["33"] == [7]


def test_bundled_sample_as_a_table():
    result = run("segment", str(SAMPLE), "--format", "table")
    assert result.returncode == 0, result.stderr
    assert "4.2(c)" in result.stdout and "clauses" in result.stdout.splitlines()[0]


def test_folder_of_documents_is_expanded(tmp_path):
    (tmp_path / "a.txt").write_text("Section 1. Scope. - This applies.\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("Article 1\nVictims shall not be detained.\n", encoding="utf-8")
    (tmp_path / "notes.xyz").write_text("ignored", encoding="utf-8")
    result = run("segment", str(tmp_path))
    assert result.returncode == 0, result.stderr
    documents = {Path(json.loads(line)["document"]).name for line in result.stdout.splitlines()}
    assert documents == {"a.txt", "b.md"}
