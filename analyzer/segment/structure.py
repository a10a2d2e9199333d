"""Walk a document's lines and cut them into clauses by the document's own numbering.

:func:`raw_clauses` keeps a stack of open numbering levels. A keyword section ("Section 5", "Pasal 5",
"มาตรา ๕") resets it; an item marker ("(a)", "1.", "•") is accepted only when it continues a level on
the stack ("(b)" after "(a)") or opens a new, deeper level with a first value ("(a)", "(1)", "(i)"), so
that numbers quoted in running text are not taken for clauses. Container headings (Part, Chapter, Bab)
feed the heading path; tables of contents are skipped; the Indonesian PENJELASAN is its own division.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from analyzer.segment.markers import (
    Marker,
    is_first,
    is_successor,
    load_patterns,
    match_container,
    match_items,
    match_section,
    style_of,
)
from analyzer.segment.wording import (
    MAX_BOTTOM_JUMP,
    TERMINAL,
    UPPERCASE_TITLE,
    compose,
    contents_lines,
    is_lead_in,
    same_block,
    section_label,
    section_title,
)
from analyzer.types import Document, Line


@dataclass
class Frame:
    marker: Marker
    number: str
    clause: int
    bullets: int = 0


@dataclass
class RawClause:
    number: str
    heading_path: tuple[str, ...]
    start: int
    end: int
    division: str
    lead_in: str = ""
    keyword: bool = False


@dataclass
class _State:
    doc: Document
    lines: tuple[Line, ...]
    keyword_mode: bool
    division: str
    clauses: list[RawClause] = field(default_factory=list)
    containers: dict[int, str] = field(default_factory=dict)
    stack: list[Frame] = field(default_factory=list)
    section_label: str = ""
    last_section: int = 0
    open_clause: int | None = None
    pending_title: str = ""
    list_lead: str = ""
    line_length: float = 80.0


def raw_clauses(doc: Document) -> list[RawClause]:
    """The clauses of ``doc`` as offsets, numbers, heading paths, lead-ins and divisions."""
    patterns = load_patterns()
    lines = doc.lines
    contents = contents_lines(lines)
    sections = sum(
        1 for i, line in enumerate(lines) if i not in contents and match_section(doc.text, line.start)
    )
    state = _State(doc, lines, sections >= 2, "preamble")
    if lines:
        state.line_length = statistics.median(len(line.text) for line in lines)
    skip_until = -1
    for i, line in enumerate(lines):
        if i <= skip_until:
            continue
        if i in contents:
            _close(state)
            continue
        text = line.text
        if state.division == "preamble" and patterns.body_start.match(text):
            state.division = "body"
        if patterns.explanation_start.match(text):
            _close(state)
            state.division, state.stack, state.containers = "explanation", [], {}
            state.last_section, state.section_label = 0, ""
            continue
        if len(text) < 140 and (container := match_container(doc.text, line.start)):
            skip_until = _open_container(state, i, container)
            continue
        if _is_title_line(state, i):
            _close(state)
            state.pending_title = text.strip()
            continue
        if _try_section(state, i) or _try_item(state, i):
            continue
        _extend(state, line)
    _close(state)
    return state.clauses


def _heading_path(state: _State) -> tuple[str, ...]:
    path = tuple(state.containers[k] for k in sorted(state.containers))
    return path + ((state.section_label,) if state.section_label else ())


def _close(state: _State) -> None:
    state.open_clause = None


def _start_clause(state: _State, number: str, start: int, end: int, *, keyword: bool = False) -> int:
    lead = _lead_in(state)
    state.clauses.append(RawClause(number, _heading_path(state), start, end, state.division, lead, keyword))
    state.open_clause = len(state.clauses) - 1
    return state.open_clause


def _extend(state: _State, line: Line) -> None:
    if state.open_clause is None:
        number = state.stack[-1].number if state.stack else ""
        if not state.stack:
            state.list_lead = ""
        _start_clause(state, number, line.start, line.end)
    else:
        state.clauses[state.open_clause].end = line.end


def _open_container(state: _State, i: int, marker: Marker) -> int:
    """Record a Part/Chapter heading (with title lines of the same block); return the last line used."""
    _close(state)
    lines = state.lines
    parts = [lines[i].text.strip()]
    last = i
    for j in range(i + 1, min(i + 4, len(lines))):
        nxt = lines[j]
        if not (same_block(nxt, lines[i]) or UPPERCASE_TITLE.match(nxt.text.strip())):
            break
        if match_section(state.doc.text, nxt.start) or match_items(state.doc.text, nxt.start):
            break
        if match_container(state.doc.text, nxt.start):
            break
        parts.append(nxt.text.strip())
        last = j
    level = marker.rule.level
    state.containers = {k: v for k, v in state.containers.items() if k < level}
    state.containers[level] = " ".join(parts)
    # Sections numbered without a keyword ("6.") run on across Parts: keep that level's count.
    state.stack = [] if state.keyword_mode else state.stack[:1]
    state.section_label, state.list_lead = "", ""
    return last


def _is_title_line(state: _State, i: int) -> bool:
    """A short line alone in its block, without final punctuation, followed by a section heading."""
    lines, line = state.lines, state.lines[i]
    if i + 1 >= len(lines) or len(line.text) > 100 or TERMINAL.search(line.text):
        return False
    alone = not same_block(line, lines[i + 1]) and not (i and same_block(line, lines[i - 1]))
    if not alone or match_items(state.doc.text, line.start) or match_section(state.doc.text, line.start):
        return False
    nxt = lines[i + 1].start
    if match_section(state.doc.text, nxt):
        return True
    if state.keyword_mode:
        return False
    chosen = _accept(state, match_items(state.doc.text, nxt))
    return chosen is not None and chosen[0] == 0


def _try_section(state: _State, i: int) -> bool:
    line = state.lines[i]
    marker = match_section(state.doc.text, line.start)
    if not marker:
        return False
    value = marker.value
    if state.last_section and not (state.last_section <= value <= state.last_section + 10):
        return False
    _close(state)
    state.last_section = value
    if state.division == "preamble":
        state.division = "body"
    keyword = " ".join(state.doc.text[line.start : marker.start + len(marker.num)].split())
    title = state.pending_title or section_title(state.doc.text[marker.end : line.end])
    state.pending_title = ""
    state.section_label = section_label(keyword, title)
    state.stack, state.list_lead = [], ""
    index = _start_clause(state, marker.num, line.start, line.end, keyword=True)
    state.stack = [Frame(marker, marker.num, index)]
    _chain(state, marker.end, i)
    return True


def _mid_sentence(state: _State, i: int) -> bool:
    """Whether line ``i`` continues the previous line's sentence (so a marker there is a quotation)."""
    if not i:
        return False
    previous, line = state.lines[i - 1], state.lines[i]
    if not same_block(previous, line):
        return False
    tail = previous.text.rstrip()
    if not tail or not ("a" <= tail[-1] <= "z") or len(tail) < 0.6 * state.line_length:
        return False
    if match_section(state.doc.text, previous.start) or match_container(state.doc.text, previous.start):
        return False
    last_word = tail.rsplit(None, 1)[-1].lower()
    return last_word not in load_patterns().conjunctions


