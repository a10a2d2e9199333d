"""Checks a PDF must pass before it is parsed: structure, size of what it unpacks to, page count.

:func:`check_pdf` opens the file with pikepdf (qpdf) and refuses, with a one-line reason:

- a cross-reference table that is broken beyond repair (a repaired one is only a warning);
- more pages than the limit, and a page tree that loops back on itself;
- decompression bombs: Flate streams are inflated *bounded* (never more than the limit is produced),
  refusing a document whose streams unpack to more than ``max_unpacked_mb`` in total, or a stream that
  unpacks to more than ``Limits.RATIO_FLOOR_MB`` at a ratio above ``max_ratio``; images declaring more
  than ``max_image_megapixels``. Streams with other filters are bounded by the parse's memory limit;
- objects nested deeper than ``max_depth`` (qpdf itself stops at 500 levels, which is refused too);
- cycles that make readers loop: indirect objects that are only a reference to another one, chained back
  to themselves (pdfminer follows such a chain for ever), and form XObjects that draw themselves.
"""

from __future__ import annotations

import mmap
import re
import zlib
from pathlib import Path

import pikepdf

from analyzer.errors import InputError
from analyzer.ingest.limits import Limits, size_text
from analyzer.types import GENERATOR, OWN_REPORT

FLATE = frozenset({"/FlateDecode", "/Fl"})
CHUNK = 1 << 20
MAX_REFERENCE_CHAIN = 32
_REFERENCE_ONLY = re.compile(rb"(?<![\d])(\d+)\s+(\d+)\s+obj\s*(\d+)\s+(\d+)\s+R\s*endobj")
_REFERENCE_BODY = re.compile(rb"^\s*(\d+)\s+(\d+)\s+R\s*$")
LOOPED_PAGES = "refused: the PDF's page tree loops back on itself (cyclic objects)"
_REPAIRED = ("reconstruct", "damaged", "xref not found")


def check_pdf(path: Path, *, password: str | None, limits: Limits) -> list[str]:
    """Refuse ``path`` with an ``InputError`` if it breaks a rule above; return warnings otherwise."""
    pdf = _open(path, password)
    with pdf:
        if carries_our_mark(pdf):
            raise InputError(path, OWN_REPORT)
        try:
            count = len(pdf.pages)
        except pikepdf.PdfError as exc:
            if "loop" in str(exc).lower():
                raise InputError(path, LOOPED_PAGES) from None
            raise InputError(path, f"the PDF's page tree is damaged ({_first_line(exc)})") from None
        if count > limits.max_pages:
            raise InputError(
                path, f"refused: the PDF has {count} pages (limit {limits.max_pages}, --max-pages)"
            )
        reference_bodies = _walk_objects(path, pdf, limits)
        _check_reference_cycles(path, _raw_references(path) | reference_bodies)
        _check_form_cycles(path, pdf)
        messages = [str(w) for w in pdf.get_warnings()]
    if any("nest" in m.lower() for m in messages):
        raise InputError(
            path, "refused: the PDF holds objects nested too deeply for a parser (over 500 levels)"
        )
    if any(word in m.lower() for m in messages for word in _REPAIRED):
        return ["the PDF's cross-reference table was damaged and has been rebuilt; check the text"]
    return []


def open_quietly(path: Path, password: str | None, **options) -> pikepdf.Pdf:
    """``pikepdf.open``, with ``password`` only if the PDF needs one: pikepdf prints a Python warning on
    the terminal for a password given to a PDF that needs none, and one ``--password`` serves a whole
    batch, most of it unlocked. (Tried without first, rather than with the warning filtered: a filter set
    around each call is not thread-safe, and the dashboard and Dask workers open PDFs in threads.)"""
    try:
        return pikepdf.open(path, **options)
    except pikepdf.PasswordError:
        if not password:
            raise
        return pikepdf.open(path, password=password, **options)


def carries_our_mark(pdf: pikepdf.Pdf) -> bool:
    """Whether ``pdf`` is a highlighted copy this tool wrote: its document information names
    :data:`~analyzer.types.GENERATOR` as its creator."""
    info = pdf.trailer.get(pikepdf.Name.Info)
    return isinstance(info, pikepdf.Dictionary) and str(info.get(pikepdf.Name.Creator, "")) == GENERATOR


