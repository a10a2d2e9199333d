"""What the dashboard loads once per server process, and where its data lives.

The store is ``$DNH_DB`` or the user data folder's (``dnh app --db`` sets ``$DNH_DB``); uploads are kept
beside it. The classifier is ``$DNH_MODEL`` or the shipped model. A store that another process holds
locked (a ``dnh audit`` writing to it) is reported on the page instead of crashing it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from analyzer.classify.classifier import Classifier
from analyzer.store import Store, default_db_path, load_documents, load_result
from analyzer.store import copies as copies_of
from analyzer.taxonomy import Taxonomy, load_taxonomy
from analyzer.types import AuditResult

MODEL_ENV = "DNH_MODEL"


def db_path() -> Path:
    return default_db_path()


def uploads_dir() -> Path:
    folder = db_path().parent / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@st.cache_resource(show_spinner="Loading the classifier…")
def classifier() -> Classifier:
    model = os.environ.get(MODEL_ENV)
    return Classifier.load(Path(model)) if model else Classifier.load()


@st.cache_resource
def taxonomy() -> Taxonomy:
    return load_taxonomy()


@contextmanager
def store() -> Iterator[Store]:
    """The store, opened for one use; a store that cannot be opened stops the page with a message."""
    try:
        opened = Store(db_path())
    except (duckdb.Error, ValueError, OSError) as error:
        st.error(f"The store {db_path()} cannot be opened: {' '.join(str(error).split())[:300]}")
        st.stop()
    try:
        yield opened
    finally:
        opened.close()


def documents() -> pd.DataFrame:
    """The stored documents (latest audit of each), newest first."""
    with store() as opened:
        frame = load_documents(opened)
    return frame.sort_values("audited_at", ascending=False).reset_index(drop=True)


def copies() -> pd.DataFrame:
    """The stored files that copy another of their country, which country figures count once."""
    with store() as opened:
        return copies_of(opened)


@st.cache_resource(max_entries=32, show_spinner=False)
def _stored(doc_id: str, model_version: str, audited_at: str) -> AuditResult:
    with store() as opened:
        return load_result(doc_id, opened, model_version=model_version)


def result(row: pd.Series) -> AuditResult:
    """The stored audit of one row of :func:`documents` (cached until it is audited again)."""
    return _stored(row["doc_id"], row["model_version"], str(row["audited_at"]))


@st.cache_resource(max_entries=16, show_spinner="Preparing the downloads…")
def _report_files(doc_id: str, model_version: str, audited_at: str) -> dict:
    from analyzer.dashboard import downloads

    result = _stored(doc_id, model_version, audited_at)
    files = {
        "html": downloads.html_bytes(result, taxonomy=taxonomy()),
        "csv": downloads.csv_bytes(result, taxonomy=taxonomy()),
        "json": downloads.json_bytes(result),
        "pdf": (None, "only PDF documents are highlighted"),
    }
    if result.document.format == "pdf":
        files["pdf"] = downloads.highlighted_pdf(result, taxonomy=taxonomy())
    return files


def report_files(row: pd.Series) -> dict:
    """The report files of one row of :func:`documents`, built once per audit rather than on every rerun:
    ``html``, ``csv`` and ``json`` bytes, and ``pdf`` as (bytes or ``None``, the reason it is missing)."""
    return _report_files(row["doc_id"], row["model_version"], str(row["audited_at"]))


def remember_password(doc_id: str, password: str) -> None:
    """Keep an encrypted upload's password for this browser session (never in the store or a shared
    cache), so that its page view and highlighted PDF can open the original."""
    st.session_state.setdefault("passwords", {})[doc_id] = password


def password(doc_id: str) -> str | None:
    """The password given for ``doc_id`` in this session, if any."""
    return st.session_state.get("passwords", {}).get(doc_id)


def highlighted_pdf(row: pd.Series) -> tuple[bytes | None, str]:
    """The highlighted PDF of one row of :func:`documents`: from the shared cache, or, for an encrypted
    original whose password was given in this session, built with it and kept in this session only."""
    data, reason = report_files(row)["pdf"]
    secret = password(row["doc_id"])
    if data is not None or not secret:
        return data, reason
    from analyzer.dashboard import downloads

    key = (row["doc_id"], row["model_version"], str(row["audited_at"]))
    built = st.session_state.setdefault("highlighted", {})
    if key not in built:
        built[key] = downloads.highlighted_pdf(result(row), taxonomy=taxonomy(), password=secret)
    return built[key]
