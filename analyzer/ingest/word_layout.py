"""Rows and fragments of a page's words given as tuples, as the fast engine reads them.

:func:`fragments_of_words` gives exactly the fragments of
``layout.rows_to_fragments(layout.words_to_rows(words))`` for the same words as dicts (the pdfplumber
engine's form), with less Python per word: no dict per word, one list per attribute; the rows come from
the same :func:`~analyzer.ingest.layout.row_indexes`. Checked against the dict path in
``tests/ingest/test_ingest_fast_paths.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

from analyzer.ingest.layout import Fragment, row_indexes, row_pieces

# A word: (text, x0, x1, top, bottom, size, ...): items after the sixth are not read. size may be None
# or 0 (no size: no size jump).
Word = tuple


def fragments_of_words(words: Sequence[Word], *, gap_factor: float = 1.8) -> list[Fragment]:
    """The fragments of ``words``: rows as :func:`~analyzer.ingest.layout.words_to_rows` groups them,
    split as :func:`~analyzer.ingest.layout.rows_to_fragments` splits them."""
    if not words:
        return []
    texts, x0s, x1s, tops, bottoms, sizes = (list(column) for column in list(zip(*words, strict=True))[:6])
    return _fragments(row_indexes(x0s, tops, bottoms), texts, x0s, x1s, tops, bottoms, sizes, gap_factor)


def _fragments(rows, texts, x0s, x1s, tops, bottoms, sizes, gap_factor: float) -> list[Fragment]:
    """Each row split where :func:`~analyzer.ingest.layout.row_pieces` splits it."""
    fragments: list[Fragment] = []
    for row in rows:
        for start, end in row_pieces(row, x0s, x1s, tops, bottoms, sizes, gap_factor=gap_factor):
            fragments.append(_fragment(row[start:end], texts, x0s, x1s, tops, bottoms))
    return fragments


def _fragment(part: list[int], texts, x0s, x1s, tops, bottoms) -> Fragment:
    return Fragment.of(
        min([x0s[i] for i in part]),
        max([x1s[i] for i in part]),
        min([tops[i] for i in part]),
        max([bottoms[i] for i in part]),
        " ".join([texts[i] for i in part]),
    )
