"""Pieces of page that several screens draw the same way: the document picker, clause cards, the scorecard
chart, download buttons, and moving to another screen.

Document text only reaches the page through :func:`clause_cards_html`, which escapes every piece of it
(:func:`analyzer.report.html_text.highlighted`) and is shown with ``st.html`` (no Markdown, sanitised),
so a clause holding ``<script>`` or Markdown link syntax shows as the text it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import altair as alt
import pandas as pd
import streamlit as st

from analyzer import score
from analyzer.dashboard import SCREENS, SCREENS_DIR
from analyzer.report.html_text import esc, highlighted, page_label, percent, principle_name
from analyzer.taxonomy import Taxonomy
from analyzer.types import PRINCIPLE_IDS, AuditResult, Clause, Document, Finding

STANCE_COLOURS = {"HARMFUL": "#d62728", "PROTECTIVE": "#2ca02c", "NEUTRAL": "#7f7f7f"}
CARD_STYLE = """<style>
.dnh-clause{border-left:5px solid #ccc;padding:.4rem .8rem;margin:.5rem 0;background:#fafafa;border-radius:4px}
.dnh-clause.HARMFUL{border-color:#d62728;background:#fdecec}
.dnh-clause.PROTECTIVE{border-color:#2ca02c;background:#eef8ee}
.dnh-clause.review{border-style:dashed}
.dnh-clause .where{color:#555;font-size:.85em}
.dnh-clause mark{background:#ffe066;padding:0 .1em}
.dnh-finding{margin:.3rem 0 .2rem 0;font-size:.92em}
.dnh-finding .stance{font-weight:700}
.dnh-finding .stance.HARMFUL{color:#b01e1e}.dnh-finding .stance.PROTECTIVE{color:#1d7a1d}
.dnh-finding .badge{background:#fff3cd;border:1px solid #e0c36a;border-radius:3px;padding:0 .3em;font-size:.85em}
.dnh-finding .wording{border-left:3px solid #2ca02c;padding-left:.5rem;color:#234}
</style>"""


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:\"'&=])")


def plain(text: object) -> str:
    """``text`` for Streamlit's Markdown elements (captions, alerts, spinners, progress): every character
    Markdown, HTML, LaTeX or emoji codes could act on is escaped, so a file name or a document title such as
    ``![](https://tracker/p.png)`` shows as itself and fetches nothing."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def emit_thresholds(result: AuditResult) -> dict[str, float]:
    """Per stance, the confidence at or above which the audit asserted a finding (its scorecard records it)."""
    return score.emit_thresholds(result.scorecard)


def thresholds_text(emit: dict[str, float]) -> str:
    """ "harmful 0.375, protective 0.45, neutral 0.5": the emit thresholds for a caption."""
    return ", ".join(f"{stance.lower()} {value:g}" for stance, value in emit.items())


QUEUE = "audit-queue"  # uploads the Analyse screen has still to audit, in the session


def pending_audits() -> None:
    """In the sidebar, the uploads of a batch not yet audited (the user left the Analyse screen during it)."""
    queue = st.session_state.get(QUEUE)
    if queue:
        st.sidebar.warning(
            f"{len(queue)} uploaded document(s) of your batch are not audited yet: open Analyse to finish them."
        )


def go_to(screen: str, **state) -> None:
    """Switch to ``screen`` (a key of :data:`SCREENS`) after putting ``state`` in the session."""
    for key, value in state.items():
        st.session_state[key] = value
    st.switch_page(str(SCREENS_DIR / SCREENS[screen][2]))


def document_label(row: pd.Series) -> str:
    score = "not scored" if pd.isna(row["score"]) else f"score {row['score']:.0f}"
    where = " · ".join(str(v) for v in (row["country"], row["doc_type"]) if isinstance(v, str) and v)
    return f"{row['title'] or row['file_name']} ({where}; {score})"


def pick_document(documents: pd.DataFrame, *, key: str = "doc_id") -> pd.Series | None:
    """A select box of stored documents; the choice is kept in ``st.session_state[key]`` across screens."""
    if documents.empty:
        st.info("The store holds no audited document yet: upload one on the Analyse screen.")
        return None
    ids = list(documents["doc_id"])
    wanted = st.session_state.get(key) or st.query_params.get("doc")  # a ?doc=<sha prefix> link opens it
    index = next((i for i, doc_id in enumerate(ids) if wanted and doc_id.startswith(str(wanted))), 0)
    labels = {row["doc_id"]: document_label(row) for _, row in documents.iterrows()}
    chosen = st.selectbox("Document", ids, index=index, format_func=labels.get, key=f"{key}-picker")
    st.session_state[key] = chosen
    return documents[documents["doc_id"] == chosen].iloc[0]


def finding_html(finding: Finding, taxonomy: Taxonomy, *, review: str = "") -> str:
    """One finding under its clause: principle, stance, confidence, rationale, sources, better wording."""
    try:
        principle = taxonomy.get(finding.principle)
        sources = "; ".join(source.citation for source in principle.sources[:2])
        wording = principle.recommended_wording
    except KeyError:
        principle, sources, wording = None, "", ""
    badges = ' <span class="badge">needs review</span>' if finding.needs_review else ""
    badges += f' <span class="badge">{esc(review)}</span>' if review else ""
    parts = [
        f'<div class="dnh-finding"><span class="stance {esc(finding.stance)}">{esc(finding.stance)}</span> · '
        f"{esc(principle_name(taxonomy, finding.principle))} · confidence {esc(percent(finding.confidence))}"
        f"{badges}",
        f"<br>{esc(finding.rationale)}" if finding.rationale else "",
        f'<br><span class="where">Source: {esc(sources)}</span>' if sources else "",
    ]
    if finding.stance == "HARMFUL" and wording:
        parts.append(f'<div class="wording">Better wording: {esc(wording)}</div>')
    return "".join(parts) + "</div>"


def clause_cards_html(
    clauses: Sequence[Clause],
    findings: dict[str, list[Finding]],
    taxonomy: Taxonomy,
    *,
    reviews: dict[tuple[str, str], str] | None = None,
    document: Document | None = None,
) -> str:
    """Clauses in reading order as escaped HTML cards, coloured by their strongest finding's stance.

    With ``document``, a clause on pages read by OCR shows the lowest OCR confidence of those pages.
    """
    reviews = reviews or {}
    cards = [CARD_STYLE]
    for clause in clauses:
        own = findings.get(clause.clause_id, [])
        stances = {f.stance for f in own}
        stance = next((s for s in ("HARMFUL", "PROTECTIVE") if s in stances), "")
        review = " review" if own and all(f.needs_review for f in own) else ""
        evidence = [e for f in own for e in f.evidence]
        number = f"{clause.number} · " if clause.number else ""
        path = " › ".join(clause.heading_path)
        confidence = document.ocr_confidence(clause.pages) if document else None
        ocr = f" · OCR {percent(confidence)}" if confidence is not None else ""
        cards.append(
            f'<div class="dnh-clause {stance}{review}" id="clause-{esc(clause.clause_id)}">'
            f'<div class="where">{esc(number)}{esc(page_label(clause.pages))}{esc(ocr)}{" · " + esc(path) if path else ""}</div>'
            f"<div>{highlighted(clause.text, evidence)}</div>"
            + "".join(
                finding_html(f, taxonomy, review=reviews.get((f.clause_id, f.principle), "")) for f in own
            )
            + "</div>"
        )
    return "\n".join(" ".join(card.split()) for card in cards)


def scorecard_frame(result: AuditResult, taxonomy: Taxonomy) -> pd.DataFrame:
    """Asserted harmful and protective findings per principle, long format for charting."""
    rows = []
    for principle in PRINCIPLE_IDS:
        counts = result.scorecard.get("principles", {}).get(principle, {})
        for stance in ("HARMFUL", "PROTECTIVE"):
            rows.append(
                {
                    "principle": principle_name(taxonomy, principle),
                    "stance": stance,
                    "findings": int(counts.get(stance.lower(), 0)),
                }
            )
    return pd.DataFrame(rows)


def scorecard_chart(result: AuditResult, taxonomy: Taxonomy) -> alt.Chart:
    frame = scorecard_frame(result, taxonomy)
    order = [principle_name(taxonomy, p) for p in PRINCIPLE_IDS]
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("principle:N", sort=order, title=None),
            x=alt.X("findings:Q", title="asserted findings"),
            color=alt.Color(
                "stance:N",
                scale=alt.Scale(domain=list(STANCE_COLOURS)[:2], range=list(STANCE_COLOURS.values())[:2]),
            ),
            yOffset="stance:N",
            tooltip=["principle", "stance", "findings"],
        )
        .properties(height=420)
    )
