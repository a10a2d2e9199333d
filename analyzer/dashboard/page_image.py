"""A PDF page as an image with the audited clauses drawn on it, as the dashboard shows it.

The page is rendered with pypdfium2 and each highlight of :func:`analyzer.report.pdf.highlights` (a clause's
lines on the page, for one stance) is filled in its stance's colour; the clause the user selected is also
outlined. Boxes are in pdfplumber's coordinates (points from the page's top-left corner), so they are
scaled by the rendering's resolution. Rotated pages are rendered without boxes, as the highlighted PDF
leaves them without annotations.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from analyzer.errors import InputError
from analyzer.ingest.pdf_checks import password_needed
from analyzer.report.pdf import Highlight, highlights, stance_colour
from analyzer.types import AuditResult, Finding

FILL_ALPHA = 90
OUTLINE_WIDTH = 3
SELECTED_OUTLINE = (20, 60, 200, 255)
MAX_PIXELS = 40_000_000  # a hostile page size must not make the server allocate gigabytes
RENDER_TIMEOUT = 30.0  # seconds to render one page (a normal page takes well under one)
RENDER_MEMORY_MB = 1024  # memory the rendering process may take beyond what it inherits


@dataclass(frozen=True)
class PageImage:
    """The rendered page, the highlights drawn on it, and why boxes were left out (empty if they were not)."""

    image: Image.Image
    drawn: tuple[Highlight, ...]
    note: str = ""


def page_highlights(
    result: AuditResult,
    page: int,
    *,
    include_review: bool = True,
    findings: Iterable[Finding] | None = None,
) -> list[Highlight]:
    """The highlights of ``result`` that fall on ``page``: of all its findings, or of ``findings`` only
    (those the screen's filters show, so that the page shows what the list shows)."""
    if findings is not None:
        result = dataclasses.replace(result, findings=tuple(findings))
    return [h for h in highlights(result, include_review=include_review) if h.page == page]


def render_page(
    pdf_path: Path | str,
    page: int,
    found: list[Highlight],
    *,
    selected: str | None = None,
    scale: float = 1.5,
    password: str | None = None,
    timeout: float | None = RENDER_TIMEOUT,
) -> PageImage:
    """Page ``page`` (from 1) of the PDF with ``found`` drawn on it; ``selected`` is a clause id to outline.

    ``scale`` is lowered where needed to keep the image under :data:`MAX_PIXELS`. The page is rendered in
    a child process stopped after ``timeout`` seconds and capped at :data:`RENDER_MEMORY_MB` (a page
    built to be slow or huge must not hold up or exhaust the server); ``None`` renders in this process.
    """
    options = {"page": page, "found": found, "selected": selected, "scale": scale, "password": password}
    if timeout is None:
        return _render(Path(pdf_path), **options)
    from analyzer.ingest.isolate import run_with_time_limit

    return run_with_time_limit(
        _render,
        Path(pdf_path),
        timeout=timeout,
        memory_mb=RENDER_MEMORY_MB,
        activity=f"rendering page {page}",
        **options,
    )


def _render(
    path: Path, *, page: int, found: list[Highlight], selected: str | None, scale: float, password: str | None
) -> PageImage:
    try:
        pdf = pdfium.PdfDocument(str(path), password=password_needed(path, password))
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise InputError(
                path, "the PDF is encrypted: upload it again with its password to see its pages"
            ) from error
        raise InputError(path, f"cannot render the PDF ({error})") from error
    try:
        if not 1 <= page <= len(pdf):
            raise InputError(path, f"has no page {page} (it has {len(pdf)})")
        pdf_page = pdf[page - 1]
        rotated = pdf_page.get_rotation() % 360 != 0
        width, height = pdf_page.get_size()
        scale = min(scale, (MAX_PIXELS / max(width * height, 1.0)) ** 0.5)
        image = pdf_page.render(scale=scale).to_pil().convert("RGBA")
    finally:
        pdf.close()
    if rotated:
        return PageImage(image.convert("RGB"), (), "this page is rotated: its clauses are not drawn on it")
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for highlight in found:
        colour = tuple(
            round(c * 255) for c in stance_colour(highlight.stance, needs_review=highlight.needs_review)
        )
        outline = SELECTED_OUTLINE if highlight.clause_id == selected else None
        for box in highlight.boxes:
            rect = [box.x0 * scale, box.top * scale, box.x1 * scale, box.bottom * scale]
            draw.rectangle(rect, fill=(*colour, FILL_ALPHA), outline=outline, width=OUTLINE_WIDTH)
    return PageImage(Image.alpha_composite(image, overlay).convert("RGB"), tuple(found))
