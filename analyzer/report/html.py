"""The HTML report of one audit: a single self-contained page for policymakers.

:func:`render_html` returns the page and :func:`write_html` writes it. The page has a header (the
document, its fingerprint, the model and taxonomy versions), the document's warnings if it has any, a summary (score and counts), a scorecard
chart drawn as inline SVG (:mod:`analyzer.report.html_chart`), the gaps with recommended wording, every
harmful provision with its evidence marked in the clause text, and a table of protective provisions
(:mod:`analyzer.report.html_findings`). This module owns the page around them: head, header, summary and
footer.

The page loads nothing: no external CSS (:mod:`analyzer.report.html_style` is inlined), scripts, fonts or
images, so it works offline and can be mailed. Every piece of text that comes from the document (or from
the classifier, which quotes it) is escaped with :func:`html.escape` (:mod:`analyzer.report.html_text`),
evidence is marked by splitting the *raw* text and escaping each piece, and a Content-Security-Policy meta
tag forbids scripts and remote resources should anything slip through.

The helpers of those modules are re-exported here, so ``analyzer.report.html`` keeps its former names.
"""

from __future__ import annotations

from pathlib import Path

from analyzer.ingest.language import NAMES
from analyzer.report.html_chart import STANCE_COLOURS, chart_html, scorecard_svg
from analyzer.report.html_findings import (
    REVIEW_BADGE,
    gaps_html,
    harmful_card,
    harmful_html,
    ordered,
    protective_html,
    protective_row,
    split_by_confidence,
)
from analyzer.report.html_style import CSS
from analyzer.report.html_text import (
    EXCERPT_CHARS,
    esc,
    evidence_spans,
    excerpt,
    first_sentence,
    highlighted,
    page_label,
    percent,
    principle_name,
    threshold_percent,
)
from analyzer.score import emit_thresholds
from analyzer.taxonomy import Taxonomy, load_taxonomy
from analyzer.types import GENERATOR, AuditResult

__all__ = [
    "CSP",
    "CSS",
    "EXCERPT_CHARS",
    "LANGUAGES",
    "REVIEW_BADGE",
    "STANCE_COLOURS",
    "chart_html",
    "esc",
    "evidence_spans",
    "excerpt",
    "first_sentence",
    "gaps_html",
    "harmful_card",
    "harmful_html",
    "header_html",
    "highlighted",
    "ordered",
    "page_label",
    "percent",
    "principle_name",
    "protective_html",
    "protective_row",
    "render_html",
    "scorecard_svg",
    "split_by_confidence",
    "summary_html",
    "warnings_html",
    "write_html",
]

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
LANGUAGES = NAMES  # the former name


def header_html(result: AuditResult) -> str:
    document, card = result.document, result.scorecard
    file_name = Path(document.path).name
    rows = [
        ("File", esc(file_name)),
        ("Country", esc(document.country or "not given")),
        ("Document type", esc(document.doc_type or "not given")),
        ("Language", esc(LANGUAGES.get(document.language, document.language or "unknown"))),
        ("Pages", esc(document.page_count)),
        ("Clauses", esc(len(result.clauses))),
        ("SHA-256", f'<code title="{esc(document.doc_id)}">{esc(document.doc_id[:12])}…</code>'),
        ("Model", f"<code>{esc(card.get('model_version') or 'unknown')}</code>"),
        ("Taxonomy", esc(card.get("taxonomy_version") or "unknown")),
    ]
    ocr_pages = [p for p in document.pages if p.ocr]
    if ocr_pages:
        lowest = min(p.ocr_confidence or 0.0 for p in ocr_pages)
        rows.append(
            (
                "Read by OCR",
                esc(f"{len(ocr_pages)} of {document.page_count} pages, lowest confidence {percent(lowest)}"),
            )
        )
    items = "".join(
        f'<div class="{"wide" if name == "Model" else "item"}"><dt>{name}</dt><dd>{value}</dd></div>'
        for name, value in rows
    )
    return (
        '<header><p class="kicker">Do No Harm policy audit</p>'
        f'<h1>{esc(document.title or file_name)}</h1><dl class="meta">{items}</dl></header>'
    )


def warnings_html(result: AuditResult) -> str:
    """The document's warnings (from reading it, and the audit's own, such as a language the classifier
    does not read), or nothing."""
    warnings = result.document.warnings
    if not warnings:
        return ""
    items = "".join(f"<li>{esc(' '.join(warning.split()))}</li>" for warning in warnings)
    return f'<section class="warnings" role="alert"><h2>Warnings</h2><ul>{items}</ul></section>'


def summary_html(result: AuditResult) -> str:
    card = result.scorecard
    score = card.get("score")
    emit = emit_thresholds(card)
    score_text = f"{score:g}<small>/100</small>" if score is not None else "not scored"
    counts = [
        ("harmful", "harmful", card.get("harmful", 0)),
        ("protective", "protective", card.get("protective", 0)),
        ("neutral", "neutral", card.get("neutral", 0)),
        ("review", "need review", card.get("needs_review", 0)),
    ]
    tiles = "".join(f'<li class="{kind}"><strong>{esc(n)}</strong> {label}</li>' for kind, label, n in counts)
    return (
        '<section id="summary" aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2>'
        f'<div class="summary"><div class="score"><span>Document score</span><b>{score_text}</b></div>'
        f'<ul class="counts">{tiles}</ul></div>'
        '<p class="note">Each principle scores 100 × protective ÷ (protective + harmful) over the findings '
        f"asserted with a confidence of at least {threshold_percent(emit['HARMFUL'])} (harmful), "
        f"{threshold_percent(emit['PROTECTIVE'])} (protective) or {threshold_percent(emit['NEUTRAL'])} (neutral), "
        "and the document score is the mean of the "
        "principle scores it has (a principle with neither protective nor harmful clauses is left out); "
        "findings below their stance's threshold are listed for review but not counted.</p></section>"
    )


def render_html(result: AuditResult, *, taxonomy: Taxonomy | None = None) -> str:
    """The report of ``result`` as one self-contained HTML page (no network, no scripts)."""
    taxonomy = taxonomy or load_taxonomy()
    title = result.document.title or Path(result.document.path).name
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="generator" content="{GENERATOR}">'  # in the first bytes: the reader refuses it
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>Do No Harm audit: {esc(title)}</title><style>{CSS}</style></head><body><main>"
        + header_html(result)
        + warnings_html(result)
        + summary_html(result)
        + chart_html(result, taxonomy)
        + gaps_html(result, taxonomy)
        + harmful_html(result, taxonomy)
        + protective_html(result, taxonomy)
        + "<footer><p>Produced by the Do No Harm Policy Analyzer. Findings are automated readings of the "
        "text: they point a reviewer to provisions worth examining and do not replace legal analysis.</p>"
        "</footer></main></body></html>\n"
    )


def write_html(result: AuditResult, path: Path, *, taxonomy: Taxonomy | None = None) -> Path:
    """Write the report of ``result`` to ``path`` (UTF-8) and return the path."""
    path = Path(path)
    path.write_text(render_html(result, taxonomy=taxonomy), encoding="utf-8")
    return path
