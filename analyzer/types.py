"""The typed records that flow between the pipeline's stages.

``Document`` (with its ``Page`` and ``Line`` records) comes out of ingest, ``Clause`` out of segment,
``Finding`` out of classify and ``AuditResult`` out of the pipeline. They are frozen dataclasses defined
here once; every stage imports them from this module.

Coordinates follow pdfplumber: points, origin at the top-left corner of the page, ``top`` < ``bottom``.
Pages are numbered from 1. Character offsets index ``Document.text``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Literal

Stance = Literal["HARMFUL", "PROTECTIVE", "NEUTRAL"]
# The language of the clauses the rules and the model read (their words, the tokenizer and the corpus are
# English): a document in another language is audited with a warning (analyzer.ingest.language).
CLAUSE_LANGUAGE = "en"
STANCES: tuple[str, ...] = ("HARMFUL", "PROTECTIVE", "NEUTRAL")

# What the reports say wrote them (the HTML report's generator, the highlighted PDF's /Creator): the
# readers refuse a report given back as a policy (an earlier run's reports in the folder audited).
GENERATOR = "Do No Harm Policy Analyzer"
OWN_REPORT = "a report written by dnh, not a policy document: audit the document it reports on"

# The canonical principle IDs of ../shared/TAXONOMY.md, in its order. Stored audits, exports and
# evaluation sets use them: never rename one. The taxonomy data file describes each of them.
PRINCIPLE_IDS: tuple[str, ...] = (
    "NON_PUNISHMENT",
    "NON_DETENTION",
    "FREEDOM_OF_MOVEMENT",
    "UNCONDITIONAL_ASSISTANCE",
    "INFORMED_CONSENT",
    "VOLUNTARY_SAFE_RETURN",
    "CHILD_BEST_INTERESTS",
    "PRIVACY_CONFIDENTIALITY",
    "NON_DISCRIMINATION",
    "VICTIM_IDENTIFICATION",
    "ACCESS_TO_JUSTICE",
    "NON_REVICTIMISATION",
    "REINTEGRATION_SUPPORT",
)


@dataclass(frozen=True)
class Box:
    """A rectangle on one page, in PDF points from the top-left corner."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float

    def to_dict(self) -> dict:
        return {k: (round(v, 2) if isinstance(v, float) else v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class Line:
    """One line of text in reading order, with its offsets in ``Document.text``.

    ``box`` is ``None`` for formats without a page layout (TXT, HTML, DOCX). ``block`` numbers the
    paragraph-like block the line belongs to on its page; a new block starts a new paragraph.
    """

    text: str
    start: int
    end: int
    page: int
    block: int = 0
    box: Box | None = None


@dataclass(frozen=True)
class Page:
    """One page: its size, its lines in reading order, whether its text came from OCR and, if so, the
    OCR confidence (0–1: Tesseract's word confidences averaged, weighted by word length)."""

    number: int
    width: float | None
    height: float | None
    lines: tuple[Line, ...]
    ocr: bool = False
    ocr_confidence: float | None = None

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True)
class Document:
    """An ingested document. ``doc_id`` is the SHA-256 of the file's bytes."""

    doc_id: str
    path: str
    title: str
    format: str
    language: str
    pages: tuple[Page, ...]
    text: str
    country: str | None = None
    doc_type: str | None = None
    year: int | None = None
    warnings: tuple[str, ...] = ()

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def lines(self) -> tuple[Line, ...]:
        return tuple(line for page in self.pages for line in page.lines)

    def ocr_confidence(self, pages: Iterable[int]) -> float | None:
        """The lowest OCR confidence among ``pages`` (a clause's pages), or ``None`` if none was OCR'd."""
        wanted = set(pages)
        found = [p.ocr_confidence for p in self.pages if p.number in wanted and p.ocr_confidence is not None]
        return min(found) if found else None


@dataclass(frozen=True)
class Clause:
    """A unit of the document's own structure: an article, a sub-section, a list item or a sentence.

    ``number`` is the number as printed, without the keyword ("17", "16(a)", "3.2.1"); it is empty for
    unnumbered clauses. ``text`` is the clause's own text with whitespace normalised, preceded by the
    lead-in of its list when it is a list item (``lead_in`` holds that lead-in alone). ``start`` and
    ``end`` delimit the clause's own text in ``Document.text``. ``division`` is ``"body"`` or
    ``"explanation"`` (the PENJELASAN part of Indonesian regulations).
    """

    clause_id: str
    doc_id: str
    number: str
    heading_path: tuple[str, ...]
    text: str
    start: int
    end: int
    pages: tuple[int, ...]
    boxes: tuple[Box, ...] = ()
    lead_in: str = ""
    division: str = "body"

    def to_dict(self) -> dict:
        return {
            "clause_id": self.clause_id,
            "doc_id": self.doc_id,
            "number": self.number,
            "heading_path": list(self.heading_path),
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "pages": list(self.pages),
            "boxes": [box.to_dict() for box in self.boxes],
            "lead_in": self.lead_in,
            "division": self.division,
        }


@dataclass(frozen=True)
class Finding:
    """One (principle, stance) judgement on a clause, with its explanation."""

    clause_id: str
    principle: str
    stance: Stance
    confidence: float
    needs_review: bool = False
    evidence: tuple[str, ...] = ()
    rationale: str = ""
    source: Literal["rules", "model", "combined"] = "combined"
    model_version: str = ""
    taxonomy_version: str = ""


@dataclass(frozen=True)
class AuditResult:
    """Everything known about one audited document."""

    document: Document
    clauses: tuple[Clause, ...]
    findings: tuple[Finding, ...]
    scorecard: dict = field(default_factory=dict)
    gaps: tuple[str, ...] = ()
