"""The highlighted PDF: a copy of the original with real highlight annotations over the flagged clauses.

:func:`highlight_pdf` writes one ``/Highlight`` annotation per (clause, stance, page): a clause with a
harmful and a protective finding gets a red and a green highlight, each with its own note (principle
names, stance, confidence, rationale and, for harmful findings, the taxonomy's better wording).
Findings marked ``needs_review`` are drawn lighter and said so in the note. The page's own harmless
annotations are kept. :func:`highlight_counts` reads our highlights back, by stance.

The copy is meant to be safe to open: :func:`~analyzer.report.pdf_safety.without_active_content` first
strips what would run a script, start a program, send or load data, or open an embedded or other file.

Coordinates: clause boxes come from pdfplumber, which measures ``top`` down from the top of a page of
the MediaBox's height and ``x0`` in user space, whatever the MediaBox's origin; it ignores the
CropBox. So ``x = x0`` and ``y = mediabox height - top`` in PDF user space; a CropBox moves nothing
(it only trims what a viewer shows). Only unrotated pages (``/Rotate 0``) are handled: a clause on a
rotated page gets no highlight and a :class:`UserWarning` says so.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from analyzer.errors import InputError
from analyzer.ingest.pdf_checks import open_quietly
from analyzer.report.pdf_safety import without_active_content
from analyzer.taxonomy import Taxonomy, load_taxonomy
from analyzer.types import GENERATOR, STANCES, AuditResult, Box, Finding

AUTHOR = GENERATOR
NAME_PREFIX = "dnh-"
STANCE_COLOURS: dict[str, tuple[float, float, float]] = {
    "HARMFUL": (1.0, 0.35, 0.35),
    "PROTECTIVE": (0.35, 0.8, 0.35),
    "NEUTRAL": (0.75, 0.75, 0.75),
}
OPACITY = 0.7
REVIEW_OPACITY = 0.45
REVIEW_LIGHTEN = 0.3  # share of white mixed into the colour of a highlight that needs review


@dataclass(frozen=True)
class Highlight:
    """What one annotation covers: the lines of one clause on one page, for the findings of one stance."""

    clause_id: str
    clause_number: str
    stance: str
    page: int
    boxes: tuple[Box, ...]
    findings: tuple[Finding, ...]

    @property
    def needs_review(self) -> bool:
        """True when every finding behind the highlight is uncertain."""
        return all(finding.needs_review for finding in self.findings)

    @property
    def name(self) -> str:
        """The annotation's ``/NM``: unique within the document, and readable back into its triple."""
        return annotation_name(self.clause_id, self.stance, self.page)


def annotation_name(clause_id: str, stance: str, page: int) -> str:
    return f"{NAME_PREFIX}{clause_id}-{stance}-p{page}"


def highlights(result: AuditResult, *, include_review: bool = True) -> list[Highlight]:
    """The (clause, stance, page) triples to highlight, in page and clause order."""
    by_clause: dict[str, dict[str, list[Finding]]] = {}
    for finding in result.findings:
        if finding.needs_review and not include_review:
            continue
        by_clause.setdefault(finding.clause_id, {}).setdefault(finding.stance, []).append(finding)
    found: list[Highlight] = []
    for clause in result.clauses:
        stances = by_clause.get(clause.clause_id, {})
        pages = sorted({box.page for box in clause.boxes})
        for stance in STANCES:
            if stance not in stances:
                continue
            for page in pages:
                boxes = tuple(box for box in clause.boxes if box.page == page)
                found.append(
                    Highlight(clause.clause_id, clause.number, stance, page, boxes, tuple(stances[stance]))
                )
    return sorted(found, key=lambda h: h.page)


