"""Property tests: on any text a reader can produce, the segmenter neither fails nor loses words.

Documents are drawn by Hypothesis from legal markers (Section, 1.2, (a), มาตรา, Chapter …), legal
abbreviations and arbitrary Unicode, laid out in lines, blocks and pages, and read by the real text reader.
"Losing" a word means that some non-space character of the document lies in no clause's span and on no
line that may be structure rather than clause text: a heading (in a heading path), a line starting a
container ("Chapter I …") or its title on the lines under it, bare clause markers ("(b)" or "Sec. 4 (a)" alone on a line), or a short line just before a
numbered line (a section title, which goes to that section's heading path and is not in it only when the
section turns out empty).
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analyzer.errors import InputError
from analyzer.ingest import read_document
from analyzer.segment import segment
from analyzer.segment.markers import match_container, match_items, match_section, only_marker
from analyzer.segment.wording import UPPERCASE_TITLE

MARKERS = ["Section 3.", "Sec. 4", "1.", "2.", "1.2", "3.1.1", "(a)", "(b)", "(i)", "(ii)", "(1)", "a.", "•", "-",
           "Chapter I", "Part 2", "Article 7", "Pasal 5", "BAB II", "มาตรา ๑๒", "(๑)", "Điều 3", "Seksyen 9"]  # fmt: skip
MARKER_TOKENS = {token for marker in MARKERS for token in marker.split()}
WORDS = ["shall", "not", "be", "detained", "victim", "the", "unless", "provided", "that", "Art.", "s.", "Cap.", "No.",
         ";", ":", ".", "and", "หมวด", "ผู้เสียหาย", "korban", "wajib"]  # fmt: skip
word = st.one_of(st.sampled_from(MARKERS + WORDS), st.text(min_size=1, max_size=8).filter(str.strip))
line = st.lists(word, min_size=1, max_size=10).map(" ".join)
block = st.lists(line, min_size=1, max_size=5).map("\n".join)
page = st.lists(block, min_size=1, max_size=4).map("\n\n".join)
documents = st.lists(page, min_size=1, max_size=3).map("\f".join)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _read(tmp_path, text: str):
    """The document, or ``None`` when the reader refuses a file with no readable text (its one job)."""
    path = tmp_path / "policy.txt"
    path.write_text(text, encoding="utf-8")
    try:
        return read_document(path, timeout=None)
    except InputError as error:
        assert "no readable text" in error.reason or "not a text file" in error.reason, error.reason
        return None


def lost_lines(document, clauses) -> list[str]:
    """Lines holding a word (other than a marker) that no clause covers, other than heading lines."""
    covered = sorted((c.start, c.end) for c in clauses)
    headings = {" ".join(h.split()) for c in clauses for h in c.heading_path}
    lost = []
    lines = document.lines
    titles = container_title_lines(document)
    for i, line in enumerate(lines):
        text = " ".join(line.text.split())
        if not text or only_marker(text) or set(text.split()) <= MARKER_TOKENS or match_container(text, 0):
            continue  # bare markers and container headings ("Chapter I") are structure, not clause text
        if i in titles:
            continue  # the title under a container heading ("BAB II" / "KETENTUAN UMUM")
        following = lines[i + 1].start if i + 1 < len(lines) else None
        if (
            following is not None
            and len(text) <= 100
            and (match_section(document.text, following) or match_items(document.text, following))
        ):
            continue  # a title line: it names the next section, in that section's heading path
        if any(text in h or h in text for h in headings if h):
            continue
        for match in re.finditer(r"\S+", line.text):
            if match.group() in MARKER_TOKENS:
                continue  # a clause's number ("Sec. 4" before "(a) …") is kept as its number, not its text
            at = line.start + match.start()
            if not any(start <= at < end for start, end in covered):
                lost.append(line.text)
                break
    return lost


def container_title_lines(document) -> set[int]:
    """Indexes of the lines a container heading takes as its title: up to three lines after it, in its
    block or in capitals ("BAB II" / "KETENTUAN UMUM"), as the segmenter reads them."""
    lines, text, found = document.lines, document.text, set()
    for i, line in enumerate(lines):
        if not match_container(text, line.start):
            continue
        for j in range(i + 1, min(i + 4, len(lines))):
            following = lines[j]
            in_title = following.block == line.block and following.page == line.page
            if not (in_title or UPPERCASE_TITLE.match(following.text.strip())):
                break
            if any(match(text, following.start) for match in (match_section, match_items, match_container)):
                break
            found.add(j)
    return found


@SETTINGS
@given(documents)
@example("BAB II\n\n000")  # cases Hypothesis found while the property was being made precise
@example("BAB II\nshall\n0")
@example("shall\n\nSection 3.")
@example("Sec. 4 (a) shall")
@example("\x08")
@example("V A\n•")  # a roman heading's title ran on into the next line
def test_segmenter_never_fails_and_never_loses_text(tmp_path, text):
    document = _read(tmp_path, text)
    if document is None:
        return
    clauses = segment(document)
    assert not lost_lines(document, clauses)
    for clause in clauses:
        assert 0 <= clause.start < clause.end <= len(document.text)
        assert " ".join(document.text[clause.start : clause.end].split()) in clause.text


@SETTINGS
@given(documents)
def test_clauses_come_in_reading_order_without_overlap(tmp_path, text):
    document = _read(tmp_path, text)
    if document is None:
        return
    clauses = segment(document)
    spans = [(c.start, c.end) for c in clauses]
    assert spans == sorted(spans)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False))
