"""Claims about the Word reader (analyzer.ingest.docx)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from analyzer.errors import InputError
from analyzer.ingest.docx import read_docx

# A three-level legal list: "1." / "(a)" / "(i)", added to the template's numbering part as numId 90.
LEGAL_LIST = f"""<w:abstractNum {nsdecls("w")} w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%2)"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="(%3)"/></w:lvl>
  <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="%1.%4"/>
    <w:isLgl/></w:lvl>
</w:abstractNum>"""


def add_legal_numbering(document, *, num_id: int = 90, restart_at: int | None = None) -> None:
    numbering = document.part.numbering_part.element
    defined = {a.get(qn("w:abstractNumId")) for a in numbering.iterfind(qn("w:abstractNum"))}
    if "90" not in defined:  # abstract definitions must precede the w:num elements
        numbering.find(qn("w:num")).addprevious(parse_xml(LEGAL_LIST))
    override = ""
    if restart_at is not None:
        override = f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{restart_at}"/></w:lvlOverride>'
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="90"/>{override}</w:num>')
    )


def numbered(document, text: str, level: int, *, num_id: int = 90):
    paragraph = document.add_paragraph(text)
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )
    return paragraph


@pytest.fixture
def policy(tmp_path) -> Path:
    document = docx.Document()
    document.add_heading("Shelter Operating Procedure", level=1)
    document.add_paragraph("Staff follow these steps:")
    for text in ("Identify the person.", "Offer an interpreter.", "Record informed consent."):
        document.add_paragraph(text, style="List Number")
    document.add_paragraph("Residents may:", style="Normal")
    document.add_paragraph("leave the shelter at any time;", style="List Bullet")
    table = document.add_table(rows=2, cols=3)
    for row, cells in zip(
        table.rows, [("Step", "Who", "When"), ("Referral", "Police", "24 hours")], strict=True
    ):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    document.add_paragraph("Closing paragraph after the table.")
    document.sections[0].header.paragraphs[0].text = "CONFIDENTIAL HEADER"
    document.sections[0].footer.paragraphs[0].text = "Page footer text"
    path = tmp_path / "policy.docx"
    document.save(path)
    return path


def texts(path: Path) -> list[str]:
    return [line.text for line in read_docx(path).lines]


def test_list_number_style_keeps_its_automatic_numbers(policy):
    lines = texts(policy)
    assert "1. Identify the person." in lines
    assert "2. Offer an interpreter." in lines
    assert "3. Record informed consent." in lines


def test_list_bullet_style_gets_a_bullet(policy):
    assert "• leave the shelter at any time;" in texts(policy)


def test_paragraphs_and_tables_keep_document_order(policy):
    lines = texts(policy)
    assert lines.index("3. Record informed consent.") < lines.index("Step | Who | When")
    assert lines.index("Step | Who | When") + 1 == lines.index("Referral | Police | 24 hours")
    assert lines[-1] == "Closing paragraph after the table."


def test_table_rows_share_one_block(policy):
    doc = read_docx(policy)
    rows = [line for line in doc.lines if " | " in line.text]
    assert len(rows) == 2 and rows[0].block == rows[1].block
    assert all(line.box is None for line in doc.lines)


def test_headers_and_footers_are_not_read(policy):
    text = read_docx(policy).text
    assert "CONFIDENTIAL HEADER" not in text
    assert "Page footer text" not in text


def test_title_falls_back_to_the_first_heading(policy):
    doc = read_docx(policy)
    assert doc.title == "Shelter Operating Procedure"
    assert doc.format == "docx"
    assert doc.language == "en"


def test_core_properties_title_wins(tmp_path):
    document = docx.Document()
    document.core_properties.title = "National Referral Mechanism"
    document.add_heading("Chapter One", level=1)
    document.add_paragraph("Text of the chapter.")
    path = tmp_path / "titled.docx"
    document.save(path)
    assert read_docx(path).title == "National Referral Mechanism"


def test_multilevel_legal_numbering_is_rendered_and_deeper_levels_reset(tmp_path):
    document = docx.Document()
    add_legal_numbering(document)
    numbered(document, "Victims shall be protected.", 0)
    numbered(document, "by the police;", 1)
    numbered(document, "at the border;", 2)
    numbered(document, "in shelters;", 2)
    numbered(document, "by the courts.", 1)
    numbered(document, "Victims shall not be punished.", 0)
    numbered(document, "for immigration offences.", 1)
    numbered(document, "Legal-style sub-number.", 3)
    path = tmp_path / "legal.docx"
    document.save(path)
    assert texts(path) == [
        "1. Victims shall be protected.",
        "(a) by the police;",
        "(i) at the border;",
        "(ii) in shelters;",
        "(b) by the courts.",
        "2. Victims shall not be punished.",
        "(a) for immigration offences.",
        "2.1 Legal-style sub-number.",
    ]


def test_start_override_restarts_a_list_and_numid_zero_switches_numbering_off(tmp_path):
    document = docx.Document()
    add_legal_numbering(document)
    add_legal_numbering(document, num_id=91, restart_at=1)
    numbered(document, "First list, item one.", 0)
    numbered(document, "First list, item two.", 0)
    numbered(document, "Continues the shared definition.", 0, num_id=90)
    numbered(document, "Second list restarts.", 0, num_id=91)
    numbered(document, "Not numbered at all.", 0, num_id=0)
    path = tmp_path / "restart.docx"
    document.save(path)
    assert texts(path) == [
        "1. First list, item one.",
        "2. First list, item two.",
        "3. Continues the shared definition.",
        "1. Second list restarts.",
        "Not numbered at all.",
    ]


def add_list_starting_at(document, start: int, fmt: str, *, num_id: int) -> None:
    """A one-level list of format ``fmt`` whose first item is number ``start``, as numId ``num_id``."""
    numbering = document.part.numbering_part.element
    level = f'<w:lvl w:ilvl="0"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="%1."/></w:lvl>'
    abstract = f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{num_id}">{level}</w:abstractNum>'
    numbering.find(qn("w:num")).addprevious(parse_xml(abstract))
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{num_id}"/></w:num>')
    )


def test_huge_list_start_is_written_in_decimal_not_as_a_huge_label(tmp_path):
    # regression: w:start 100000000000 in lowerRoman wrote a hundred million "m"s; in lowerLetter the
    # repeated letter would have run to billions
    document = docx.Document()
    for num_id, (start, fmt) in enumerate(
        [
            (100000000000, "lowerRoman"),
            (100000000000, "upperLetter"),
            (3999, "upperRoman"),
            (780, "lowerLetter"),
        ],
        start=80,
    ):
        add_list_starting_at(document, start, fmt, num_id=num_id)
        numbered(document, "Victims shall be detained in the shelter.", 0, num_id=num_id)
        numbered(document, "Victims may leave.", 0, num_id=num_id)
    path = tmp_path / "huge-start.docx"
    document.save(path)
    assert texts(path) == [
        "100000000000. Victims shall be detained in the shelter.",
        "100000000001. Victims may leave.",
        "100000000000. Victims shall be detained in the shelter.",
        "100000000001. Victims may leave.",
        "MMMCMXCIX. Victims shall be detained in the shelter.",
        "4000. Victims may leave.",
        "z" * 30 + ". Victims shall be detained in the shelter.",
        "781. Victims may leave.",
    ]


def test_numbered_paragraphs_inside_table_cells_are_labelled(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Duty"
    table.cell(0, 1).paragraphs[0].add_run("Provide shelter")
    table.cell(0, 1).paragraphs[0].style = document.styles["List Number"]
    path = tmp_path / "cell.docx"
    document.save(path)
    assert texts(path) == ["Duty | 1. Provide shelter"]


def test_empty_document_is_refused(tmp_path):
    path = tmp_path / "empty.docx"
    docx.Document().save(path)
    with pytest.raises(InputError) as caught:
        read_docx(path)
    assert "no readable text" in caught.value.reason


def test_file_that_is_not_a_zip_is_refused_as_invalid_docx(tmp_path):
    path = tmp_path / "fake.docx"
    path.write_bytes(b"This is plain text pretending to be Word.\n")
    with pytest.raises(InputError) as caught:
        read_docx(path)
    assert caught.value.reason.startswith("not a valid DOCX file (")
    assert "\n" not in caught.value.reason


def test_zip_without_word_document_is_refused(tmp_path):
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(InputError, match="not a valid DOCX file"):
        read_docx(path)


def test_highly_compressed_member_is_refused_as_a_possible_zip_bomb(tmp_path):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        archive.writestr("word/media/padding.bin", b"\0" * (11 * 1024 * 1024))
    with pytest.raises(InputError) as caught:
        read_docx(path)
    assert "200:1" in caught.value.reason


def test_archive_that_unpacks_beyond_the_limit_is_refused(policy):
    from analyzer.ingest.limits import Limits

    with pytest.raises(InputError, match="would unpack to"):
        read_docx(policy, limits=Limits(max_unpacked_mb=0.001))


def test_an_entity_in_the_text_is_neither_fetched_nor_allowed_to_cut_the_clause(tmp_path):
    """A DOCX declaring an external entity (XXE) to /etc/passwd: nothing is read from the file, and the
    words after the reference stay in the clause (they were dropped: "1. Victims")."""
    import docx

    source = tmp_path / "plain.docx"
    document = docx.Document()
    document.add_paragraph("1. Victims MARK shall be detained in the shelter.")
    document.save(source)
    path = tmp_path / "xxe.docx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as hostile:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "word/document.xml":
                head, body = data.split(b"?>", 1)
                doctype = b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                data = head + b"?>" + doctype + body.replace(b"MARK", b"&xxe;")
            hostile.writestr(item, data)
    text = read_docx(path).text
    assert "root:" not in text
    assert "1. Victims" in text and "shall be detained in the shelter." in text
