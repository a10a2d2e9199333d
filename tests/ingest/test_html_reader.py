"""Claims about the HTML reader (analyzer.ingest.html)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.errors import InputError
from analyzer.ingest.html import read_html

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8"><title>Victim   Protection SOP</title>
<style>p { color: red }</style><script>var token = "secret";</script>
</head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/about">About us</a></li></ul></nav>
<header>Ministry website banner</header>
<h1>Standard Operating Procedure</h1>
<!-- internal reviewer comment -->
<p>Victims <b>shall</b> be <a href="/refer">referred</a> to<br>a shelter within 24 hours.</p>
<script>alert(1)</script>
<noscript>Enable JavaScript</noscript>
<ol type="a">
  <li>Identify the person as a victim;</li>
  <li><p>Offer an interpreter;</p></li>
  <li>Record consent.</li>
</ol>
<ol start="3"><li>Third step<ol type="i"><li>first sub-step</li><li>second sub-step</li></ol></li>
<li>Fourth step</li></ol>
<ul><li>Shelter is voluntary</li></ul>
<table>
  <thead><tr><th>Step</th><th>Responsible</th></tr></thead>
  <tbody><tr><td>1</td><td><p>Police</p><p>officer</p></td></tr></tbody>
</table>
<div hidden>Hidden draft text</div>
<p>caf&eacute; &amp; na&iuml;ve &lt;b&gt;not a tag&lt;/b&gt;</p>
<aside>Related links</aside>
<form><input value="search"><button>Go</button></form>
<footer>Copyright 2024</footer>
</body></html>
"""


def write(tmp_path: Path, text: str | bytes, name: str = "page.html") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


@pytest.fixture
def page(tmp_path):
    return read_html(write(tmp_path, PAGE))


def test_script_content_is_dropped_from_html(page):
    assert "alert" not in page.text
    assert "secret" not in page.text
    assert "color: red" not in page.text
    assert "Enable JavaScript" not in page.text


def test_navigation_header_footer_aside_and_forms_are_dropped(page):
    for furniture in ("Home", "About us", "banner", "Copyright", "Related links", "Go", "search"):
        assert furniture not in page.text


def test_comments_and_hidden_elements_are_dropped(page):
    assert "reviewer comment" not in page.text
    assert "Hidden draft" not in page.text


def test_output_is_plain_text_with_entities_decoded(page):
    assert "<" not in page.text.replace("<b>not a tag</b>", "")
    assert "café & naïve <b>not a tag</b>" in page.text


def test_title_comes_from_the_title_element(page):
    assert page.title == "Victim Protection SOP"
    assert page.format == "html"
    assert page.page_count == 1


def test_title_falls_back_to_the_first_h1(tmp_path):
    doc = read_html(
        write(tmp_path, "<html><body><h1>Shelter  Rules</h1><p>Some text here.</p></body></html>")
    )
    assert doc.title == "Shelter Rules"


def test_br_breaks_a_line_inside_one_paragraph(page):
    lines = [line for line in page.lines if line.text.startswith(("Victims", "a shelter"))]
    assert [line.text for line in lines] == ["Victims shall be referred to", "a shelter within 24 hours."]
    assert lines[0].block == lines[1].block


def test_ordered_list_type_a_shows_letters(page):
    texts = [line.text for line in page.lines]
    assert "a. Identify the person as a victim;" in texts
    assert "b. Offer an interpreter;" in texts
    assert "c. Record consent." in texts


def test_ordered_list_start_and_nested_roman_numbering(page):
    texts = [line.text for line in page.lines]
    assert "3. Third step" in texts
    assert "i. first sub-step" in texts
    assert "ii. second sub-step" in texts
    assert "4. Fourth step" in texts


def test_unordered_items_get_a_bullet(page):
    assert "• Shelter is voluntary" in [line.text for line in page.lines]


def test_list_items_are_separate_paragraphs(page):
    items = [line for line in page.lines if line.text[:3] in {"a. ", "b. ", "c. "}]
    assert len({line.block for line in items}) == 3


def test_table_rows_are_lines_with_cells_joined_by_bars(page):
    texts = [line.text for line in page.lines]
    assert "Step | Responsible" in texts
    assert "1 | Police officer" in texts


def test_value_attribute_and_upper_roman_type(tmp_path):
    html = '<ol type="I"><li>one</li><li value="4">four</li><li>five</li></ol>'
    doc = read_html(write(tmp_path, "<html><body>" + html + "</body></html>"))
    assert [line.text for line in doc.lines] == ["I. one", "IV. four", "V. five"]


@pytest.mark.parametrize(
    ("what", "html", "label"),
    [
        ("huge start in roman numerals", '<ol type="i" start="100000000000">', "100000000000. "),
        ("huge start in upper roman", '<ol type="I" start="4000">', "4000. "),
        ("largest roman numeral", '<ol type="i" start="3999">', "mmmcmxcix. "),
        ("huge start in letters stays short", '<ol type="a" start="100000000000">', "lkrmvrbd. "),
    ],
)
def test_list_numbers_stay_short_whatever_the_start(tmp_path, what, html, label):
    # regression: start="100000000000" with type="i" wrote a hundred million "m"s (1 GB, 13 s)
    page = f"<html><body>{html}<li>Victims shall be detained in the shelter.</li></ol></body></html>"
    doc = read_html(write(tmp_path, page))
    assert [line.text for line in doc.lines] == [label + "Victims shall be detained in the shelter."]


def test_declared_legacy_charset_is_honoured(tmp_path):
    html = '<html><head><meta charset="windows-1252"></head><body><p>Victims\u2019 rights \u2013 caf\u00e9</p></body></html>'
    doc = read_html(write(tmp_path, html.encode("cp1252")))
    assert "Victims\u2019 rights \u2013 caf\u00e9" in doc.text


def test_preformatted_text_keeps_its_lines(tmp_path):
    doc = read_html(write(tmp_path, "<html><body><pre>Article 1\n   (a) indented</pre></body></html>"))
    assert [line.text for line in doc.lines] == ["Article 1", "   (a) indented"]


def test_page_with_only_scripts_is_refused(tmp_path):
    path = write(
        tmp_path,
        "<html><head><title>Empty</title></head><body><script>x()</script><nav>Menu</nav></body></html>",
    )
    with pytest.raises(InputError) as caught:
        read_html(path)
    assert "no readable text" in caught.value.reason


def test_deeply_nested_markup_does_not_overflow_the_stack(tmp_path):
    html = "<html><body>" + "<div>" * 5000 + "Deep text here" + "</div>" * 5000 + "</body></html>"
    doc = read_html(write(tmp_path, html))
    assert "Deep text here" in doc.text


def test_walker_gives_the_same_text_with_pythons_own_parser():
    from bs4 import BeautifulSoup

    from analyzer.ingest.html import html_to_blocks, parse_html

    html = '<p>Intro <i>text</i></p><ol type="a"><li>first</li></ol><script>alert(1)</script>'
    assert html_to_blocks(BeautifulSoup(html, "html.parser")) == html_to_blocks(parse_html(html.encode()))
