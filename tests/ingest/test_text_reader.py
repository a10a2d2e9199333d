"""Claims about the plain-text and Markdown reader (analyzer.ingest.text)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.errors import InputError
from analyzer.ingest.text import read_text

ENGLISH = "The State shall protect every victim of trafficking in persons and shall provide shelter.\n"


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)
    return path


def test_cp1252_text_is_decoded_without_crashing(tmp_path):
    path = write(
        tmp_path, "sop.txt", "Victims\u2019 consent \u2013 na\u00efve \u201cquotes\u201d\n".encode("cp1252")
    )
    doc = read_text(path)
    assert doc.text == "Victims\u2019 consent \u2013 na\u00efve \u201cquotes\u201d"
    assert any("cp1252" in warning for warning in doc.warnings)


def test_bytes_undefined_in_cp1252_fall_back_to_latin1(tmp_path):
    doc = read_text(write(tmp_path, "odd.txt", b"Section \x81 caf\xe9 text\n"))
    assert "caf\u00e9" in doc.text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig", "utf-32"])
def test_text_with_a_byte_order_mark_is_decoded_by_it(tmp_path, encoding):
    data = "Protection des victimes \u00e9\u00e8\n".encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    doc = read_text(write(tmp_path, "bom.txt", data))
    assert doc.text == "Protection des victimes \u00e9\u00e8"
    assert doc.warnings == ()


def test_whitespace_only_file_is_refused_with_a_one_line_reason(tmp_path):
    path = write(tmp_path, "blank.txt", "  \n\t\r\n \u00a0\n")
    with pytest.raises(InputError) as caught:
        read_text(path)
    assert "no readable text" in caught.value.reason
    assert "\n" not in caught.value.reason


def test_markdown_with_only_front_matter_is_refused(tmp_path):
    with pytest.raises(InputError):
        read_text(write(tmp_path, "meta.md", "---\nTitle: Nothing\nYear: 2020\n---\n\n**  **\n"))


def test_newlines_controls_and_tabs_are_normalised(tmp_path):
    raw = "Line\tone\x00\r\nLine two\x07\rLine three\n\nNext paragraph"
    doc = read_text(write(tmp_path, "mixed.txt", raw))
    assert doc.text == "Line    one\nLine two\nLine three\n\nNext paragraph"


def test_text_is_nfc_normalised(tmp_path):
    doc = read_text(write(tmp_path, "nfc.txt", "Pe\u0301rez and Tha\u0300nh\n"))
    assert doc.text == "P\u00e9rez and Th\u00e0nh"


def test_paragraphs_become_blocks_of_lines_without_boxes(tmp_path):
    doc = read_text(write(tmp_path, "p.txt", "First line\nsecond line\n\n\nThird paragraph\n"))
    assert [(line.text, line.block) for line in doc.lines] == [
        ("First line", 0),
        ("second line", 0),
        ("Third paragraph", 1),
    ]
    assert all(line.box is None for line in doc.lines)
    assert doc.format == "txt"


def test_form_feed_starts_a_new_page(tmp_path):
    doc = read_text(write(tmp_path, "pages.txt", "Page one text\n\fPage two text\n"))
    assert [page.text for page in doc.pages] == ["Page one text", "Page two text"]


def test_dash_rule_is_a_page_break_in_markdown_only(tmp_path):
    body = "Section one text here\n\n-----\n\nSection two text here\n"
    assert read_text(write(tmp_path, "a.md", body)).page_count == 2
    assert read_text(write(tmp_path, "a.txt", body)).page_count == 1


MARKDOWN = """---
Year: 2007
Title: Anti-Trafficking in Persons Bill 2007
URL: https://example.org/bill.pdf
---
---
Reading:
D.R.07/2007
First reading:
---

# ANTI-TRAFFICKING IN PERSONS BILL

**Short title**

**1.** (1) This Act may be cited as the Anti-Trafficking in Persons Act 2007.

(2) In this Act, a *trafficked person* means a person who is—

_(a)_ recruited by __threat__ or `force`;

_(b) harboured for exploitation;_

**_Bill_**

-----

