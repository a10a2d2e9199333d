"""The findings sections of the HTML report: gaps, harmful provisions and protective provisions.

Findings are paired with their clauses and ordered by page, clause and principle (:func:`ordered`), then
split at the emit threshold of their stance into those counted in the score and those needing review
(:func:`split_by_confidence`). Harmful findings get a card each, with their evidence marked in the clause
text; protective findings get a row each in one table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from analyzer.report.html_text import (
    esc,
    excerpt,
    first_sentence,
    highlighted,
    page_label,
    percent,
    principle_name,
    threshold_percent,
)
from analyzer.score import emit_thresholds, is_asserted
from analyzer.taxonomy import Taxonomy
from analyzer.types import PRINCIPLE_IDS, AuditResult, Clause, Finding

REVIEW_BADGE = ' <span class="badge">needs review</span>'


def split_by_confidence(pairs: Sequence[tuple[Finding, Clause | None]], *, emit: float) -> tuple[list, list]:
    """``(counted, needing review)``: findings at or above the emit threshold, and those below it."""
    return [p for p in pairs if p[0].confidence >= emit], [p for p in pairs if p[0].confidence < emit]


def ordered(findings: Iterable[Finding], clauses: Sequence[Clause]) -> list[tuple[Finding, Clause | None]]:
    """Findings with their clauses, sorted by first page, then clause order, then principle order."""
    index = {clause.clause_id: (position, clause) for position, clause in enumerate(clauses)}
    rank = {principle: position for position, principle in enumerate(PRINCIPLE_IDS)}

    def key(finding: Finding) -> tuple:
        position, clause = index.get(finding.clause_id, (len(clauses), None))
        page = min(clause.pages) if clause and clause.pages else 0
        return (page, position, rank.get(finding.principle, len(rank)))

    return [(f, index.get(f.clause_id, (0, None))[1]) for f in sorted(findings, key=key)]


def gaps_html(result: AuditResult, taxonomy: Taxonomy) -> str:
    heading = f'<h2 id="gaps-h">Gaps: principles no clause protects ({len(result.gaps)})</h2>'
    if not result.gaps:
        return f'<section id="gaps" aria-labelledby="gaps-h">{heading}<p>None: every principle has at least one protective clause.</p></section>'
    items = []
    for principle_id in result.gaps:
        try:
            principle = taxonomy.get(principle_id)
        except KeyError:
            items.append(f"<li><h3>{esc(principle_id)}</h3></li>")
            continue
        items.append(
            f"<li><h3>{esc(principle.name)}</h3><p>{esc(first_sentence(principle.definition))}</p>"
            f'<p class="label">Recommended wording</p><blockquote class="wording">{esc(principle.recommended_wording)}</blockquote></li>'
        )
    return f'<section id="gaps" aria-labelledby="gaps-h">{heading}<ul class="gaps">{"".join(items)}</ul></section>'


def ocr_badge(confidence: float | None) -> str:
    """ " · OCR 87%" for a clause read by OCR (the lowest confidence of its pages), else ""."""
    if confidence is None:
        return ""
    return (
        f' · <span class="ocr" title="OCR confidence of the clause\'s pages">OCR {percent(confidence)}</span>'
    )


def harmful_card(
    finding: Finding,
    clause: Clause | None,
    taxonomy: Taxonomy,
    language: str,
    *,
    ocr_confidence: float | None = None,
) -> str:
    try:
        principle = taxonomy.get(finding.principle)
        name, sources, wording = (
            principle.name,
            [s.citation for s in principle.sources],
            principle.recommended_wording,
        )
    except KeyError:
        name, sources, wording = finding.principle, [], ""
    number = clause.number if clause and clause.number else "unnumbered"
    path = " › ".join(clause.heading_path) if clause else ""
    review = REVIEW_BADGE if finding.needs_review else ""
    text = highlighted(clause.text, finding.evidence) if clause else ""
    source_items = "".join(f"<li>{esc(citation)}</li>" for citation in sources)
    return (
        f'<article class="finding" data-clause="{esc(finding.clause_id)}" data-principle="{esc(finding.principle)}">'
        f'<h4><span class="clause-no">Clause {esc(number)}</span> · {esc(page_label(clause.pages if clause else ()))}'
        f'{ocr_badge(ocr_confidence)} · <span class="principle">{esc(name)}</span>{review}'
        f'<span class="conf">confidence {percent(finding.confidence)}</span></h4>'
        + (f'<p class="path">{esc(path)}</p>' if path else "")
        + f'<blockquote class="clause" lang="{esc(language)}">{text}</blockquote>'
        f'<p><span class="label">Why</span> {esc(finding.rationale)}</p>'
        + (f'<p class="label">Legal sources</p><ul class="sources">{source_items}</ul>' if sources else "")
        + (
            f'<p class="label">Recommended wording</p><blockquote class="wording">{esc(wording)}</blockquote>'
            if wording
            else ""
        )
        + "</article>"
    )


def harmful_html(result: AuditResult, taxonomy: Taxonomy) -> str:
    emit = emit_thresholds(result.scorecard)["HARMFUL"]
    pairs = ordered((f for f in result.findings if f.stance == "HARMFUL"), result.clauses)
    counted, review = split_by_confidence(pairs, emit=emit)
    body = []
    for title, group in (
        (f"Counted in the score (confidence of at least {threshold_percent(emit)})", counted),
        (f"Possible, needing review (confidence below {threshold_percent(emit)}, not counted)", review),
    ):
        body.append(f"<h3>{esc(title)}: {len(group)}</h3>")
        document = result.document
        body += [
            harmful_card(f, c, taxonomy, document.language, ocr_confidence=_ocr(document, c))
            for f, c in group
        ]
        if not group:
            body.append('<p class="none">None.</p>')
    return (
        '<section id="harmful" aria-labelledby="harmful-h"><h2 id="harmful-h">Harmful provisions</h2>'
        f"{''.join(body)}</section>"
    )


def _ocr(document, clause: Clause | None) -> float | None:
    return document.ocr_confidence(clause.pages) if clause else None


def protective_row(
    finding: Finding, clause: Clause | None, taxonomy: Taxonomy, *, ocr_confidence: float | None = None
) -> str:
    return (
        f"<tr><td>{esc(clause.number if clause and clause.number else '—')}</td>"
        f"<td>{esc(page_label(clause.pages if clause else ()))}{ocr_badge(ocr_confidence)}</td>"
        f"<td>{esc(principle_name(taxonomy, finding.principle))}</td>"
        f"<td>{percent(finding.confidence)}{REVIEW_BADGE if finding.needs_review else ''}</td>"
        f"<td>{esc(excerpt(clause.text) if clause else '')}</td></tr>"
    )


def protective_html(result: AuditResult, taxonomy: Taxonomy) -> str:
    thresholds = emit_thresholds(result.scorecard)
    emit = thresholds["PROTECTIVE"]
    pairs = ordered((f for f in result.findings if f.stance == "PROTECTIVE"), result.clauses)
    counted, review = split_by_confidence(pairs, emit=emit)
    body = []
    for title, group in (
        (f"Counted in the score (confidence of at least {threshold_percent(emit)})", counted),
        (f"Needing review (confidence below {threshold_percent(emit)}, not counted)", review),
    ):
        if group:
            body.append(
                f'<tr class="group"><th colspan="5" scope="rowgroup">{esc(title)}: {len(group)}</th></tr>'
            )
            body += [
                protective_row(f, c, taxonomy, ocr_confidence=_ocr(result.document, c)) for f, c in group
            ]
    table = (
        '<table><thead><tr><th scope="col">Clause</th><th scope="col">Page</th><th scope="col">Principle</th>'
        f'<th scope="col">Confidence</th><th scope="col">Text</th></tr></thead><tbody>{"".join(body)}</tbody></table>'
        if pairs
        else '<p class="none">None.</p>'
    )
    neutral = [f for f in result.findings if f.stance == "NEUTRAL"]
    strong = sum(is_asserted(f, thresholds) for f in neutral)
    return (
        f'<section id="protective" aria-labelledby="protective-h"><h2 id="protective-h">Protective provisions: '
        f"{len(counted)} counted, {len(review)} needing review</h2>{table}"
        f'<p class="note" id="neutral">Neutral findings (clauses that deal with a principle without adding or '
        f"removing protection) are not listed: {strong} counted, {len(neutral) - strong} below the confidence "
        "threshold.</p></section>"
    )
