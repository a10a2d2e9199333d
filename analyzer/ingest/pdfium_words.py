"""A PDFium text page's words, grouped by the pdfplumber reader's rules, at about one call per character.

:func:`page_words` is the fast engine's hot loop (:mod:`analyzer.ingest.pdf_fast`): every character of
every page passes through it. It asks PDFium for all the page's character boxes first, each written
straight into one buffer (one foreign call per non-space character, no Python object per box), reads
the buffer in one go, finds the characters drawn twice with one dictionary, and only then walks the
characters in Python with plain floats. PDFium's font size and matrix are asked only where a word
starts (and the size where the box height changes inside a word). The words are exactly those of the
character-by-character rules it replaces: ``x_tolerance`` 1.5 pt, ``y_tolerance`` 3 pt, a new word at a
space, at a character without a box or where the font size changes; characters drawn twice at one
place (same character, same rounded x and baseline) are dropped and counted.
"""

from __future__ import annotations

import ctypes
import math
import struct
from itertools import repeat

import numpy as np
import pypdfium2.raw as pdfium_c

from analyzer.ingest.pdf import WORD_OPTIONS

X_TOLERANCE = WORD_OPTIONS["x_tolerance"]
Y_TOLERANCE = WORD_OPTIONS["y_tolerance"]
# pdfplumber expands these ligatures by default; PDFium keeps them as single characters.
# PDFium also reports a hyphen that ends a line as U+FFFE; the PDF itself draws "-".
CHARACTERS = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st", "\ufffe": "-"}
_EXPANDED = str.maketrans(CHARACTERS)
# Every character for which str.isspace() holds lies below U+3001 (tests/ingest check all code points).
SPACE_CODES = np.array([code for code in range(0x3001) if chr(code).isspace()], dtype=np.uint32)
_MATRIX = struct.Struct("6f")


def _direct(function, restype, *argtypes):
    """``function`` (a PDFium binding) called with plain addresses: no pointer objects built per call."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, ctypes.c_void_p).value)


_LOOSE_BOX = _direct(
    pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p
)
_FONT_SIZE = _direct(pdfium_c.FPDFText_GetFontSize, ctypes.c_double, ctypes.c_void_p, ctypes.c_int)
_MATRIX_OF = _direct(
    pdfium_c.FPDFText_GetMatrix, ctypes.c_uint, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p
)


def page_text(textpage) -> str:
    """The page's characters, one per PDFium character index."""
    raw = textpage.raw
    count = pdfium_c.FPDFText_CountChars(raw)
    text = textpage.get_text_range(0, count) if count > 0 else ""
    if len(text) != count:  # characters outside the BMP: read code points one by one
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, i)) for i in range(count))
    return text


