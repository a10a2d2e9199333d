"""Emit thresholds per stance: the tuning rule, the thresholds' file format, and their use in findings."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from analyzer.classify.classifier import Classifier, Thresholds
from analyzer.corpus.dataset import load_clauses
from analyzer.training.metrics import evaluate
from analyzer.training.tuning import tune_thresholds
from analyzer.types import PRINCIPLE_IDS

PRINCIPLES = len(PRINCIPLE_IDS)


def probabilities_for(rows: list[list[tuple[int, str, float]]]) -> np.ndarray:
    """(clauses, principles, 4) probabilities: per clause, (principle column, stance, probability) cells;
    every other cell is NONE with certainty, and the rest of a cell's mass is NONE."""
    labels = {"HARMFUL": 1, "PROTECTIVE": 2, "NEUTRAL": 3}
    out = np.zeros((len(rows), PRINCIPLES, 4))
    out[:, :, 0] = 1.0
    for row, cells in enumerate(rows):
        for column, stance, p in cells:
            out[row, column] = 0.0
            out[row, column, labels[stance]] = p
            out[row, column, 0] = 1.0 - p
    return out


def test_false_alarms_that_are_protective_leave_the_harmful_threshold_low():
    """Harmful clauses found at 0.3, no-finding clauses given PROTECTIVE at 0.45: one threshold for all
    would have to stay above 0.45 and lose every harmful clause; per stance, HARMFUL stays at 0.3."""
    harmful = [[(0, "HARMFUL", 0.3)]] * 20
    protective = [[(1, "PROTECTIVE", 0.8)]] * 20
    empty = [[(2, "PROTECTIVE", 0.45)]] * 10 + [[]] * 30
    gold = (
        [[{"principle": PRINCIPLE_IDS[0], "stance": "HARMFUL"}]] * 20
        + [[{"principle": PRINCIPLE_IDS[1], "stance": "PROTECTIVE"}]] * 20
        + [[]] * 40
    )
    chosen = tune_thresholds(gold, probabilities_for(harmful + protective + empty))
    assert chosen["HARMFUL"] <= 0.3 and chosen["PROTECTIVE"] > 0.45
    figures = evaluate(gold, probabilities_for(harmful + protective + empty), emit=chosen)
    assert figures["harmful_clause"]["f1"] == 1.0 and figures["false_alarm_rate"] == 0.0
    assert figures["all_findings_micro"]["f1"] == 1.0
    assert (
        tune_thresholds(gold, probabilities_for(harmful + protective + empty), grid=[0.3, 0.5])["HARMFUL"]
        == 0.3
    )


def test_the_false_alarm_bound_comes_before_finding_harm():
    gold = [[]] * 10 + [[{"principle": PRINCIPLE_IDS[0], "stance": "HARMFUL"}]] * 5
    probabilities = probabilities_for([[(0, "HARMFUL", 0.9)]] * 10 + [[(0, "HARMFUL", 0.6)]] * 5)
    assert tune_thresholds(gold, probabilities, grid=[0.5, 0.7, 0.95])["HARMFUL"] == 0.95
    # no threshold of the grid keeps within the bound: among the fewest false alarms, the most harm found
    assert tune_thresholds(gold, probabilities, grid=[0.5, 0.7])["HARMFUL"] == 0.5


def test_the_tuned_triple_is_the_best_by_the_metrics_own_figures():
    """On random data, brute force with ``evaluate`` over the same grid finds no better triple."""
    rng = np.random.default_rng(7)
    count, grid = 160, [0.3, 0.4, 0.5, 0.6]
    probabilities = rng.dirichlet(np.ones(4) * 0.6, size=(count, PRINCIPLES))
    stances = ("HARMFUL", "PROTECTIVE", "NEUTRAL")
    gold = [
        [
            {"principle": PRINCIPLE_IDS[c], "stance": stances[rng.integers(3)]}
            for c in range(PRINCIPLES)
            if (row < 120 and rng.random() < 0.15)
        ]
        for row in range(count)
    ]

    def key(triple: tuple[float, float, float]) -> tuple:
        figures = evaluate(gold, probabilities, emit=dict(zip(stances, triple, strict=True)))
        return (
            figures["false_alarm_rate"] <= 0.2,
            round(figures["harmful_clause"]["f1"] + figures["harmful_macro_f1"], 3),
            round(figures["all_findings_micro"]["f1"], 3),
        )

    chosen = tune_thresholds(gold, probabilities, grid=grid, max_false_alarms=0.2)
    best = max(key(t) for t in itertools.product(grid, repeat=3))
    found = key(tuple(chosen[s] for s in stances))
    assert found[0] == best[0] and found[1:] == pytest.approx(best[1:], abs=2e-3)


