"""Methodology: the principles with their legal sources, the thresholds, and the model card's metrics."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import streamlit as st

from analyzer.classify.classifier import Thresholds
from analyzer.dashboard import resources
from analyzer.dashboard.resources import MODEL_ENV
from analyzer.training.train import default_model_dir

THRESHOLD_KEYS = ("emit", "review_low", "review_high")

SPLITS = {
    "dev": "dev split (held out)",
    "cross_validation": "cross-validation on train",
    "sample_documents": "8 sample documents, from the PDF",
}


def _bands(thresholds: Thresholds) -> str:
    """ "harmful ≥ 0.375, review 0.225–0.525; …" for each stance."""
    low, high = thresholds.review_low, thresholds.review_high
    return "; ".join(
        f"{stance.lower()} ≥ {emit:g}, review {low[stance]:g}–{high[stance]:g}"
        for stance, emit in thresholds.emit.items()
    )


def metrics_table(metrics: dict) -> pd.DataFrame:
    """The headline figures of ``metrics.json``, one column per evaluation."""
    rows = {}
    for split, label in SPLITS.items():
        figures = metrics.get(split)
        if not figures:
            continue
        harmful = figures["harmful_clause"]
        rows[label] = {
            "clauses": figures.get("clauses"),
            "harmful-clause precision": harmful["precision"],
            "harmful-clause recall": harmful["recall"],
            "harmful-clause F1": harmful["f1"],
            "harmful macro-F1 (principles)": figures["harmful_macro_f1"],
            "false alarms on clauses without finding": figures["false_alarm_rate"],
            "calibration error (ECE)": figures["calibration_error"],
        }
    return pd.DataFrame(rows)


def principles_table() -> pd.DataFrame:
    rows = []
    for principle in resources.taxonomy().principles:
        rows.append(
            {
                "id": principle.id,
                "principle": principle.name,
                "severity": principle.severity,
                "harmful when": principle.harmful_when,
                "protective when": principle.protective_when,
                "recommended wording": principle.recommended_wording,
            }
        )
    return pd.DataFrame(rows)


TARGETS = {"harmful-clause F1": 0.85, "harmful macro-F1": 0.75, "false alarms": 0.05}


def targets_note(metrics: dict) -> str:
    """Whether the dev split's figures meet the product's targets, in one sentence."""
    dev = metrics.get("dev") or {}
    try:
        met = (
            dev["harmful_clause"]["f1"] >= TARGETS["harmful-clause F1"]
            and dev["harmful_macro_f1"] >= TARGETS["harmful macro-F1"]
            and dev["false_alarm_rate"] <= TARGETS["false alarms"]
        )
    except (KeyError, TypeError):
        return "The metrics file does not hold the dev split's figures."
    wanted = "Targets: harmful-clause F1 ≥ 0.85, harmful macro-F1 ≥ 0.75, false alarms ≤ 5 %."
    if met:
        return f"{wanted} Met on the dev split."
    return f"{wanted} Not yet met: treat findings as leads for a reviewer, not verdicts."


def _json(path: Path) -> dict:
    """A model folder's JSON file, or ``{}`` when it is missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def show() -> None:
    st.title("Methodology")
    taxonomy = resources.taxonomy()
    folder = Path(os.environ.get(MODEL_ENV) or default_model_dir())
    meta = _json(folder / "meta.json")
    thresholds = Thresholds.from_meta(meta.get("thresholds") or dict.fromkeys(THRESHOLD_KEYS, float("nan")))
    st.write(
        "Each document is split into its own clauses (articles, sections, list items). Each clause is read for "
        "its deontic frame (who must or may do what, negations, exceptions, conditions tied to cooperation) and "
        f"classified against the {len(taxonomy.principles)} Do No Harm principles as harmful, protective or "
        "neutral by a model trained on the team's annotated corpus. "
        "A finding is asserted and scored when its confidence reaches its stance's threshold, and flagged for "
        f"human review within a band around it ({_bands(thresholds)}). A document's "
        "score per principle is 100 × protective / (protective + harmful); a gap is a principle no clause protects."
    )
    st.caption(
        f"Taxonomy version {taxonomy.version} · model {meta.get('model_version', 'not found in ' + str(folder))}"
    )
    st.subheader("Principles")
    st.dataframe(principles_table(), hide_index=True, width="stretch")
    st.subheader("Legal sources")
    principle = st.selectbox(
        "Principle",
        [p.id for p in taxonomy.principles],
        format_func=lambda p: taxonomy.get(p).name,
        key="m-p",
    )
    chosen = taxonomy.get(principle)
    st.write(chosen.definition)
    sources = pd.DataFrame(
        [{"source": s.citation, "checked against the text": s.verified} for s in chosen.sources]
    )
    st.dataframe(sources, hide_index=True, width="stretch")
    st.subheader("Model accuracy")
    metrics = _json(folder / "metrics.json")
    if metrics:
        st.dataframe(metrics_table(metrics), width="stretch")
        st.caption(targets_note(metrics))
    else:
        st.info(f"No metrics.json in {folder}.")
    card = folder / "card.md"
    if card.is_file():
        with st.expander("Model card"):
            st.markdown(card.read_text(encoding="utf-8"))


if __name__ == "__main__":
    show()
