"""Generate hostile and unusual files for the ingest limits and OCR tests.

:func:`make_hostile_inputs` writes one file per case (keys below); the PDFs that need exact object
structure are written byte by byte by :func:`raw_pdf`. :func:`scanned_copy` turns a born-digital PDF
into an image-only one (each page rendered by pypdfium2 and set back as a picture), as a scanner would;
:func:`mixed_copy` scans only some pages. All text is written for these tests.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import pdfgen
import pikepdf
from fpdf import FPDF

TEXT = b"BT /F1 12 Tf 72 720 Td (Section 1. Victims shall not be detained.) Tj ET"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
SCRIPT_TEXT = (
    '=HYPERLINK("http://evil.example/","open") A resident who leaves the shelter without permission shall '
    "be reported to the police and returned to the shelter.\n\n"
    "+cmd|' /C calc'!A0 Residents who are foreign nationals shall be deported after the trial.\n\n"
    "@SUM(1+1) Victims shall be punished for immigration offences committed while trafficked.\n\n"
    'Section 1. <script>alert("owned")</script> Residents shall not be detained in the shelter.\n\n'
    "Section 2. <img src=x onerror=alert(1)> The identity of a resident shall be kept confidential.\n"
)
SCRIPT_NAME = '=cmd()<script>"house rules".txt'


def stream(data: bytes, *, compress: bool = True, extra: bytes = b"") -> bytes:
    """A PDF stream object body holding ``data`` (Flate-compressed unless told otherwise)."""
    if compress:
        data = zlib.compress(data, 6)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def raw_pdf(objects: Sequence[bytes]) -> bytes:
    """A PDF file with ``objects`` numbered from 1 (object 1 is the catalog) and a correct xref table."""
    out, offsets = b"%PDF-1.7\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def _one_page(*extra: bytes, page: bytes = PAGE, content: bytes | None = None) -> bytes:
    return raw_pdf([CATALOG, PAGES, page, content or stream(TEXT), FONT, *extra])


def nested_pdf(depth: int) -> bytes:
    """A readable one-page PDF whose catalog also holds an array nested ``depth`` levels deep."""
    catalog = b"<< /Type /Catalog /Pages 2 0 R /Deep 6 0 R >>"
    return raw_pdf([catalog, PAGES, PAGE, stream(TEXT), FONT, b"[" * depth + b"]" * depth])


def stream_bomb_pdf(megabytes: int = 48) -> bytes:
    """A one-page PDF whose content stream is the text then ``megabytes`` MB of spaces (≈ 1000:1)."""
    return _one_page(content=stream(TEXT + b" " * (megabytes << 20)))


def page_loop_pdf() -> bytes:
    """A page tree whose second kid is a /Pages node listing the root again."""
    pages = b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>"
    loop = b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>"
    return raw_pdf([CATALOG, pages, PAGE, stream(TEXT), FONT, loop])


def reference_loop_pdf() -> bytes:
    """The page's MediaBox is object 6, which is only a reference to 7, which refers back to 6."""
    page = PAGE.replace(b"/MediaBox [0 0 612 792]", b"/MediaBox 6 0 R")
    return _one_page(b"7 0 R", b"6 0 R", page=page)


def form_loop_pdf() -> bytes:
    """A form XObject whose resources name itself, and which draws itself."""
    page = PAGE.replace(b"/Font << /F1 5 0 R >>", b"/Font << /F1 5 0 R >> /XObject << /X1 6 0 R >>")
    form = stream(
        b"q /X1 Do Q",
        compress=False,
        extra=b" /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /X1 6 0 R >> >>",
    )
    return _one_page(form, page=page, content=stream(TEXT + b" /X1 Do"))


def huge_image_pdf(width: int = 30000, height: int = 30000) -> bytes:
    """A page drawing an image that declares ``width`` × ``height`` pixels but holds a few bytes."""
    page = PAGE.replace(b"/Font << /F1 5 0 R >>", b"/Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >>")
    image = stream(
        b"\0" * 64,
        extra=b" /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8"
        % (width, height),
    )
    return _one_page(image, page=page, content=stream(TEXT + b" q 100 0 0 100 72 500 cm /Im1 Do Q"))


def broken_xref_pdf() -> bytes:
    """A PDF header followed by no object at all: there is no table to repair."""
    return b"%PDF-1.7\n" + b"garbage that is not a PDF object " * 200 + b"\n%%EOF\n"


def repairable_xref_pdf() -> bytes:
    """A good one-page PDF whose xref keyword and startxref offset are damaged (qpdf rebuilds them)."""
    good = _one_page()
    return good.replace(b"xref\n0 6", b"xrXf\n0 6").replace(b"startxref\n", b"startxref\n9")


def empty_pages_pdf(pages: int) -> bytes:
    out = io.BytesIO()
    with pikepdf.new() as pdf:
        for _ in range(pages):
            pdf.add_blank_page(page_size=(612, 792))
        pdf.save(out)
    return out.getvalue()