def _accept(state: _State, candidates: list[Marker]) -> tuple[int, Marker] | None:
    """Choose the reading of an item marker that fits the stack: (depth to keep, marker)."""
    for marker in candidates:
        for depth, frame in enumerate(state.stack):
            if style_of(frame.marker) != style_of(marker):
                continue
            if is_successor(frame.marker, marker):
                return depth, marker
            bottom_jump = (
                depth == 0
                and not state.keyword_mode
                and marker.rule.kind == "number"
                and frame.marker.value < marker.value <= frame.marker.value + MAX_BOTTOM_JUMP
            )
            if bottom_jump:
                return depth, marker
    names = {style_of(frame.marker) for frame in state.stack}
    for marker in candidates:
        if style_of(marker) not in names and is_first(marker):
            return len(state.stack), marker
    if not state.stack and not any(clause.number for clause in state.clauses):
        # A document (or excerpt) may open with section 3: the first numbered line sets the count.
        for marker in candidates:
            if marker.rule.kind == "number" and marker.rule.name == "number-dot":
                return 0, marker
    return None


def _try_item(state: _State, i: int, pos: int | None = None) -> bool:
    line = state.lines[i]
    pos = line.start if pos is None else pos
    candidates = match_items(state.doc.text, pos)
    if not candidates or (pos == line.start and _mid_sentence(state, i)):
        return False
    chosen = _accept(state, candidates)
    if chosen is None:
        return False
    depth, marker = chosen
    if depth == 0 and not state.keyword_mode and state.division == "preamble":
        state.division = "body"
    _remember_list_lead(state, depth)
    bullets = state.stack[depth].bullets + 1 if depth < len(state.stack) else 1
    if state.open_clause is not None and pos > line.start:
        state.clauses[state.open_clause].end = pos
    del state.stack[depth:]
    _close(state)
    number = compose(state.stack[-1].number if state.stack else "", marker, bullets)
    if not state.stack and not state.keyword_mode and marker.rule.kind != "bullet":
        title, state.pending_title = state.pending_title, ""
        state.section_label = f"{number}. {title}" if title else ""
    index = _start_clause(state, number, pos, line.end)
    state.stack.append(Frame(marker, number, index, bullets))
    _chain(state, marker.end, i)
    return True


def _remember_list_lead(state: _State, depth: int) -> None:
    """A list opening right after an unnumbered paragraph takes that paragraph as its lead-in."""
    if depth != len(state.stack) or state.open_clause is None:
        return
    if any(frame.clause == state.open_clause for frame in state.stack):
        return
    clause = state.clauses[state.open_clause]
    own = " ".join(state.doc.text[clause.start : clause.end].split())
    state.list_lead = own[-300:] if is_lead_in(own) else ""


def _chain(state: _State, pos: int, i: int) -> None:
    """A marker right after another on the same line ("1. (1) This Act ...") opens a nested clause."""
    text, line = state.doc.text, state.lines[i]
    while pos < line.end and text[pos] in " \t":
        pos += 1
    if pos >= line.end:
        return
    candidates = [m for m in match_items(text, pos) if is_first(m) and m.rule.kind != "bullet"]
    if not candidates:
        return
    _try_item(state, i, pos)


def _lead_in(state: _State) -> str:
    """The lead-in texts of the open levels ("The shelter shall ensure that:") for a new list item."""
    parts = [state.list_lead] if state.list_lead else []
    for frame in state.stack:
        clause = state.clauses[frame.clause]
        own = " ".join(state.doc.text[clause.start : clause.end].split())
        if is_lead_in(own):
            parts.append(own if len(own) <= 300 else "…" + own[-300:])
    return " ".join(parts)
