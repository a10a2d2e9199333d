"""Clauses in, findings out: the trained model's calibrated probabilities combined with the rule side.

For each clause and principle the likeliest stance is kept when its probability reaches the model's
``review_low`` threshold for that stance. Below the stance's ``review_high`` the finding is returned
with ``needs_review`` rather than asserted or dropped. The thresholds are per stance (HARMFUL findings
are asserted at a lower probability than the others: see :mod:`analyzer.training.tuning`). The rule
side (taxonomy topics and the deontic frame) supplies the evidence and the rationale, and one decision
the words settle on their own: a penalty on an offender is no finding about the victim (TAXONOMY.md
convention 17), unless it punishes disclosing a victim's identity.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analyzer.classify.explain import evidence, rationale
from analyzer.classify.features import Analysis, analyse
from analyzer.classify.model import LABELS, ClauseModel
from analyzer.types import PRINCIPLE_IDS, STANCES, Clause, Finding

# Principles a penalty on an offender can still protect (an offence of disclosing a victim's identity).
PENALTY_CAN_PROTECT = frozenset({"PRIVACY_CONFIDENTIALITY"})


@dataclass(frozen=True)
class Thresholds:
    """Per stance: ``emit`` (asserted and counted at or above it), and the review band around it
    (findings below ``review_low`` are dropped, those below ``review_high`` need review)."""

    emit: Mapping[str, float]
    review_low: Mapping[str, float]
    review_high: Mapping[str, float]

    @classmethod
    def from_meta(cls, raw: Mapping) -> Thresholds:
        """From ``meta.json``'s ``thresholds``: ``{stance: {emit, review_low, review_high}}``, or the
        older single ``{emit, review_low, review_high}`` that holds for every stance."""
        per_stance = (
            {s: raw[s] for s in STANCES} if all(s in raw for s in STANCES) else dict.fromkeys(STANCES, raw)
        )
        return cls(
            **{
                key: {stance: float(values[key]) for stance, values in per_stance.items()}
                for key in ("emit", "review_low", "review_high")
            }
        )

    def to_meta(self) -> dict[str, dict[str, float]]:
        return {
            stance: {
                "emit": self.emit[stance],
                "review_low": self.review_low[stance],
                "review_high": self.review_high[stance],
            }
            for stance in STANCES
        }


def rule_adjusted(probabilities: np.ndarray, analyses: Sequence[Analysis]) -> np.ndarray:
    """Apply the rules the words settle on their own to model probabilities (a copy)."""
    adjusted = probabilities.copy()
    for row, analysis in enumerate(analyses):
        frame = analysis.frame
        if frame.penalty_on_offender and frame.actor == "offender" and not frame.mentions_victim:
            for column, principle in enumerate(PRINCIPLE_IDS):
                if principle not in PENALTY_CAN_PROTECT:
                    adjusted[row, column] = 0.0
                    adjusted[row, column, 0] = 1.0
    return adjusted


def final_probabilities(model: ClauseModel, texts: Sequence[str], analyses: Sequence[Analysis]) -> np.ndarray:
    """The model's probabilities after the rules: what findings and metrics are computed from."""
    return rule_adjusted(model.probabilities(texts, analyses), analyses)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for one batch (if it was running). A batch allocates
    tens of thousands of small objects, and each allocation burst triggers collections that also walk
    the ~200,000 long-lived objects of the loaded model, vocabularies and matchers: about a tenth of the
    classifier's time. A batch creates no reference cycles worth collecting early; collection resumes
    after it."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


