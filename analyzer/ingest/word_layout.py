"""Rows and fragments of a page's words given as tuples, as the fast engine reads them.

:func:`fragments_of_words` gives exactly the fragments of
``layout.rows_to_fragments(layout.words_to_rows(words))`` for the same words as dicts (the pdfplumber
engine's form), with less Python per word: no dict per word, one list per attribute, and a word whose
top and bottom equal the previous word's goes straight to that word's row. That shortcut gives the same
rows: the previous word found its row by the same tests against the same rows (a word only changes the
bounds of the row it joins, to values that already contain its own), and a word of at least 0.1 pt
height overlaps a row containing its own extent by its full height, so it joins that row too. Checked
against the dict path in ``tests/ingest/test_ingest_fast_paths.py``.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from analyzer.ingest.layout import Fragment, rounded

# A word: (text, x0, x1, top, bottom, size, ...): items after the sixth are not read. size may be None
# or 0 (no size: no size jump).
Word = tuple


def fragments_of_words(words: Sequence[Word], *, gap_factor: float = 1.8) -> list[Fragment]:
    """The fragments of ``words``: rows as :func:`~analyzer.ingest.layout.words_to_rows` groups them,
    split as :func:`~analyzer.ingest.layout.rows_to_fragments` splits them."""
    if not words:
        return []
    texts, x0s, x1s, tops, bottoms, sizes = (list(column) for column in list(zip(*words, strict=True))[:6])
    return _fragments(_rows(x0s, tops, bottoms), texts, x0s, x1s, tops, bottoms, sizes, gap_factor)


def _rows(x0s: list[float], tops: list[float], bottoms: list[float]) -> list[list[int]]:
    """Word indexes grouped into rows, each in x0 order (``layout.words_to_rows``)."""
    rows: list[list[int]] = []
    bounds: list[list[float]] = []  # [top, bottom] of each row
    keys = list(zip(rounded(tops, 1), x0s, strict=True))
    last, previous_top, previous_bottom = -1, None, None
    for i in sorted(range(len(x0s)), key=keys.__getitem__):
        w_top, w_bottom = tops[i], bottoms[i]
        if w_top == previous_top and w_bottom == previous_bottom and w_bottom - w_top >= 0.1:
            rows[last].append(i)
            continue
        previous_top, previous_bottom = w_top, w_bottom
        height = w_bottom - w_top
        height = 0.1 if height < 0.1 else height
        for index in range(len(rows) - 1, len(rows) - 4 if len(rows) > 3 else -1, -1):
            row_bounds = bounds[index]
            top, bottom = row_bounds
            overlap = (w_bottom if w_bottom < bottom else bottom) - (w_top if w_top > top else top)
            row_height = bottom - top
            if overlap >= 0.5 * (row_height if row_height < height else height):
                rows[index].append(i)
                row_bounds[0] = w_top if w_top < top else top
                row_bounds[1] = w_bottom if w_bottom > bottom else bottom
                last = index
                break
        else:
            rows.append([i])
            bounds.append([w_top, w_bottom])
            last = len(rows) - 1
    for row in rows:
        row.sort(key=x0s.__getitem__)
    return rows


def _fragments(rows, texts, x0s, x1s, tops, bottoms, sizes, gap_factor: float) -> list[Fragment]:
    """Each row split at a wide gap or a sharp size change (``layout.rows_to_fragments``)."""
    fragments: list[Fragment] = []
    for row in rows:
        height = statistics.median([bottoms[i] - tops[i] for i in row])
        limit = max(gap_factor * height, 12.0)
        start, previous = 0, row[0]
        for position in range(1, len(row)):
            word = row[position]
            if x0s[word] - x1s[previous] > limit:
                jump = True
            else:
                sa, sb = sizes[previous], sizes[word]
                jump = bool(sa and sb) and (sb > 1.25 * sa if sb > sa else sa > 1.25 * sb)
            if jump:
                fragments.append(_fragment(row[start:position], texts, x0s, x1s, tops, bottoms))
                start = position
            previous = word
        fragments.append(_fragment(row[start:], texts, x0s, x1s, tops, bottoms))
    return fragments


def _fragment(part: list[int], texts, x0s, x1s, tops, bottoms) -> Fragment:
    return Fragment.of(
        min([x0s[i] for i in part]),
        max([x1s[i] for i in part]),
        min([tops[i] for i in part]),
        max([bottoms[i] for i in part]),
        " ".join([texts[i] for i in part]),
    )
