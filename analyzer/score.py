"""Scorecards: what a document (or a country's set of documents) does for each principle.

Per principle, the asserted findings (confidence at or above the model's emit threshold for their
stance, recorded in the scorecard as ``emit_thresholds``) are counted by stance; findings marked
``needs_review`` are counted apart. The **principle score** is ``100 × protective / (protective +
harmful)`` — the share of the document's binding language on that principle that protects — and is
``None`` when the document has neither. The **document score** is the mean of the principle scores it
has. A **gap** is a principle no clause protects. For a country, **contradictions** are principles
protected in one of its documents and harmed in another.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from analyzer.types import PRINCIPLE_IDS, STANCES, Finding

STANCE_KEYS = {"HARMFUL": "harmful", "PROTECTIVE": "protective", "NEUTRAL": "neutral"}


def emit_thresholds(card: Mapping) -> dict[str, float]:
    """A scorecard's emit threshold per stance; a scorecard written before thresholds were per stance
    holds one (``emit_threshold``) for all."""
    per_stance = card.get("emit_thresholds")
    if per_stance:
        return {stance: float(per_stance[stance]) for stance in STANCES}
    return dict.fromkeys(STANCES, float(card.get("emit_threshold", 0.0)))


def is_asserted(finding: Finding, emit: Mapping[str, float]) -> bool:
    """Does ``finding`` reach the emit threshold of its stance?"""
    return finding.confidence >= emit[finding.stance]


def asserted(findings: Iterable[Finding], *, emit: Mapping[str, float]) -> list[Finding]:
    return [f for f in findings if is_asserted(f, emit)]


def scorecard(findings: Sequence[Finding], *, clauses: int, emit: Mapping[str, float]) -> dict:
    """The scorecard of one document from its findings; ``emit`` is the threshold per stance."""
    principles: dict[str, dict] = {}
    strong = asserted(findings, emit=emit)
    for principle in PRINCIPLE_IDS:
        counts = {"harmful": 0, "protective": 0, "neutral": 0, "needs_review": 0}
        for finding in strong:
            if finding.principle == principle:
                counts[STANCE_KEYS[finding.stance]] += 1
        counts["needs_review"] = sum(f.needs_review for f in findings if f.principle == principle)
        binding = counts["harmful"] + counts["protective"]
        counts["score"] = round(100.0 * counts["protective"] / binding, 1) if binding else None
        principles[principle] = counts
    scores = [p["score"] for p in principles.values() if p["score"] is not None]
    return {
        "principles": principles,
        "score": round(sum(scores) / len(scores), 1) if scores else None,
        "clauses": clauses,
        "findings": len(strong),
        "harmful": sum(p["harmful"] for p in principles.values()),
        "protective": sum(p["protective"] for p in principles.values()),
        "neutral": sum(p["neutral"] for p in principles.values()),
        "needs_review": sum(f.needs_review for f in findings),
        "emit_thresholds": {stance: emit[stance] for stance in STANCES},
    }


def gaps(card: dict) -> tuple[str, ...]:
    """Principles without a protective clause, in canonical order."""
    return tuple(p for p in PRINCIPLE_IDS if not card["principles"][p]["protective"])