_BLAS = None
_BLAS_LOCK = threading.Lock()
_blas_users = 0
_blas_limit = None


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """BLAS (OpenBLAS) limited to one thread while a batch is classified. Its products here are small; a
    second thread only spins: on a 54-page PDF's 985 clauses the probabilities took the same wall time
    (139 and 135 ms) for 241 ms of CPU time with two threads and 135 ms with one, and the spinning thread
    takes a core from the other batch worker. The setting is the process's: batches classified at once in
    several threads (the dashboard's sessions) share one limit, set by the first and lifted by the last.
    The controller is made once (it scans the loaded libraries: ~4 ms); a limit then costs ~20 µs."""
    global _BLAS, _blas_users, _blas_limit
    with _BLAS_LOCK:
        if _BLAS is None:
            from threadpoolctl import ThreadpoolController

            _BLAS = ThreadpoolController()
        if _blas_users == 0:
            _blas_limit = _BLAS.limit(limits=1, user_api="blas")
        _blas_users += 1
    try:
        yield
    finally:
        with _BLAS_LOCK:
            _blas_users -= 1
            if _blas_users == 0:
                _blas_limit.restore_original_limits()
                _blas_limit = None


class Classifier:
    """A loaded model with its thresholds and the taxonomy it was trained on."""

    def __init__(self, model: ClauseModel) -> None:
        from analyzer.taxonomy import load_taxonomy

        self.model = model
        self.taxonomy = load_taxonomy()
        self.thresholds = Thresholds.from_meta(model.meta["thresholds"])
        self.version = model.meta.get("model_version", "")

    @classmethod
    def load(cls, folder: Path | None = None) -> Classifier:
        from analyzer.training.train import default_model_dir

        return cls(ClauseModel.load(folder or default_model_dir()))

    def probabilities(self, texts: Sequence[str], analyses: Sequence[Analysis]) -> np.ndarray:
        with _one_blas_thread():
            return final_probabilities(self.model, texts, analyses)

    def classify_texts(
        self, ids: Sequence[str], texts: Sequence[str], *, batch: int = 512
    ) -> list[list[Finding]]:
        """Findings for each text, in order; ``ids`` become the findings' ``clause_id``. A text repeated
        within a batch (a running heading, a list's lead-in) is analysed and scored once: the model reads
        each row on its own, so its copies would get the same probabilities."""
        results: list[list[Finding]] = []
        for start in range(0, len(texts), batch):
            chunk_ids, chunk = ids[start : start + batch], list(texts[start : start + batch])
            with _collector_paused():
                analyses = analyse(chunk)
                distinct = dict(zip(chunk, analyses, strict=True))  # copies of a text share one Analysis
                row_of = {text: row for row, text in enumerate(distinct)}
                probabilities = self.probabilities(list(distinct), list(distinct.values()))
                for clause_id, text, analysis in zip(chunk_ids, chunk, analyses, strict=True):
                    results.append(self._findings(clause_id, analysis, probabilities[row_of[text]]))
        return results

    def classify_clauses(self, clauses: Sequence[Clause]) -> list[Finding]:
        per_clause = self.classify_texts([c.clause_id for c in clauses], [c.text for c in clauses])
        return [finding for findings in per_clause for finding in findings]

    def _findings(self, clause_id: str, analysis: Analysis, row: np.ndarray) -> list[Finding]:
        findings = []
        for column, principle_id in enumerate(PRINCIPLE_IDS):
            stance_index = int(row[column, 1:].argmax()) + 1
            # rounded as reported, and compared as reported: a finding shown at 0.85 is not sent to review
            # by a band that ends at 0.85 because its unrounded value was 0.84999
            confidence = round(float(row[column, stance_index]), 4)
            stance = LABELS[stance_index]
            if confidence < self.thresholds.review_low[stance]:
                continue
            principle = self.taxonomy.get(principle_id)
            cues = evidence(principle_id, stance, analysis)
            findings.append(
                Finding(
                    clause_id=clause_id,
                    principle=principle_id,
                    stance=stance,
                    confidence=confidence,
                    needs_review=confidence < self.thresholds.review_high[stance],
                    evidence=cues,
                    rationale=rationale(principle, stance, analysis),
                    source="combined" if principle_id in analysis.topics else "model",
                    model_version=self.version,
                    taxonomy_version=self.taxonomy.version,
                )
            )
        return findings
