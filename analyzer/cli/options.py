"""Options that ``dnh segment`` and ``dnh audit`` share: the limits of a parse, OCR and the PDF engine.

Each is a ``typer.Option`` used as a parameter default in both commands; :func:`read_options` turns the
values into the keyword arguments of :func:`analyzer.ingest.read_document`.
"""

from __future__ import annotations

import math

import typer

from analyzer.ingest.limits import DEFAULT_LIMITS, MIN_MEMORY_MB

TIMEOUT = typer.Option(
    DEFAULT_LIMITS.timeout, "--timeout", min=1, help="Seconds allowed to parse one document, OCR included."
)
MAX_FILE_MB = typer.Option(
    DEFAULT_LIMITS.max_file_mb, "--max-file-mb", min=0.001, help="Largest file read, in MB."
)
MAX_PAGES = typer.Option(DEFAULT_LIMITS.max_pages, "--max-pages", min=1, help="Most pages a PDF may have.")
MEMORY_MB = typer.Option(
    DEFAULT_LIMITS.memory_mb,
    "--memory-mb",
    min=0,
    help="Memory the parsing process may use, in MB (0: no limit; else at least 64).",
)
MAX_UNPACKED_MB = typer.Option(
    DEFAULT_LIMITS.max_unpacked_mb,
    "--max-unpacked-mb",
    min=0.001,
    help="Most that a PDF's streams or a DOCX's parts may unpack to, in MB.",
)
OCR = typer.Option(
    True, "--ocr/--no-ocr", help="Recognise PDF pages without a usable text layer (Tesseract)."
)
OCR_LANG = typer.Option(
    None,
    "--ocr-lang",
    help="OCR language: en, id, ms, tl, vi, th, lo, km, my, or a Tesseract spec (tha+eng).",
)
ENGINE = typer.Option(
    "auto", "--engine", help="PDF text engine: auto (PDFium, pdfplumber when needed), pdfplumber, pdfium."
)


# The largest values the limits take: a week per document, a terabyte, ten million pages. Beyond them a
# value means "no limit", which the clocks and sizes underneath cannot hold (inf was a traceback).
MOST = {
    "timeout": 7 * 24 * 3600,
    "max_file_mb": 1_000_000,
    "max_pages": 10_000_000,
    "memory_mb": 1_000_000,
    "max_unpacked_mb": 1_000_000,
}


def read_options(
    *,
    timeout: float,
    max_file_mb: float,
    max_pages: int,
    memory_mb: int,
    max_unpacked_mb: float,
    ocr: bool,
    ocr_lang: str | None,
    engine: str = "auto",
) -> dict:
    """The keyword arguments of ``read_document`` for these option values; an unknown ``--engine`` fails."""
    from analyzer.cli.app import fail
    from analyzer.ingest import PDF_ENGINES

    if engine not in PDF_ENGINES:
        fail(f"--engine {engine}: choose from {', '.join(PDF_ENGINES)}")
    for option, value, most in (
        ("--timeout", timeout, MOST["timeout"]),
        ("--max-file-mb", max_file_mb, MOST["max_file_mb"]),
        ("--max-pages", max_pages, MOST["max_pages"]),
        ("--memory-mb", memory_mb, MOST["memory_mb"]),
        ("--max-unpacked-mb", max_unpacked_mb, MOST["max_unpacked_mb"]),
    ):
        if not math.isfinite(value) or value > most:  # inf and 1e308 overflowed a clock or a size
            fail(f"{option} {value:g}: give at most {most:g}")
    if 0 < memory_mb < MIN_MEMORY_MB:
        fail(f"--memory-mb {memory_mb}: give 0 (no limit) or at least {MIN_MEMORY_MB} (a parse needs more)")
    return {
        "timeout": timeout,
        "max_file_mb": max_file_mb,
        "max_pages": max_pages,
        "memory_mb": memory_mb or None,
        "max_unpacked_mb": max_unpacked_mb,
        "ocr": ocr,
        "ocr_lang": ocr_lang,
        "engine": engine,
    }
