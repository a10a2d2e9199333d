"""Gaps and contradictions: principles nothing protects, and clauses that pull against each other.

For one document: its gaps (principles no clause protects) with the recommended wording, and principles
that one clause protects while another harms. For a country: the same across all its stored documents
(:func:`analyzer.store.country_gaps`, :func:`analyzer.store.contradictions`).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analyzer.dashboard import resources
from analyzer.dashboard.widgets import emit_thresholds, pick_document, plain
from analyzer.ingest.language import language_warnings, unread
from analyzer.report.html_text import esc, first_sentence, principle_name
from analyzer.score import asserted
from analyzer.store import contradictions, copies_note, country_gaps, spreadsheet_safe, unread_note
from analyzer.types import AuditResult


def gaps_html(gaps: list[str]) -> str:
    taxonomy = resources.taxonomy()
    items = []
    for principle_id in gaps:
        principle = taxonomy.get(principle_id)
        items.append(
            f"<li><b>{esc(principle.name)}</b>: {esc(first_sentence(principle.definition))}"
            f"<br><i>Recommended wording:</i> {esc(principle.recommended_wording)}</li>"
        )
    return f"<ul>{''.join(items)}</ul>"


def document_contradictions(result: AuditResult) -> pd.DataFrame:
    """Principles with both an asserted protective and an asserted harmful clause in the document."""
    clauses = {c.clause_id: c for c in result.clauses}
    strong = asserted(result.findings, emit=emit_thresholds(result))
    rows = []
    for protective in (f for f in strong if f.stance == "PROTECTIVE"):
        for harmful in (f for f in strong if f.stance == "HARMFUL" and f.principle == protective.principle):
            rows.append(
                {
                    "principle": principle_name(resources.taxonomy(), protective.principle),
                    "protective clause": clauses[protective.clause_id].number or "unnumbered",
                    "protective text": clauses[protective.clause_id].text,
                    "harmful clause": clauses[harmful.clause_id].number or "unnumbered",
                    "harmful text": clauses[harmful.clause_id].text,
                }
            )
    return pd.DataFrame(rows)


def _document() -> None:
    row = pick_document(resources.documents())
    if row is None:
        return
    result = resources.result(row)
    for warning in language_warnings(result.document.warnings):
        st.warning(plain(warning))
    if unread(result.document.language):  # no clause read: nothing to say of gaps
        st.subheader("Gaps: not assessed")
        st.caption("The classifier does not read this document's language, so it found no clause either way.")
        return
    st.subheader(f"Gaps ({len(result.gaps)})")
    if result.gaps:
        st.caption("Principles that no clause of this document protects.")
        st.html(gaps_html(list(result.gaps)))
    else:
        st.success("Every principle has at least one protective clause.")
    st.subheader("Contradictions within the document")
    pairs = document_contradictions(result)
    if pairs.empty:
        st.success("No principle is both protected and harmed by this document's asserted findings.")
    else:
        st.dataframe(pairs, hide_index=True, width="stretch")


def _country() -> None:
    documents = resources.documents()
    countries = sorted(documents["country"].unique()) if not documents.empty else []
    if not countries:
        st.info("The store holds no audited document yet.")
        return
    country = st.selectbox("Country", countries, key="gaps-country")
    with resources.store() as store:
        gaps = country_gaps(country, store)
        pairs = contradictions(country, store)
    found = resources.copies()
    found = found[found["country"] == country]
    counted = documents[(documents["country"] == country) & ~documents["doc_id"].isin(found["doc_id"])]
    if note := unread_note(counted):
        st.info(plain(note + "."))  # it starts with the count
    if note := copies_note(found):
        st.info(plain(note + "."))
    st.subheader(f"Gaps across {len(counted)} document(s) ({len(gaps)})")
    if gaps:
        st.html(gaps_html(gaps))
    else:
        st.success("Every principle is protected by some document.")
    st.subheader("Contradictions between documents")
    st.caption("One document protects the principle, another harms it.")
    if pairs.empty:
        st.success("None found.")
        return
    taxonomy = resources.taxonomy()
    readable = pairs.drop(columns=[c for c in pairs.columns if c.endswith(("doc_id", "clause_id"))])
    readable["principle"] = readable["principle"].map(lambda p: principle_name(taxonomy, p))
    st.dataframe(readable, hide_index=True, width="stretch")  # the CSV keeps the ids
    st.download_button(
        "Download (CSV)",
        spreadsheet_safe(pairs).to_csv(index=False).encode("utf-8"),
        f"contradictions-{country}.csv",
        "text/csv",
    )


def show() -> None:
    st.title("Gaps and contradictions")
    scope = st.radio("For", ["a document", "a country"], horizontal=True, key="gaps-scope")
    if scope == "a document":
        _document()
    else:
        _country()


if __name__ == "__main__":
    show()
