"""The HTML report of one audit: a single self-contained page for policymakers.

:func:`render_html` returns the page and :func:`write_html` writes it. The page has a header (the
document, its fingerprint, the model and taxonomy versions), a summary (score and counts), a scorecard
chart drawn as inline SVG, the gaps with recommended wording, every harmful provision with its evidence
marked in the clause text, and a table of protective provisions.

The page loads nothing: no external CSS, scripts, fonts or images, so it works offline and can be
mailed. Every piece of text that comes from the document (or from the classifier, which quotes it) is
escaped with :func:`html.escape`, evidence is marked by splitting the *raw* text and escaping each piece,
and a Content-Security-Policy meta tag forbids scripts and remote resources should anything slip through.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from analyzer.taxonomy import Taxonomy, load_taxonomy
from analyzer.types import PRINCIPLE_IDS, AuditResult, Clause, Finding

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
EXCERPT_CHARS = 180
REVIEW_BADGE = ' <span class="badge">needs review</span>'
LANGUAGES = {
    "en": "English",
    "id": "Indonesian",
    "ms": "Malay",
    "th": "Thai",
    "vi": "Vietnamese",
    "km": "Khmer",
    "lo": "Lao",
    "my": "Burmese",
    "tl": "Filipino",
    "fil": "Filipino",
}
STANCE_COLOURS = {"protective": "#2e7d32", "harmful": "url(#hatch)", "neutral": "#9e9e9e"}


def esc(text: object) -> str:
    """``text`` as HTML, quotes included, safe in element content and in quoted attributes."""
    return html.escape(str(text), quote=True)


def evidence_spans(text: str, evidence: Iterable[str]) -> list[tuple[int, int]]:
    """Merged ``(start, end)`` spans of ``text`` where any evidence phrase occurs, case-insensitively.

    Whitespace in a phrase matches any run of whitespace; a phrase that starts or ends with a letter or
    digit matches only at word boundaries, allowing a regular inflection at its end ("passport" marks
    "passports", but "age" does not mark the middle of "language").
    """
    spans: list[tuple[int, int]] = []
    for phrase in {" ".join(e.split()) for e in evidence if e and e.strip()}:
        pattern = r"\s+".join(re.escape(word) for word in phrase.split())
        if re.match(r"\w", phrase):
            pattern = r"(?<!\w)" + pattern
        if re.search(r"\w$", phrase):
            pattern += r"(?:s|es|d|ed|ing)?(?!\w)"
        spans += [m.span() for m in re.finditer(pattern, text, flags=re.IGNORECASE) if m.end() > m.start()]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlighted(text: str, evidence: Iterable[str]) -> str:
    """``text`` escaped as HTML, with the evidence phrases wrapped in ``<mark>``."""
    parts, cursor = [], 0
    for start, end in evidence_spans(text, evidence):
        parts += [esc(text[cursor:start]), "<mark>", esc(text[start:end]), "</mark>"]
        cursor = end
    parts.append(esc(text[cursor:]))
    return "".join(parts)


def excerpt(text: str, *, limit: int = EXCERPT_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def percent(value: float) -> str:
    """``value`` as a whole percentage, rounded down so that a value below a threshold never shows as it."""
    return f"{math.floor(value * 100 + 1e-9)}%"


def split_by_confidence(pairs: Sequence[tuple[Finding, Clause | None]], *, emit: float) -> tuple[list, list]:
    """``(counted, needing review)``: findings at or above the emit threshold, and those below it."""
    return [p for p in pairs if p[0].confidence >= emit], [p for p in pairs if p[0].confidence < emit]


def first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", " ".join(text.split()))
    return match.group(1) if match else text


def page_label(pages: Sequence[int]) -> str:
    """``"p. 3"``, ``"pp. 3–4"`` or ``"page unknown"``."""
    pages = sorted(set(pages))
    if not pages:
        return "page unknown"
    return f"p. {pages[0]}" if len(pages) == 1 else f"pp. {pages[0]}–{pages[-1]}"


def scorecard_svg(rows: Sequence[tuple[str, dict]]) -> str:
    """A horizontal bar per ``(principle name, scorecard counts)`` row, split by stance, as inline SVG.

    Each bar is a ``<g class="bar">`` with its own ``<title>``; the counts and the score are written out
    as text beside the bar, and harmful segments are hatched, so nothing relies on colour alone.
    """
    width, name_end, bar_x, bar_w, row_h, top = 940, 290, 300, 260, 30, 34
    scale = max([sum(c.get(k, 0) for k in STANCE_COLOURS) for _, c in rows] + [1])
    height = top + row_h * len(rows) + 34
    described = "; ".join(
        f"{name}: {c.get('protective', 0)} protective, {c.get('harmful', 0)} harmful, {c.get('neutral', 0)} neutral"
        for name, c in rows
    )
    out = [
        f'<svg class="chart" role="img" aria-labelledby="chart-title chart-desc" viewBox="0 0 {width} {height}" '
        f'width="100%">',
        '<title id="chart-title">Asserted findings per principle, by stance</title>',
        f'<desc id="chart-desc">{esc(described)}.</desc>',
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#c62828"/>'
        '<rect width="2" height="6" fill="#ffffff" fill-opacity="0.35"/></pattern></defs>',
        f'<g class="axis"><text x="{name_end}" y="18" text-anchor="end">Principle</text>'
        f'<text x="{bar_x}" y="18">Asserted findings</text>'
        f'<text x="{width - 10}" y="18" text-anchor="end">Score</text></g>',
    ]
    for i, (name, counts) in enumerate(rows):
        y = top + i * row_h
        score = counts.get("score")
        score_text = f"{score:g}" if score is not None else "—"
        label = " · ".join(f"{counts.get(k, 0)} {k}" for k in STANCE_COLOURS)
        review = counts.get("needs_review", 0)
        out.append(
            f'<g class="bar"><title>{esc(name)}: {esc(label)}; score {esc(score_text)}'
            f"{f'; {review} needing review' if review else ''}</title>"
            f'<text x="{name_end}" y="{y + 14}" text-anchor="end" class="name">{esc(name)}</text>'
        )
        x = float(bar_x)
        out.append(f'<rect x="{bar_x}" y="{y + 1}" width="{bar_w}" height="18" class="track"/>')
        for stance, fill in STANCE_COLOURS.items():
            segment = bar_w * counts.get(stance, 0) / scale
            if segment:
                out.append(
                    f'<rect x="{x:.1f}" y="{y + 1}" width="{segment:.1f}" height="18" fill="{fill}" class="{stance}"/>'
                )
                x += segment
        out.append(
            f'<text x="{bar_x + bar_w + 10}" y="{y + 14}" class="counts">{esc(label)}</text>'
            f'<text x="{width - 10}" y="{y + 14}" text-anchor="end" class="score">{esc(score_text)}</text></g>'
        )
    legend_y = top + row_h * len(rows) + 12
    legend, x = [], bar_x
    for stance, fill in STANCE_COLOURS.items():
        legend.append(
            f'<rect x="{x}" y="{legend_y}" width="14" height="14" fill="{fill}"/>'
            f'<text x="{x + 20}" y="{legend_y + 12}">{stance}</text>'
        )
        x += 110
    out.append(f'<g class="legend">{"".join(legend)}</g></svg>')
    return "".join(out)


def principle_name(taxonomy: Taxonomy, principle_id: str) -> str:
    try:
        return taxonomy.get(principle_id).name
    except KeyError:
        return principle_id


def ordered(findings: Iterable[Finding], clauses: Sequence[Clause]) -> list[tuple[Finding, Clause | None]]:
    """Findings with their clauses, sorted by first page, then clause order, then principle order."""
    index = {clause.clause_id: (position, clause) for position, clause in enumerate(clauses)}
    rank = {principle: position for position, principle in enumerate(PRINCIPLE_IDS)}

    def key(finding: Finding) -> tuple:
        position, clause = index.get(finding.clause_id, (len(clauses), None))
        page = min(clause.pages) if clause and clause.pages else 0
        return (page, position, rank.get(finding.principle, len(rank)))

    return [(f, index.get(f.clause_id, (0, None))[1]) for f in sorted(findings, key=key)]


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
    items = "".join(
        f'<div class="{"wide" if name == "Model" else "item"}"><dt>{name}</dt><dd>{value}</dd></div>'
        for name, value in rows
    )
    return (
        '<header><p class="kicker">Do No Harm policy audit</p>'
        f'<h1>{esc(document.title or file_name)}</h1><dl class="meta">{items}</dl></header>'
    )


def summary_html(result: AuditResult) -> str:
    card = result.scorecard
    score = card.get("score")
    emit = card.get("emit_threshold", 0.0)
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
        f"asserted with a confidence of at least {percent(emit)}, and the document score is the mean of the "
        "principle scores it has (a principle with neither protective nor harmful clauses is left out); "
        "findings below that confidence are listed for review but not counted.</p></section>"
    )


def chart_html(result: AuditResult, taxonomy: Taxonomy) -> str:
    principles = result.scorecard.get("principles", {})
    rows = [(principle_name(taxonomy, p), principles.get(p, {})) for p in PRINCIPLE_IDS]
    return (
        '<section id="scorecard" aria-labelledby="scorecard-h"><h2 id="scorecard-h">Scorecard by principle'
        "</h2>"
        '<p class="note">Asserted findings per principle; the score on the right is the share of protective '
        "among protective and harmful findings (— when the document has neither).</p>"
        f"{scorecard_svg(rows)}</section>"
    )


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


def harmful_card(finding: Finding, clause: Clause | None, taxonomy: Taxonomy, language: str) -> str:
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
        f' · <span class="principle">{esc(name)}</span>{review}'
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
    emit = result.scorecard.get("emit_threshold", 0.0)
    pairs = ordered((f for f in result.findings if f.stance == "HARMFUL"), result.clauses)
    counted, review = split_by_confidence(pairs, emit=emit)
    body = []
    for title, group in (
        (f"Counted in the score (confidence of at least {percent(emit)})", counted),
        (f"Possible, needing review (confidence below {percent(emit)}, not counted)", review),
    ):
        body.append(f"<h3>{esc(title)}: {len(group)}</h3>")
        body += [harmful_card(f, c, taxonomy, result.document.language) for f, c in group]
        if not group:
            body.append('<p class="none">None.</p>')
    return (
        '<section id="harmful" aria-labelledby="harmful-h"><h2 id="harmful-h">Harmful provisions</h2>'
        f"{''.join(body)}</section>"
    )


def protective_row(finding: Finding, clause: Clause | None, taxonomy: Taxonomy) -> str:
    return (
        f"<tr><td>{esc(clause.number if clause and clause.number else '—')}</td>"
        f"<td>{esc(page_label(clause.pages if clause else ()))}</td>"
        f"<td>{esc(principle_name(taxonomy, finding.principle))}</td>"
        f"<td>{percent(finding.confidence)}{REVIEW_BADGE if finding.needs_review else ''}</td>"
        f"<td>{esc(excerpt(clause.text) if clause else '')}</td></tr>"
    )


def protective_html(result: AuditResult, taxonomy: Taxonomy) -> str:
    emit = result.scorecard.get("emit_threshold", 0.0)
    pairs = ordered((f for f in result.findings if f.stance == "PROTECTIVE"), result.clauses)
    counted, review = split_by_confidence(pairs, emit=emit)
    body = []
    for title, group in (
        (f"Counted in the score (confidence of at least {percent(emit)})", counted),
        (f"Needing review (confidence below {percent(emit)}, not counted)", review),
    ):
        if group:
            body.append(
                f'<tr class="group"><th colspan="5" scope="rowgroup">{esc(title)}: {len(group)}</th></tr>'
            )
            body += [protective_row(f, c, taxonomy) for f, c in group]
    table = (
        '<table><thead><tr><th scope="col">Clause</th><th scope="col">Page</th><th scope="col">Principle</th>'
        f'<th scope="col">Confidence</th><th scope="col">Text</th></tr></thead><tbody>{"".join(body)}</tbody></table>'
        if pairs
        else '<p class="none">None.</p>'
    )
    neutral = [f for f in result.findings if f.stance == "NEUTRAL"]
    strong = sum(f.confidence >= emit for f in neutral)
    return (
        f'<section id="protective" aria-labelledby="protective-h"><h2 id="protective-h">Protective provisions: '
        f"{len(counted)} counted, {len(review)} needing review</h2>{table}"
        f'<p class="note" id="neutral">Neutral findings (clauses that deal with a principle without adding or '
        f"removing protection) are not listed: {strong} counted, {len(neutral) - strong} below the confidence "
        "threshold.</p></section>"
    )


def render_html(result: AuditResult, *, taxonomy: Taxonomy | None = None) -> str:
    """The report of ``result`` as one self-contained HTML page (no network, no scripts)."""
    taxonomy = taxonomy or load_taxonomy()
    title = result.document.title or Path(result.document.path).name
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>Do No Harm audit: {esc(title)}</title><style>{CSS}</style></head><body><main>"
        + header_html(result)
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


CSS = """
:root { --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --harm: #c62828; --prot: #2e7d32;
  --neut: #757575; --review: #9a6700; --paper: #ffffff; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--soft); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 24px 32px 48px; background: var(--paper); }
header { border-bottom: 3px solid var(--ink); padding-bottom: 12px; }
.kicker { margin: 0; text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--muted); }
h1 { margin: 4px 0 12px; font-size: 26px; line-height: 1.25; }
h2 { margin: 32px 0 8px; font-size: 20px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { margin: 20px 0 8px; font-size: 16px; }
.meta { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 6px 16px; margin: 0; }
.meta div { min-width: 0; }
.meta .wide { grid-column: span 2; }
.meta dt { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
.meta dd { margin: 0; overflow-wrap: anywhere; }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.summary { display: flex; flex-wrap: wrap; gap: 16px; align-items: stretch; }
.score { border: 1px solid var(--line); border-radius: 6px; padding: 10px 18px; min-width: 180px; }
.score span { display: block; font-size: 12px; color: var(--muted); text-transform: uppercase; }
.score b { font-size: 34px; line-height: 1.2; }
.score small { font-size: 15px; color: var(--muted); font-weight: normal; }
.counts { display: flex; flex-wrap: wrap; gap: 10px; list-style: none; margin: 0; padding: 0; }
.counts li { border: 1px solid var(--line); border-left-width: 6px; border-radius: 6px; padding: 10px 14px;
  min-width: 130px; }
.counts strong { display: block; font-size: 26px; line-height: 1.2; }
.counts .harmful { border-left-color: var(--harm); }
.counts .protective { border-left-color: var(--prot); }
.counts .neutral { border-left-color: var(--neut); }
.counts .review { border-left-color: var(--review); }
.note { color: var(--muted); font-size: 13px; }
.chart { display: block; max-width: 100%; height: auto; font-size: 13px; }
.chart text { fill: var(--ink); }
.chart .axis text { fill: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: .05em; }
.chart .counts { fill: var(--muted); font-size: 12px; }
.chart .score { font-weight: bold; }
.chart .track { fill: var(--soft); stroke: var(--line); }
.gaps { list-style: none; padding: 0; margin: 0; }
.gaps li { border-left: 4px solid var(--review); padding: 2px 0 2px 14px; margin: 14px 0; }
.gaps h3 { margin: 0 0 4px; }
.gaps p { margin: 4px 0; }
.label { font-size: 12px; font-weight: bold; text-transform: uppercase; letter-spacing: .05em;
  color: var(--muted); margin: 8px 0 2px; }
blockquote { margin: 4px 0 8px; padding: 8px 12px; border-radius: 4px; overflow-wrap: anywhere; }
blockquote.wording { background: #eef6ee; border-left: 3px solid var(--prot); }
blockquote.clause { background: var(--soft); border-left: 3px solid var(--harm); white-space: pre-wrap; }
mark { background: #ffe08a; color: inherit; padding: 0 1px; border-radius: 2px; }
.finding { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; margin: 12px 0;
  break-inside: avoid; }
.finding h4 { margin: 0 0 4px; font-size: 15px; display: flex; flex-wrap: wrap; gap: 4px 6px; align-items: baseline; }
.finding .conf { margin-left: auto; font-weight: normal; color: var(--muted); font-size: 13px; }
.finding .path { margin: 0; color: var(--muted); font-size: 12px; }
.finding p { margin: 6px 0; }
.finding .label { display: inline; margin-right: 4px; }
.finding p.label { display: block; }
.sources { margin: 2px 0 6px; padding-left: 20px; font-size: 13px; color: var(--muted); }
.badge { display: inline-block; font-size: 11px; font-weight: bold; text-transform: uppercase;
  color: var(--review); border: 1px solid var(--review); border-radius: 10px; padding: 0 7px; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--soft); }
tr.group th { background: #fff; padding-top: 14px; font-size: 14px; border-bottom: 2px solid var(--line); }
td:nth-child(1), td:nth-child(2), td:nth-child(4) { white-space: nowrap; }
footer { margin-top: 40px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12px; }
@media print {
  body { background: #fff; }
  main { max-width: none; padding: 0; }
  h2, h3 { break-after: avoid; }
}
"""
