"""The store's tables, their version, and where the database file lives by default.

One DuckDB file holds four tables. ``documents`` has one row per audit, keyed by the document's SHA-256
and the model version that audited it, so re-auditing the same file with the same model replaces rather
than duplicates. ``clauses`` and ``findings`` hang off that key. ``reviews`` holds reviewers' decisions
on findings; they are never deleted when an audit is replaced. ``schema_version`` records
:data:`SCHEMA_VERSION`; a file written by a newer schema is refused rather than misread, an older one is
brought up to date in place (:func:`migration_statements`).

A finding is *asserted* (counted in scores and comparisons) when its confidence reaches its document's
emit threshold for the finding's stance (``emit_harmful``, ``emit_protective``, ``emit_neutral``, from the
model that audited it): :data:`ASSERTED` says so in SQL.
"""

from __future__ import annotations

import os
from pathlib import Path

SCHEMA_VERSION = 5
APP_NAME = "dnh-policy-analyzer"
DB_ENV = "DNH_DB"
DB_FILE = "audits.duckdb"

TABLES: dict[str, str] = {
    "schema_version": "version INTEGER NOT NULL",
    "documents": """
        doc_id VARCHAR NOT NULL,
        model_version VARCHAR NOT NULL,
        path VARCHAR,
        file_name VARCHAR,
        title VARCHAR,
        country VARCHAR NOT NULL,
        doc_type VARCHAR,
        language VARCHAR,
        pages INTEGER,
        clauses INTEGER,
        score DOUBLE,
        emit_harmful DOUBLE,
        emit_protective DOUBLE,
        emit_neutral DOUBLE,
        scorecard JSON,
        gaps JSON,
        taxonomy_version VARCHAR,
        audited_at TIMESTAMP NOT NULL,
        format VARCHAR,
        warnings JSON,
        ocr_pages JSON,
        PRIMARY KEY (doc_id, model_version)
    """,
    "clauses": """
        doc_id VARCHAR NOT NULL,
        model_version VARCHAR NOT NULL,
        clause_id VARCHAR NOT NULL,
        position INTEGER NOT NULL,
        number VARCHAR,
        heading_path VARCHAR[],
        text VARCHAR,
        lead_in VARCHAR,
        division VARCHAR,
        pages INTEGER[],
        "start" INTEGER,
        "end" INTEGER,
        boxes JSON,
        words VARCHAR,
        PRIMARY KEY (clause_id, model_version)
    """,
    "findings": """
        doc_id VARCHAR NOT NULL,
        model_version VARCHAR NOT NULL,
        clause_id VARCHAR NOT NULL,
        principle VARCHAR NOT NULL,
        stance VARCHAR NOT NULL,
        confidence DOUBLE NOT NULL,
        needs_review BOOLEAN NOT NULL,
        evidence VARCHAR[],
        rationale VARCHAR,
        source VARCHAR,
        taxonomy_version VARCHAR,
        PRIMARY KEY (clause_id, model_version, principle)
    """,
    "reviews": """
        review_id VARCHAR PRIMARY KEY,
        clause_id VARCHAR NOT NULL,
        doc_id VARCHAR NOT NULL,
        principle VARCHAR NOT NULL,
        original_stance VARCHAR,
        decision VARCHAR NOT NULL CHECK (decision IN ('accept', 'change', 'reject')),
        new_principle VARCHAR,
        new_stance VARCHAR,
        note VARCHAR,
        reviewer VARCHAR,
        created_at TIMESTAMP NOT NULL,
        model_version VARCHAR
    """,
}


def default_db_path() -> Path:
    """``$DNH_DB`` if set, else ``audits.duckdb`` in the user's data folder (created if missing)."""
    configured = os.environ.get(DB_ENV)
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_dir

    folder = Path(user_data_dir(APP_NAME))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / DB_FILE


# Does finding ``f`` reach the emit threshold of its stance in its document ``d``'s audit?
ASSERTED = (
    "f.confidence >= CASE f.stance WHEN 'HARMFUL' THEN d.emit_harmful"
    " WHEN 'PROTECTIVE' THEN d.emit_protective ELSE d.emit_neutral END"
)

# Columns added in version 2, by table: a version-1 file gains them (empty) when it is opened.
ADDED_IN_2: dict[str, tuple[str, ...]] = {
    "documents": ("format VARCHAR", "warnings JSON", "ocr_pages JSON"),
    "clauses": ("boxes JSON",),
}
EMIT_COLUMNS = ("emit_harmful", "emit_protective", "emit_neutral")
# Version 3 replaced the one emit threshold per document by one per stance: the audits stored before it
# used one threshold for every stance, so each new column takes its value. The old column stays (unused,
# empty for new audits): dropping it would fail on a file where a user made an index on the table.
TO_3 = (
    *(f"ALTER TABLE documents ADD COLUMN IF NOT EXISTS {column} DOUBLE" for column in EMIT_COLUMNS),
    "UPDATE documents SET " + ", ".join(f"{column} = emit_threshold" for column in EMIT_COLUMNS),
)


# A clause's words, for finding the same text in two files (:data:`analyzer.store.frames.COPIES`): the MD5 of
# its letters, marks and digits (any script), lower-cased; NULL for a clause with none.
WORDS = "md5(nullif(regexp_replace(lower(text), '[^\\p{L}\\p{M}\\p{N}]+', '', 'g'), ''))"
# Version 4 stores countries upper-cased ("MY"): audits saved before it kept the case they were given, so
# "my" and "MY" were two countries.
TO_4 = (
    "UPDATE documents SET country = upper(country) WHERE country <> 'unknown' AND country <> upper(country)",
)
# Version 5 keeps each clause's words' hash (WORDS).
TO_5 = ("ALTER TABLE clauses ADD COLUMN IF NOT EXISTS words VARCHAR", f"UPDATE clauses SET words = {WORDS}")


def migration_statements(stored: int) -> list[str]:
    """The statements that bring a store of schema version ``stored`` up to date."""
    statements: list[str] = []
    if stored < 2:
        statements += [
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column}"
            for table, columns in ADDED_IN_2.items()
            for column in columns
        ]
    if stored < 3:
        statements += TO_3
    if stored < 4:
        statements += TO_4
    if stored < 5:
        statements += TO_5
    return statements


def missing_column_statements(present: set[tuple[str, str]]) -> list[str]:
    """``ALTER TABLE`` for each version-2 column missing from a file (``present``: its (table, column)
    pairs). ``ocr_pages`` joined version 2 after stores of that version had been written, so such a
    store reaches version 3 without it; it gains the column (empty) when it is opened."""
    return [
        f"ALTER TABLE {table} ADD COLUMN {column}"
        for table, columns in ADDED_IN_2.items()
        for column in columns
        if (table, column.split()[0]) not in present
    ]


def create_statements() -> list[str]:
    """``CREATE TABLE IF NOT EXISTS`` for every table, in dependency-free order."""
    return [f"CREATE TABLE IF NOT EXISTS {name} ({columns})" for name, columns in TABLES.items()]
