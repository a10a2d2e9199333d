"""The clause model's linear heads applied together: one sparse product for every head.

Each binary head (engagement per principle, clause harm, principle harm per principle) is a logistic
regression whose P(yes) is ``expit(x @ coef + intercept)``; the stance head's clause part is
``x @ coef[:, :width]``. Asking scikit-learn head by head validates and multiplies the clause matrix 28
times (upcasting its float32 values to float64 each time); :class:`HeadStack` stacks the coefficients
once per model and multiplies once. The arithmetic per value is scikit-learn's (the same sum of the
same products in the same order, in the coefficients' own precision: float32 for a model fitted on
float32 features), so the probabilities are the same to the bit. A head that is not a fitted
two-class logistic regression (a constant :class:`~sklearn.dummy.DummyClassifier` when the training
data had one answer), or whose coefficients have another precision than the stance head's, is asked on
its own.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from scipy.special import expit
from sklearn.linear_model import LogisticRegression


def positive(head, x: sparse.csr_matrix) -> np.ndarray:
    """P(yes) from a binary head, zero when it only ever saw "no"."""
    classes = list(head.classes_)
    return head.predict_proba(x)[:, classes.index(1)] if 1 in classes else np.zeros(x.shape[0])


def _linear(head, dtype: np.dtype) -> bool:
    """A two-class logistic regression with coefficients and intercept of precision ``dtype``."""
    return (
        isinstance(head, LogisticRegression)
        and list(head.classes_) == [0, 1]
        and head.coef_.shape[0] == 1
        and head.coef_.dtype == dtype
        and np.asarray(head.intercept_).dtype == dtype
    )


class HeadStack:
    """Binary heads and the stance head's clause columns as one coefficient matrix."""

    def __init__(self, binary: Sequence, stance: LogisticRegression, width: int) -> None:
        self.heads = tuple(binary)
        self.linear = [i for i, head in enumerate(self.heads) if _linear(head, stance.coef_.dtype)]
        rows = [self.heads[i].coef_ for i in self.linear] + [stance.coef_[:, :width]]
        self.coef = np.ascontiguousarray(np.vstack(rows).T)  # (width, linear heads + stance classes)
        self.intercept = np.concatenate([self.heads[i].intercept_ for i in self.linear])
        self.stance_intercept = stance.intercept_
        self.key = (tuple(map(id, self.heads)), id(stance), width)

    def apply(self, x: sparse.csr_matrix) -> tuple[list[np.ndarray], np.ndarray]:
        """P(yes) of every binary head (one column each, in the precision scikit-learn gives it), and
        the stance head's clause logits with its intercept (clauses, stance classes)."""
        scores = np.asarray(x @ self.coef)
        count = len(self.linear)
        linear = expit(scores[:, :count] + self.intercept)
        columns = dict(zip(self.linear, linear.T, strict=True))
        positives = [columns[i] if i in columns else positive(head, x) for i, head in enumerate(self.heads)]
        return positives, scores[:, count:] + self.stance_intercept
