"""The combiner: the heads' outputs for one (clause, principle) turned into calibrated label probabilities.

The heads of :mod:`analyzer.classify.model` give, per clause, P(engaged) and P(stance | engaged) for each
principle, the clause harm head P(the clause has any HARMFUL finding) and the principle harm heads
P(the clause is HARMFUL on this principle). A clause whose harm is spread over several principles can
have a clear harm-head score while no single principle's HARMFUL probability stands out; the combiner
reads them all. It is a multinomial logistic regression over NONE /
HARMFUL / PROTECTIVE / NEUTRAL, one row per (clause, principle), fitted on out-of-fold predictions of the
heads (so it learns how far to trust them on clauses they did not see) with these inputs:

- the principle's own figures: logit P(engaged), log P(HARMFUL), log P(PROTECTIVE), log P(NEUTRAL);
- the clause's: logit of the harm head, logit of its highest per-principle P(HARMFUL);
- where the principle stands in the clause's harm: its share of the clause's P(HARMFUL) mass, whether it
  is the likeliest harmed principle, and both crossed with the harm head's logit;
- the principle harm head's logit for this principle, and the clause's highest one (when the model has
  principle harm heads);
- the principle itself (one flag each: a bias per principle).

Its output is a probability per label that sums to one for each (clause, principle); being fitted on
held-out predictions, it is also the model's calibration. Everything is array arithmetic over the batch.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

EPS = 1e-4
C_COMBINER = 1.0


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, EPS, 1.0 - EPS)
    return np.log(p / (1.0 - p))


def combiner_inputs(heads: np.ndarray, harm: np.ndarray) -> np.ndarray:
    """One row per (clause, principle), clause-major: shape (clauses × principles, inputs), from the heads'
    probabilities ``heads`` (clauses, principles, labels) and the harm heads' ``harm``: (clauses,) for the
    clause harm head alone, or (clauses, 1 + principles) with the principle harm heads after it."""
    clauses, principles, _ = heads.shape
    per_principle = harm[:, 1:] if harm.ndim == 2 else None
    harm = harm[:, 0] if harm.ndim == 2 else harm
    harmful = heads[:, :, 1]
    share = harmful / np.maximum(harmful.sum(axis=1, keepdims=True), EPS)
    likeliest = (harmful >= harmful.max(axis=1, keepdims=True)).astype(np.float64)
    clause_harm = np.repeat(_logit(harm)[:, None], principles, axis=1)
    clause_top = np.repeat(_logit(harmful.max(axis=1))[:, None], principles, axis=1)
    columns = [
        _logit(1.0 - heads[:, :, 0]),
        *(np.log(np.clip(heads[:, :, label], EPS, 1.0)) for label in (1, 2, 3)),
        clause_harm,
        clause_top,
        share,
        likeliest,
        clause_harm * share,
        clause_harm * likeliest,
    ]
    if per_principle is not None:
        top = np.repeat(_logit(per_principle.max(axis=1))[:, None], principles, axis=1)
        columns += [_logit(per_principle), top]
    rows = np.stack(columns, axis=2).reshape(clauses * principles, len(columns))
    return np.hstack([rows, np.tile(np.eye(principles), (clauses, 1))])


def fit_combiner(heads: np.ndarray, harm: np.ndarray, gold: np.ndarray, *, seed: int) -> Pipeline:
    """Fit on out-of-fold head outputs and the gold (clauses, principles) label indexes."""
    combiner = make_pipeline(
        StandardScaler(), LogisticRegression(C=C_COMBINER, max_iter=2000, random_state=seed)
    )
    return combiner.fit(combiner_inputs(heads, harm), gold.reshape(-1))


def combined(heads: np.ndarray, harm: np.ndarray, combiner: Pipeline) -> np.ndarray:
    """P(label) per clause and principle, shape of ``heads``, each row summing to one."""
    clauses, principles, labels = heads.shape
    out = np.zeros((clauses * principles, labels))
    out[:, combiner.classes_] = combiner.predict_proba(combiner_inputs(heads, harm))
    return out.reshape(clauses, principles, labels)
