"""Compare countries: the country × principle heatmap of the store, with filters and downloads."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from analyzer.dashboard import resources
from analyzer.dashboard.widgets import plain
from analyzer.report.html_text import principle_name
from analyzer.store import (
    copies_note,
    country_matrix,
    country_scores,
    load_findings,
    spreadsheet_safe,
    unread_note,
)
from analyzer.types import PRINCIPLE_IDS

MEASURES = {
    "Harmful findings": ("HARMFUL", "reds"),  # one per clause and principle: a clause may harm two
    "Protective findings": ("PROTECTIVE", "greens"),
    "Score (100 × protective / (protective + harmful))": (None, "redyellowgreen"),
}


def heatmap(matrix: pd.DataFrame, *, scheme: str, title: str) -> alt.Chart:
    """``matrix`` (countries × principle names) as a heatmap with the values written in the cells."""
    long = matrix.reset_index().melt(id_vars="country", var_name="principle", value_name="value")
    base = alt.Chart(long).encode(
        x=alt.X(
            "principle:N",
            sort=list(matrix.columns),
            title=None,
            # every principle named in full (Vega-Lite drops overlapping labels and cuts long ones)
            axis=alt.Axis(labelAngle=-40, labelOverlap=False, labelLimit=320),
        ),
        y=alt.Y("country:N", title=None, axis=alt.Axis(labelOverlap=False)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("value:Q", scale=alt.Scale(scheme=scheme), title=title),
        tooltip=["country", "principle", alt.Tooltip("value:Q", format=".0f")],
    )
    labels = (  # no text in an empty cell (a score with no binding finding), rather than "null"
        base.transform_filter("isValid(datum.value)")
        .mark_text(fontSize=12)
        .encode(text=alt.Text("value:Q", format=".0f"))
    )
    return (cells + labels).properties(height=max(160, 42 * len(matrix)))


def _matrix(measure: str) -> pd.DataFrame:
    stance, _ = MEASURES[measure]
    with resources.store() as store:
        matrix = country_scores(store) if stance is None else country_matrix(store, stance=stance)
    return matrix


def show() -> None:
    st.title("Compare countries")
    documents = resources.documents()
    if documents.empty:
        st.info(
            "The store holds no audited document yet: audit documents on the Analyse screen or with `dnh audit`."
        )
        return
    taxonomy = resources.taxonomy()
    measure = st.radio("Measure", list(MEASURES), horizontal=True, key="measure")
    matrix = _matrix(measure)
    left, right = st.columns(2)
    countries = left.multiselect("Countries", list(matrix.index), default=list(matrix.index), key="countries")
    principles = right.multiselect(
        "Principles",
        PRINCIPLE_IDS,
        default=list(PRINCIPLE_IDS),
        format_func=lambda p: principle_name(taxonomy, p),
        key="principles",
    )
    shown = matrix.loc[countries, principles]
    if shown.empty:
        st.warning("Choose at least one country and one principle.")
        return
    named = shown.rename(columns=lambda p: principle_name(taxonomy, p))
    st.altair_chart(
        heatmap(named, scheme=MEASURES[measure][1], title=measure.split(" (")[0]), width="stretch"
    )
    found = resources.copies()
    counted = documents[~documents["doc_id"].isin(found["doc_id"])]
    counts = counted.groupby("country").size().rename("documents")
    st.caption("Documents per country: " + ", ".join(f"{c} {n}" for c, n in counts.items() if c in countries))
    if note := unread_note(counted[counted["country"].isin(countries)]):
        st.info(plain(note + "."))  # it starts with the count
    if note := copies_note(found[found["country"].isin(countries)]):
        st.info(plain(note + "."))
    # an empty cell (a score with no binding finding) stays blank, as on the heatmap: the table goes as text,
    # since the browser shows "None" for a missing number whatever a Styler says
    st.dataframe(named.map(lambda v: "" if pd.isna(v) else f"{v:.1f}"), width="stretch")
    st.download_button(
        "Download the table (CSV)",
        spreadsheet_safe(shown).to_csv(index=False).encode("utf-8"),
        "country-principle.csv",
        "text/csv",
    )
    with resources.store() as store:
        findings = load_findings(store, with_copies=False)  # the findings the table counts
    chosen = findings[findings["country"].isin(countries) & findings["principle"].isin(principles)]
    st.download_button(
        f"Download the {len(chosen)} findings behind it (CSV)",
        spreadsheet_safe(chosen).to_csv(index=False).encode("utf-8"),  # lists as the audit's CSV writes them
        "findings.csv",
        "text/csv",
    )


if __name__ == "__main__":
    show()
