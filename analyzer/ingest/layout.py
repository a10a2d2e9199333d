"""Page layout as pure functions: words → rows → line fragments → columns → blocks.

The PDF reader extracts words with their boxes and hands them here. Functions are named for what they
return and take plain data, so they can be tested without a PDF:

- :func:`words_to_rows` groups words whose vertical extents overlap into rows;
- :func:`rows_to_fragments` splits a row at wide horizontal gaps (a column gutter, a table cell);
- :func:`find_gutter` finds the gutter of a two-column page, :func:`fragments_in_reading_order` reads
  the left column before the right one between full-width lines;
- :func:`fragments_to_blocks` starts a new block at a wide vertical gap or a column change;
Running headers, footers and page numbers, and words broken across lines, are text rather than geometry:
see :mod:`analyzer.ingest.lines`.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Fragment:
    """A run of words on one row, with the union of their boxes."""

    words: list[dict]
    x0: float = field(init=False)
    x1: float = field(init=False)
    top: float = field(init=False)
    bottom: float = field(init=False)
    text: str = field(init=False)

    def __post_init__(self) -> None:
        words = self.words
        self.x0 = min([w["x0"] for w in words])
        self.x1 = max([w["x1"] for w in words])
        self.top = min([w["top"] for w in words])
        self.bottom = max([w["bottom"] for w in words])
        self.text = " ".join([w["text"] for w in words])

    @classmethod
    def of(cls, x0: float, x1: float, top: float, bottom: float, text: str) -> Fragment:
        """A fragment from its box and text, without its words (the fast engine keeps no word dicts)."""
        fragment = object.__new__(cls)
        fragment.words, fragment.x0, fragment.x1, fragment.top, fragment.bottom = [], x0, x1, top, bottom
        fragment.text = text
        return fragment

    @property
    def height(self) -> float:
        return self.bottom - self.top


def words_to_rows(words: Sequence[dict]) -> list[list[dict]]:
    """Group words into rows: a word joins a row when it overlaps the row vertically by half its height."""
    rows = row_indexes([w["x0"] for w in words], [w["top"] for w in words], [w["bottom"] for w in words])
    return [[words[i] for i in row] for row in rows]


def row_indexes(x0s: Sequence[float], tops: Sequence[float], bottoms: Sequence[float]) -> list[list[int]]:
    """:func:`words_to_rows` on words given as columns: the rows as word indexes, each in x0 order.

    Words are taken by rounded top, then x0; a word joins the latest of the last three rows that it
    overlaps vertically by half the smaller height (its own at least 0.1 pt), else starts a row. A word
    whose top and bottom equal the previous word's joins that word's row at once: the previous word found
    it by the same tests against the same rows (a word changes only the bounds of the row it joins, to
    values that already hold its own), and a word at least 0.1 pt high overlaps a row holding its own
    extent by its full height.
    """
    rows: list[list[int]] = []
    bounds: list[list[float]] = []  # [top, bottom] of each row
    # min(a, b) is written "b if b < a else a" and max(a, b) "b if b > a else a" below: the same values
    # (ties keep the first), without a call per word.
    keys = list(zip(rounded(tops, 1), x0s, strict=True))
    last, previous_top, previous_bottom = -1, None, None
    for i in sorted(range(len(keys)), key=keys.__getitem__):
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


def rounded(values: Sequence[float], digits: int) -> list[float]:
    """``[round(v, digits) for v in values]``, the same floats, computed on arrays (an int comes back as
    an equal float).

    ``rint(v * 10**digits) / 10**digits`` is Python's correctly rounded result wherever ``v * 10**digits``
    is below 2**24 and not within 1e-6 of a tie (the product's rounding error is under 1e-9 there);
    the other values are rounded by ``round`` itself.
    """
    array = np.asarray(values, dtype=np.float64)
    scale = 10.0**digits
    with np.errstate(over="ignore", invalid="ignore"):  # infinities and NaN are among the doubtful
        scaled = array * scale
        result = (np.rint(scaled) / scale).tolist()
        doubtful = ~(np.abs(scaled) < 2**24) | (np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6)
    for index in np.flatnonzero(doubtful).tolist():
        result[index] = round(values[index], digits)
    return result


def rows_to_fragments(rows: Sequence[Sequence[dict]], *, gap_factor: float = 1.8) -> list[Fragment]:
    """Split each row where the gap between two words exceeds ``gap_factor`` × the row's text height
    (at least 12 pt), or where the font size changes sharply (a menu drawn over a heading)."""
    fragments: list[Fragment] = []
    for row in rows:
        columns = ([w[key] for w in row] for key in ("x0", "x1", "top", "bottom"))
        pieces = row_pieces(range(len(row)), *columns, [w.get("size") for w in row], gap_factor=gap_factor)
        fragments += [Fragment(list(row[start:end])) for start, end in pieces]
    return fragments


def row_pieces(
    row: Sequence[int],
    x0s: Sequence[float],
    x1s: Sequence[float],
    tops: Sequence[float],
    bottoms: Sequence[float],
    sizes: Sequence[float | None],
    *,
    gap_factor: float = 1.8,
) -> list[tuple[int, int]]:
    """Where one row (``row``: its words' indexes into the columns, in x0 order) splits into fragments,
    as (start, end) positions in ``row``: at a gap wider than ``gap_factor`` × the median word height
    (at least 12 pt), or where the font size changes by more than a quarter (a size of None or 0 never
    does). :func:`rows_to_fragments` and the fast engine's :mod:`analyzer.ingest.word_layout` both split
    by it."""
    limit = max(gap_factor * statistics.median([bottoms[i] - tops[i] for i in row]), 12.0)
    pieces, start, previous = [], 0, row[0]
    for position in range(1, len(row)):
        word = row[position]
        if x0s[word] - x1s[previous] > limit:
            jump = True
        else:  # _size_jump inline: it is asked for nearly every pair of words
            sa, sb = sizes[previous], sizes[word]
            jump = bool(sa and sb) and (sb > 1.25 * sa if sb > sa else sa > 1.25 * sb)
        if jump:
            pieces.append((start, position))
            start = position
        previous = word
    pieces.append((start, len(row)))
    return pieces


def _size_jump(a: dict, b: dict) -> bool:
    sa, sb = a.get("size"), b.get("size")
    return bool(sa and sb) and max(sa, sb) > 1.25 * min(sa, sb)


def find_gutter(fragments: Sequence[Fragment], *, page_width: float) -> float | None:
    """Return the x of the gutter of a two-column page, or ``None`` for a single-column page.

    A gutter is a vertical strip in the middle band of the page that almost no fragment crosses (a title
    or a footer may), with at least three wide fragments on each side. Narrow label columns
    ("Menimbang :") and signature blocks under full-width text do not qualify. Candidates are tried
    every 2 pt from 30 % to 70 % of the width, all fragments against a batch of candidates at once.
    """
    if len(fragments) < 6:
        return None
    wide = 0.2 * page_width
    allowed = max(2, 0.15 * len(fragments))
    best: tuple[float, float, float] | None = None
    middle = page_width / 2
    x0s = np.array([f.x0 for f in fragments], dtype=np.float64)[:, None]
    x1s = np.array([f.x1 for f in fragments], dtype=np.float64)[:, None]
    is_wide = (x1s - x0s) >= wide
    for batch in _gutter_candidates(page_width):
        xs = np.array(batch, dtype=np.float64)
        crossing = ((x0s < xs) & (xs < x1s)).sum(axis=0)
        left = ((x1s <= xs) & is_wide).sum(axis=0)
        right = ((x0s >= xs) & is_wide).sum(axis=0)
        usable = (crossing <= allowed) & (left >= 3) & (right >= 3)
        for count, x in zip(crossing[usable].tolist(), xs[usable].tolist(), strict=True):
            key = (count, abs(x - middle), x)
            best = key if best is None or key < best else best
    return None if best is None else best[2]


def _gutter_candidates(page_width: float, *, batch: int = 256) -> Iterator[list[float]]:
    """The x positions a gutter is looked for at (stepped as ``x += 2.0``), in batches."""
    xs: list[float] = []
    x = 0.3 * page_width
    while x <= 0.7 * page_width:
        xs.append(x)
        if len(xs) == batch:
            yield xs
            xs = []
        x += 2.0
    if xs:
        yield xs


def fragments_in_reading_order(fragments: Sequence[Fragment], gutter: float | None) -> list[Fragment]:
    """Order fragments top to bottom; on a two-column page, the left column before the right one
    within each band between full-width fragments."""
    ordered = sorted(fragments, key=lambda f: (f.top, f.x0))
    if gutter is None:
        return ordered
    result: list[Fragment] = []
    left: list[Fragment] = []
    right: list[Fragment] = []
    for fragment in ordered:
        if fragment.x0 < gutter < fragment.x1:
            result += left + right + [fragment]
            left, right = [], []
        elif fragment.x1 <= gutter:
            left.append(fragment)
        else:
            right.append(fragment)
    return result + left + right


def fragments_to_blocks(fragments: Sequence[Fragment], *, gap_factor: float = 0.9) -> list[list[Fragment]]:
    """Split fragments (in reading order) into blocks at a vertical gap wider than ``gap_factor`` × the
    median line height, or where reading jumps up the page (a new column)."""
    if not fragments:
        return []
    height = statistics.median(f.height for f in fragments) or 1.0
    blocks: list[list[Fragment]] = [[fragments[0]]]
    for previous, fragment in zip(fragments, fragments[1:], strict=False):
        gap = fragment.top - previous.bottom
        if gap > gap_factor * height or gap < -height:
            blocks.append([fragment])
        else:
            blocks[-1].append(fragment)
    return blocks
