"""The audit store: an embedded DuckDB database of documents, clauses, findings and reviews.

``Store`` writes audits and reviewers' decisions; the module-level functions read the store (the default
one, ``$DNH_DB`` or the user data folder, unless given ``db``) as pandas DataFrames::

    from analyzer.store import load_findings, country_matrix
    df = load_findings()
    country_matrix(stance="HARMFUL")

``export`` writes any of those frames to CSV (spreadsheet-safe) or Parquet.
"""

from analyzer.store.database import DECISIONS, UNKNOWN_COUNTRY, Store, model_version_of
from analyzer.store.export import export, neutralised, spreadsheet_safe
from analyzer.store.frames import (
    contradictions,
    copies,
    copies_note,
    country_gaps,
    country_matrix,
    country_scores,
    load_documents,
    load_findings,
    unread_note,
)
from analyzer.store.results import load_result, resolve_doc_id
from analyzer.store.schema import SCHEMA_VERSION, default_db_path

__all__ = [
    "DECISIONS",
    "SCHEMA_VERSION",
    "UNKNOWN_COUNTRY",
    "Store",
    "contradictions",
    "copies",
    "copies_note",
    "country_gaps",
    "country_matrix",
    "country_scores",
    "default_db_path",
    "export",
    "load_documents",
    "load_findings",
    "load_result",
    "model_version_of",
    "neutralised",
    "resolve_doc_id",
    "spreadsheet_safe",
    "unread_note",
]
