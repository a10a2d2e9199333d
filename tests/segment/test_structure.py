"""Claims about clause boundaries and numbers, as tables of small documents and the clauses they give."""

from __future__ import annotations

import pytest

NUMBERING_CASES = [
    (
        "keyword section with lettered items",
        "Section 5. Admission. - The shelter shall ensure that:\n(a) every resident is told her rights;\n"
        "(b) no resident is searched without consent.\n",
        ["5", "5(a)", "5(b)"],
    ),
    (
        "decimal numbering nests by its own dots",
        "1. Admission\n1.1 The case worker meets the person on arrival.\n1.1.1 An interpreter is called.\n"
        "1.2 The person receives a copy of the house rules.\n2. Discharge\n2.1 A resident may leave at any time.\n",
        ["1", "1.1", "1.1.1", "1.2", "2", "2.1"],
    ),
    (
        "roman numerals below letters",
        "Article 9\nThe Ministry shall:\n(a) provide the following services:\n(i) shelter;\n(ii) medical care;\n"
        "(b) appoint a guardian.\n",
        ["9", "9(a)", "9(a)(i)", "9(a)(ii)", "9(b)"],
    ),
    (
        "(i) after (h) is the letter i, not roman one",
        "Section 2. The Council shall:\n(a) plan;\n(b) fund;\n(c) train;\n(d) monitor;\n(e) report;\n(f) review;\n"
        "(g) advise;\n(h) coordinate; and\n(i) publish guidelines.\n",
        ["2", "2(a)", "2(b)", "2(c)", "2(d)", "2(e)", "2(f)", "2(g)", "2(h)", "2(i)"],
    ),
    (
        "Indonesian Pasal, ayat and huruf",
        "Pasal 3\n(1) Pelayanan bagi Korban meliputi:\na. rehabilitasi kesehatan;\nb. bantuan hukum.\n"
        "(2) Pelayanan diberikan tanpa biaya.\n",
        ["3(1)", "3(1)(a)", "3(1)(b)", "3(2)"],
    ),
    (
        "Thai มาตรา with Thai numerals on the next line",
        "มาตรา\n๑๒  ผู้เสียหายมีสิทธิได้รับความช่วยเหลือ ดังต่อไปนี้\n(๑) อาหารและที่พัก\n(๒) การรักษาพยาบาล\n",
        ["๑๒", "๑๒(๑)", "๑๒(๒)"],
    ),
    (
        "Vietnamese Điều with numbered clauses",
        "Điều 5. Quyền của nạn nhân\n1. Được bảo vệ an toàn.\n2. Được hỗ trợ y tế.\n",
        ["5", "5(1)", "5(2)"],
    ),
    (
        "Malay Seksyen with subsections",
        "Seksyen 12. Perlindungan\n(1) Mangsa tidak boleh ditahan.\n(2) Mangsa boleh meninggalkan tempat itu.\n",
        ["12", "12(1)", "12(2)"],
    ),
    (
        "numbers running on across Parts without a keyword",
        "PART I\nPRELIMINARY\n\n1. This Act may be cited as the Shelter Act.\n\n2. It applies to all shelters.\n\n"
        "PART II\nSHELTERS\n\n3. Every shelter shall be open.\n",
        ["1", "2", "3"],
    ),
    (
        "a subsection on the same line as its section",
        "5. (1) A victim shall not be detained.\n(2) A victim may leave the shelter.\n6. Commencement.\n",
        ["5(1)", "5(2)", "6"],
    ),
    (
        "section 6 printed twice and no section 7: kept as printed",
        "Section 5. First. - Text.\nSection 6. Second. - Text.\nSection 6. Third. - Text.\nSection 8. Fourth. - Text.\n",
        ["5", "6", "6", "8"],
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), NUMBERING_CASES, ids=[c[0] for c in NUMBERING_CASES])
def test_numbers_follow_the_document(clauses_of, case, text, expected):
    assert [c.number for c in clauses_of(text) if c.number] == expected