def password_needed(path: Path, password: str | None) -> str | None:
    """The password the text engines must be given for ``path``: ``None`` when the PDF opens without one,
    ``password`` otherwise.

    A PDF encrypted with an empty user password (only an owner password, which restricts printing or
    copying) opens for anyone; but pdfminer and PDFium, handed a password, try only that one and refuse
    the file as "wrong password". One ``--password`` serves a whole batch, so each PDF is first tried
    without it and given it only if it needs one.
    """
    if not password:
        return None
    try:
        with pikepdf.open(path):
            return None
    except pikepdf.PasswordError:
        return password
    except pikepdf.PdfError:
        return password  # damaged: :func:`check_pdf` or the reader says why, with the password as given


def _open(path: Path, password: str | None) -> pikepdf.Pdf:
    try:
        return open_quietly(path, password)
    except pikepdf.PasswordError:
        if password:
            raise InputError(path, "the password given for this PDF is wrong") from None
        raise InputError(path, "the PDF is password-protected: give the password with --password") from None
    except pikepdf.PdfError as exc:
        text = str(exc).lower()
        if "loop" in text:
            raise InputError(path, LOOPED_PAGES) from None
        if "trailer" in text or "xref" in text or "cross-reference" in text:
            reason = "the PDF is damaged: its cross-reference table is broken and could not be repaired"
        else:
            reason = f"the PDF is damaged and cannot be opened ({_first_line(exc)})"
        raise InputError(path, reason) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0].split(": ", 1)[-1][:160] if text else type(exc).__name__


def _walk_objects(path: Path, pdf: pikepdf.Pdf, limits: Limits) -> dict:
    """Check every object's nesting and every stream's unpacked size; return reference-only objects
    found inside object streams as ``{(num, gen): (num, gen)}``."""
    unpacked = 0
    references: dict = {}
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            unpacked += _check_stream(path, obj, limits, limits.max_unpacked_bytes - unpacked, references)
            _check_depth(path, obj.stream_dict, limits.max_depth)
        elif isinstance(obj, pikepdf.Dictionary | pikepdf.Array):
            _check_depth(path, obj, limits.max_depth)
    return references


def _children(obj) -> list:
    if isinstance(obj, pikepdf.Dictionary):
        return list(obj.values())
    if isinstance(obj, pikepdf.Array):
        return list(obj)
    return []


def _check_depth(path: Path, root, max_depth: int) -> None:
    """Refuse an object whose arrays and dictionaries nest more than ``max_depth`` levels directly."""
    stack = [(root, 1)]
    while stack:
        obj, depth = stack.pop()
        if depth > max_depth:
            raise InputError(
                path,
                f"refused: the PDF nests objects more than {max_depth} levels deep (object {root.objgen[0]})",
            )
        for child in _children(obj):
            if isinstance(child, pikepdf.Dictionary | pikepdf.Array) and not child.is_indirect:
                stack.append((child, depth + 1))


def _filters(stream_dict) -> list[str]:
    value = stream_dict.get("/Filter")
    if value is None:
        return []
    return [str(f) for f in value] if isinstance(value, pikepdf.Array) else [str(value)]


def _check_stream(path: Path, stream: pikepdf.Stream, limits: Limits, budget: int, refs: dict) -> int:
    """Refuse a bomb-like stream; return the number of bytes it unpacks to (0 for images and others)."""
    info = stream.stream_dict
    if info.get("/Subtype") == "/Image":
        try:
            pixels = int(info.get("/Width", 0)) * int(info.get("/Height", 0))
        except (TypeError, ValueError):
            return 0
        if pixels > limits.max_image_megapixels * 1e6:
            raise InputError(
                path,
                f"refused: an image declares {pixels / 1e6:.0f} megapixels "
                f"(limit {limits.max_image_megapixels:g}, decompression bomb?)",
            )
        return 0
    filters = _filters(info)
    if any(f not in FLATE for f in filters):
        return 0
    raw = stream.read_raw_bytes()
    ratio_cap = max(limits.ratio_floor_bytes, limits.max_ratio * len(raw))
    data: bytes | int = raw
    for stage, _ in enumerate(filters):
        keep = stage < len(filters) - 1 or info.get("/Type") == "/ObjStm"
        data = _inflate(data, limit=min(budget, ratio_cap), keep=keep)
        if data is None and ratio_cap < budget:
            raise InputError(
                path,
                f"refused: object {stream.objgen[0]} is compressed more than {limits.max_ratio}:1 "
                f"({size_text(len(raw))} unpacks to over {size_text(ratio_cap)}; decompression bomb?)",
            )
        if data is None:
            raise InputError(
                path,
                f"refused: the PDF's streams unpack to more than {size_text(limits.max_unpacked_bytes)} "
                f"(object {stream.objgen[0]}; decompression bomb? --max-unpacked-mb)",
            )
    size = data if isinstance(data, int) else len(data)
    if isinstance(data, bytes) and info.get("/Type") == "/ObjStm":
        refs.update(_object_stream_references(data, info))
    return size


