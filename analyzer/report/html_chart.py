"""The scorecard section of the HTML report: one bar per principle, split by stance, as inline SVG.

:func:`scorecard_svg` draws the chart from ``(principle name, scorecard counts)`` rows and
:func:`chart_html` wraps it in its section. The SVG is written by hand, so the page needs no script or
image to show it.
"""

from __future__ import annotations

from collections.abc import Sequence

from analyzer.report.html_text import esc, principle_name
from analyzer.taxonomy import Taxonomy
from analyzer.types import PRINCIPLE_IDS, AuditResult

STANCE_COLOURS = {"protective": "#2e7d32", "harmful": "url(#hatch)", "neutral": "#9e9e9e"}


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