def annotation_note(highlight: Highlight, *, taxonomy: Taxonomy) -> str:
    """The popup note, plain text: per finding its principle, stance, confidence, rationale and fix."""
    where = f"clause {highlight.clause_number}" if highlight.clause_number else "unnumbered clause"
    review = " (needs review)" if highlight.needs_review else ""
    parts = [f"{highlight.stance}{review} - {where}, page {highlight.page}"]
    for finding in highlight.findings:
        try:
            principle = taxonomy.get(finding.principle)
            name, wording = principle.name, principle.recommended_wording
        except KeyError:
            name, wording = finding.principle, ""
        flag = " (needs review)" if finding.needs_review else ""
        lines = [f"{name}: {finding.stance}, confidence {finding.confidence:.2f}{flag}"]
        if finding.rationale:
            lines.append(" ".join(finding.rationale.split()))
        if finding.stance == "HARMFUL" and wording:
            lines.append(f"Better wording: {' '.join(wording.split())}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def stance_colour(stance: str, *, needs_review: bool = False) -> tuple[float, float, float]:
    """The stance's colour as RGB in 0-1, mixed with white when the highlight needs review."""
    mix = REVIEW_LIGHTEN if needs_review else 0.0
    r, g, b = (round(c + (1 - c) * mix, 3) for c in STANCE_COLOURS[stance])
    return (r, g, b)


def user_space_quads(boxes: Iterable[Box], *, page_height: float) -> list[tuple[float, float, float, float]]:
    """Each box as ``(x0, y0, x1, y1)`` in PDF user space (origin bottom-left), ``y = height - top``."""
    return [(box.x0, page_height - box.bottom, box.x1, page_height - box.top) for box in boxes]


def highlight_pdf(
    result: AuditResult,
    source: Path,
    out: Path,
    *,
    taxonomy: Taxonomy | None = None,
    include_review: bool = True,
    password: str | None = None,
) -> Path:
    """Write ``source`` to ``out`` with highlight annotations over the clauses that have findings.

    ``source`` must be the audited PDF itself (its SHA-256 is the document's ``doc_id``); anything else
    is refused with :class:`InputError`, since the clause boxes would not fit it. ``password`` is used
    only if the PDF needs one (a PDF with an owner password alone opens without). The copy keeps the
    pages and their harmless annotations but none of the active content listed in
    :func:`without_active_content`, and it is written unencrypted. Pages left unhighlighted (rotated
    ones) are said in a :class:`UserWarning`.
    """
    written, notes = highlight_pdf_noting(
        result, source, out, taxonomy=taxonomy, include_review=include_review, password=password
    )
    for note in notes:
        warnings.warn(f"{Path(source).name}: {note}", stacklevel=2)
    return written


def highlight_pdf_noting(
    result: AuditResult,
    source: Path,
    out: Path,
    *,
    taxonomy: Taxonomy | None = None,
    include_review: bool = True,
    password: str | None = None,
) -> tuple[Path, list[str]]:
    """:func:`highlight_pdf`, returning what it would warn of (pages left unhighlighted because they are
    rotated) as lines without the file name, for a caller that says them its own way (one ``dnh:``
    line, a caption). No warning filter is set: the dashboard and Dask workers highlight in threads."""
    source, out = Path(source), Path(out)
    _check_source(result, source)
    taxonomy = taxonomy or load_taxonomy()
    try:
        pdf = open_quietly(source, password, allow_overwriting_input=True)
    except pikepdf.PasswordError as error:
        reason = (
            "the password given for this PDF is wrong"
            if password
            else "the PDF is encrypted: give its password"
        )
        raise InputError(source, reason) from error
    except pikepdf.PdfError as error:
        raise InputError(source, f"cannot open the PDF: {' '.join(str(error).split())}") from error
    with pdf:
        without_active_content(pdf)
        stamp = datetime.now(UTC).strftime("D:%Y%m%d%H%M%SZ")
        skipped: set[int] = set()
        for highlight in highlights(result, include_review=include_review):
            if not 1 <= highlight.page <= len(pdf.pages):
                continue
            page = pdf.pages[highlight.page - 1]
            if page.rotation % 360:
                skipped.add(highlight.page)
                continue
            note = annotation_note(highlight, taxonomy=taxonomy)
            annotation = _annotation(pdf, page, highlight, note=note, stamp=stamp)
            if Name.Annots not in page.obj:
                page.obj.Annots = pdf.make_indirect(Array())
            page.obj.Annots.append(annotation)
        pdf.docinfo[Name.Creator] = String(GENERATOR)  # the readers refuse it as a policy
        out.parent.mkdir(parents=True, exist_ok=True)
        pdf.save(out)
    notes = [f"pages {sorted(skipped)} are rotated; their clauses are not highlighted"] if skipped else []
    return out, notes


def highlight_counts(path: Path) -> dict[str, int]:
    """Our highlight annotations in a PDF (those whose ``/T`` is :data:`AUTHOR`), counted by stance."""
    counts = dict.fromkeys(STANCES, 0)
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for annotation in page.obj.get(Name.Annots, Array()):
                if (
                    annotation.get(Name.Subtype) != Name.Highlight
                    or str(annotation.get(Name.T, "")) != AUTHOR
                ):
                    continue
                stance = str(annotation.get(Name.Subj, ""))
                counts[stance] = counts.get(stance, 0) + 1
    return counts


def text_string(text: str) -> String:
    """A PDF text string: ASCII as is, anything else as UTF-16BE with its byte-order mark.

    pikepdf would pick PDFDocEncoding where it can, which is valid PDF but which pdfplumber's
    ``page.annots`` (it tries UTF-8, then UTF-16) cannot decode.
    """
    if text.isascii():
        return String(text)
    return String(b"\xfe\xff" + text.encode("utf-16-be"))


def _check_source(result: AuditResult, source: Path) -> None:
    if not source.is_file():
        raise InputError(source, "no such file")
    with source.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        raise InputError(source, "not a PDF: only PDF documents can be highlighted")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    if result.document.doc_id and digest != result.document.doc_id:
        raise InputError(source, "is not the audited document (its SHA-256 differs from the audit's)")


def _annotation(pdf: pikepdf.Pdf, page: pikepdf.Page, highlight: Highlight, *, note: str, stamp: str):
    """One indirect ``/Highlight`` annotation with quads, colour, note and an appearance stream."""
    box = page.mediabox
    height = float(box[3]) - float(box[1])
    quads = user_space_quads(highlight.boxes, page_height=height)
    rect = (
        min(q[0] for q in quads) - 1,
        min(q[1] for q in quads) - 1,
        max(q[2] for q in quads) + 1,
        max(q[3] for q in quads) + 1,
    )
    colour = stance_colour(highlight.stance, needs_review=highlight.needs_review)
    opacity = REVIEW_OPACITY if highlight.needs_review else OPACITY
    points = [v for x0, y0, x1, y1 in quads for v in (x0, y1, x1, y1, x0, y0, x1, y0)]
    return pdf.make_indirect(
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.Highlight,
            Rect=Array([round(v, 3) for v in rect]),
            QuadPoints=Array([round(v, 3) for v in points]),
            Contents=text_string(note),
            T=String(AUTHOR),
            Subj=String(highlight.stance),
            NM=String(highlight.name),
            M=String(stamp),
            CreationDate=String(stamp),
            F=4,
            C=Array(list(colour)),
            CA=opacity,
            P=page.obj,
            AP=Dictionary(N=_appearance(pdf, quads, rect=rect, colour=colour, opacity=opacity)),
        )
    )


def _appearance(pdf: pikepdf.Pdf, quads, *, rect, colour, opacity: float) -> pikepdf.Stream:
    """The normal appearance: the quads filled in the colour, multiplied onto the page like a marker."""
    ops = ["/GS0 gs", "{:.3f} {:.3f} {:.3f} rg".format(*colour)]
    ops += [f"{x0:.2f} {y0:.2f} {x1 - x0:.2f} {y1 - y0:.2f} re f" for x0, y0, x1, y1 in quads]
    stream = pikepdf.Stream(pdf, "\n".join(ops).encode("ascii"))
    stream.Type = Name.XObject
    stream.Subtype = Name.Form
    stream.BBox = Array([round(v, 3) for v in rect])
    stream.Resources = Dictionary(
        ExtGState=Dictionary(GS0=Dictionary(Type=Name.ExtGState, BM=Name.Multiply, CA=opacity, ca=opacity))
    )
    return stream