See [the Protocol](https://example.org/protocol) and ![logo](logo.png) the snake_case_name and 2*3*4.

\\*not emphasis\\* stays
"""


@pytest.fixture
def markdown_doc(tmp_path):
    return read_text(write(tmp_path, "bill.md", MARKDOWN))


def test_both_front_matter_blocks_at_the_top_are_removed(markdown_doc):
    assert "Year:" not in markdown_doc.text
    assert "Reading:" not in markdown_doc.text
    assert "D.R.07/2007" not in markdown_doc.text
    assert markdown_doc.text.startswith("ANTI-TRAFFICKING IN PERSONS BILL")


def test_front_matter_title_is_the_document_title(markdown_doc):
    assert markdown_doc.title == "Anti-Trafficking in Persons Bill 2007"
    assert markdown_doc.format == "md"


def test_bold_section_numbers_lose_their_markup(markdown_doc):
    assert "1. (1) This Act may be cited" in markdown_doc.text


def test_legal_item_letters_survive_italic_stripping(markdown_doc):
    lines = [line.text for line in markdown_doc.lines]
    assert "(a) recruited by threat or force;" in lines
    assert "(b) harboured for exploitation;" in lines
    assert "(2) In this Act, a trafficked person means a person who is—" in lines


def test_links_images_and_word_underscores_are_handled(markdown_doc):
    last_page = markdown_doc.pages[-1].text
    assert "See the Protocol and the snake_case_name and 2*3*4." in last_page
    assert "logo" not in last_page and "example.org" not in last_page
    assert "*not emphasis* stays" in last_page


def test_headings_lose_their_hash_marks_and_stand_alone(markdown_doc):
    first = markdown_doc.lines[0]
    assert first.text == "ANTI-TRAFFICKING IN PERSONS BILL"
    assert markdown_doc.lines[1].block != first.block


def test_first_heading_is_the_title_without_front_matter(tmp_path):
    doc = read_text(write(tmp_path, "h.md", "Preamble line here\n\n## Victim *Care* Policy ##\n\nText.\n"))
    assert doc.title == "Victim Care Policy"


def test_dashes_after_text_are_not_mistaken_for_front_matter(tmp_path):
    doc = read_text(write(tmp_path, "d.md", "---\nJust a sentence without a key.\n---\nMore text here.\n"))
    assert "Just a sentence without a key." in doc.text
    assert doc.page_count >= 2


def test_running_header_repeated_on_every_page_is_removed(tmp_path):
    bodies = [
        "Shelters are open.",
        "Interpreters are provided.",
        "Consent is recorded.",
        "Appeals are heard.",
    ]
    pages = [f"_Bill_\n\n{body}\n" for body in bodies]
    doc = read_text(write(tmp_path, "run.md", "\n-----\n\n".join(pages)))
    assert "Bill" not in [line.text for line in doc.lines]
    assert doc.page_count == 4


def test_fenced_code_is_kept_verbatim(tmp_path):
    doc = read_text(write(tmp_path, "c.md", "Intro text line\n\n```\n_keep_ **this**\n```\n"))
    assert "_keep_ **this**" in doc.text
    assert "```" not in doc.text


# --- the team's real documents -------------------------------------------------------------------


def test_malaysian_bill_markup_is_stripped_and_language_is_english(shared_fixture):
    doc = read_text(shared_fixture("my-atipsom-bill-2007-en.md"))
    assert "1. (1) This Act may be cited as the Anti-Trafficking in Persons" in doc.text
    assert "**" not in doc.text and "_Bill_" not in doc.text
    assert "Year:" not in doc.text
    assert doc.title.startswith("D.R.07/2007")
    assert doc.language == "en"
    assert doc.page_count > 40


def test_malay_bill_is_guessed_as_malay(shared_fixture):
    doc = read_text(shared_fixture("my-atipsom-bill-2007-ms.md"))
    assert "1. (1) Akta ini bolehlah dinamakan" in doc.text
    assert doc.language == "ms"


def test_palermo_protocol_comment_is_dropped_and_heading_is_the_title(shared_fixture):
    doc = read_text(shared_fixture("intl-palermo-protocol-2000-arts1-14-en.md"))
    assert "source: github" not in doc.text
    assert doc.title.startswith("Protocol to Prevent, Suppress and Punish Trafficking in Persons")
    assert "Article 3 Use of terms" in [line.text for line in doc.lines]
    assert doc.language == "en"


def test_thai_act_is_guessed_as_thai(shared_fixture):
    doc = read_text(shared_fixture("th-anti-trafficking-act-be2551-th.txt"))
    assert doc.language == "th"
    assert "\r" not in doc.text
    assert "มาตรา" in doc.text


def test_markdown_table_rows_read_like_html_tables(tmp_path):
    table = "| Step | Who |\n|------|:---:|\n| Referral | Police |\n"
    doc = read_text(write(tmp_path, "t.md", table))
    assert [(line.text, line.block) for line in doc.lines] == [("Step | Who", 0), ("Referral | Police", 0)]
