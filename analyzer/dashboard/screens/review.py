"""Review: accept, correct or reject findings; decisions go to the store and out as training data.

The queue holds the findings the classifier was unsure of (``needs_review``) that nobody has reviewed yet;
"all findings of a document" lets a reviewer correct any finding. Reviewed clauses can be downloaded in the
corpus format, ready for ``dnh train --reviews FILE``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from analyzer.corpus.dataset import COUNTRY_STYLES, DOC_TYPES, OTHER_STYLES
from analyzer.dashboard import resources
from analyzer.dashboard.widgets import pick_document, plain
from analyzer.report.html_text import esc, highlighted, page_label, percent, principle_name
from analyzer.store import load_findings
from analyzer.types import PRINCIPLE_IDS, STANCES

PAGE_SIZE = 10
SCOPES = ("Findings that need review", "All findings of a document")


def pending(findings: pd.DataFrame, reviews: pd.DataFrame) -> pd.DataFrame:
    """Findings marked ``needs_review`` with no review yet."""
    done = set(zip(reviews["clause_id"], reviews["principle"], strict=True)) if len(reviews) else set()
    mask = findings["needs_review"] & ~pd.Series(
        [(c, p) in done for c, p in zip(findings["clause_id"], findings["principle"], strict=True)],
        index=findings.index,
        dtype=bool,
    )
    return findings[mask]


def _item(row: pd.Series, reviewed: str) -> None:
    taxonomy = resources.taxonomy()
    with st.container(border=True):
        evidence = list(row["evidence"]) if row["evidence"] is not None else []
        st.html(
            f"<div><b>{esc(row['title'] or row['file_name'])}</b> · clause {esc(row['number'] or 'unnumbered')} · "
            f"{esc(page_label(list(row['pages'] if row['pages'] is not None else [])))}</div>"
            f"<div style='margin:.4rem 0'>{highlighted(row['text'], evidence)}</div>"
            f"<div><b>{esc(row['stance'])}</b> · {esc(principle_name(taxonomy, row['principle']))} · "
            f"confidence {esc(percent(row['confidence']))}{' · ' + esc(reviewed) if reviewed else ''}</div>"
            f"<div style='color:#555'>{esc(row['rationale'] or '')}</div>"
        )
        key = f"{row['clause_id']}-{row['principle']}"
        with st.form(f"review-{key}"):
            decision = st.radio("Decision", ["accept", "change", "reject"], horizontal=True, key=f"d-{key}")
            left, right = st.columns(2)
            principle = left.selectbox(
                "Correct principle (for change)",
                PRINCIPLE_IDS,
                index=PRINCIPLE_IDS.index(row["principle"]),
                format_func=lambda p: principle_name(taxonomy, p),
                key=f"p-{key}",
            )
            stance = right.selectbox(
                "Correct stance (for change)", STANCES, index=STANCES.index(row["stance"]), key=f"s-{key}"
            )
            note = st.text_input("Note", key=f"n-{key}")
            if st.form_submit_button("Save decision"):
                _save(row, decision, principle, stance, note)


def _save(row: pd.Series, decision: str, principle: str, stance: str, note: str) -> None:
    changed = {}
    if decision == "change":
        changed = {
            "new_principle": principle if principle != row["principle"] else None,
            "new_stance": stance if stance != row["stance"] else None,
        }
        if not any(changed.values()):
            st.error("A change needs a different principle or stance.")
            return
    with resources.store() as store:
        store.add_review(
            row["clause_id"],
            row["principle"],
            decision,
            note=note,
            reviewer=st.session_state.get("reviewer", ""),
            model_version=row["model_version"],
            **changed,
        )
    st.session_state["saved-review"] = f"Saved: {decision} for clause {row['number'] or 'unnumbered'}."
    st.rerun()


def _export(count: int) -> None:
    st.subheader(f"Reviews as training data ({count} decisions)")
    if not count:
        st.caption("Nothing reviewed yet.")
        return
    st.caption(
        "Training records name the drafting style (country) and document type of their clause. For documents "
        "whose country or type is not one of the corpus's, these are recorded instead:"
    )
    left, right = st.columns(2)
    style = left.selectbox("Drafting style", [*COUNTRY_STYLES, *OTHER_STYLES], key="export-style")
    doc_type = right.selectbox("Document type", DOC_TYPES, key="export-type")
    with tempfile.TemporaryDirectory(prefix="dnh-reviews-") as folder, resources.store() as store:
        path = Path(folder) / "reviewed-clauses.jsonl"
        try:
            written = store.export_reviews_as_training(
                path, default_country_style=style, default_doc_type=doc_type
            )
        except ValueError as error:
            st.error(plain(f"The reviews cannot be exported as training data: {error}"))
            return
        data = path.read_bytes()
    st.download_button(
        f"Download {written} reviewed clauses (JSON Lines, for `dnh train --reviews`)",
        data,
        "reviewed-clauses.jsonl",
        "application/jsonl",
    )


def show() -> None:
    st.title("Review findings")
    if message := st.session_state.pop("saved-review", None):
        st.success(plain(message))
    st.text_input("Your name (kept with your decisions)", key="reviewer")
    if st.session_state.pop("review_scope", None) == "document":
        st.session_state["review-scope"] = SCOPES[1]
    scope = st.radio("Show", SCOPES, horizontal=True, key="review-scope")
    with resources.store() as store:
        reviews = store.reviews()
        findings = load_findings(store)
    if scope == SCOPES[0]:
        queue = pending(findings, reviews)
        st.caption(f"{len(queue)} findings wait for review.")
    else:
        row = pick_document(resources.documents())
        queue = findings[findings["doc_id"] == row["doc_id"]] if row is not None else findings.iloc[0:0]
        if row is not None and queue.empty:
            st.info("The classifier made no finding in this document: there is nothing to review.")
    labels = {
        (r["clause_id"], r["principle"]): f"already reviewed: {r['decision']}" for _, r in reviews.iterrows()
    }
    pages = max(1, -(-len(queue) // PAGE_SIZE))
    page = st.number_input("Page of the queue", 1, pages, 1, key="queue-page") if pages > 1 else 1
    for _, row in queue.iloc[(page - 1) * PAGE_SIZE : page * PAGE_SIZE].iterrows():
        _item(row, labels.get((row["clause_id"], row["principle"]), ""))
    _export(len(reviews))


if __name__ == "__main__":
    show()
