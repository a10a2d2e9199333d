"""Batch audits: parallel workers give the serial results, re-runs resume, a bad file does not stop a batch."""

from __future__ import annotations

from pathlib import Path

from analyzer.batch import audit_many
from analyzer.errors import InputError
from analyzer.ingest.build import sha256_of as file_sha256

DOCUMENTS = Path(__file__).resolve().parents[1] / "corpus" / "documents"
PDFS = [
    DOCUMENTS / "my-shelter-sop.pdf",
    DOCUMENTS / "th-immigration-circular.pdf",
    DOCUMENTS / "la-th-return-mou.pdf",
]


def _findings(results):
    return {
        path.name: sorted((f.clause_id, f.principle, f.stance, f.confidence) for f in result.findings)
        for path, result in results
    }


def test_two_workers_give_the_serial_findings():
    serial = _findings(audit_many(PDFS, workers=1, country="XX"))
    parallel = _findings(audit_many(PDFS, workers=2, country="XX"))
    assert parallel == serial and len(serial) == len(PDFS)


def test_a_bad_file_is_reported_and_the_batch_goes_on(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 truncated")
    results = dict(audit_many([bad, PDFS[0]], workers=2))
    assert isinstance(results[bad], InputError)
    assert results[PDFS[0]].findings


def test_skipped_documents_are_yielded_without_auditing():
    stored = {file_sha256(PDFS[0])}
    results = dict(audit_many(PDFS[:2], skip=lambda path: file_sha256(path) in stored))
    assert results[PDFS[0]] is None and results[PDFS[1]].clauses
