"""Read Word (.docx) files into a :class:`~analyzer.types.Document`.

This module owns the DOCX reading: a zip-bomb check before anything is parsed (the members' total
unpacked size and their compression ratios, which Python's zipfile enforces: a member never inflates past
the size its header declares), the walk over the
body's paragraphs and tables in document order (headers, footers, footnotes and text boxes are not read),
and automatic list numbering rendered as the visible label Word shows ("1. ", "(a) ", "(ii) ", "• ").

Numbering follows Word: counters belong to the abstract numbering definition, so lists that share one
continue each other unless their ``w:num`` restarts a level with ``w:startOverride``; advancing a level
resets the deeper ones. Each paragraph is one block of one line; each table row is one line with its cells
joined by `` | ``. The whole document is one page.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import NamedTuple

import docx
from docx.oxml.ns import qn

from analyzer.errors import InputError
from analyzer.ingest.build import RawLine, RawPage, document_from_blocks
from analyzer.ingest.html import roman_numeral
from analyzer.ingest.limits import DEFAULT_LIMITS, Limits, size_text
from analyzer.ingest.text import clean_text
from analyzer.types import Document

MC_ALTERNATE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"
# Subtrees of a paragraph whose text is not the paragraph's own visible text.
SKIPPED = frozenset(
    {MC_ALTERNATE, *(qn(f"w:{t}") for t in ("pPr", "rPr", "del", "moveFrom", "drawing", "pict", "object"))}
)
# run content -> the text it shows
RUN_TEXT = {qn("w:tab"): " ", qn("w:br"): " ", qn("w:cr"): " ", qn("w:noBreakHyphen"): "-"}


# The largest number written in Word's letters: thirty z's. Word repeats the letter (aa, aaa, ...), so a
# label grows with its number and a hostile w:start of 100000000000 would write billions of letters;
# larger numbers are written in decimal, as Roman numerals above 3999 are.
LETTER_LIMIT = 26 * 30


def _word_letters(n: int) -> str:
    """Word's letter numbering: a..z, then aa..zz, aaa.. (not a spreadsheet's aa, ab, ...); decimal
    digits outside 1 to :data:`LETTER_LIMIT`."""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if 0 < n <= LETTER_LIMIT else str(n)


# w:numFmt -> how a counter value is written
FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "lowerLetter": lambda n: _word_letters(n),
    "upperLetter": lambda n: _word_letters(n).upper(),
    "lowerRoman": roman_numeral,
    "upperRoman": lambda n: roman_numeral(n).upper(),
    "bullet": lambda n: "•",
    "none": lambda n: "",
}
# w:lvl child -> default when absent
LEVEL_FIELDS = (("numFmt", "decimal"), ("lvlText", ""), ("start", "0"), ("suff", "tab"))
_PLACEHOLDER = re.compile(r"%([1-9])")
_SPACES = re.compile(r"\s+")


def _val(element, path: str, default: str | None = None) -> str | None:
    """The ``w:val`` of the element at ``path`` ("w:pPr/w:numPr/w:numId") under ``element``."""
    found = None if element is None else element.find("/".join(qn(part) for part in path.split("/")))
    return default if found is None else found.get(qn("w:val"), default)


def _int(value: str | None) -> int:
    """An integer attribute; absent or malformed values count as 0 (as Word treats them)."""
    try:
        return int(value or 0)
    except ValueError:
        return 0


def _children(element, tag: str) -> list:
    return [] if element is None else list(element.iterfind(qn(f"w:{tag}")))


class Level(NamedTuple):
    """One level of a list definition: number format, label template ("(%2)"), start, suffix, isLgl."""

    fmt: str
    text: str
    start: int
    suffix: str
    legal: bool


def _levels(parent) -> dict[int, Level]:
    def level(lvl) -> Level:
        fmt, text, start, suffix = (_val(lvl, f"w:{k}", d) for k, d in LEVEL_FIELDS)
        return Level(fmt, text, _int(start), suffix, lvl.find(qn("w:isLgl")) is not None)

    return {_int(lvl.get(qn("w:ilvl"))): level(lvl) for lvl in _children(parent, "lvl")}


class Numbering:
    """Renders the list label of each paragraph; call :meth:`label` in document order."""

    def __init__(self, numbering, styles) -> None:
        self.abstract = {
            a.get(qn("w:abstractNumId")): _levels(a) for a in _children(numbering, "abstractNum")
        }
        self.nums: dict[str, tuple[str | None, dict[int, int], dict[int, Level]]] = {}
        for num in _children(numbering, "num"):
            starts, levels = {}, {}
            for override in _children(num, "lvlOverride"):
                ilvl = _int(override.get(qn("w:ilvl")))
                if (start := _val(override, "w:startOverride")) is not None:
                    starts[ilvl] = _int(start)
                levels.update(_levels(override))
            self.nums[num.get(qn("w:numId"))] = (_val(num, "w:abstractNumId"), starts, levels)
        styles = _children(styles, "style")
        self.styles = {
            s.get(qn("w:styleId")): tuple(_val(s, f) for f in ("w:pPr/w:numPr/w:numId", "w:pPr/w:numPr/w:ilvl", "w:basedOn"))
            for s in styles
        }  # fmt: skip
        self.style_names = {s.get(qn("w:styleId")): (_val(s, "w:name") or "").lower() for s in styles}
        paragraph_styles = [s for s in styles if s.get(qn("w:type")) == "paragraph"]
        defaults = [
            s.get(qn("w:styleId")) for s in paragraph_styles if s.get(qn("w:default")) in {"1", "true"}
        ]
        self.default_style = (defaults or [None])[0]
        self.counters: dict[str | None, dict[int, int]] = {}
        self.used: set[str] = set()

    def _style_numbering(self, style_id: str | None) -> tuple[str | None, str | None]:
        seen: set[str] = set()
        while style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            num_id, ilvl, based_on = self.styles[style_id]
            if num_id is not None:
                return num_id, ilvl
            style_id = based_on
        return None, None

    def label(self, paragraph, style_id: str | None) -> str:
        """The label Word shows before ``paragraph`` ("1. ", "(a) ", "• "), or ""; advances the counters."""
        style_num, style_ilvl = self._style_numbering(style_id)
        num_id = _val(paragraph, "w:pPr/w:numPr/w:numId", style_num)
        ilvl = _int(_val(paragraph, "w:pPr/w:numPr/w:ilvl", style_ilvl))
        if num_id not in self.nums:
            return ""  # includes numId 0, which switches numbering off
        abstract_id, starts, overrides = self.nums[num_id]
        levels = {**self.abstract.get(abstract_id, {}), **overrides}
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.used:
            self.used.add(num_id)
            for level, value in sorted(starts.items(), reverse=True):
                _reset_below(counters, level)
                counters[level] = value - 1
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else levels[ilvl].start
        _reset_below(counters, ilvl)
        current = levels[ilvl]

        def render(match: re.Match[str]) -> str:
            level = levels.get(int(match.group(1)) - 1)
            if level is None:
                return ""
            fmt = "decimal" if current.legal and level.fmt != "bullet" else level.fmt
            return FORMATS.get(fmt, str)(counters.get(int(match.group(1)) - 1, level.start))

        text = "•" if current.fmt == "bullet" else _PLACEHOLDER.sub(render, current.text).strip()
        return f"{text} " if text and current.suffix != "nothing" else text


def _reset_below(counters: dict[int, int], level: int) -> None:
    for deeper in [k for k in counters if k > level]:
        del counters[deeper]


def paragraph_text(element) -> str:
    """The visible text of a ``w:p`` (or any run container), without deleted text or drawings."""
    parts: list[str] = []
    for child in element:
        if child.tag in SKIPPED:
            continue
        if child.tag == qn("w:t"):
            # an entity the parser leaves unresolved (a DTD's, never fetched) is a node inside the
            # w:t: the text after it is that node's tail, which .text alone would drop
            parts.append((child.text or "") + "".join(node.tail or "" for node in child))
        elif child.tag in RUN_TEXT:
            parts.append(RUN_TEXT[child.tag])
        elif len(child):
            parts.append(paragraph_text(child))
    return "".join(parts)


class _Body:
    """Walks the body in document order and collects one line per paragraph and per table row."""

    def __init__(self, numbering: Numbering) -> None:
        self.numbering = numbering
        self.blocks: list[list[str]] = []
        self.heading: str | None = None

    def walk(self, container) -> None:
        for child in container:
            if child.tag == qn("w:p"):
                self.blocks.append([self.paragraph(child)])
            elif child.tag == qn("w:tbl"):
                self.blocks.append(self.rows(child))
            elif child.tag in {qn("w:sdt"), qn("w:customXml"), qn("w:sdtContent")}:
                self.walk(child)

    def paragraph(self, p) -> str:
        style_id = _val(p, "w:pPr/w:pStyle", self.numbering.default_style)
        text = _tidy(paragraph_text(p))
        name = self.numbering.style_names.get(style_id, "")
        if self.heading is None and text and name.startswith(("heading", "title")):
            self.heading = text
        label = self.numbering.label(p, style_id)
        return label + text if text else ""

    def rows(self, tbl) -> list[str]:
        """One line per row, cells joined by " | "; a table nested in a cell becomes "row; row"."""
        return [
            " | ".join(c for c in map(self.cell, _children(tr, "tc")) if c) for tr in _children(tbl, "tr")
        ]

    def cell(self, tc) -> str:
        readers = {qn("w:p"): self.paragraph, qn("w:tbl"): lambda tbl: "; ".join(self.rows(tbl))}
        return _tidy(" ".join(readers[child.tag](child) for child in tc if child.tag in readers))


def _tidy(text: str) -> str:
    return _SPACES.sub(" ", clean_text(text)).strip()


def check_archive(path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse files that are not zip archives holding ``word/document.xml``, and zip bombs."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as exc:
        raise InputError(path, f"not a valid DOCX file ({_one_line(exc)})") from exc
    if "word/document.xml" not in {m.filename for m in members}:
        raise InputError(path, "not a valid DOCX file (no word/document.xml inside the archive)")
    total = sum(m.file_size for m in members)
    if total > limits.max_unpacked_bytes:
        raise InputError(
            path,
            f"refused: the DOCX would unpack to {size_text(total)} "
            f"(limit {limits.max_unpacked_mb:g} MB, --max-unpacked-mb; zip bomb?)",
        )
    for m in members:
        if m.file_size > limits.ratio_floor_bytes and m.file_size > limits.max_ratio * max(
            m.compress_size, 1
        ):
            raise InputError(
                path,
                f"refused: {m.filename} is compressed more than {limits.max_ratio}:1 "
                f"({size_text(m.compress_size)} unpacks to {size_text(m.file_size)}; zip bomb?)",
            )


def _one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


def read_docx(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read a .docx file; raise ``InputError`` for broken, suspicious or empty files."""
    path = Path(path)
    check_archive(path, limits)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # noqa: BLE001 - python-docx, zipfile and lxml each raise their own errors
        raise InputError(path, f"not a valid DOCX file ({_one_line(exc)})") from exc
    try:
        numbering_xml = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        numbering_xml = None
    body = _Body(Numbering(numbering_xml, document.styles.element))
    body.walk(document.element.body)
    if not any(line for block in body.blocks for line in block):
        raise InputError(path, "no readable text: the document body is empty")
    title = (document.core_properties.title or "").strip() or body.heading
    page = RawPage([[RawLine(line) for line in block] for block in body.blocks])
    return document_from_blocks(path, [page], fmt="docx", title=title)
