"""Read plain-text (.txt) and Markdown (.md) files into a :class:`~analyzer.types.Document`.

This module owns decoding (UTF-8/UTF-16/UTF-32 by BOM, then UTF-8, then cp1252, then latin-1), text
clean-up (newlines, control characters, tabs, NFC), page splitting (form feed; in Markdown also a line of
three or more dashes) and Markdown-to-plain-text conversion that keeps the words of legal text intact
(``_(a)_`` gives ``(a)``, ``**1.** (1)`` gives ``1. (1)``). Paragraphs separated by blank lines become
blocks; running headers repeated across pages are removed by :mod:`analyzer.ingest.layout`.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from analyzer.errors import InputError
from analyzer.ingest.build import RawLine, RawPage, document_from_blocks, read_input_bytes
from analyzer.ingest.lines import remove_running_lines
from analyzer.types import Document

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})

# Byte-order marks, longest first (UTF-32 LE starts like UTF-16 LE).
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
FALLBACK_ENCODINGS = ("utf-8", "cp1252", "latin-1")
NEWLINES = {"\r\n": "\n", "\r": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n\n", "\x0b": "\n"}

_NEWLINE = re.compile("|".join(map(re.escape, NEWLINES)))
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff\ufffe]")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_FRONT_KEY = re.compile(r"^[^\W\d_][\w .'/-]{0,60}:(?:\s|$)")
_PAGE_RULE = re.compile(r"^ {0,3}-{3,}\s*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_DROPPED_LINE = re.compile(r"^ {0,3}(?:(?:\*\s*){3,}|(?:_\s*){3,}|={3,}|\[[^\]]+\]:\s+\S+.*)\s*$")
_TABLE_RULE = re.compile(r"^ {0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$")
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+|$)(.*?)(?:[ \t]+#+)?[ \t]*$")
_SPACE_RUN = re.compile(r"(?<=\S) {2,}(?=\S)")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_CODE = re.compile(r"(`+)(.+?)\1", re.DOTALL)
# (pattern, replacement), applied in order to each paragraph of Markdown.
INLINE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"</?(?:br|p|div|span|b|i|u|em|strong|sup|sub|a|font|center|small)\b[^<>]*>", re.I), ""),
    (re.compile(r"^( {0,3})(?:> ?)+", re.M), r"\1"),
    (re.compile(r"^\s*\|\s*(.*?)\s*\|\s*$", re.M), r"\1"),
    (re.compile(r"^( {0,3})[*+][ \t]+", re.M), r"\1• "),
    (re.compile(r"!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])"), ""),
    (re.compile(r"\[([^\]]+)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<((?:https?|mailto):[^<>\s]+)>"), r"\1"),
)
EMPHASIS_RULES: tuple[re.Pattern[str], ...] = (
    re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.DOTALL),
    re.compile(r"(?<![\w_])__(?=\S)(.+?)(?<=\S)__(?![\w_])", re.DOTALL),
    re.compile(r"(?<![\w*])\*(?![\s*])(.+?)(?<![\s*])\*(?![\w*])", re.DOTALL),
    re.compile(r"(?<![\w_])_(?![\s_])(.+?)(?<![\s_])_(?![\w_])", re.DOTALL),
)
_PROTECT_BASE = 0xF0000  # Supplementary Private Use Area-A: placeholders for escaped characters


def read_text(path: Path) -> Document:
    """Read a .txt or .md file; raise ``InputError`` when it holds no readable text."""
    path = Path(path)
    data = read_input_bytes(path)
    text, warnings = decode(data)
    text = clean_text(text)
    if not text.strip():
        raise InputError(path, "no readable text: the file is blank or holds only whitespace")
    markdown = path.suffix.lower() in MARKDOWN_SUFFIXES
    title = None
    if markdown:
        text, title = strip_front_matter(text)
        pages, heading = markdown_pages(text)
        title = title or heading
    else:
        pages = [_blocks([line.rstrip() for line in page.split("\n")]) for page in text.split("\f")]
    while len(pages) > 1 and not any(pages[-1]):
        pages.pop()
    pages = _without_running_lines(pages)
    if not any(line.strip() for page in pages for block in page for line in block):
        raise InputError(path, "no readable text: the file holds only markup or whitespace")
    raw_pages = [RawPage([[RawLine(line) for line in block] for block in page]) for page in pages]
    fmt = "md" if markdown else "txt"
    return document_from_blocks(path, raw_pages, fmt=fmt, title=title, warnings=warnings)


def decode(data: bytes) -> tuple[str, list[str]]:
    """Decode bytes by BOM, else as UTF-8, cp1252 or latin-1; return the text and any warnings."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), []
            except UnicodeDecodeError:
                text = data[len(bom) :].decode(encoding, errors="replace")
                return text, [f"the file is not valid {encoding}; undecodable bytes were replaced"]
    for encoding in FALLBACK_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        warnings = [] if encoding == "utf-8" else [f"the file is not UTF-8; decoded as {encoding}"]
        return text, warnings
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def clean_text(text: str, *, tab_size: int = 8) -> str:
    """Normalise newlines to ``\\n``, drop control characters (keeping ``\\n``, ``\\t`` and the form feed
    that separates pages), expand tabs and NFC-normalise."""
    text = _NEWLINE.sub(lambda m: NEWLINES[m.group()], text)
    text = _CONTROL.sub("", text)
    text = "\n".join(line.expandtabs(tab_size) for line in text.split("\n"))
    return unicodedata.normalize("NFC", text)


