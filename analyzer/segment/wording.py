"""Wording rules of the segmenter that need no walking state: numbers, titles, lead-ins, contents pages.

:func:`compose` prints a list item's number under its parent's ("16" + "(a)" → "16(a)");
:func:`section_title` reads a heading's title from the rest of its line ("Section 3. Definition of
Terms. - ..."); :func:`is_lead_in` tells a sentence that introduces a list from a short heading;
:func:`contents_lines` finds tables of contents; :func:`same_block` compares two lines' blocks.
"""

from __future__ import annotations

import re

from analyzer.segment.markers import Marker, load_patterns, only_marker
from analyzer.types import Line

LEAD_IN_END = re.compile(r"[:—–-]\.?\s*$")
OPEN_END = re.compile(r"[^.;!?。\s)\]\"'”]\s*$")
MIN_OPEN_LEAD_IN_WORDS = 6
UPPERCASE_TITLE = re.compile(r"^[^a-z]{3,100}$")
TERMINAL = re.compile(r"[.;:!?。]\s*$")
INLINE_TITLE = re.compile(r"^\s*[.:]?\s*(?P<title>[^\s.][^.]{1,90}?)\s*(?:\.\s*[-–—]|\s[-–—]\s|[.:]\s*$)")
CAPTION = re.compile(r"^\s*[.:]?\s*(?P<title>[A-Z][^.]{1,60}?)\.\s+(?=[A-Z\"“])")
MAX_CAPTION_WORDS = 6
SHORT_TITLE = re.compile(r"^\s*[.:]?\s*(?P<title>[^\s.][^.;:]{1,59})$")
MAX_BOTTOM_JUMP = 5  # a section numbered without a keyword may skip this many numbers


def compose(parent: str, marker: Marker, bullets: int) -> str:
    """The printed number of a new item under ``parent``: "16" + "(a)" → "16(a)"; "3" + "3.1" → "3.1"."""
    num, kind, name = marker.num, marker.rule.kind, marker.rule.name
    if kind == "bullet":
        return f"{parent}•{bullets}"
    if kind == "decimal":
        num = num.rstrip(".")
        return num if not parent or num.startswith(parent + ".") else f"{parent}({num})"
    if not parent:
        return f"({num})" if name.startswith("paren") else num
    return f"{parent}({num})"


def is_lead_in(text: str) -> bool:
    """Whether a parent's text introduces what follows: it ends with a colon or dash, or it is a
    sentence left open ("The Department shall ensure that"), not a short heading ("Purpose and scope")."""
    if not text or only_marker(text):
        return False
    return bool(LEAD_IN_END.search(text)) or (
        bool(OPEN_END.search(text)) and len(text.split()) >= MIN_OPEN_LEAD_IN_WORDS
    )


def section_title(rest: str) -> str:
    """The title printed after a section's number on its line, or ""."""
    inline = INLINE_TITLE.match(rest) or SHORT_TITLE.match(rest)
    caption = CAPTION.match(rest)
    if not inline and caption and len(caption.group("title").split()) <= MAX_CAPTION_WORDS:
        inline = caption
    return inline.group("title") if inline else ""


def section_label(keyword: str, title: str) -> str:
    """ "Section 3" + "Definition of Terms" → "Section 3. Definition of Terms"."""
    if not title:
        return keyword
    separator = " " if keyword.endswith((".", ":", "-", "–", "—")) else ". "
    return f"{keyword}{separator}{title}"


def contents_lines(lines: tuple[Line, ...]) -> set[int]:
    """Indexes of the lines of tables of contents: from their heading to the enacting formula."""
    patterns = load_patterns()
    found: set[int] = set()
    inside = False
    for i, line in enumerate(lines):
        if patterns.contents_heading.match(line.text):
            inside = True
        elif inside and patterns.body_start.match(line.text):
            inside = False
        if inside:
            found.add(i)
    return found


def same_block(a: Line, b: Line) -> bool:
    return (a.page, a.block) == (b.page, b.block)
