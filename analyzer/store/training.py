"""Reviewed clauses as training records in the corpus format of ``corpus/clauses.jsonl``.

A reviewed clause's labels are the findings its audit asserted (confidence at or above the document's
emit threshold for the finding's stance), with the reviewers' decisions applied in the order they were
made: ``accept`` keeps (or adds) the reviewed finding, ``change`` replaces it, ``reject`` drops it. The
records are marked ``difficulty: "hard"`` (a reviewer had to look at them) and ``split: "train"``, so
they never leak into the evaluation split.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from analyzer.corpus.dataset import COUNTRY_STYLES, DOC_TYPES, OTHER_STYLES
from analyzer.store.schema import ASSERTED
from analyzer.types import PRINCIPLE_IDS

if TYPE_CHECKING:
    from analyzer.store.database import Store

REVIEWED_CLAUSES = """
    SELECT r.clause_id, r.principle, r.original_stance, r.decision, r.new_principle, r.new_stance,
           r.note, r.reviewer, r.model_version,
           c.text, c.number, d.title, d.country, d.doc_type
    FROM reviews r
    JOIN clauses c ON c.clause_id = r.clause_id AND c.model_version = r.model_version
    JOIN documents d ON d.doc_id = c.doc_id AND d.model_version = c.model_version
    ORDER BY r.created_at, r.rowid
"""

ASSERTED_FINDINGS = f"""
    SELECT f.principle, f.stance FROM findings f
    JOIN documents d ON d.doc_id = f.doc_id AND d.model_version = f.model_version
    WHERE f.clause_id = ? AND f.model_version = ? AND {ASSERTED}
"""


def reviewed_labels(asserted: dict[str, str], reviews: list[dict]) -> dict[str, str]:
    """principle -> stance after applying ``reviews`` (in order) to the ``asserted`` findings."""
    labels = dict(asserted)
    for review in reviews:
        labels.pop(review["principle"], None)
        if review["decision"] == "accept":
            labels[review["principle"]] = review["original_stance"]
        elif review["decision"] == "change":
            principle = review["new_principle"] or review["principle"]
            labels[principle] = review["new_stance"] or review["original_stance"]
    return labels


PAST_TENSE = {"accept": "accepted", "change": "changed", "reject": "rejected"}


def _decision_note(review: dict) -> str:
    """ "R. Tan changed NON_DETENTION/HARMFUL to NON_DETENTION/PROTECTIVE (note)"."""
    who = review["reviewer"] or "a reviewer"
    said = f"{who} {PAST_TENSE[review['decision']]} {review['principle']}/{review['original_stance']}"
    if review["decision"] == "change":
        principle = review["new_principle"] or review["principle"]
        said += f" to {principle}/{review['new_stance'] or review['original_stance']}"
    return said + (f" ({review['note']})" if review["note"] else "")


def training_records(
    store: Store, *, default_country_style: str | None = None, default_doc_type: str | None = None
) -> list[dict]:
    """One corpus record per reviewed clause, in the order the clauses were first reviewed.

    A document's country and type are used as ``country_style`` and ``doc_type`` when they are values
    the corpus allows; otherwise the defaults are (``None`` leaves the field invalid, which
    :func:`analyzer.corpus.dataset.record_problems` reports).
    """
    reviews: dict[str, list[dict]] = {}
    for review in store.query(REVIEWED_CLAUSES).to_dict("records"):
        reviews.setdefault(review["clause_id"], []).append(review)
    records = []
    for clause_id, clause_reviews in reviews.items():
        last = clause_reviews[-1]
        found = store.connection.execute(ASSERTED_FINDINGS, [clause_id, last["model_version"]]).fetchall()
        labels = reviewed_labels(dict(found), clause_reviews)
        styles = COUNTRY_STYLES + OTHER_STYLES
        number = f"clause {last['number']}" if last["number"] else "an unnumbered clause"
        records.append(
            {
                "id": f"review-{clause_id}",
                "text": last["text"],
                "findings": [{"principle": p, "stance": labels[p]} for p in PRINCIPLE_IDS if p in labels],
                "country_style": last["country"] if last["country"] in styles else default_country_style,
                "doc_type": last["doc_type"] if last["doc_type"] in DOC_TYPES else default_doc_type,
                "difficulty": "hard",
                "split": "train",
                "contrast_of": None,
                "note": f"Reviewed in the store, {last['title']}, {number}: "
                + "; ".join(_decision_note(r) for r in clause_reviews)
                + ".",
            }
        )
    return records
