"""A store seeded once per session with two sample audits and one hostile document, for the screens."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.classify.classifier import Classifier
from analyzer.dashboard.samples import SAMPLES_DIR, seed
from analyzer.dashboard.uploads import audit_upload, inspect_upload, save_upload
from analyzer.store import Store

HOSTILE_TEXT = """STANDING ORDER ON VICTIM INTERVIEWS

Article 1. Victims shall not be detained <script>window.__dnh_pwned = 1</script> in immigration centres.

Article 2. Officers shall keep the name <img src=x onerror="window.__dnh_pwned = 2"> of every victim confidential.

Article 3. =HYPERLINK("http://example.invalid","click") Victims who refuse to testify shall be returned to their country.
"""


@pytest.fixture(scope="session")
def classifier() -> Classifier:
    return Classifier.load()


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory, classifier) -> Path:
    """A store file holding the MY SOP and the TH order (sample PDFs) and a hostile TXT upload."""
    folder = tmp_path_factory.mktemp("dashboard-store")
    db = folder / "audits.duckdb"
    with Store(db) as store:
        paths = [SAMPLES_DIR / "my-shelter-sop.pdf", SAMPLES_DIR / "th-immigration-circular.pdf"]
        statuses = [status for _, status in seed(store, classifier, paths=paths)]
        assert all(status.startswith("audited") for status in statuses), statuses
        hostile = save_upload("hostile<order>.txt", HOSTILE_TEXT.encode(), folder / "uploads")
        audit_upload(
            inspect_upload(hostile), country="KH", doc_type="order", classifier=classifier, store=store
        )
    return db


@pytest.fixture
def dashboard_env(seeded_db, tmp_path, monkeypatch) -> Path:
    """``$DNH_DB`` pointing at a private copy of the seeded store (screens may write to it)."""
    import shutil

    db = tmp_path / "audits.duckdb"
    shutil.copy(seeded_db, db)
    monkeypatch.setenv("DNH_DB", str(db))
    return db
