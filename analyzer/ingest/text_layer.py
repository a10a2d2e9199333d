"""Is a PDF page's text layer usable? Fonts without a text mapping, and characters drawn twice.

A font without a usable mapping from glyphs to Unicode gives text that is not the page's words: pdfminer
writes each unmapped glyph as ``(cid:NN)``, and some fonts map glyphs to private-use or control
characters. :func:`text_layer_problem` says why a page's text is unusable (the reader then sends the page
to OCR) or returns ``None``; :func:`text_layer_warnings` reports the smaller defects of a usable page.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

CID = re.compile(r"\(cid:\d+\)")
UNUSABLE_SHARE = 0.2  # a page whose characters are this much unmapped is unusable
MIN_CHARACTERS = 5
_BAD_CATEGORIES = frozenset({"Co", "Cc", "Cs", "Cn"})
_ASCII_SPACES = tuple(chr(code) for code in range(128) if chr(code).isspace())
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")  # category Cc, not a space


def _counts(texts: Sequence[str]) -> tuple[int, int, int]:
    """(characters, unmapped ``(cid:NN)`` glyphs, private-use/control/unassigned characters).

    Spaces are not counted. Each distinct character is looked up once (a page uses a few hundred).
    """
    text = "".join(texts)
    cids = 0
    if "(cid:" in text:
        cids = len(CID.findall(text))
        text = CID.sub("", text)
    if text.isascii():  # no private-use, surrogate or unassigned character: count spaces and controls
        spaces = sum(map(text.count, _ASCII_SPACES))
        return len(text) - spaces + cids, cids, len(_ASCII_CONTROL.findall(text))
    total = bad = 0
    for char, count in Counter(text).items():
        if not char.isspace():
            total += count
            if char == "\ufffd" or unicodedata.category(char) in _BAD_CATEGORIES:
                bad += count
    return total + cids, cids, bad


def text_layer_problem(texts: Sequence[str]) -> str | None:
    """Why the page's text (its lines) cannot be used, or ``None`` when it can."""
    total, cids, bad = _counts(texts)
    if total < MIN_CHARACTERS:
        return None
    if cids > UNUSABLE_SHARE * total:
        return f"its fonts have no usable text mapping ({cids} of {total} characters are (cid:NN) codes)"
    if bad > UNUSABLE_SHARE * total:
        return f"its fonts map {bad} of {total} characters to private-use or control codes (garbage text)"
    return None


SIDEWAYS_CHARACTERS = 100  # fewer are a margin note or a rotated stamp, not a page's text


def sideways_warnings(number: int, characters: int, *, rotated: bool = False) -> list[str]:
    """A warning when a page holds text set sideways (``characters`` of it, counted in the words both
    readers leave out as not upright): a page turned by its /Rotate entry, or a vertical table."""
    if characters < SIDEWAYS_CHARACTERS:
        return []
    turned = " (the page is rotated)" if rotated else ""
    return [f"page {number}: text set sideways{turned} is not read; check the page"]


def text_layer_warnings(number: int, texts: Sequence[str], duplicates: int) -> list[str]:
    """Warnings about a page whose text is usable: a few unmapped glyphs, characters drawn twice."""
    warnings = []
    total, cids, bad = _counts(texts)
    if cids or bad:
        warnings.append(f"page {number}: {cids + bad} characters have no usable text mapping; check its text")
    if duplicates:
        warnings.append(
            f"page {number}: {duplicates} duplicated overlapping characters (drawn twice, e.g. fake bold) were removed"
        )
    return warnings
