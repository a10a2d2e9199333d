"""Cost of the ingest guards and of OCR, as ratios against a baseline measured in the same run.

Run on demand (never in the test suite): ``.venv/bin/python benchmarks/ingest_guards.py [PDF ...]``
(default: the sample documents in ``corpus/documents``). For each PDF, in this process:

- (a) baseline: pdfplumber reading the words of every page (what the PDF reader does anyway);
- (b) the pre-parse checks (``pdf_checks.check_pdf``: bounded inflation of every stream, nesting, cycles);
- (c) ``read_document`` in its worker process with the time and memory limits (fork + checks + parse).

Then OCR: seconds per page for a scanned copy of the first PDF's first page (rendered at 200 dpi, set
back as an image) read by ``read_document``, against reading the born-digital page. Targets: (b) under
10 % of (a); (c) within 1.3 × (a) + 0.2 s per document; OCR under 3 s per page on an idle core.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pdfplumber

from analyzer.ingest import read_document
from analyzer.ingest.limits import Limits
from analyzer.ingest.pdf_checks import check_pdf

ROOT = Path(__file__).resolve().parent.parent


def seconds(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def plumber_words(path: Path) -> None:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_words()


def first_page_copies(source: Path, folder: Path) -> tuple[Path, Path]:
    """The first page of ``source`` alone, born-digital and scanned (an image at 200 dpi)."""
    import pikepdf
    import pypdfium2

    one = folder / "one-page.pdf"
    with pikepdf.open(source) as pdf, pikepdf.new() as out:
        out.pages.append(pdf.pages[0])
        out.save(one)
    document = pypdfium2.PdfDocument(str(one))
    image = document[0].render(scale=200 / 72, grayscale=True).to_pil()
    document.close()
    target = folder / "scanned.pdf"
    image.save(target, "PDF", resolution=200)
    return one, target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    args = parser.parse_args()
    pdfs = args.pdfs or sorted((ROOT / "corpus" / "documents").glob("*.pdf"))
    totals = [0.0, 0.0, 0.0]
    print(f"{'document':<48} {'(a) words':>10} {'(b) checks':>11} {'(c) isolated':>13}")
    for path in pdfs:
        row = (
            seconds(lambda p=path: plumber_words(p)),
            seconds(lambda p=path: check_pdf(p, password=None, limits=Limits())),
            seconds(lambda p=path: read_document(p, ocr=False)),
        )
        totals = [t + r for t, r in zip(totals, row, strict=True)]
        print(f"{path.name[:48]:<48} {row[0]:9.2f}s {row[1]:10.3f}s {row[2]:12.2f}s")
    base, checks, isolated = totals
    print(f"checks / baseline: {checks / base:.3f}; isolated read / baseline: {isolated / base:.2f}")
    with tempfile.TemporaryDirectory() as folder:
        born_digital, scanned = first_page_copies(pdfs[0], Path(folder))
        text = seconds(lambda: read_document(born_digital))
        ocr = seconds(lambda: read_document(scanned, ocr_lang="en"))
    print(f"one page: born-digital {text:.2f}s, scanned with OCR {ocr:.2f}s (ratio {ocr / text:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
