"""A PDFium text page's words, grouped by the pdfplumber reader's rules, at about one call per character.

:func:`page_word_tuples` is the fast engine's hot loop (:mod:`analyzer.ingest.pdf_fast`): every character
of every page passes through it (:func:`page_words` gives the same words as pdfplumber-style dicts). The rules: ``x_tolerance`` 1.5 pt, ``y_tolerance`` 3 pt, a new word at a
space, at a character without a box or where the font size changes; a character drawn twice at one
place (same character, same rounded x and baseline) is dropped and counted. :func:`group_in_order`
applies them character by character. :func:`page_word_tuples` gives the same words with less Python per
character: it asks PDFium for all the boxes first, each written straight into one buffer, finds the
characters drawn twice with one sort, and splits the characters into *runs* (between spaces). A run whose
every character lies within the tolerances of the run's first one, on its baseline and with its box
height, is one word; its box comes from whole-array maxima and minima, and PDFium's font size and
matrix are asked once for it. Any other run (a size change, a superscript, overlapping glyphs) goes
through :func:`group_in_order`, as does a page with values where array arithmetic could differ
(infinities, signed zeros, a matrix PDFium does not give). The per-character and per-word PDFium calls
run in a C loop (``_pdfium_calls``, compiled at install when a compiler is present), else through ctypes
one by one.
"""

from __future__ import annotations

import ctypes
import math
import re
import struct
from itertools import repeat
from typing import NamedTuple

import numpy as np
import pypdfium2.raw as pdfium_c

from analyzer.ingest.layout import rounded
from analyzer.ingest.pdf import WORD_OPTIONS

X_TOLERANCE = WORD_OPTIONS["x_tolerance"]
Y_TOLERANCE = WORD_OPTIONS["y_tolerance"]
# pdfplumber expands these ligatures by default; PDFium keeps them as single characters.
# PDFium also reports a hyphen that ends a line as U+FFFE; the PDF itself draws "-".
CHARACTERS = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st", "\ufffe": "-"}
_EXPANDED = str.maketrans(CHARACTERS)
# Every character for which str.isspace() holds lies below U+3001 (a test checks all code points).
SPACE_CODES = np.array([code for code in range(0x3001) if chr(code).isspace()], dtype=np.uint32)
_IS_SPACE = np.zeros(0x3002, dtype=bool)  # by code point, capped: index 0x3001 stands for all above
_IS_SPACE[SPACE_CODES] = True
_MATRIX = struct.Struct("6f")
_KEY_RANGE = 1 << 20  # rounded coordinates packed into 21 bits each when they fit


def _direct(function, restype, *argtypes):
    """``function`` (a PDFium binding) taking plain addresses: no pointer object is built per call."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, ctypes.c_void_p).value)


_LOOSE_BOX = _direct(
    pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p
)
_FONT_SIZE = _direct(pdfium_c.FPDFText_GetFontSize, ctypes.c_double, ctypes.c_void_p, ctypes.c_int)
_MATRIX_OF = _direct(
    pdfium_c.FPDFText_GetMatrix, ctypes.c_uint, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p
)

try:  # the same PDFium calls in a C loop (analyzer/ingest/_pdfium_calls.c), when it was compiled
    from analyzer.ingest import _pdfium_calls as _native
except ImportError:  # pragma: no cover - a machine without a C compiler: one ctypes call each
    _native = None


def _address(function) -> int:
    """The C address of a ctypes function (PDFium's, or a Python callback in the tests)."""
    return ctypes.cast(function, ctypes.c_void_p).value


class _MatrixMissing(Exception):
    """PDFium gave no matrix for a word's first character: only the in-order grouping copes."""


def page_text(textpage) -> str:
    """The page's characters, one per PDFium character index."""
    raw = textpage.raw
    count = pdfium_c.FPDFText_CountChars(raw)
    text = textpage.get_text_range(0, count) if count > 0 else ""
    if len(text) != count:  # characters outside the BMP: read code points one by one
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, i)) for i in range(count))
    return text


