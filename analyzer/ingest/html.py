"""Read HTML pages into a :class:`~analyzer.types.Document` as plain text.

This module owns the HTML walk: it drops page furniture and active content (scripts, styles, navigation,
forms, comments), turns block elements into paragraphs and ``<br>`` into line breaks, writes the numbers
and bullets a browser would show before list items, and joins table cells with `` | ``. Nothing is ever
executed and no markup is kept. The whole page is one ``Page``; its paragraphs are blocks.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from bs4 import BeautifulSoup, FeatureNotFound, NavigableString, Tag

from analyzer.errors import InputError
from analyzer.ingest.build import RawLine, RawPage, document_from_blocks, read_input_bytes
from analyzer.ingest.text import clean_text
from analyzer.types import Document

DROPPED = frozenset({
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "button", "svg",
    "iframe", "object", "embed", "canvas", "select", "textarea", "input", "head", "title", "math",
})  # fmt: skip
BLOCKS = frozenset({
    "address", "article", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "dir",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hgroup",
    "hr", "html", "legend", "li", "main", "menu", "ol", "p", "pre", "section", "summary", "table", "ul",
})  # fmt: skip
CELLS = frozenset({"td", "th"})
ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
         (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))  # fmt: skip
# The largest number a list writes in Roman numerals (MMMCMXCIX, the largest the standard notation can
# write); larger ones are written in decimal, as browsers do (CSS gives lower-roman the range 1 to 3999).
# Without a bound a hostile start="100000000000" would become a numeral of a hundred million "m"s.
ROMAN_LIMIT = 3999
_SPACE = re.compile(r"\s+")
_PRE_SPACE = "\U000f0020"  # stands for a space inside <pre> until lines are collapsed


def _letters(n: int) -> str:
    """``n`` in a browser's letters (a..z, aa, ab, ...): one letter more per factor of 26, so even a
    huge number stays short and needs no limit."""
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out or str(n)


def roman_numeral(n: int) -> str:
    """``n`` in lower-case Roman numerals ("xiv"); in decimal digits outside 1 to :data:`ROMAN_LIMIT`."""
    if not 0 < n <= ROMAN_LIMIT:
        return str(n)
    out = ""
    for value, digits in ROMAN:
        count, n = divmod(n, value)
        out += digits * count
    return out


# <ol type=...> -> how the browser writes the item number
LIST_FORMATS = {
    "1": str,
    "a": _letters,
    "A": lambda n: _letters(n).upper(),
    "i": roman_numeral,
    "I": lambda n: roman_numeral(n).upper(),
}


def _int(value: object, default: int) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


class _Writer:
    """Collects text into lines and paragraphs; table rows collect cells until the row ends."""

    def __init__(self) -> None:
        self.blocks: list[list[str]] = []
        self.block: list[str] = []
        self.line: list[str] = []
        self.rows: list[list[list[str]]] = []  # stack of open rows (nested tables), each a list of cells
        self.prefix = ""
        self.pre = 0

    def text(self, text: str) -> None:
        if self.prefix and text.strip():
            text, self.prefix = self.prefix + text.lstrip(), ""
        if self.rows:
            row = self.rows[-1]
            if not row:
                row.append([])
            row[-1].append(text)
        elif self.pre:
            first, *rest = text.split("\n")
            self.line.append(first.replace(" ", _PRE_SPACE))
            for part in rest:
                self.end_line()
                self.line.append(part.replace(" ", _PRE_SPACE))
        else:
            self.line.append(text)

    def end_line(self) -> None:
        if self.rows:
            self.text(" ")
            return
        line = _SPACE.sub(" ", "".join(self.line)).strip()
        if line:
            self.block.append(line)
        self.line = []

    def end_block(self) -> None:
        self.end_line()
        if self.block and not self.rows:
            self.blocks.append(self.block)
            self.block = []

    def end_row(self) -> None:
        cells = [_SPACE.sub(" ", "".join(cell)).strip() for cell in self.rows.pop()]
        joined = " | ".join(cell for cell in cells if cell)
        if self.rows:
            self.text(" " + joined + " ")
        elif joined:
            self.end_line()
            self.block.append(joined)


def _hidden(tag: Tag) -> bool:
    style = _SPACE.sub("", str(tag.get("style", ""))).lower()
    return (
        tag.has_attr("hidden")
        or str(tag.get("aria-hidden", "")).lower() == "true"
        or "display:none" in style
        or "visibility:hidden" in style
    )


def _list_label(item: Tag, counters: list[list]) -> str:
    """The marker a browser shows before ``item``; advances the counter of its ``<ol>``."""
    if not counters or counters[-1][0] != "ol":
        return "• "
    state = counters[-1]
    if item.has_attr("value"):
        state[1] = _int(item["value"], state[1])
    number, state[1] = state[1], state[1] + state[3]
    fmt = LIST_FORMATS.get(str(item.get("type", state[2])), str)
    return f"{fmt(number)}. "


def _open_list(tag: Tag) -> list:
    if tag.name != "ol":
        return ["ul", 0, "1", 1]
    step = -1 if tag.has_attr("reversed") else 1
    default = len(tag.find_all("li", recursive=False)) if step < 0 else 1
    return ["ol", _int(tag.get("start"), default), str(tag.get("type", "1")), step]


def html_to_blocks(soup: BeautifulSoup) -> list[list[str]]:
    """Walk the parsed page in document order and return its paragraphs as lists of lines."""
    out = _Writer()
    counters: list[list] = []
    stack: list[tuple[object, bool]] = [(soup, False)]
    while stack:
        node, leaving = stack.pop()
        if isinstance(node, NavigableString):
            if type(node) is NavigableString:  # not a Comment, CData, Doctype or processing instruction
                out.text(str(node))
            continue
        if not isinstance(node, Tag) or (not leaving and (node.name in DROPPED or _hidden(node))):
            continue
        name = node.name
        if leaving:
            _leave(out, name, counters)
            continue
        if name in BLOCKS:
            out.end_block()
        if name == "br":
            out.end_line()
        elif name == "tr":
            out.end_line()
            out.rows.append([])
        elif name in CELLS and out.rows:
            out.rows[-1].append([])
        elif name == "li":
            out.prefix = _list_label(node, counters)
        elif name in {"ol", "ul", "menu", "dir"}:
            counters.append(_open_list(node))
        elif name == "pre":
            out.pre += 1
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node.contents))
    out.end_block()
    return out.blocks


def _leave(out: _Writer, name: str, counters: list[list]) -> None:
    if name == "tr" and out.rows:
        out.end_row()
    elif name in {"ol", "ul", "menu", "dir"} and counters:
        counters.pop()
    elif name == "pre":
        out.pre -= 1
    if name in BLOCKS:
        out.prefix = "" if name == "li" else out.prefix
        out.end_block()


def _title(soup: BeautifulSoup) -> str | None:
    for tag in (soup.title, soup.find("h1")):
        if tag is not None:
            text = _SPACE.sub(" ", tag.get_text(" ")).strip()
            if text:
                return text[:200]
    return None


def parse_html(data: bytes) -> BeautifulSoup:
    """Parse bytes with lxml (or Python's parser if lxml is missing); the charset is detected from them."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # bs4 warns when a short page "looks like" a file name or URL
        try:
            return BeautifulSoup(data, "lxml")
        except FeatureNotFound:
            return BeautifulSoup(data, "html.parser")


def read_html(path: Path) -> Document:
    """Read an HTML file; raise ``InputError`` when it shows no text."""
    path = Path(path)
    data = read_input_bytes(path)
    soup = parse_html(data)
    title = _title(soup)
    blocks = [[clean_text(line.replace(_PRE_SPACE, " ")) for line in block] for block in html_to_blocks(soup)]
    if not any(line.strip() for block in blocks for line in block):
        raise InputError(path, "no readable text: the page shows no text outside scripts and navigation")
    page = RawPage([[RawLine(line) for line in block] for block in blocks])
    return document_from_blocks(path, [page], fmt="html", title=title)