CROSS_REFERENCE_CASES = [
    (
        "a subsection number wrapped to a line start",
        "Section 4. (1) The officer shall act as provided in subsection\n(3) of this section and no other.\n",
        "(3) of this section",
    ),
    (
        "a section cross-reference wrapped to a line start",
        "Section 3. Council. - The Council created under\nSection 20 of this Act shall meet monthly.\n",
        "Section 20 of this Act",
    ),
    (
        "an item out of sequence",
        "Section 2. Duties. - The officer shall:\n(a) interview the person;\n(d) record the statement.\n",
        "(d) record",
    ),
]


@pytest.mark.parametrize(
    ("case", "text", "inside"), CROSS_REFERENCE_CASES, ids=[c[0] for c in CROSS_REFERENCE_CASES]
)
def test_quoted_numbers_are_not_clauses(clauses_of, case, text, inside):
    clauses = clauses_of(text)
    holder = [c for c in clauses if inside in c.text]
    assert len(holder) == 1
    assert not holder[0].text[len(holder[0].lead_in) :].lstrip().startswith(inside)


def test_list_item_keeps_its_lead_in(clauses_of):
    clauses = clauses_of(
        "Section 9. Shelter. - The Department shall ensure that, unless the Director decides otherwise:\n"
        "(a) residents may leave the shelter;\n(b) residents keep their phones.\n"
    )
    item = next(c for c in clauses if c.number == "9(b)")
    assert "unless the Director decides otherwise" in item.lead_in
    assert item.text.startswith(item.lead_in) and item.text.endswith("residents keep their phones.")


def test_bullets_after_a_paragraph_take_it_as_lead_in(clauses_of):
    clauses = clauses_of(
        "The shelter manager shall, on admission:\n• explain the house rules;\n• return all documents.\n"
    )
    bullets = [c for c in clauses if "•" in c.number]
    assert [c.number for c in bullets] == ["•1", "•2"]
    assert all(c.lead_in == "The shelter manager shall, on admission:" for c in bullets)


def test_heading_path_holds_chapter_and_section(clauses_of):
    clauses = clauses_of(
        "CHAPTER III\nPROTECTION OF VICTIMS\n\nArticle 14. Non-detention\nNo victim shall be detained.\n"
    )
    article = next(c for c in clauses if c.number == "14")
    assert article.heading_path == ("CHAPTER III PROTECTION OF VICTIMS", "Article 14. Non-detention")


def test_explanation_part_is_kept_apart(clauses_of):
    clauses = clauses_of(
        "Pasal 1\nKorban berhak atas pendampingan.\n\nPasal 2\nKorban tidak ditahan.\n\n"
        "PENJELASAN\n\nPasal 1\nCukup jelas.\n\nPasal 2\nYang dimaksud dengan ditahan adalah ditempatkan di sel.\n"
    )
    assert [(c.number, c.division) for c in clauses] == [
        ("1", "body"),
        ("2", "body"),
        ("1", "explanation"),
        ("2", "explanation"),
    ]


def test_table_of_contents_is_skipped(clauses_of):
    clauses = clauses_of(
        "ARRANGEMENT OF SECTIONS\n\n1. Short title\n\n2. Interpretation\n\nENACTED by Parliament as follows:\n\n"
        "Short title\n\n1. This Act may be cited as the Victims Act.\n\nInterpretation\n\n2. In this Act, child means a minor.\n"
    )
    numbered = [c for c in clauses if c.number]
    assert [c.number for c in numbered] == ["1", "2"]
    assert numbered[0].heading_path[-1] == "1. Short title"
    assert all("Short title" not in c.text for c in numbered)


def test_long_paragraph_is_split_into_sentences_but_not_at_abbreviations(clauses_of):
    sentence = (
        "The officer shall act under s. 12 of Cap. 6 and Art. 5 of Reg. No. 3 of the Rules, as amended, "
        "and shall record every step taken in the case file without delay. "
    )
    clauses = clauses_of("Section 7. Duties. - " + sentence * 8)
    assert len(clauses) > 1
    assert all(c.number == "7" for c in clauses)
    assert not any(c.text.endswith(("s.", "Cap.", "Art.", "Reg.", "No.")) for c in clauses)


