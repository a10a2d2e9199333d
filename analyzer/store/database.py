"""The :class:`Store`: an embedded DuckDB database of audits and reviewers' decisions.

``Store.save`` writes one :class:`~analyzer.types.AuditResult` in a transaction, keyed by (document
SHA-256, model version): saving the same audit again replaces its rows instead of adding new ones, and
``Store.has`` lets a batch skip what is already stored. ``Store.add_review`` records a reviewer's
decision on a finding; ``Store.export_reviews_as_training`` turns the reviewed clauses into corpus
records (``corpus/clauses.jsonl`` format) so that reviewers' corrections can be trained on.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import duckdb
import pandas as pd
import pyarrow as pa

from analyzer.score import emit_thresholds
from analyzer.store.schema import (
    EMIT_COLUMNS,
    SCHEMA_VERSION,
    WORDS,
    create_statements,
    default_db_path,
    migration_statements,
    missing_column_statements,
)
from analyzer.types import PRINCIPLE_IDS, STANCES, AuditResult, Clause, Finding

Decision = Literal["accept", "change", "reject"]
DECISIONS: tuple[str, ...] = ("accept", "change", "reject")
UNKNOWN_COUNTRY = "unknown"


def _now() -> datetime:
    """The current UTC time without a zone, as DuckDB's TIMESTAMP holds it."""
    return datetime.now(UTC).replace(tzinfo=None)


def model_version_of(result: AuditResult) -> str:
    """The version of the model that produced ``result`` (scorecard first, then its findings)."""
    version = result.scorecard.get("model_version")
    return version or next((f.model_version for f in result.findings if f.model_version), "")


def _boxes_json(clause: Clause) -> str:
    return json.dumps([dataclasses.asdict(box) for box in clause.boxes])


def _clause_rows(key: list[str], clauses: Sequence[Clause]) -> pa.Table:
    """The clauses' rows, typed as the ``clauses`` table holds them (``words`` is filled in SQL)."""
    doc_id, version = key
    return pa.table(
        {
            "doc_id": pa.array([doc_id] * len(clauses), pa.string()),
            "model_version": pa.array([version] * len(clauses), pa.string()),
            "clause_id": pa.array([c.clause_id for c in clauses], pa.string()),
            "position": pa.array(range(len(clauses)), pa.int32()),
            "number": pa.array([c.number for c in clauses], pa.string()),
            "heading_path": pa.array([list(c.heading_path) for c in clauses], pa.list_(pa.string())),
            "text": pa.array([c.text for c in clauses], pa.string()),
            "lead_in": pa.array([c.lead_in for c in clauses], pa.string()),
            "division": pa.array([c.division for c in clauses], pa.string()),
            "pages": pa.array([list(c.pages) for c in clauses], pa.list_(pa.int32())),
            "start": pa.array([c.start for c in clauses], pa.int32()),
            "end": pa.array([c.end for c in clauses], pa.int32()),
            "boxes": pa.array([_boxes_json(c) for c in clauses], pa.string()),
        }
    )


def _finding_rows(key: list[str], findings: Sequence[Finding], taxonomy_version: str) -> pa.Table:
    """The findings' rows, typed as the ``findings`` table holds them."""
    doc_id, version = key
    return pa.table(
        {
            "doc_id": pa.array([doc_id] * len(findings), pa.string()),
            "model_version": pa.array([version] * len(findings), pa.string()),
            "clause_id": pa.array([f.clause_id for f in findings], pa.string()),
            "principle": pa.array([f.principle for f in findings], pa.string()),
            "stance": pa.array([f.stance for f in findings], pa.string()),
            "confidence": pa.array([float(f.confidence) for f in findings], pa.float64()),
            "needs_review": pa.array([bool(f.needs_review) for f in findings], pa.bool_()),
            "evidence": pa.array([list(f.evidence) for f in findings], pa.list_(pa.string())),
            "rationale": pa.array([f.rationale for f in findings], pa.string()),
            "source": pa.array([f.source for f in findings], pa.string()),
            "taxonomy_version": pa.array(
                [f.taxonomy_version or taxonomy_version for f in findings], pa.string()
            ),
        }
    )


