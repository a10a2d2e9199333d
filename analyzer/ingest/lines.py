"""Lines of text across a document's pages: running headers, footers and page numbers, and words broken
across lines. Plain functions over strings, shared by the PDF, OCR and text readers:

- :func:`running_line_indexes` finds headers, footers and page numbers that repeat across pages
  (:func:`remove_running_lines` drops them);
- :func:`repair_hyphenation` joins words broken across lines.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*)?(?:(?:page|halaman|hal\.|trang|หน้า)\s*)?[\divxlcdm๐-๙]{1,4}"
    r"(?:\s*(?:of|/|dari)\s*\d{1,4})?(?:\s*[-–—])?\s*$",
    re.IGNORECASE,
)


def running_key(text: str, page: int | None = None) -> str:
    """A line's identity for repetition: case and spacing ignored ("D okumen" = "Dokumen"), and a number
    equal to the page number (or one less, after an unnumbered cover) counted as the same ("Page #")."""
    key = re.sub(r"\s+", "", text.lower())
    if page is None:
        return key
    return re.sub(r"\d+", lambda m: "#" if int(m.group()) in (page, page - 1) else m.group(), key)


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text))


def running_line_indexes(pages: Sequence[Sequence[str]], *, margin: int = 4) -> list[set[int]]:
    """Return, for each page, the indexes of its lines that are running headers, footers or page numbers.

    Only the first and last ``margin`` lines of a page are candidates. A candidate is removed when the same
    line (by :func:`running_key`) is a candidate on at least 30 % of the pages (and on two or more), or
    when it is a bare page number.
    """

    def candidates(lines: Sequence[str]) -> list[int]:
        head = range(min(margin, len(lines)))
        tail = range(max(len(lines) - margin, 0), len(lines))
        return sorted(set(head) | set(tail))

    counts: Counter[str] = Counter()
    for number, lines in enumerate(pages, start=1):
        counts.update({running_key(lines[i], number) for i in candidates(lines)})
    # Books alternate headers between odd and even pages: a third of the pages is enough.
    needed = max(2, round(0.3 * len(pages)))
    removed: list[set[int]] = []
    for number, lines in enumerate(pages, start=1):
        drop = set()
        for i in candidates(lines):
            key = running_key(lines[i], number)
            if (counts[key] >= needed and len(key) > 1) or is_page_number(lines[i]):
                drop.add(i)
        removed.append(drop)
    return removed


def remove_running_lines(pages: Sequence[Sequence[str]], *, margin: int = 4) -> list[list[str]]:
    """Return the pages without their running headers, footers and page numbers."""
    drops = running_line_indexes(pages, margin=margin)
    return [
        [line for i, line in enumerate(lines) if i not in drop]
        for lines, drop in zip(pages, drops, strict=True)
    ]


_BROKEN = re.compile(r"(\w+)-$")
_NEXT_WORD = re.compile(r"^(\w+)([^\s]*)\s*(.*)$", re.UNICODE)


def repair_hyphenation(lines: list[str], *, keep: set[str] = frozenset()) -> list[str]:
    """Join words hyphenated across consecutive lines of one block.

    "protec-" + "tion of ..." gives "protection" + "of ..."; before a capital letter the hyphen stays
    ("Undang-" + "Undang Nomor" gives "Undang-Undang" + "Nomor"), and so it does when the hyphenated form
    is in ``keep`` (compounds the document writes with a hyphen elsewhere).
    """
    lines = list(lines)
    for i in range(len(lines) - 1):
        broken = _BROKEN.search(lines[i])
        following = _NEXT_WORD.match(lines[i + 1])
        if not broken or not following:
            continue
        head, tail, rest = broken.group(1), following.group(1) + following.group(2), following.group(3)
        compound = f"{head}-{following.group(1)}".lower()
        joined = f"{head}-{tail}" if tail[0].isupper() or compound in keep else head + tail
        lines[i] = lines[i][: broken.start()] + joined
        lines[i + 1] = rest
    return lines
