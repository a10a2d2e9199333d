"""Ingest: turn a file into a :class:`~analyzer.types.Document`.

:func:`read_document` checks the file (exists, not empty, a format we read, content matching its
extension, within the size limit), picks the reader from :data:`READERS` and runs it in a worker process
under a time and memory limit, so that a hostile or broken file cannot hang or exhaust the caller. The
limits (:class:`~analyzer.ingest.limits.Limits`) and the OCR options
(:class:`~analyzer.ingest.ocr.OcrOptions`) are keyword arguments. Every refusal is an
:class:`~analyzer.errors.InputError` with a one-line reason.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from analyzer.errors import InputError
from analyzer.ingest.isolate import run_in_this_worker, run_with_time_limit
from analyzer.ingest.limits import DEFAULT_LIMITS, Limits, size_text
from analyzer.ingest.ocr import OcrOptions
from analyzer.types import GENERATOR, OWN_REPORT, Document

DEFAULT_TIMEOUT = DEFAULT_LIMITS.timeout

# extension -> (format name, module path of the reader, function name)
READERS: dict[str, tuple[str, str, str]] = {
    ".pdf": ("pdf", "analyzer.ingest.pdf", "read_pdf"),
    ".docx": ("docx", "analyzer.ingest.docx", "read_docx"),
    ".html": ("html", "analyzer.ingest.html", "read_html"),
    ".htm": ("html", "analyzer.ingest.html", "read_html"),
    ".xhtml": ("html", "analyzer.ingest.html", "read_html"),
    ".txt": ("txt", "analyzer.ingest.text", "read_text"),
    ".text": ("txt", "analyzer.ingest.text", "read_text"),
    ".md": ("md", "analyzer.ingest.text", "read_text"),
    ".markdown": ("md", "analyzer.ingest.text", "read_text"),
}

SUPPORTED = tuple(sorted(READERS))

# PDF text engine -> (module path of the reader, function name). "auto" reads with PDFium and falls back
# to pdfplumber for files PDFium cannot open or pages that need OCR (see analyzer.ingest.pdf_fast).
PDF_ENGINES: dict[str, tuple[str, str]] = {
    "auto": ("analyzer.ingest.pdf_fast", "read_pdf_auto"),
    "pdfplumber": ("analyzer.ingest.pdf", "read_pdf"),
    "pdfium": ("analyzer.ingest.pdf_fast", "read_pdf_fast"),
}
DEFAULT_ENGINE = "auto"
_GENERATOR_META = f'<meta name="generator" content="{GENERATOR}">'.encode()  # the HTML report's mark


def detect_format(path: Path) -> str:
    """Return the format name for ``path`` after checking that the file is usable and what it claims."""
    if not path.exists():
        raise InputError(path, "no such file")
    if path.is_dir():
        if not os.access(path, os.R_OK | os.X_OK):
            raise InputError(path, "a folder that cannot be read (permission denied)")
        raise InputError(path, "is a folder, not a document")
    if not path.is_file():  # a pipe or a device: reading could block or never end
        raise InputError(path, "not a regular file (a pipe or a device)")
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise InputError(
            path, f"unsupported file type {suffix or '(none)'!r}; supported: {', '.join(SUPPORTED)}"
        )
    try:
        size = path.stat().st_size
        if size == 0:
            raise InputError(path, "the file is empty")
        with open(path, "rb") as handle:
            head = handle.read(1024)
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror or type(error).__name__})") from None
    fmt = READERS[suffix][0]
    _check_magic(path, fmt, head)
    return fmt


def _check_magic(path: Path, fmt: str, head: bytes) -> None:
    is_pdf = b"%PDF-" in head[:1024]
    is_zip = head.startswith(b"PK\x03\x04")
    if fmt == "pdf" and not is_pdf:
        raise InputError(path, f"not a PDF: {_what_it_looks_like(head)}")
    if fmt == "docx" and not is_zip:
        raise InputError(path, f"not a DOCX (Word) file: {_what_it_looks_like(head)}")
    unicode_bom = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if fmt in {"txt", "md", "html"} and (is_pdf or is_zip or (b"\x00" in head and not unicode_bom)):
        raise InputError(path, f"not a text file: {_what_it_looks_like(head)}")
    if fmt == "html" and _GENERATOR_META in head:
        raise InputError(path, OWN_REPORT)


_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "it is a PDF"),
    (b"PK\x03\x04", "it is a zip archive (DOCX, XLSX or similar)"),
    (b"\x89PNG", "it is a PNG image"),
    (b"\xff\xd8\xff", "it is a JPEG image"),
    (b"GIF8", "it is a GIF image"),
    (b"II*\x00", "it is a TIFF image"),
    (b"MM\x00*", "it is a TIFF image"),
    (b"\xd0\xcf\x11\xe0", "it is an old Office (OLE) file such as .doc"),
    (b"{\\rtf", "it is an RTF file"),
)


def _what_it_looks_like(head: bytes) -> str:
    for magic, description in _SIGNATURES:
        if head.startswith(magic):
            return description
    stripped = head.lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html")):
        return "it is an HTML page"
    if b"\x00" in head:
        return "its content is binary of an unknown kind"
    return "its content is plain text"


def _reader(fmt_suffix: str, engine: str = DEFAULT_ENGINE) -> Callable[..., Document]:
    import importlib

    if engine not in PDF_ENGINES:
        raise ValueError(f"unknown PDF engine {engine!r}; choose from {', '.join(PDF_ENGINES)}")
    fmt, module, function = READERS[fmt_suffix]
    if fmt == "pdf":
        module, function = PDF_ENGINES[engine]
    return getattr(importlib.import_module(module), function)


def read_document(
    path: str | Path,
    *,
    password: str | None = None,
    timeout: float | None = DEFAULT_LIMITS.timeout,
    max_file_mb: float = DEFAULT_LIMITS.max_file_mb,
    max_pages: int = DEFAULT_LIMITS.max_pages,
    memory_mb: int | None = DEFAULT_LIMITS.memory_mb,
    max_unpacked_mb: float = DEFAULT_LIMITS.max_unpacked_mb,
    ocr: bool = True,
    ocr_lang: str | None = None,
    engine: str = DEFAULT_ENGINE,
    in_worker: bool = False,
) -> Document:
    """Read one file into a ``Document``; raise ``InputError`` with a one-line reason on bad input.

    ``timeout`` (seconds) and ``memory_mb`` bound the parse, which then runs in a separate process;
    ``timeout=None`` parses in the calling process, without a memory limit. ``max_file_mb``,
    ``max_pages`` and ``max_unpacked_mb`` (what compressed content may unpack to) refuse oversized input.
    ``ocr`` recognises PDF pages without a usable text layer, in ``ocr_lang`` (an ISO code such as
    ``"th"`` or a Tesseract spec such as ``"tha+eng"``) or else a detected language. ``engine`` picks the
    PDF text engine (:data:`PDF_ENGINES`). ``in_worker`` says the calling process is a disposable batch
    worker: the bounded parse then runs in it (:func:`~analyzer.ingest.isolate.run_in_this_worker`).
    """
    path = Path(path)
    limits = Limits(
        timeout=timeout,
        max_file_mb=max_file_mb,
        max_pages=max_pages,
        memory_mb=memory_mb,
        max_unpacked_mb=max_unpacked_mb,
    )
    fmt = detect_format(path)
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise InputError(
            path, f"refused: the file is {size_text(size)} (limit {max_file_mb:g} MB, --max-file-mb)"
        )
    reader = _reader(path.suffix.lower(), engine)
    kwargs: dict = {}
    if fmt == "pdf":
        kwargs = {"password": password, "limits": limits, "ocr": OcrOptions(enabled=ocr, language=ocr_lang)}
    elif fmt == "docx":
        kwargs = {"limits": limits}
    if timeout is None:
        return reader(path, **kwargs)
    bounded = run_in_this_worker if in_worker else run_with_time_limit
    return bounded(reader, path, timeout=timeout, memory_mb=memory_mb, **kwargs)


def iter_documents(paths: list[str | Path], *, exclude: Iterable[str | Path] = ()) -> Iterator[Path]:
    """Expand files and folders into the supported files they hold, in a stable order.

    A folder with no supported document is an ``InputError``; a missing path is one too. Folders in
    ``exclude`` (the reports' own folder, whose files are not policies) are not entered. A folder that
    cannot be listed is given as it is, for its reader to refuse in one line rather than be skipped
    without a word.
    """
    excluded = {Path(p).resolve() for p in exclude}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(_documents_under(path, excluded))
            if not found:
                raise InputError(path, f"the folder holds no documents ({', '.join(SUPPORTED)})")
            yield from found
        elif not path.exists():
            raise InputError(path, "no such file or folder")
        else:
            yield path


def distinct_documents(paths: list[str | Path], *, exclude: Iterable[str | Path] = ()) -> list[Path]:
    """:func:`iter_documents` with each file once, where first named (a file named itself and through
    its folder, or by two names for one file, is read once)."""
    named: dict[Path, Path] = {}
    for path in iter_documents(paths, exclude=exclude):
        named.setdefault(path.resolve(), path)
    return list(named.values())


def _documents_under(folder: Path, excluded: set[Path]) -> Iterator[Path]:
    """The supported files under ``folder`` (symbolic links to folders are not followed, so no loop;
    pipes and devices are left out), links to nothing, and the folders that cannot be listed."""
    unreadable: list[Path] = []
    for root, folders, files in os.walk(
        folder, onerror=lambda error: unreadable.append(Path(error.filename))
    ):
        here = Path(root)
        folders[:] = [name for name in folders if (here / name).resolve() not in excluded]
        for name in files:
            candidate = here / name
            # a link to nothing is given too, for its reader to say "no such file"
            if candidate.suffix.lower() in READERS and (candidate.is_file() or not candidate.exists()):
                yield candidate
    yield from unreadable


def is_own_report(path: Path) -> bool:
    """Whether ``path`` is a report this tool wrote (an HTML report, a highlighted PDF), found by the mark
    it carries (:data:`~analyzer.types.GENERATOR`): the HTML's first bytes, the document information of a
    PDF named ``*.highlighted.pdf``; a file that cannot be read is not one (its reader says why)."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".html", ".htm"):
            with open(path, "rb") as handle:
                return _GENERATOR_META in handle.read(1024)
        # only a PDF named as ours is opened here, outside the isolated reader (a PDF can be hostile);
        # another carrying the mark is refused by its reader
        if path.name.lower().endswith(".highlighted.pdf") and path.is_file():
            import pikepdf

            from analyzer.ingest.pdf_checks import carries_our_mark

            with pikepdf.open(path) as pdf:
                return carries_our_mark(pdf)
    except Exception:  # noqa: BLE001 - locked, damaged, unreadable: not ours, or its reader will say
        return False
    return False
