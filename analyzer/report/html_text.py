"""The text pieces every section of the HTML report shares.

Escaping (:func:`esc`), evidence marking (:func:`evidence_spans`, :func:`highlighted`) and the small
formatters for excerpts, percentages, first sentences, page labels and principle names. Evidence is marked
by splitting the *raw* text and escaping each piece, so nothing from the document reaches the page
unescaped.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence

from analyzer.taxonomy import Taxonomy

EXCERPT_CHARS = 180


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
    """``value`` as a percentage to a tenth, rounded down so that a value below a threshold never shows as
    it (thresholds such as 37.5 % have a tenth too)."""
    return f"{math.floor(value * 1000 + 1e-9) / 10:g}%"


def threshold_percent(value: float) -> str:
    """A threshold as a percentage, exactly (``0.425`` is ``42.5%``)."""
    return f"{round(value * 100, 2):g}%"


def first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", " ".join(text.split()))
    return match.group(1) if match else text


def page_label(pages: Sequence[int]) -> str:
    """``"p. 3"``, ``"pp. 3–4"`` or ``"page unknown"``."""
    pages = sorted(set(pages))
    if not pages:
        return "page unknown"
    return f"p. {pages[0]}" if len(pages) == 1 else f"pp. {pages[0]}–{pages[-1]}"


def principle_name(taxonomy: Taxonomy, principle_id: str) -> str:
    try:
        return taxonomy.get(principle_id).name
    except KeyError:
        return principle_id