def test_offsets_point_at_the_clause_text(clauses_of, tmp_path):
    from analyzer.ingest import read_document
    from analyzer.segment import segment

    path = tmp_path / "offsets.txt"
    path.write_text(
        "Section 1. Scope. - This applies to shelters.\n(a) public ones;\n(b) private ones.\n",
        encoding="utf-8",
    )
    document = read_document(path, timeout=None)
    for clause in segment(document):
        own = " ".join(document.text[clause.start : clause.end].split())
        assert clause.text.endswith(own)


def test_a_text_over_a_million_characters_that_nobody_numbered_is_segmented(clauses_of):
    """spaCy refuses texts over a million characters: an unstructured one-line text that long was a
    traceback; it is read in pieces and every sentence is a clause."""
    sentence = "Victims shall not be detained in closed shelters and shall not pay for their return. "
    text = sentence * (1_050_000 // len(sentence) + 1)
    assert len(text) > 1_000_000 and "\n" not in text
    clauses = clauses_of(text)
    assert len(clauses) > 1000 and all(len(clause.text) <= 400 for clause in clauses)
    assert " ".join(clause.text for clause in clauses) == text.strip()  # every sentence, once, whole


@pytest.mark.parametrize(
    "text, size, cuts",
    [
        ("a" * 10, 4, [(0, 4), (4, 8), (8, 10)]),  # nowhere better to cut
        ("ab cd ef gh", 6, [(0, 6), (6, 11)]),  # after the space
        ("ab cd\nef gh ij", 10, [(0, 6), (6, 14)]),  # after the line break
        ("ab\ncd ef gh ij", 10, [(0, 9), (9, 14)]),  # a line break in the first half: too early
        ("abcde\nfghij", 100, [(0, 11)]),
    ],
)
def test_long_texts_are_cut_after_a_line_break_or_a_space(text, size, cuts):
    from analyzer.segment.sentences import pieces

    assert pieces(text, size) == cuts
    assert "".join(text[s:e] for s, e in cuts) == text


@pytest.mark.parametrize("character", ["=", "&", "…"])
def test_a_20000_character_run_of_punctuation_is_segmented_with_its_offsets(tmp_path, character):
    """Regression: spaCy's tokenizer is quadratic on a long run of punctuation; 20,000 "=" in a clause
    took 100 s, after the parse and outside its time limit. The run is cut up for the tokenizer only."""
    from analyzer.ingest import read_document
    from analyzer.segment import segment

    run = character * 20_000
    path = tmp_path / "run.txt"
    path.write_text(f"1. Victims shall be detained {run}\n2. Victims may leave. {run} They are free.\n")
    document = read_document(path, timeout=None)
    clauses = segment(document)
    assert {clause.number for clause in clauses} == {"1", "2"}  # a long clause comes as several pieces
    for clause in clauses:
        assert clause.text == " ".join(document.text[clause.start : clause.end].split())
    assert "".join(clause.text for clause in clauses).count(run) == 2  # each run whole, in one clause


@pytest.mark.parametrize(
    "run",
    ["=" * 300, "&" * 301, "…" * 302, "." * 303, "!" * 300, "(" * 299, "_-" * 150, ".)" * 151, "=" * 34],
)
def test_cutting_a_long_run_of_punctuation_keeps_the_sentences(run):
    from analyzer.segment.sentences import sentencizer, tokenizable

    text = f"Victims are safe. They may leave {run} at any time. Staff shall help."
    nlp = sentencizer("en")
    uncut = [(sent.start_char, sent.end_char) for sent in nlp(text).sents]
    assert len(tokenizable(text)) == len(text)
    assert [(sent.start_char, sent.end_char) for sent in nlp(tokenizable(text)).sents] == uncut


def test_text_without_a_long_run_of_punctuation_goes_to_the_tokenizer_unchanged():
    from analyzer.segment.sentences import tokenizable

    text = 'He said ("see s. 12...").  Sign here: ________________________________ (32 of them)'
    assert tokenizable(text) == text