def page_words(
    textpage, *, origin: tuple[float, float] = (0.0, 0.0), dropped: list[int] | None = None
) -> list[dict]:
    """The page's words as pdfplumber-style dicts (text, x0, x1, top, bottom, size), upright text only.

    ``origin`` is the page box's top-left corner in PDF coordinates; boxes are returned from it, y down.
    A character's box runs, as in pdfminer, from the font's descent (PDFium's loose box bottom) up by
    the font size scaled by the character's matrix (PDFium reports the unscaled size). The number of
    characters dropped as drawn twice at one place is appended to ``dropped`` when it is given.
    """
    return [
        {"text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "size": size}
        for text, x0, x1, top, bottom, size, _ in page_word_tuples(textpage, origin=origin, dropped=dropped)
    ]


def page_word_tuples(
    textpage,
    *,
    origin: tuple[float, float] = (0.0, 0.0),
    dropped: list[int] | None = None,
    sideways: list[int] | None = None,
) -> list[tuple]:
    """The words of :func:`page_words` as tuples (text, x0, x1, top, bottom, size, True); the number of
    characters in the words left out as not upright is appended to ``sideways`` when it is given."""
    chars, duplicates = page_characters(textpage, origin=origin)
    try:
        words = words_by_run(chars)
    except _MatrixMissing:
        words = group_in_order(chars, 0, len(chars.indexes))
    if dropped is not None:
        dropped.append(duplicates)
    if any(char in chars.text for char in CHARACTERS):
        words = [(text.translate(_EXPANDED), *rest) for text, *rest in words]
    if _SURROGATE.search(chars.text):  # a character outside the BMP comes as two UTF-16 halves: pair them
        words = [(_paired(text), *rest) for text, *rest in words]
    if sideways is not None:
        sideways.append(sum(len(word[0]) for word in words if not word[6]))
    return [word for word in words if word[6]]


_SURROGATE = re.compile("[\ud800-\udfff]")


def _paired(text: str) -> str:
    """``text`` with UTF-16 surrogate halves joined into their characters (a lone half becomes U+FFFD)."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def page_characters(textpage, *, origin: tuple[float, float]) -> tuple[Characters, int]:
    """The page's characters that can be part of a word, and how many were dropped as drawn twice."""
    handle = ctypes.c_void_p(ctypes.cast(textpage.raw, ctypes.c_void_p).value)
    codes, indexes, boxes = _char_boxes(handle, page_text(textpage))
    x0s, x1s = boxes[:, 0] - origin[0], boxes[:, 2] - origin[0]
    bottoms, heights = origin[1] - boxes[:, 3], boxes[:, 1] - boxes[:, 3]
    keep = _first_drawn(codes[indexes], x0s, bottoms)
    # A word never continues across a space or a character without a box: a gap between boxed indexes.
    gaps = np.cumsum(np.diff(indexes, prepend=-2) > 1)
    columns = (indexes, x0s, x1s, bottoms, heights, gaps)
    if keep is not None:
        columns = tuple(column[keep] for column in columns)
    text = codes[columns[0]].astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")
    duplicates = 0 if keep is None else int(len(keep) - keep.sum())
    return Characters(handle, text, *columns), duplicates


class Characters(NamedTuple):
    """The page's kept characters (boxed, not spaces, not drawn twice): their text and parallel arrays
    of PDFium indexes, boxes (y down from the page's top) and gap counts (spaces or boxless characters
    seen so far: a word continues only while it stays the same)."""

    handle: ctypes.c_void_p
    text: str
    indexes: np.ndarray
    x0s: np.ndarray
    x1s: np.ndarray
    bottoms: np.ndarray
    heights: np.ndarray
    gaps: np.ndarray


def _char_boxes(handle: ctypes.c_void_p, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(code points of ``text``, indexes of its non-space characters that have a loose box, their boxes
    as float64 rows: left, top, right, bottom in PDF coordinates)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    candidates = np.flatnonzero(~_IS_SPACE[np.minimum(codes, 0x3001)])
    buffer = (ctypes.c_float * (4 * len(text)))()
    if _native is not None:
        candidates = np.ascontiguousarray(candidates, dtype=np.int64)
        found = np.zeros(len(candidates), dtype=np.uint8)
        base = ctypes.addressof(buffer)
        _native.loose_boxes(
            _address(_LOOSE_BOX),
            handle.value or 0,
            candidates.ctypes.data,
            len(candidates),
            base,
            found.ctypes.data,
        )
    else:
        addresses = (candidates * 16 + ctypes.addressof(buffer)).tolist()
        found = list(map(_LOOSE_BOX, repeat(handle, len(addresses)), candidates.tolist(), addresses))
    indexes = candidates[np.asarray(found, dtype=bool)]
    boxes = np.frombuffer(buffer, dtype=np.float32).reshape(-1, 4)[indexes].astype(np.float64)
    return codes, indexes, boxes


def _first_drawn(codes: np.ndarray, x0s: np.ndarray, bottoms: np.ndarray) -> np.ndarray | None:
    """Whether each character is the first drawn with its (character, rounded x0, rounded baseline);
    ``None`` when all are. Rounding is Python's (half to even), as ``np.rint``'s."""
    finite = np.isfinite(x0s) & np.isfinite(bottoms)
    if not finite.all():  # the character-by-character rules fail here: fail the same way
        bad = int(np.flatnonzero(~finite)[0])
        round(float(x0s[bad])), round(float(bottoms[bad]))
    xs, ys = np.rint(x0s), np.rint(bottoms)
    if len(xs) and max(np.abs(xs).max(), np.abs(ys).max()) < _KEY_RANGE:
        keys = (codes.astype(np.int64) << 42) | ((xs.astype(np.int64) + _KEY_RANGE) << 21)
        keys |= ys.astype(np.int64) + _KEY_RANGE
        _, first = np.unique(keys, return_index=True)
    else:
        seen: dict[tuple, int] = {}
        for position, key in enumerate(zip(codes.tolist(), xs.tolist(), ys.tolist(), strict=True)):
            seen.setdefault(key, position)
        first = np.fromiter(seen.values(), dtype=np.int64, count=len(seen))
    if len(first) == len(codes):
        return None
    keep = np.zeros(len(codes), dtype=bool)
    keep[first] = True
    return keep


def words_by_run(chars: Characters) -> list[tuple]:
    """Words as (text, x0, x1, top, bottom, size, upright): one per simple run, the in-order rules for
    the others."""
    count = len(chars.indexes)
    if not count:
        return []
    x0s, x1s, bottoms, heights, gaps = chars.x0s, chars.x1s, chars.bottoms, chars.heights, chars.gaps
    starts_mask = np.ones(count, dtype=bool)
    starts_mask[1:] = gaps[1:] != gaps[:-1]
    starts = np.flatnonzero(starts_mask)
    first = starts[np.cumsum(starts_mask) - 1]  # each character's run start
    previous_x1 = np.concatenate(([np.inf], x1s[:-1]))
    joins = (
        (x0s[first] - X_TOLERANCE <= x0s)
        & (x0s <= previous_x1 + X_TOLERANCE)  # implies x0 <= the word's x1 + tolerance
        & (np.abs(bottoms - bottoms[first]) <= Y_TOLERANCE)
        & (np.abs(heights - heights[first]) < 0.01)
    )
    simple = np.logical_and.reduceat(joins | starts_mask, starts)
    # maxima and minima over arrays equal the in-order ones unless a signed zero or NaN takes part
    if not np.isfinite(x1s).all() or (x1s == 0).any() or (bottoms == 0).any():
        simple[:] = False
    ends = np.append(starts[1:], count)
    words = _simple_words(chars, starts_mask, starts, ends, simple)
    if simple.all():
        return words
    result: list[tuple] = []
    taken = iter(words)
    for start, end, is_simple in zip(starts.tolist(), ends.tolist(), simple.tolist(), strict=True):
        if is_simple:
            result.append(next(taken))
        else:
            result += group_in_order(chars, start, end, strict=True)
    return result


def _simple_words(chars: Characters, starts_mask, starts, ends, simple) -> list[tuple]:
    """The words of the runs (characters ``starts[i]`` to ``ends[i] - 1``) marked ``simple``."""
    if not simple.any():
        return []
    fonts, matrices = _fonts_and_matrices(chars.handle, chars.indexes[starts[simple]])
    a, b, c, d = matrices[:, 0], matrices[:, 1], matrices[:, 2], matrices[:, 3]
    upright = ((a * d > 0) & (b * c <= 0)).tolist()  # as pdfminer: slanted text counts as upright
    scales = [math.hypot(x, y) or 1.0 for x, y in zip(c.tolist(), d.tolist(), strict=True)]
    scaled = fonts * np.array(scales, dtype=np.float64)
    sizes = rounded(scaled.tolist(), 2)
    # per run (the runs partition the characters): the extremes, and the lowest baseline after the first
    bottoms = chars.bottoms
    later = np.minimum.reduceat(np.where(starts_mask, np.inf, bottoms), starts)[simple]
    first_tops = bottoms[starts[simple]] - scaled
    # each character after the first reaches up to its baseline minus the word's rounded size
    later_tops = later - np.array(sizes, dtype=np.float64)
    tops = np.where(later_tops < first_tops, later_tops, first_tops)
    text = chars.text
    texts = [text[i:j] for i, j in zip(starts[simple].tolist(), ends[simple].tolist(), strict=True)]
    columns = (
        chars.x0s[starts[simple]],
        np.maximum.reduceat(chars.x1s, starts)[simple],
        tops,
        np.maximum.reduceat(bottoms, starts)[simple],
    )
    return list(zip(texts, *(column.tolist() for column in columns), sizes, upright, strict=True))


def _fonts_and_matrices(handle: ctypes.c_void_p, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """PDFium's font size and matrix (rows of 6) of the characters at ``positions``; raises
    :class:`_MatrixMissing` when PDFium does not give one of the matrices."""
    positions = np.ascontiguousarray(positions, dtype=np.int64)
    count = len(positions)
    buffer = (ctypes.c_float * (6 * count))()
    if _native is not None:
        fonts = np.empty(count, dtype=np.float64)
        address, at = handle.value or 0, positions.ctypes.data
        _native.font_sizes(_address(_FONT_SIZE), address, at, count, fonts.ctypes.data)
        complete = _native.matrices(_address(_MATRIX_OF), address, at, count, ctypes.addressof(buffer))
    else:
        listed = positions.tolist()
        fonts = np.array(list(map(_FONT_SIZE, repeat(handle, count), listed)), dtype=np.float64)
        addresses = range(ctypes.addressof(buffer), ctypes.addressof(buffer) + 24 * count, 24)
        complete = all(map(_MATRIX_OF, repeat(handle, count), listed, addresses))
    if not complete:
        raise _MatrixMissing
    return fonts, np.frombuffer(buffer, dtype=np.float32).reshape(-1, 6).astype(np.float64)


def group_in_order(chars: Characters, start: int, end: int, *, strict: bool = False) -> list[tuple]:
    """Words of characters ``start`` to ``end - 1``, one character after another (the reference rules).

    A word starts at ``start``. With ``strict``, a matrix PDFium does not give raises
    :class:`_MatrixMissing`; otherwise the previous word's matrix stands, as it did in the first
    implementation of these rules.
    """
    handle, text = chars.handle, chars.text
    columns = (
        chars.indexes[start:end].tolist(),
        chars.x0s[start:end].tolist(),
        chars.x1s[start:end].tolist(),
        chars.bottoms[start:end].tolist(),
        chars.heights[start:end].tolist(),
        chars.gaps[start:end].tolist(),
    )
    words: list[list] = []
    matrix = (ctypes.c_float * 6)()
    matrix_address = ctypes.addressof(matrix)
    gap = -1  # the gap count at the current word's characters; -1: no current word
    w_x0 = w_x1 = w_top = w_bottom = w_size = base = w_height = w_font = 0.0
    for offset, (index, x0, x1, bottom, height, after) in enumerate(zip(*columns, strict=True)):
        if (
            after == gap
            and w_x0 - X_TOLERANCE <= x0 <= w_x1 + X_TOLERANCE
            and abs(bottom - base) <= Y_TOLERANCE
            # the loose box's height follows the font size: ask PDFium only when it changes
            and (abs(height - w_height) < 0.01 or _FONT_SIZE(handle, index) == w_font)
        ):
            if x1 > w_x1:
                w_x1 = x1
            if bottom - w_size < w_top:
                w_top = bottom - w_size
            if bottom > w_bottom:
                w_bottom = bottom
            continue
        if words:
            words[-1][1:5] = w_x0, w_x1, w_top, w_bottom
        gap = after
        w_font = _FONT_SIZE(handle, index)
        if not _MATRIX_OF(handle, index, matrix_address) and strict:
            raise _MatrixMissing
        a, b, c, d, _, _ = _MATRIX.unpack(matrix)
        scale = math.hypot(c, d) or 1.0
        w_x0, w_x1, w_top, w_bottom = x0, x1, bottom - w_font * scale, bottom
        w_size, base, w_height = round(w_font * scale, 2), bottom, height
        # as pdfminer: slanted text counts as upright; the text is set when the word ends
        words.append([start + offset, x0, x1, w_top, bottom, w_size, a * d > 0 and b * c <= 0])
    if not words:
        return []
    words[-1][1:5] = w_x0, w_x1, w_top, w_bottom
    ends = [word[0] for word in words[1:]] + [end]
    for word, stop in zip(words, ends, strict=True):
        word[0] = text[word[0] : stop]
    return [tuple(word) for word in words]
