"""Assemble a :class:`~analyzer.types.Document` from per-page lines.

Every reader produces, page by page, blocks of lines (each line with an optional box) and hands them to
:func:`document_from_blocks`, which lays the text out once and records each line's offsets. The layout is
fixed and documented because the segmenter relies on it: lines are separated by ``\\n``; blocks
(paragraphs) and pages by a blank line (``\\n\\n``). Control characters are dropped from every line (a
tab or a stray line break becomes a space), whatever the reader: text from a hostile file must not carry terminal escape
sequences or characters that XML and spreadsheets reject into the tool's outputs.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from analyzer.errors import InputError
from analyzer.ingest.language import guess_language
from analyzer.types import Box, Document, Line, Page

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` without C0/C1 control characters (escape sequences, NUL); tabs and breaks become spaces."""
    return _CONTROL.sub(lambda m: " " if m.group().isspace() else "", text)


@dataclass(frozen=True)
class RawLine:
    """A line as a reader found it, before offsets are known."""

    text: str
    box: Box | None = None


@dataclass(frozen=True)
class RawPage:
    """A page as a reader found it: its size and its blocks of lines, in reading order."""

    blocks: Sequence[Sequence[RawLine]]
    width: float | None = None
    height: float | None = None
    ocr: bool = False
    ocr_confidence: float | None = None


def read_input_bytes(path: Path) -> bytes:
    """The file's bytes, or an ``InputError`` saying why they cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read the file ({exc.strerror or type(exc).__name__})") from exc


def shown_path(path: Path | str) -> str:
    """``path`` as text that every report, the store and a terminal can hold: a file name whose bytes are
    not UTF-8 (Python keeps them as lone surrogates, which no UTF-8 writer accepts) gets U+FFFD in their
    place. The file itself is read by its real name."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def document_from_blocks(
    path: Path,
    pages: Iterable[RawPage],
    *,
    fmt: str,
    title: str | None = None,
    language: str | None = None,
    warnings: Sequence[str] = (),
) -> Document:
    """Lay out the pages' text and return the finished ``Document``."""
    parts: list[str] = []
    offset = 0
    built: list[Page] = []
    for number, raw in enumerate(pages, start=1):
        lines: list[Line] = []
        for block_no, block in enumerate(raw.blocks):
            texts = [RawLine(printable(line.text), line.box) for line in block]
            texts = [line for line in texts if line.text.strip()]
            if not texts:
                continue
            if parts:
                parts.append("\n\n")
                offset += 2
            for i, raw_line in enumerate(texts):
                if i:
                    parts.append("\n")
                    offset += 1
                text = raw_line.text
                lines.append(Line(text, offset, offset + len(text), number, block_no, raw_line.box))
                parts.append(text)
                offset += len(text)
        built.append(Page(number, raw.width, raw.height, tuple(lines), raw.ocr, raw.ocr_confidence))
    text = "".join(parts)
    return Document(
        doc_id=sha256_of(path),
        path=shown_path(path),
        title=title or _first_line(text) or shown_path(path.stem),
        format=fmt,
        language=language or guess_language(text),
        pages=tuple(built),
        text=text,
        warnings=tuple(warnings),
    )


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if len(line.strip()) > 3:
            return line.strip()[:200]
    return ""