def test_thresholds_read_both_file_formats():
    old = Thresholds.from_meta({"emit": 0.5, "review_low": 0.35, "review_high": 0.65})
    assert old.emit == {"HARMFUL": 0.5, "PROTECTIVE": 0.5, "NEUTRAL": 0.5}
    assert old.review_low["NEUTRAL"] == 0.35 and old.review_high["HARMFUL"] == 0.65
    new = Thresholds.from_meta(
        {
            "HARMFUL": {"emit": 0.35, "review_low": 0.2, "review_high": 0.5},
            "PROTECTIVE": {"emit": 0.45, "review_low": 0.3, "review_high": 0.6},
            "NEUTRAL": {"emit": 0.75, "review_low": 0.6, "review_high": 0.9},
        }
    )
    assert new.emit == {"HARMFUL": 0.35, "PROTECTIVE": 0.45, "NEUTRAL": 0.75}
    assert Thresholds.from_meta(new.to_meta()) == new


def test_findings_follow_their_stances_review_band():
    classifier = Classifier.load()
    thresholds = classifier.thresholds
    assert len(set(thresholds.emit.values())) > 1  # the shipped model has thresholds per stance
    texts = [r["text"] for r in load_clauses() if r["split"] == "dev"][:150]
    findings = [
        f for found in classifier.classify_texts([str(i) for i in range(len(texts))], texts) for f in found
    ]
    assert {f.stance for f in findings} == {"HARMFUL", "PROTECTIVE", "NEUTRAL"}
    for finding in findings:
        assert finding.confidence >= thresholds.review_low[finding.stance]
        assert finding.needs_review == (finding.confidence < thresholds.review_high[finding.stance])


@pytest.mark.parametrize(
    ("emit", "high"), [(0.35, 0.5), (0.65, 0.8), (0.7, 0.85), (0.775, 0.8875), (0.9, 0.95), (1.0, 1.0)]
)
def test_the_review_band_ends_15_points_above_the_threshold_or_halfway_to_certainty(emit, high):
    from analyzer.training.train import review_high

    assert review_high(emit) == pytest.approx(high)


def test_the_harmful_macro_f1_leaves_out_principles_no_clause_is_or_is_said_to_be_harmful_on():
    """A law that never touches eleven principles: their HARMFUL F1 is undefined, not 0. Principle 0 is
    found exactly (F1 1), principle 1 is said to be harmful where it is not (F1 0): macro 0.5 over two."""
    gold = [[{"principle": PRINCIPLE_IDS[0], "stance": "HARMFUL"}]] * 4 + [[]] * 4
    rows = [[(0, "HARMFUL", 0.9)]] * 4 + [[(1, "HARMFUL", 0.9)]] + [[]] * 3
    figures = evaluate(gold, probabilities_for(rows), emit=0.5)
    assert figures["harmful_principles_scored"] == 2
    assert figures["harmful_macro_f1"] == 0.5
    assert figures["harmful_by_principle"][PRINCIPLE_IDS[1]] == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "support": 0,
        "predicted": 1,
    }
    assert figures["harmful_by_principle"][PRINCIPLE_IDS[2]]["support"] == 0
    nothing = evaluate([[]] * 3, probabilities_for([[]] * 3), emit=0.5)
    assert (nothing["harmful_macro_f1"], nothing["harmful_principles_scored"]) == (0.0, 0)


def test_the_evaluate_table_shows_a_dash_for_a_principle_left_out_of_the_macro_f1():
    from analyzer.cli.models import _metrics_table

    gold = [[{"principle": PRINCIPLE_IDS[0], "stance": "HARMFUL"}]] * 2 + [[]] * 2
    figures = evaluate(gold, probabilities_for([[(0, "HARMFUL", 0.9)]] * 2 + [[]] * 2), emit=0.5)
    rows = {line[:40].strip(): line[40:].split() for line in _metrics_table({"dev": figures}).splitlines()}
    assert rows[f"F1 HARMFUL {PRINCIPLE_IDS[0]}"] == ["1.000"]
    assert rows[f"F1 HARMFUL {PRINCIPLE_IDS[1]}"] == ["-"]
    assert rows["harmful macro-F1 (principles)"] == ["1.000"]