def fake_bold_pdf() -> bytes:
    """A page whose every line is drawn twice at the same place, as fake-bold text is."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    lines = [
        "Section 1. Residents shall not be detained in the shelter.",
        "Section 2. The identity of a resident shall be kept confidential.",
    ]
    for row, line in enumerate(lines):
        for _ in range(2):
            pdf.text(72, 100 + 20 * row, line)
    return bytes(pdf.output())


def unmapped_font_pdf() -> bytes:
    """Text set in an embedded TrueType font whose /ToUnicode map is removed: pdfminer reads (cid:NN)."""
    import matplotlib

    font = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("DejaVu", fname=str(font))
    pdf.add_page()
    pdf.set_font("DejaVu", size=13)
    for row, line in enumerate(UNMAPPED_LINES):
        pdf.text(72, 100 + 22 * row, line)
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(bytes(pdf.output()))) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Dictionary) and "/ToUnicode" in obj:
                del obj["/ToUnicode"]
        document.save(out)
    return out.getvalue()


UNMAPPED_LINES = (
    "Section 1. Residents shall not be detained in the shelter.",
    "Section 2. The identity of every resident shall be kept confidential.",
)


def zip_bomb_docx(path: Path, *, megabytes: int = 48) -> Path:
    """A real DOCX (python-docx) with an added member of ``megabytes`` MB of zeros (≈ 1000:1)."""
    import docx

    document = docx.Document()
    document.add_paragraph("Section 1. Residents shall not be detained in the shelter.")
    document.save(str(path))
    block = b"\0" * (1 << 20)
    with (
        zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/media/image1.bin", "w", force_zip64=True) as member,
    ):
        for _ in range(megabytes):
            member.write(block)
    return path


def make_hostile_inputs(folder: str | Path) -> dict[str, Path]:
    """Write one hostile file per case into ``folder``; return {case: path}."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    contents: dict[str, tuple[str, bytes]] = {
        "stream_bomb": ("stream-bomb.pdf", stream_bomb_pdf()),
        "thousands_of_pages": ("blank-3000.pdf", empty_pages_pdf(3000)),
        "nested_deep": ("nested-300.pdf", nested_pdf(300)),
        "nested_beyond_parser": ("nested-5000.pdf", nested_pdf(5000)),
        "page_loop": ("page-loop.pdf", page_loop_pdf()),
        "huge_image": ("huge-image.pdf", huge_image_pdf()),
        "reference_loop": ("reference-loop.pdf", reference_loop_pdf()),
        "form_loop": ("form-loop.pdf", form_loop_pdf()),
        "broken_xref": ("broken-xref.pdf", broken_xref_pdf()),
        "repairable_xref": ("repairable-xref.pdf", repairable_xref_pdf()),
        "fake_bold": ("fake-bold.pdf", fake_bold_pdf()),
        "script_text": (SCRIPT_NAME, SCRIPT_TEXT.encode("utf-8")),
    }
    paths = {}
    for case, (name, data) in contents.items():
        paths[case] = folder / name
        paths[case].write_bytes(data)
    paths["zip_bomb_docx"] = zip_bomb_docx(folder / "zip-bomb.docx")
    return paths


def _rendered(source: Path, numbers: Iterable[int], dpi: int) -> dict[int, object]:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(source))
    try:
        return {n: document[n - 1].render(scale=dpi / 72, grayscale=True).to_pil() for n in numbers}
    finally:
        document.close()


def scanned_copy(source: Path, target: Path, *, dpi: int = 200) -> Path:
    """An image-only copy of ``source``: every page rendered at ``dpi`` and set back as a picture."""
    with pikepdf.open(source) as pdf:
        count = len(pdf.pages)
    images = list(_rendered(source, range(1, count + 1), dpi).values())
    images[0].save(target, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return target


def mixed_copy(source: Path, target: Path, *, scanned: set[int], dpi: int = 200) -> Path:
    """A copy of ``source`` whose pages in ``scanned`` are images and the others keep their text."""
    scan = scanned_copy(source, target.with_suffix(".scan.pdf"), dpi=dpi)
    with pikepdf.open(source) as original, pikepdf.open(scan) as images, pikepdf.new() as mixed:
        for number, page in enumerate(original.pages, start=1):
            mixed.pages.append(images.pages[number - 1] if number in scanned else page)
        mixed.save(target)
    return target


THAI_FONT = Path("/usr/share/fonts/truetype/tlwg/Loma.ttf")  # Debian fonts-thai-tlwg-ttf
THAI_LINES = (
    "มาตรา ๑ ผู้เสียหายจากการค้ามนุษย์ต้องไม่ถูกดำเนินคดี",
    "มาตรา ๒ เจ้าหน้าที่ต้องจัดทำแผนคุ้มครองผู้เสียหาย",
    "มาตรา ๓ ห้ามกักตัวผู้เสียหายในสถานคุ้มครองโดยไม่สมัครใจ",
)


def thai_scan_pdf(path: Path, *, dpi: int = 200) -> Path:
    """An image-only A4 page of three Thai sections (มาตรา), typeset by Pillow with the Loma font."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (round(8.27 * dpi), round(11.69 * dpi)), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(THAI_FONT), 40)
    for row, line in enumerate(THAI_LINES):
        draw.text((150, 200 + 110 * row), line, font=font, fill=0)
    image.save(path, "PDF", resolution=dpi)
    return path


def policy_pdf(path: Path, *, sections: int = 4, pages_min: int = 2) -> Path:
    """A short born-digital shelter SOP (the first ``sections`` of pdfgen's), for OCR tests."""
    return pdfgen.make_structured_pdf(path, sections=pdfgen.DEFAULT_SECTIONS[:sections], pages_min=pages_min)
