"""Document: one audit's scorecard, its clauses in reading order with findings, and the page they are on."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analyzer.dashboard import downloads, resources
from analyzer.dashboard.page_image import page_highlights, render_page
from analyzer.dashboard.widgets import (
    clause_cards_html,
    emit_thresholds,
    go_to,
    pick_document,
    plain,
    scorecard_chart,
    thresholds_text,
)
from analyzer.errors import InputError
from analyzer.ingest.language import unread
from analyzer.report.html_text import page_label, principle_name
from analyzer.score import is_asserted
from analyzer.types import PRINCIPLE_IDS, STANCES, AuditResult, Finding


def review_labels(reviews: pd.DataFrame) -> dict[tuple[str, str], str]:
    """The latest reviewer decision on each (clause, principle), as a short label."""
    labels = {}
    for _, row in reviews.iterrows():
        if row["decision"] == "change":
            change = " ".join(
                str(v) for v in (row["new_principle"], row["new_stance"]) if isinstance(v, str) and v
            )
            labels[(row["clause_id"], row["principle"])] = f"reviewer: changed to {change}"
        else:
            labels[(row["clause_id"], row["principle"])] = f"reviewer: {row['decision']}ed"
    return labels


FINDINGS_HELP = (
    "Asserted findings: one per clause and principle, so a clause that harms two principles counts twice."
)
REVIEWS_NOTE = (
    "Reviews are recorded beside the findings (the badges below) and exported for retraining; they do not "
    "change the model's findings, the score or the highlights."
)


def _filters(result: AuditResult) -> list[Finding]:
    taxonomy = resources.taxonomy()
    emit = emit_thresholds(result)
    left, middle, right = st.columns([3, 2, 2])
    principles = left.multiselect(
        "Principles", PRINCIPLE_IDS, format_func=lambda p: principle_name(taxonomy, p), key="f-principles"
    )
    stances = middle.multiselect("Stances", STANCES, default=["HARMFUL", "PROTECTIVE"], key="f-stances")
    only_asserted = right.toggle("Asserted findings only", value=True, key="f-asserted")
    floor = right.slider("Lowest confidence shown", 0.0, 1.0, 0.0, 0.05, key="f-confidence")
    st.caption(
        f"A finding is asserted and counted in the score when its confidence reaches its stance's threshold "
        f"({thresholds_text(emit)}). Findings near it (from 0.15 below to at most 0.15 above) are marked "
        f"'needs review'."
    )
    return [
        f
        for f in result.findings
        if (not principles or f.principle in principles)
        and f.stance in stances
        and f.confidence >= floor
        and (is_asserted(f, emit) or not only_asserted)
    ]


def _clauses(result: AuditResult, shown: list[Finding], reviews: dict) -> None:
    by_clause: dict[str, list[Finding]] = {}
    for finding in shown:
        by_clause.setdefault(finding.clause_id, []).append(finding)
    only_found = st.toggle("Only clauses with findings", value=len(result.clauses) > 60, key="only-found")
    clauses = [c for c in result.clauses if c.clause_id in by_clause] if only_found else list(result.clauses)
    st.caption(f"{len(clauses)} of {len(result.clauses)} clauses · {len(shown)} findings match the filters")
    st.html(
        clause_cards_html(clauses, by_clause, resources.taxonomy(), reviews=reviews, document=result.document)
    )


def _page(result: AuditResult, shown: list[Finding]) -> None:
    source, reason = downloads.original_pdf(result)
    if source is None:
        st.info(f"No page view: {reason}.")
        return
    clauses = {c.clause_id: c for c in result.clauses}
    choices = [f for f in shown if clauses.get(f.clause_id) and clauses[f.clause_id].pages]
    taxonomy = resources.taxonomy()

    def label(finding: Finding) -> str:
        clause = clauses[finding.clause_id]
        return (
            f"{clause.number or 'unnumbered'} · {finding.stance} · "
            f"{principle_name(taxonomy, finding.principle)} · {page_label(clause.pages)}"
        )

    selected, page_key = None, f"page-{result.document.doc_id}"
    if choices:
        emit = emit_thresholds(result)
        # the finding chosen before, if the screen is shown again (the browser forgets a left screen's
        # widgets, and "jumped" is kept for it), else the first asserted harmful one
        chosen = st.session_state.get("jumped")
        first = next(
            (
                i
                for i, f in enumerate(choices)
                if chosen == (result.document.doc_id, f.clause_id, f.principle)
            ),
            None,
        )
        if first is None:
            first = next(
                (i for i, f in enumerate(choices) if f.stance == "HARMFUL" and is_asserted(f, emit)), 0
            )
        finding = st.selectbox(
            "Jump to a finding", choices, index=first, format_func=label, key=f"jump-{result.document.doc_id}"
        )
        selected = finding.clause_id
        jumped = (result.document.doc_id, finding.clause_id, finding.principle)
        # a new finding chosen, or the screen shown again (Streamlit forgets the page of a screen left)
        if st.session_state.get("jumped") != jumped or page_key not in st.session_state:
            st.session_state["jumped"] = jumped
            st.session_state[page_key] = min(clauses[selected].pages)
    pages = result.document.page_count or 1
    if not 1 <= st.session_state.get(page_key, 1) <= pages:
        st.session_state[page_key] = 1
    page = st.number_input("Page", min_value=1, max_value=pages, step=1, key=page_key)
    try:
        image = render_page(
            source,
            int(page),
            page_highlights(result, int(page), findings=shown),
            selected=selected,
            scale=2.0,
            password=resources.password(result.document.doc_id),
        )
    except InputError as error:
        st.error(plain(f"{source.name}: {error.reason}"))
        return
    st.image(
        image.image,
        caption=f"Page {page} of {pages}: the findings the filters show; red harmful, green protective, "
        "grey neutral, pale = needs review",
    )
    if image.note:
        st.warning(image.note)


def _downloads(result: AuditResult, row) -> None:
    files = resources.report_files(row)
    stem = downloads.report_stem(result)
    columns = st.columns(4)
    columns[0].download_button("HTML report", files["html"], f"{stem}.html", "text/html")
    columns[1].download_button("Findings (CSV)", files["csv"], f"{stem}.csv", "text/csv")
    columns[2].download_button("Audit (JSON)", files["json"], f"{stem}.json", "application/json")
    if result.document.format == "pdf":
        data, reason = resources.highlighted_pdf(row)
        if data is None:
            columns[3].caption(plain(f"No highlighted PDF: {reason}"))
        else:
            columns[3].download_button("Highlighted PDF", data, f"{stem}.highlighted.pdf", "application/pdf")
            if reason:  # what the highlighter warned of, e.g. rotated pages left unhighlighted
                columns[3].caption(plain(reason))


def show() -> None:
    st.title("Document")
    row = pick_document(resources.documents())
    if row is None:
        return
    result = resources.result(row)
    card = result.scorecard
    metrics = st.columns(5)
    metrics[0].metric(
        "Score (100 = only protective)", "–" if card.get("score") is None else f"{card['score']:.0f}"
    )
    metrics[1].metric("Harmful findings", card.get("harmful", 0), help=FINDINGS_HELP)
    metrics[2].metric("Protective findings", card.get("protective", 0), help=FINDINGS_HELP)
    metrics[3].metric("To review", card.get("needs_review", 0))
    not_read = unread(result.document.language)  # nothing read: no gaps to count
    metrics[4].metric("Gaps", "not assessed" if not_read else len(result.gaps))
    for warning in result.document.warnings:
        st.warning(plain(warning))
    _downloads(result, row)
    with st.expander("Scorecard by principle", expanded=False):
        st.altair_chart(scorecard_chart(result, resources.taxonomy()), width="stretch")
    shown = _filters(result)
    with resources.store() as store:
        reviews = review_labels(store.reviews(doc_id=result.document.doc_id))
    if reviews:
        st.caption(REVIEWS_NOTE)
    text, page = st.columns([1, 1])
    with text:
        _clauses(result, shown, reviews)
    with page:
        _page(result, shown)
        if st.button("Review or correct these findings", key="to-review"):
            go_to("review", doc_id=result.document.doc_id, review_scope="document")


if __name__ == "__main__":
    show()