def char_boxes(handle: ctypes.c_void_p, text: str) -> tuple[np.ndarray, np.ndarray]:
    """(indexes, boxes): the non-space characters that have a loose box, and their boxes as float64
    rows (left, top, right, bottom) in PDF coordinates."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    candidates = np.flatnonzero(~np.isin(codes, SPACE_CODES))
    buffer = (ctypes.c_float * (4 * len(text)))()
    addresses = (candidates * 16 + ctypes.addressof(buffer)).tolist()
    found = list(map(_LOOSE_BOX, repeat(handle, len(addresses)), candidates.tolist(), addresses))
    indexes = candidates[np.array(found, dtype=bool)] if found else candidates
    boxes = np.frombuffer(buffer, dtype=np.float32).reshape(-1, 4)[indexes].astype(np.float64)
    return indexes, boxes


def _first_drawn(keys: list[tuple]) -> list[bool] | None:
    """For each key, whether it is its first occurrence; ``None`` when every key is new."""
    first = dict(zip(reversed(keys), range(len(keys) - 1, -1, -1), strict=True))
    if len(first) == len(keys):
        return None
    return [first[key] == position for position, key in enumerate(keys)]


def page_words(
    textpage, *, origin: tuple[float, float] = (0.0, 0.0), dropped: list[int] | None = None
) -> list[dict]:
    """The page's words as pdfplumber-style dicts (text, x0, x1, top, bottom, size), upright text only.

    ``origin`` is the page box's top-left corner in PDF coordinates; boxes are returned from it, y down.
    A character's box runs, as in pdfminer, from the font's descent (PDFium's loose box bottom) up by
    the font size scaled by the character's matrix (PDFium reports the unscaled size). The number of
    characters dropped as drawn twice at one place is appended to ``dropped`` when it is given.
    """
    handle = ctypes.c_void_p(ctypes.cast(textpage.raw, ctypes.c_void_p).value)
    text = page_text(textpage)
    indexes, boxes = char_boxes(handle, text)
    x_origin, y_origin = origin
    x0s, x1s = boxes[:, 0] - x_origin, boxes[:, 2] - x_origin
    bottoms, heights = y_origin - boxes[:, 3], boxes[:, 1] - boxes[:, 3]
    if not (np.isfinite(x0s).all() and np.isfinite(bottoms).all()):
        bad = int(np.flatnonzero(~(np.isfinite(x0s) & np.isfinite(bottoms)))[0])
        round(float(x0s[bad])), round(float(bottoms[bad]))  # raises as rounding a non-finite number does
    positions = indexes.tolist()
    chars = [text[i] for i in positions]
    keys = list(zip(chars, np.rint(x0s).tolist(), np.rint(bottoms).tolist(), strict=True))
    first = _first_drawn(keys)
    # A word never continues across a space or a character without a box: a gap between two boxed indexes.
    gaps = np.cumsum(np.diff(indexes, prepend=-2) > 1).tolist()
    columns = (positions, chars, x0s.tolist(), x1s.tolist(), bottoms.tolist(), heights.tolist(), gaps)
    if first is None:
        words = _group(handle, *columns)
    else:
        words = _group(handle, *(_kept(column, first) for column in columns))
    if dropped is not None:
        dropped.append(0 if first is None else first.count(False))
    return [
        {"text": "".join(parts).translate(_EXPANDED), "x0": x0, "x1": x1, "top": top, "bottom": bottom, "size": size}
        for parts, x0, x1, top, bottom, size, upright in words
        if upright
    ]  # fmt: skip


def _kept(column: list, first: list[bool]) -> list:
    return [value for value, keep in zip(column, first, strict=True) if keep]


def _group(handle, positions, chars, x0s, x1s, bottoms, heights, gaps) -> list[list]:
    """Words as [characters, x0, x1, top, bottom, size, upright], one character after another."""
    words: list[list] = []
    matrix = (ctypes.c_float * 6)()
    matrix_address = ctypes.addressof(matrix)
    gap = -1  # the gap count at the current word's last character; -1: no current word
    w_x0 = w_x1 = w_top = w_bottom = w_size = base = w_height = w_font = 0.0
    parts: list[str] = []
    for index, char, x0, x1, bottom, height, after in zip(
        positions, chars, x0s, x1s, bottoms, heights, gaps, strict=True
    ):
        if (
            after == gap
            and w_x0 - X_TOLERANCE <= x0 <= w_x1 + X_TOLERANCE
            and abs(bottom - base) <= Y_TOLERANCE
            # the loose box's height follows the font size: ask PDFium only when it changes
            and (abs(height - w_height) < 0.01 or _FONT_SIZE(handle, index) == w_font)
        ):
            parts.append(char)
            if x1 > w_x1:
                w_x1 = x1
            if bottom - w_size < w_top:
                w_top = bottom - w_size
            if bottom > w_bottom:
                w_bottom = bottom
            continue
        if gap != -1:
            words[-1][1:5] = w_x0, w_x1, w_top, w_bottom
        gap = after
        w_font = _FONT_SIZE(handle, index)
        _MATRIX_OF(handle, index, matrix_address)
        a, b, c, d, _, _ = _MATRIX.unpack(matrix)
        scale = math.hypot(c, d) or 1.0
        parts = [char]
        w_x0, w_x1, w_top, w_bottom = x0, x1, bottom - w_font * scale, bottom
        w_size, base, w_height = round(w_font * scale, 2), bottom, height
        # as pdfminer: slanted text counts as upright
        words.append([parts, x0, x1, w_top, bottom, w_size, a * d > 0 and b * c <= 0])
    if gap != -1:
        words[-1][1:5] = w_x0, w_x1, w_top, w_bottom
    return words
