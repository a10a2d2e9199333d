"""Emit thresholds per stance, tuned on cross-validated probabilities.

A finding is asserted when its stance's probability reaches that stance's emit threshold. One threshold
for all stances made the false-alarm bound (clauses with no gold finding that get a finding) hold the
HARMFUL threshold high, although almost all of those false alarms were PROTECTIVE or NEUTRAL findings;
with a threshold per stance the HARMFUL one can be lower (better recall of harm) while the others keep
the false alarms within bounds. The rule, over a grid of (HARMFUL, PROTECTIVE, NEUTRAL) thresholds:

1. the false-alarm rate stays at or below ``max_false_alarms`` (when no triple does, the lowest rate);
2. then the best harmful-clause F1 + macro-F1 of HARMFUL findings (the issue's targets);
3. then the best micro-F1 over all findings (protective and neutral findings right too);
4. then the lowest sum of the three thresholds (more findings shown, fewer hidden); among triples
   equal in all of these, the last in grid order.

Every figure decomposes by stance (a cell's prediction depends only on its likeliest stance's threshold),
so the whole grid is scored with array arithmetic rather than one evaluation per triple.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from analyzer.classify.model import LABELS, encode
from analyzer.training.metrics import evaluate

GRID = tuple(round(float(x), 3) for x in np.arange(0.20, 0.801, 0.025))
MAX_FALSE_ALARMS = 0.05


def _f1(tp: np.ndarray, predicted: np.ndarray, actual: int | np.ndarray) -> np.ndarray:
    """F1 from true positives, predicted positives and actual positives (arrays broadcast)."""
    total = predicted + actual
    return np.divide(2.0 * tp, total, out=np.zeros(np.broadcast(tp, total).shape), where=total > 0)


def harmful_score(findings: Sequence[Sequence[dict]], probabilities: np.ndarray, threshold: float) -> float:
    """Harmful-clause F1 + macro-F1 of HARMFUL findings, as :func:`evaluate` gives them, with the HARMFUL
    threshold ``threshold`` (HARMFUL predictions depend on no other threshold)."""
    figures = evaluate(findings, probabilities, emit=threshold)
    return round(figures["harmful_clause"]["f1"] + figures["harmful_macro_f1"], 4)


def tune_thresholds(
    findings: Sequence[Sequence[dict]],
    probabilities: np.ndarray,
    *,
    grid: Sequence[float] = GRID,
    max_false_alarms: float = MAX_FALSE_ALARMS,
) -> dict[str, float]:
    """``{stance: emit threshold}`` chosen by the module's rule on ``probabilities`` (n, principles, labels)."""
    gold = encode(findings)
    values = np.asarray(grid, dtype=float)
    stances = probabilities[:, :, 1:]
    best = stances.argmax(axis=2) + 1
    confidence = stances.max(axis=2)
    empty = ~(gold != 0).any(axis=1)
    reached = confidence[None] >= values[:, None, None]  # (grid, clauses, principles)
    harm = np.array([harmful_score(findings, probabilities, t) for t in values])
    alarms, true_positives, predicted = [], [], []
    for label in range(1, len(LABELS)):
        mine = reached & (best == label)[None]
        # per threshold, which no-finding clauses get a finding of this stance
        alarms.append(mine[:, empty].any(axis=2))
        true_positives.append((mine & (gold == label)[None]).sum(axis=(1, 2)))
        predicted.append(mine.sum(axis=(1, 2)))
    h, p, n = np.ix_(range(len(values)), range(len(values)), range(len(values)))
    alarmed = alarms[0][h] | alarms[1][p] | alarms[2][n]  # (grid, grid, grid, no-finding clauses)
    rate = alarmed.mean(axis=3) if empty.any() else np.zeros(alarmed.shape[:3])
    micro = _f1(
        true_positives[0][h] + true_positives[1][p] + true_positives[2][n],
        predicted[0][h] + predicted[1][p] + predicted[2][n],
        int((gold != 0).sum()),
    )
    within = rate <= max_false_alarms + 1e-12
    if not within.any():  # nothing meets the bound: the least false alarms
        within = rate <= rate.min() + 1e-12
    shape = within.shape
    keys = [  # np.lexsort: the last key sorts first
        -np.broadcast_to(values[h] + values[p] + values[n], shape),
        np.round(micro, 4),
        np.broadcast_to(harm[h], shape),
        within,
    ]
    chosen = np.unravel_index(np.lexsort([key.reshape(-1) for key in keys])[-1], shape)
    return {stance: float(values[i]) for stance, i in zip(LABELS[1:], chosen, strict=True)}