class Store:
    """A DuckDB file of audits (``":memory:"`` for a throw-away one); ``None`` opens :func:`default_db_path`.

    Use it as a context manager, or call :meth:`close`.
    """

    def __init__(self, path: Path | str | None = None) -> None:
        target = default_db_path() if path is None else path
        if str(target) != ":memory:":
            target = Path(target)
            target.parent.mkdir(parents=True, exist_ok=True)
        self.path = target
        self.connection = duckdb.connect(str(target))
        try:
            self._quiet()
            self._create_tables()
        except BaseException:
            self.connection.close()
            raise

    def _quiet(self) -> None:
        """No progress bar on the terminal from a long query (dnh compare on a large store). In Jupyter
        DuckDB refuses to change the setting at all without ipywidgets (it draws no bar there then)."""
        with contextlib.suppress(duckdb.InvalidInputException):
            self.connection.execute("SET enable_progress_bar = false")

    def _create_tables(self) -> None:
        for statement in create_statements():
            self.connection.execute(statement)
        stored = self.connection.execute("SELECT max(version) FROM schema_version").fetchone()[0]
        if stored is None:
            self.connection.execute("INSERT INTO schema_version VALUES (?)", [SCHEMA_VERSION])
        elif stored < SCHEMA_VERSION:
            self.connection.begin()  # all or nothing: a failed migration leaves the file as it was
            try:
                for statement in migration_statements(stored):
                    self.connection.execute(statement)
                self.connection.execute("UPDATE schema_version SET version = ?", [SCHEMA_VERSION])
                self.connection.commit()
            except duckdb.Error as error:
                self.connection.rollback()
                raise ValueError(
                    f"{self.path}: cannot bring the store from schema version {stored} to {SCHEMA_VERSION} "
                    f"({type(error).__name__}: {str(error).splitlines()[0]}); the file is unchanged"
                ) from None
            except BaseException:
                self.connection.rollback()
                raise
        elif stored > SCHEMA_VERSION:
            raise ValueError(
                f"{self.path}: store schema version {stored} is newer than this analyzer's "
                f"({SCHEMA_VERSION}); upgrade dnh-policy-analyzer"
            )
        for statement in missing_column_statements(self._columns()):
            self.connection.execute(statement)

    def _columns(self) -> set[tuple[str, str]]:
        """(table, column) of every column the file's tables have."""
        query = (
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_catalog = current_database() AND table_schema = current_schema()"
        )
        return set(self.connection.execute(query).fetchall())

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self.connection.close()

    def query(self, sql: str, params: Sequence | None = None) -> pd.DataFrame:
        """Run any SQL on the store and return the result as a DataFrame."""
        return self.connection.execute(sql, list(params or [])).df()

    # --- audits ---------------------------------------------------------------------------------------

    def has(self, doc_id: str, model_version: str | None = None) -> bool:
        """Whether the document is stored (audited by ``model_version``, or by any model when ``None``)."""
        row = self.connection.execute(
            "SELECT count(*) FROM documents WHERE doc_id = ? AND (? IS NULL OR model_version = ?)",
            [doc_id, model_version, model_version],
        ).fetchone()
        return row[0] > 0

    def save(self, result: AuditResult, *, replace: bool = True) -> bool:
        """Store one audit; return whether it was new.

        An audit already stored under the same (doc_id, model_version) is replaced when ``replace`` is
        true and left alone otherwise. Reviews are never touched.
        """
        doc, version = result.document, model_version_of(result)
        exists = self.has(doc.doc_id, version)
        if exists and not replace:
            return False
        key = [doc.doc_id, version]
        card = result.scorecard
        taxonomy_version = card.get("taxonomy_version") or next(
            (f.taxonomy_version for f in result.findings if f.taxonomy_version), ""
        )
        self.connection.begin()
        try:
            for table in ("findings", "clauses", "documents"):
                self.connection.execute(f"DELETE FROM {table} WHERE doc_id = ? AND model_version = ?", key)
            emit = emit_thresholds(card)
            row = {
                "doc_id": doc.doc_id,
                "model_version": version,
                "path": str(Path(doc.path).resolve()) if doc.path else doc.path,
                "file_name": Path(doc.path).name,
                "title": doc.title,
                "country": (doc.country or "").strip().upper() or UNKNOWN_COUNTRY,
                "doc_type": doc.doc_type,
                "language": doc.language,
                "pages": doc.page_count,
                "clauses": len(result.clauses),
                "score": card.get("score"),
                **{column: emit[stance] for column, stance in zip(EMIT_COLUMNS, STANCES, strict=True)},
                "scorecard": json.dumps(card, ensure_ascii=False, default=str),
                "gaps": json.dumps(list(result.gaps)),
                "taxonomy_version": taxonomy_version,
                "audited_at": _now(),
                "format": doc.format,
                "warnings": json.dumps(list(doc.warnings), ensure_ascii=False),
                "ocr_pages": json.dumps({str(p.number): p.ocr_confidence for p in doc.pages if p.ocr}),
            }
            # by name: a migrated file holds the columns in another order than a new one
            self.connection.execute(
                f"INSERT INTO documents ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                list(row.values()),
            )
            if result.clauses:
                self._insert("clauses", _clause_rows(key, result.clauses))
                self.connection.execute(
                    f"UPDATE clauses SET words = {WORDS} WHERE doc_id = ? AND model_version = ?", key
                )
            if result.findings:
                self._insert("findings", _finding_rows(key, result.findings, taxonomy_version))
            self.connection.commit()
        except BaseException:
            self.connection.rollback()
            raise
        return not exists

    def _insert(self, table: str, rows: pa.Table) -> None:
        """Insert ``rows`` into ``table`` by column name, in one statement: DuckDB reads the Arrow table
        where it lies (``executemany`` went row by row, 30 s for 30,000 clauses)."""
        names = ", ".join(f'"{name}"' for name in rows.column_names)
        self.connection.register("_rows", rows)
        try:
            self.connection.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM _rows")
        finally:
            self.connection.unregister("_rows")

    # --- reviews --------------------------------------------------------------------------------------

    def add_review(
        self,
        clause_id: str,
        principle: str,
        decision: Decision,
        *,
        original_stance: str | None = None,
        new_principle: str | None = None,
        new_stance: str | None = None,
        note: str = "",
        reviewer: str = "",
        model_version: str | None = None,
    ) -> str:
        """Record a reviewer's decision on the clause's finding for ``principle``; return the review id.

        ``accept`` keeps the finding, ``change`` replaces it by (``new_principle``, ``new_stance``) (either
        may be left out to keep the original), ``reject`` drops it. The review refers to the audit by
        ``model_version`` (default: the document's latest audit); ``original_stance`` defaults to that
        audit's finding and must be given for a principle the audit did not find.
        """
        if decision not in DECISIONS:
            raise ValueError(f"decision {decision!r} is not one of {', '.join(DECISIONS)}")
        for name, value in (("principle", principle), ("new_principle", new_principle)):
            if value is not None and value not in PRINCIPLE_IDS:
                raise ValueError(f"{name} {value!r} is not a principle ID")
        for name, value in (("original_stance", original_stance), ("new_stance", new_stance)):
            if value is not None and value not in STANCES:
                raise ValueError(f"{name} {value!r} is not one of {', '.join(STANCES)}")
        if decision == "change" and new_principle is None and new_stance is None:
            raise ValueError("a 'change' review needs new_principle or new_stance")
        row = self.connection.execute(
            """SELECT c.doc_id, c.model_version FROM clauses c JOIN documents d USING (doc_id, model_version)
               WHERE c.clause_id = ? AND (? IS NULL OR c.model_version = ?)
               ORDER BY d.audited_at DESC LIMIT 1""",
            [clause_id, model_version, model_version],
        ).fetchone()
        if row is None:
            raise ValueError(f"clause {clause_id!r} is not in the store")
        doc_id, model_version = row
        if original_stance is None:
            found = self.connection.execute(
                "SELECT stance FROM findings WHERE clause_id = ? AND model_version = ? AND principle = ?",
                [clause_id, model_version, principle],
            ).fetchone()
            if found is None:
                raise ValueError(f"clause {clause_id} has no {principle} finding: give original_stance")
            original_stance = found[0]
        review_id = uuid.uuid4().hex
        self.connection.execute(
            "INSERT INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [review_id, clause_id, doc_id, principle, original_stance, decision, new_principle, new_stance]
            + [note, reviewer, _now(), model_version],
        )
        return review_id

    def reviews(self, *, doc_id: str | None = None) -> pd.DataFrame:
        """Reviewers' decisions in the order they were made (of one document when ``doc_id`` is given)."""
        return self.query(
            "SELECT * FROM reviews WHERE (? IS NULL OR doc_id = ?) ORDER BY created_at, rowid",
            [doc_id, doc_id],
        )

    def export_reviews_as_training(
        self,
        path: Path | str,
        *,
        default_country_style: str | None = None,
        default_doc_type: str | None = None,
    ) -> int:
        """Write the reviewed clauses as corpus records (JSON Lines); return how many were written.

        See :func:`analyzer.store.training.training_records`. Refuses (``ValueError``) to write records
        that :func:`analyzer.corpus.dataset.record_problems` rejects.
        """
        from analyzer.corpus.dataset import record_problems, write_clauses
        from analyzer.store.training import training_records

        records = training_records(
            self, default_country_style=default_country_style, default_doc_type=default_doc_type
        )
        problems = record_problems(records)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise ValueError(f"reviewed clauses are not valid corpus records: {problems[0]}{more}")
        write_clauses(records, Path(path))
        return len(records)
