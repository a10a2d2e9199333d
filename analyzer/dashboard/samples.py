"""Audit the bundled sample documents into a store, so a new user's dashboard opens on real results.

Each sample goes through the same steps as an upload (:mod:`analyzer.dashboard.uploads`): read, guess the
country and type from the text, audit, store. Samples the store already holds for this model are skipped,
so starting the dashboard again costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from analyzer.classify.classifier import Classifier
from analyzer.dashboard.uploads import audit_upload, inspect_upload
from analyzer.errors import InputError
from analyzer.ingest.build import sha256_of
from analyzer.store import Store

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "corpus" / "documents"


def sample_paths(folder: Path = SAMPLES_DIR) -> list[Path]:
    """The sample PDFs (their DOCX twins and sources would only repeat them)."""
    return sorted(Path(folder).glob("*.pdf"))


def seed(
    store: Store,
    classifier: Classifier,
    *,
    paths: list[Path] | None = None,
    on_document: Callable[[Path, str], None] = lambda path, status: None,
) -> Iterator[tuple[Path, str]]:
    """Audit each sample not yet stored for ``classifier``'s version; yield ``(path, status)`` for each."""
    for path in sample_paths() if paths is None else paths:
        if store.has(sha256_of(path), classifier.version):
            status = "already in the store"
        else:
            try:
                inspected = inspect_upload(path)
                result = audit_upload(
                    inspected,
                    country=inspected.country,
                    doc_type=inspected.doc_type,
                    classifier=classifier,
                    store=store,
                )
                status = f"audited: {len(result.clauses)} clauses, {result.scorecard['findings']} findings"
            except InputError as error:
                status = f"refused: {error.reason}"
        on_document(path, status)
        yield path, status