def strip_front_matter(text: str) -> tuple[str, str | None]:
    """Remove the ``---``-fenced ``Key: value`` blocks at the very top; return the rest and any Title."""
    title = None
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    while start < len(lines) and lines[start].strip() == "---":
        end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() in {"---", "..."}), None)
        body = [line for line in lines[start + 1 : end or 0] if line.strip()]
        keyed = [line for line in body if _FRONT_KEY.match(line.strip())]
        if end is None or not keyed or not _FRONT_KEY.match(body[0].strip()) or 2 * len(keyed) < len(body):
            break
        for line in keyed:
            key, _, value = line.strip().partition(":")
            if key.strip().lower() == "title" and value.strip() and title is None:
                title = value.strip().strip("'\"")
        start = end + 1
    return "\n".join(lines[start:]), title


def markdown_pages(text: str) -> tuple[list[list[list[str]]], str | None]:
    """Split Markdown into pages of blocks of plain-text lines; also return the first heading."""
    pages: list[list[list[str]]] = [[]]
    block: list[str] = []
    headings: list[str] = []
    fence: str | None = None

    def close(*, verbatim: bool = False) -> None:
        nonlocal block
        if block:
            pages[-1].append(block if verbatim else strip_inline_lines(block))
        block = []

    for raw in _COMMENT.sub("", text).split("\n"):
        for n, line in enumerate(raw.split("\f")):
            if n:
                close(verbatim=fence is not None)
                pages.append([])
            opening = _FENCE.match(line)
            if fence is not None and not (opening and opening.group(1) == fence):
                block.append(line.rstrip())
            elif fence is not None or opening:
                close(verbatim=fence is not None)
                fence = None if fence is not None else opening.group(1)
            elif _TABLE_RULE.match(line):
                continue
            elif _PAGE_RULE.match(line):
                close()
                pages.append([])
            elif not line.strip() or _DROPPED_LINE.match(line):
                close()
            elif match := _HEADING.match(line):
                close()
                block = [match.group(1)]
                close()
                headings += [text.strip() for text in pages[-1][-1] if text.strip()][:1]
            else:
                block.append(line.rstrip())
    close(verbatim=fence is not None)
    return pages, (headings[0] if headings else None)


def strip_inline(text: str) -> str:
    """Turn one paragraph of Markdown into plain text, keeping its words and line breaks."""
    text = _ESCAPED.sub(lambda m: chr(_PROTECT_BASE + ord(m.group(1))), text)
    text = _CODE.sub(lambda m: _protect(m.group(2).strip(" ")), text)
    for pattern, replacement in INLINE_RULES:
        text = pattern.sub(replacement, text)
    for _ in range(3):  # nested emphasis such as **_Bill_**
        before = text
        for pattern in EMPHASIS_RULES:
            text = pattern.sub(r"\1", text)
        if text == before:
            break
    return re.sub("[\U000f0000-\U000f007f]", lambda m: chr(ord(m.group()) - _PROTECT_BASE), text)


def strip_inline_lines(lines: list[str]) -> list[str]:
    """Strip markup from a paragraph's lines; runs of spaces inside a line collapse as they render."""
    return [_SPACE_RUN.sub(" ", line.rstrip()) for line in strip_inline("\n".join(lines)).split("\n")]


def _protect(code: str) -> str:
    return "".join(chr(_PROTECT_BASE + ord(ch)) if ch in "*_[]()<>!#\\`" else ch for ch in code)


def _blocks(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _without_running_lines(pages: list[list[list[str]]]) -> list[list[list[str]]]:
    """Remove running headers/footers page by page, keeping the remaining lines in their blocks."""
    if len(pages) < 2:
        return pages
    flat = [[line for block in page for line in block if line.strip()] for page in pages]
    kept = remove_running_lines(flat)
    result = []
    for page, keep in zip(pages, kept, strict=True):
        cursor, blocks = 0, []
        for block in page:
            survivors = []
            for line in block:
                if line.strip() and cursor < len(keep) and keep[cursor] == line:
                    survivors.append(line)
                    cursor += 1
            if survivors:
                blocks.append(survivors)
        result.append(blocks)
    return result
