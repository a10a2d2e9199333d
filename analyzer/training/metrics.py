"""The figures the clause model is judged by, from gold findings and predicted probabilities.

- harmful-clause precision / recall / F1: a clause is positive when it has any HARMFUL finding;
- per-principle F1 of HARMFUL findings, and their macro average over the principles that have a HARMFUL
  finding in the gold or the prediction (a principle with neither, as in a law that never touches it, has
  no F1 to average: counting it as 0 would cap a document's macro-F1 below what any model could reach);
- false-alarm rate: the share of clauses without any gold finding that get a predicted finding;
- expected calibration error of the findings' confidence (the likeliest stance's probability against
  how often it is right).
A finding is predicted when its probability reaches the ``emit`` threshold of its stance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from analyzer.classify.model import LABELS, encode, stance_confidence
from analyzer.types import PRINCIPLE_IDS

HARMFUL = LABELS.index("HARMFUL")


def emit_array(emit: Mapping[str, float] | float) -> np.ndarray:
    """The emit threshold of each stance (``LABELS[1:]``) as an array; one number holds for all."""
    if isinstance(emit, Mapping):
        return np.array([emit[stance] for stance in LABELS[1:]], dtype=float)
    return np.full(len(LABELS) - 1, float(emit))


def predicted_labels(probabilities: np.ndarray, *, emit: Mapping[str, float] | float) -> np.ndarray:
    """(clauses, principles) label indexes: the likeliest stance if it reaches its ``emit`` threshold,
    else NONE (0)."""
    stances = probabilities[:, :, 1:]
    best = stances.argmax(axis=2)
    confident = stances.max(axis=2) >= emit_array(emit)[best]
    return np.where(confident, best + 1, 0)


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def calibration_error(probabilities: np.ndarray, gold: np.ndarray, *, bins: int = 10) -> float:
    """Expected calibration error of findings' confidence (see ``stance_confidence``)."""
    conf, correct = stance_confidence(probabilities, gold)
    if not len(conf):
        return 0.0
    edges = np.linspace(0, 1, bins + 1)
    error = 0.0
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        inside = (conf > low) & (conf <= high)
        if inside.any():
            error += inside.mean() * abs(conf[inside].mean() - correct[inside].mean())
    return round(float(error), 4)


def evaluate(
    gold_findings: Sequence[Sequence[dict]], probabilities: np.ndarray, *, emit: Mapping[str, float] | float
) -> dict:
    """All figures for one set of clauses; ``emit`` is the threshold per stance (or one for all)."""
    gold = encode(gold_findings)
    predicted = predicted_labels(probabilities, emit=emit)
    gold_harm, pred_harm = (gold == HARMFUL).any(axis=1), (predicted == HARMFUL).any(axis=1)
    clause = _prf(
        int((gold_harm & pred_harm).sum()),
        int((~gold_harm & pred_harm).sum()),
        int((gold_harm & ~pred_harm).sum()),
    )
    per_principle = {}
    for column, principle in enumerate(PRINCIPLE_IDS):
        g, p = gold[:, column] == HARMFUL, predicted[:, column] == HARMFUL
        per_principle[principle] = {
            **_prf(int((g & p).sum()), int((~g & p).sum()), int((g & ~p).sum())),
            "support": int(g.sum()),
            "predicted": int(p.sum()),
        }
    scored = [v["f1"] for v in per_principle.values() if v["support"] or v["predicted"]]
    empty = ~(gold != 0).any(axis=1)
    alarms = (predicted != 0).any(axis=1) & empty
    all_findings = _prf(
        int(((predicted == gold) & (gold != 0)).sum()),
        int(((predicted != 0) & (predicted != gold)).sum()),
        int(((gold != 0) & (predicted != gold)).sum()),
    )
    return {
        "clauses": len(gold_findings),
        "emit_thresholds": dict(zip(LABELS[1:], emit_array(emit).tolist(), strict=True)),
        "harmful_clause": clause,
        "harmful_macro_f1": round(float(np.mean(scored)), 4) if scored else 0.0,
        "harmful_principles_scored": len(scored),
        "harmful_by_principle": per_principle,
        "all_findings_micro": all_findings,
        "false_alarm_rate": round(float(alarms.sum() / max(empty.sum(), 1)), 4),
        "calibration_error": calibration_error(probabilities, gold),
    }