def _inflate(data: bytes | int, *, limit: int, keep: bool) -> bytes | int | None:
    """Inflate ``data`` without producing more than ``limit`` bytes: the bytes (``keep``) or their count,
    ``None`` when the limit is passed. Damaged data counts as what inflated before the damage."""
    if isinstance(data, int):  # an earlier stage was only counted: nothing more to learn
        return data
    inflater = zlib.decompressobj()
    pieces: list[bytes] = []
    size = 0
    pending = data
    try:
        while pending and not inflater.eof:
            piece = inflater.decompress(pending, CHUNK)
            size += len(piece)
            if size > limit:
                return None
            if keep:
                pieces.append(piece)
            pending = inflater.unconsumed_tail
    except zlib.error:
        pass
    return b"".join(pieces) if keep else size


def _object_stream_references(data: bytes, info) -> dict:
    """Objects of an object stream whose whole body is a reference to another object."""
    try:
        count, first = int(info.get("/N", 0)), int(info.get("/First", 0))
        numbers = [int(n) for n in data[:first].split()[: 2 * count]]
    except (ValueError, TypeError):
        return {}
    pairs = list(zip(numbers[::2], numbers[1::2], strict=False))
    found = {}
    for index, (number, offset) in enumerate(pairs):
        end = first + pairs[index + 1][1] if index + 1 < len(pairs) else len(data)
        match = _REFERENCE_BODY.match(data[first + offset : end])
        if match:
            found[(number, 0)] = (int(match.group(1)), int(match.group(2)))
    return found


def _raw_references(path: Path) -> dict:
    """Objects in the file body whose whole body is a reference ("6 0 obj 7 0 R endobj")."""
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return {
            (int(m.group(1)), int(m.group(2))): (int(m.group(3)), int(m.group(4)))
            for m in _REFERENCE_ONLY.finditer(data)
        }


def _check_reference_cycles(path: Path, references: dict) -> None:
    """Refuse reference-only objects that lead back to themselves or chain on too long."""
    for start in references:
        seen = {start}
        current = start
        while current in references:
            current = references[current]
            if current in seen:
                raise InputError(
                    path,
                    f"refused: object {start[0]} is a reference that loops back on itself (cyclic objects)",
                )
            seen.add(current)
            if len(seen) > MAX_REFERENCE_CHAIN:
                raise InputError(
                    path,
                    f"refused: object {start[0]} starts a chain of over {MAX_REFERENCE_CHAIN} references",
                )


def _form_children(form) -> list:
    resources = form.get("/Resources")
    xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
    if not isinstance(xobjects, pikepdf.Dictionary):
        return []
    return [x for x in xobjects.values() if isinstance(x, pikepdf.Stream) and x.get("/Subtype") == "/Form"]


def _check_form_cycles(path: Path, pdf: pikepdf.Pdf) -> None:
    """Refuse a form XObject that draws itself, directly or through other forms (depth-first search)."""
    state: dict = {}  # objgen -> "open" while on the search path, "done" once all it draws is checked
    for page in pdf.pages:
        for root in _form_children(page.obj):
            if root.objgen in state:
                continue
            state[root.objgen] = "open"
            stack = [(root, iter(_form_children(root)))]
            while stack:
                form, pending = stack[-1]
                child = next(pending, None)
                if child is None:
                    state[form.objgen] = "done"
                    stack.pop()
                elif state.get(child.objgen) == "open":
                    raise InputError(
                        path, f"refused: form object {child.objgen[0]} draws itself (cyclic objects)"
                    )
                elif child.objgen not in state:
                    state[child.objgen] = "open"
                    stack.append((child, iter(_form_children(child))))
