"""Render a sample policy document from its plain source format to PDF (fpdf2) and DOCX (python-docx).

The source format (``corpus/documents/src/*.md``) is deliberately small::

    % title: Full title            % header: running header on every page
    # TITLE LINE (bold, centred)   = centred plain line
    ## PART I HEADING (bold, centred)
    ### Caption (bold, left)
    A paragraph: one logical line; paragraphs are separated by blank lines.

Paragraphs that start with a list marker are indented by level ("(1)" less than "(a)", "(a)" less than
"(i)"). Pages get the running header and a "Page n of N" footer, as government PDFs do, so that the
reader's header and footer removal is exercised too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from analyzer.errors import InputError

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
# marker pattern -> left indent in millimetres
INDENTS: tuple[tuple[re.Pattern, float], ...] = (
    (re.compile(r"^\((?:i|ii|iii|iv|v|vi|vii|viii|ix|x)\)\s"), 16.0),
    (re.compile(r"^(?:\([a-z]{1,2}\)|[a-z][.)])\s"), 9.0),
    (re.compile(r"^(?:\(\d{1,3}\)|\d+\.\d+\.\d+)\s"), 4.0),
    (re.compile(r"^[-•]\s"), 9.0),
)


@dataclass(frozen=True)
class Block:
    kind: str  # title, centred, heading, caption, paragraph
    text: str


@dataclass(frozen=True)
class Source:
    title: str
    header: str
    blocks: tuple[Block, ...]


_KINDS = (("### ", "caption"), ("## ", "heading"), ("# ", "title"), ("= ", "centred"))


def parse_source(text: str) -> Source:
    """Parse the source format into blocks."""
    meta: dict[str, str] = {}
    blocks: list[Block] = []
    for raw in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        for line in raw.strip().split("\n") if raw.strip().startswith(("%", "#", "=")) else [raw]:
            line = line.strip()
            if not line:
                continue
            if line.startswith("%") and ":" in line:
                key, value = line[1:].split(":", 1)
                meta[key.strip().lower()] = value.strip()
                continue
            kind = next((k for prefix, k in _KINDS if line.startswith(prefix)), "paragraph")
            body = line.split(" ", 1)[1].strip() if kind != "paragraph" else " ".join(line.split())
            blocks.append(Block(kind, body))
    title = meta.get("title") or next((b.text for b in blocks if b.kind == "title"), "Untitled")
    return Source(title, meta.get("header", title), tuple(blocks))


def _indent(text: str) -> float:
    return next((mm for pattern, mm in INDENTS if pattern.match(text)), 0.0)


def _font_files() -> tuple[Path, Path] | None:
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSerif.ttf", folder / "DejaVuSerif-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


def _latin1(text: str) -> str:
    table = {"—": "-", "–": "-", "“": '"', "”": '"', "‘": "'", "’": "'", "…": "...", "•": "-"}
    return "".join(table.get(ch, ch) for ch in text).encode("latin-1", "replace").decode("latin-1")


def render_pdf(source: Source, out: Path) -> Path:
    """Write ``source`` as an A4 PDF with running header and page-number footer."""
    from fpdf import FPDF

    fonts = _font_files()
    clean = (lambda s: s) if fonts else _latin1

    class Document(FPDF):
        def header(self) -> None:
            self.set_font(family, "", 8)
            self.cell(0, 5, clean(source.header), align="C", new_x="LMARGIN", new_y="NEXT")
            self.ln(4)

        def footer(self) -> None:
            self.set_y(-14)
            self.set_font(family, "", 8)
            self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = Document(format="A4")
    if fonts:
        family = "DocSerif"
        pdf.add_font(family, "", str(fonts[0]))
        pdf.add_font(family, "B", str(fonts[1]))
    else:
        family = "Times"
    pdf.set_title(source.title)
    pdf.set_author("Do No Harm Policy Analyzer project (sample document)")
    pdf.set_margins(22, 18, 22)
    pdf.set_auto_page_break(True, margin=20)
    pdf.alias_nb_pages()
    pdf.add_page()
    styles = {
        "title": ("B", 13, "C", 2.0),
        "centred": ("", 10.5, "C", 1.5),
        "heading": ("B", 11, "C", 4.0),
        "caption": ("B", 10.5, "L", 3.0),
        "paragraph": ("", 10.5, "J", 3.0),
    }
    for block in source.blocks:
        weight, size, align, gap = styles[block.kind]
        pdf.set_font(family, weight, size)
        indent = _indent(block.text) if block.kind == "paragraph" else 0.0
        if block.kind == "heading":
            pdf.ln(3)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(pdf.epw - indent, 5.2, clean(block.text), align=align, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))
    return out


def render_docx(source: Source, out: Path) -> Path:
    """Write ``source`` as a DOCX with the same blocks, headings and indents."""
    from docx import Document as WordDocument
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = WordDocument()
    document.core_properties.title = source.title
    document.sections[0].header.paragraphs[0].text = source.header
    for block in source.blocks:
        paragraph = document.add_paragraph()
        run = paragraph.add_run(block.text)
        run.bold = block.kind in {"title", "heading", "caption"}
        run.font.size = Pt(13 if block.kind == "title" else 11)
        if block.kind in {"title", "centred", "heading"}:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif block.kind == "paragraph":
            paragraph.paragraph_format.left_indent = Mm(_indent(block.text))
    out.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(out))
    return out


def render(path: Path, *, out_dir: Path | None = None, docx: bool = False) -> list[Path]:
    """Render the source at ``path`` next to its ``src/`` folder (or into ``out_dir``)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such file")
    source = parse_source(path.read_text(encoding="utf-8"))
    if not source.blocks:
        raise InputError(path, "the source holds no text")
    folder = out_dir or (path.parent.parent if path.parent.name == "src" else path.parent)
    written = [render_pdf(source, folder / f"{path.stem}.pdf")]
    if docx:
        written.append(render_docx(source, folder / f"{path.stem}.docx"))
    return written
