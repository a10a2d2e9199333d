"""Generate small, realistic test PDFs with fpdf2 (core font Helvetica, Latin-1 text only).

Three kinds of file come out of this module:

- :func:`make_structured_pdf` renders a shelter SOP (title, numbered sections, decimal and lettered
  items, sub-items) with a running header and a "Page n of N" footer on every page; optionally in two
  columns (the left column is filled top to bottom before the right one) and optionally with words broken
  by a hyphen at line ends ("protec-" / "tion") so that a reader's repair can be checked.
- :func:`make_web_print_pdf` mimics a statute printed from a legal web site: a date top right, the site's
  navigation menu and a drop-down, then the Act itself ("Section 1. Title. This Act shall be known as ...").
- :func:`make_bad_inputs` writes one broken or unusable file per case (empty, renamed PNG, truncated,
  encrypted, zero pages, image only, unsupported type, folder without documents).

The structured layout is set line by line by :class:`_Typesetter` rather than by fpdf2's own wrapping, so
that line ends, hyphenation and column order are known exactly. All text is written for these tests; the
documents and the Act are fictional.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import pikepdf
from fpdf import FPDF

PASSWORD = "secret"
HEADER = "Ministry of Social Welfare - Shelter SOP"
FOOTER_TEMPLATE = "Page {n} of {total}"
TITLE = (
    "Standard Operating Procedures",
    "for Shelters for Victims of Trafficking in Persons",
    "Department Order No. 14, Series of 2025",
)

# --- the policy text ------------------------------------------------------------------------------------

DEFAULT_SECTIONS: list[dict] = [
    {
        "heading": "Section 1. Title and purpose",
        "paragraphs": [
            "These procedures shall be cited as the Shelter Standard Operating Procedures of 2025. They set "
            "out the minimum standards that every shelter operated by the Ministry, by a local government "
            "unit or by an accredited non-governmental organisation shall observe when it provides "
            "temporary accommodation, protection and assistance to victims of trafficking in persons.",
            "These procedures shall be read together with the Anti-Trafficking in Persons Act and its "
            "implementing rules. Where these procedures are silent, the shelter shall act in the manner "
            "that best protects the safety, dignity and autonomy of the resident concerned.",
        ],
        "items": [],
    },
    {
        "heading": "Section 2. Definitions",
        "paragraphs": ["In these procedures, unless the context otherwise requires:"],
        "items": [
            (
                "(a)",
                '"case manager" means the registered social worker assigned to coordinate the care, '
                "protection and reintegration of a resident;",
            ),
            (
                "(b)",
                '"child" means any person below eighteen years of age, and any person whose age is '
                "uncertain but who appears to be below that age;",
            ),
            (
                "(c)",
                '"informed consent" means agreement given freely by a resident who has received, in a '
                "language the resident understands, clear information about what is proposed, its purpose "
                "and its consequences, and who knows that the agreement may be withdrawn at any time;",
            ),
            (
                "(d)",
                '"resident" means a person admitted to a shelter under Section 5, for as long as that '
                "person stays in the shelter; and",
            ),
            (
                "(e)",
                '"shelter" means any facility that provides temporary accommodation and assistance to '
                "victims of trafficking, whatever its name or the authority that runs it.",
            ),
        ],
    },
    {
        "heading": "Section 3. Guiding principles",
        "paragraphs": [
            "Every person who works in or for a shelter shall apply the following principles in all "
            "decisions concerning a resident."
        ],
        "items": [
            (
                "3.1",
                "Non-punishment. No resident shall be detained, charged or penalised for unlawful acts "
                "committed as a direct consequence of having been trafficked, including offences relating "
                "to immigration, prostitution or the use of false documents.",
            ),
            (
                "3.1.1",
                "The shelter shall not report a resident to the immigration authorities for the "
                "purpose of removal while the resident is receiving assistance under these procedures.",
            ),
            (
                "3.1.2",
                "Information obtained from a resident in the course of assistance shall not be used "
                "as evidence against that resident.",
            ),
            (
                "3.2",
                "Voluntariness. Admission to and stay in a shelter are voluntary. An adult resident may "
                "leave the shelter at any time, and the shelter shall not hold a resident against his or "
                "her will.",
            ),
            (
                "3.3",
                "Best interests of the child. In all actions concerning a child, the best interests of "
                "the child shall be a primary consideration, and the child shall be heard in accordance "
                "with his or her age and maturity.",
            ),
            (
                "3.4",
                "Non-discrimination. Assistance shall be provided without distinction as to sex, gender "
                "identity, nationality, ethnicity, religion, disability, immigration status or the form of "
                "exploitation suffered.",
            ),
        ],
    },
    {
        "heading": "Section 4. Identification and referral",
        "paragraphs": [
            "Any officer, service provider or member of the public who has reasonable grounds to believe "
            "that a person is a victim of trafficking may refer that person to a shelter. A formal "
            "identification decision by a law enforcement agency shall not be a precondition for "
            "referral or admission.",
            "The receiving shelter shall record the referral within twenty-four hours and shall notify "
            "the case manager on duty, who shall:",
        ],
        "items": [
            ("(a)", "meet the person in a private and safe setting, with an interpreter where needed;"),
            (
                "(b)",
                "explain the services available, the rules of the shelter and the person's rights, "
                "including the right to refuse any service; and",
            ),
            (
                "(c)",
                "assess immediate needs for medical care, food, clothing and safety, and arrange for "
                "them without delay.",
            ),
        ],
    },
    {
        "heading": "Section 5. Shelter admission",
        "paragraphs": [
            "Admission shall be decided by the shelter manager on the recommendation of the case manager, "
            "on the basis of the person's needs and informed consent. The shelter shall not refuse "
            "admission on the ground that the person lacks identity documents or does not wish to file "
            "a complaint.",
            "The shelter shall ensure that:",
        ],
        "items": [
            (
                "(a)",
                "each resident receives, on admission, a written and oral explanation of the house "
                "rules in a language he or she understands;",
            ),
            (
                "(b)",
                "the admission interview is conducted by a trained staff member of the sex preferred "
                "by the resident, and that:",
            ),
            ("(i)", "questions are limited to what is necessary to provide care and ensure safety; and"),
            (
                "(ii)",
                "the resident is not required to repeat an account of the exploitation already given "
                "to another agency;",
            ),
            (
                "(c)",
                "personal belongings, including mobile telephones and identity documents, remain in "
                "the possession of the resident, unless the resident asks the shelter to keep them in safe "
                "custody; and",
            ),
            (
                "(d)",
                "a resident who is not admitted is referred to another service and is informed of the "
                "reasons in writing.",
            ),
        ],
    },
    {
        "heading": "Section 6. Freedom of movement and communication",
        "paragraphs": [],
        "items": [
            (
                "6.1",
                "Adult residents may come and go from the shelter in accordance with reasonable house "
                "rules on meal times and night-time security. Such rules shall be posted in a visible place "
                "and applied equally to all residents.",
            ),
            (
                "6.2",
                "Where a specific and serious threat to the safety of a resident has been identified, "
                "the shelter manager may recommend that the resident remain on the premises or travel with "
                "an escort. The recommendation shall be explained to the resident, recorded in the care "
                "plan and reviewed at least every seven days.",
            ),
            (
                "6.3",
                "Residents shall not leave the premises without the written permission of the shelter "
                "manager during the first thirty days of their stay.",
            ),
            (
                "6.4",
                "Residents may keep in contact with their family, friends and legal representatives by "
                "telephone, letter or electronic means of their own choice. The shelter shall provide free "
                "access to a telephone for this purpose.",
            ),
        ],
    },
    {
        "heading": "Section 7. Confidentiality and personal data",
        "paragraphs": [
            # Long enough to run across a page break in the one-column layout.
            "All information concerning a resident, including his or her name, image, nationality, "
            "address, medical condition and the circumstances of the exploitation, is confidential. Staff "
            "members, volunteers, interpreters and visitors shall sign an undertaking of confidentiality "
            "before they are given access to the shelter or to any record kept by it, and the undertaking "
            "shall remain binding after their engagement with the shelter has ended. Records shall be kept "
            "in locked cabinets or in electronic systems protected by individual passwords, and access "
            "shall be limited to the persons who need the information to provide a service to the "
            "resident. No information that could lead to the identification of a resident shall be "
            "disclosed to the media, to researchers or to any other agency without the informed consent "
            "of the resident, given separately for each disclosure and after the resident has been told "
            "who will receive the information and for what purpose. Photographs and recordings of "
            "residents shall not be taken for publicity, fundraising or reporting purposes. Where a law "
            "enforcement agency or a court requests information about a resident, the shelter manager "
            "shall inform the resident of the request, shall seek legal advice where necessary, and shall "
            "disclose no more than the minimum information required by law. The shelter shall keep a "
            "register of every disclosure, stating the date, the information disclosed, the recipient and "
            "the legal basis, and the register shall be open to inspection by the resident concerned. "
            "Personal data shall be kept no longer than is necessary for the purpose for which they were "
            "collected and shall in any case be destroyed or made anonymous five years after the resident "
            "has left the shelter, unless the resident asks that they be kept for a longer period.",
            "A breach of confidentiality shall be reported to the shelter manager at once and shall be "
            "treated as a serious disciplinary offence.",
        ],
        "items": [],
    },
    {
        "heading": "Section 8. Health and psychosocial care",
        "paragraphs": ["Every resident shall have access, free of charge, to the following services:"],
        "items": [
            (
                "8.1",
                "Medical care. A general health examination shall be offered within seventy-two hours "
                "of admission. No medical examination, test or treatment shall be carried out without the "
                "informed consent of the resident or, in the case of a child, of the child and his or her "
                "guardian.",
            ),
            (
                "8.1.1",
                "Testing for HIV or other infections shall never be a condition of admission or of "
                "continued stay.",
            ),
            (
                "8.1.2",
                "Results of medical examinations shall be disclosed only to the resident and to the "
                "health professionals directly involved in his or her care.",
            ),
            (
                "8.2",
                "Psychosocial support. Counselling shall be provided by qualified personnel, at a pace "
                "chosen by the resident, and shall not be used to obtain information for an investigation.",
            ),
        ],
    },
    {
        "heading": "Section 9. Individual care plan",
        "paragraphs": [
            "Within fourteen days of admission, the case manager shall prepare an individual care plan "
            "together with the resident. The plan shall set out the resident's own goals, the services to "
            "be provided, the persons responsible and the expected duration of the stay.",
            "The care plan shall be reviewed with the resident at least once a month and whenever the "
            "resident so requests. A copy of the plan shall be given to the resident, and the resident's "
            "views shall be recorded in it even where they differ from those of the staff.",
        ],
        "items": [],
    },
    {
        "heading": "Section 10. Legal assistance and proceedings",
        "paragraphs": [
            "Residents shall be informed, in a language they understand, of their right to free legal "
            "assistance, to compensation and to remain in the country while proceedings concerning them "
            "are pending. The shelter shall arrange a meeting with a lawyer within seven days of "
            "admission if the resident so wishes.",
            "Assistance under these procedures shall not be made conditional on the resident's "
            "willingness to cooperate with law enforcement agencies or to testify in criminal "
            "proceedings. Where a resident decides to testify, the shelter shall:",
        ],
        "items": [
            (
                "(a)",
                "accompany the resident to hearings and interviews and ensure that he or she does not "
                "meet the accused;",
            ),
            ("(b)", "request protective measures such as testimony by video link or in closed session; and"),
            (
                "(c)",
                "ensure that interviews by investigators take place at a time and place agreed with "
                "the resident and in the presence of a support person of his or her choice.",
            ),
        ],
    },
    {
        "heading": "Section 11. Children in the shelter",
        "paragraphs": [],
        "items": [
            (
                "11.1",
                "Children shall be accommodated separately from unrelated adults, and siblings shall "
                "not be separated unless this is in their best interests.",
            ),
            (
                "11.2",
                "A guardian shall be appointed for every unaccompanied child within three working days "
                "of admission. The guardian shall be independent of the shelter and of any agency involved "
                "in the investigation.",
            ),
            (
                "11.3",
                "Every child of school age shall continue his or her education, either in a local "
                "school or through a programme organised in the shelter, and shall have daily opportunities "
                "for play and recreation.",
            ),
            (
                "11.4",
                "No child shall be returned to his or her family or country of origin until an "
                "assessment has found that return is safe and in the best interests of the child.",
            ),
        ],
    },
    {
        "heading": "Section 12. Exit, reintegration and follow-up",
        "paragraphs": [
            "The stay in a shelter ends when the resident decides to leave, when the goals of the care "
            "plan have been reached, or at the end of the period agreed in the care plan. The shelter "
            "shall not discharge a resident solely because he or she has declined to take part in "
            "criminal proceedings.",
            "Before a resident leaves, the case manager shall prepare with him or her a reintegration "
            "plan that covers accommodation, income, health care, education or training and any "
            "continuing legal matters. Where the resident consents, the case manager shall contact the "
            "resident at least once every three months during the first year after exit to offer "
            "further assistance.",
        ],
        "items": [],
    },
]

# Break points for hyphenate=True. Only these words are ever broken, so a hyphen at a line end is never
# a compound's own hyphen ("non-punishment", "twenty-four" are never split).
HYPHENATION: dict[str, str] = {
    pattern.replace("-", ""): pattern
    for pattern in (
        "protec-tion",
        "traf-fick-ing",
        "assis-tance",
        "confiden-tial-ity",
        "infor-ma-tion",
        "accom-mo-da-tion",
        "reinte-gra-tion",
        "inter-preter",
        "psy-choso-cial",
        "imme-di-ate",
        "immi-gra-tion",
        "inves-ti-ga-tion",
        "rep-re-sen-ta-tives",
        "circum-stances",
        "organ-isa-tion",
        "organ-ised",
        "per-mis-sion",
        "recom-men-da-tion",
        "exploi-ta-tion",
        "pro-ceed-ings",
        "doc-u-ments",
        "engage-ment",
        "exam-i-na-tion",
        "resi-dent",
        "resi-dents",
        "con-sid-er-ation",
        "com-pen-sa-tion",
    )
}

# --- page geometry (points, A4) -------------------------------------------------------------------------

PAGE_W, PAGE_H = 595.28, 841.89
MARGIN_X = 56.0
HEADER_BASELINE = 40.0
BODY_TOP = 66.0
BODY_BOTTOM = 780.0
FOOTER_BASELINE = 812.0
GUTTER = 24.0
BODY_SIZE = 10.0
LEADING = 13.0
PARAGRAPH_GAP = 5.0
HEADING_GAP = 9.0
LABEL_SLOT = 30.0  # width reserved for an item label such as "(a)" or "3.1.1"


class _PolicyPDF(FPDF):
    """An A4 document in points whose every page carries the running header and the page footer."""

    def __init__(self, *, header: str, footer_template: str) -> None:
        super().__init__(unit="pt", format="A4")
        self.running_header = header
        self.footer_template = footer_template
        self.set_auto_page_break(False)
        self.alias_nb_pages()
        self.set_creator("tests/pdfgen.py")

    def header(self) -> None:
        if self.running_header:
            self.set_font("Helvetica", "I", 8)
            self.text(MARGIN_X, HEADER_BASELINE, self.running_header)
            self.set_line_width(0.5)
            self.line(MARGIN_X, HEADER_BASELINE + 6, PAGE_W - MARGIN_X, HEADER_BASELINE + 6)

    def footer(self) -> None:
        if self.footer_template:
            text = self.footer_template.format(n=self.page_no(), total=self.str_alias_nb_pages)
            self.set_font("Helvetica", "", 8)
            self.set_xy(MARGIN_X, FOOTER_BASELINE - 8)
            self.cell(PAGE_W - 2 * MARGIN_X, 10, text, align="C")  # cell() fills in the page count alias


def _split_word(word: str) -> list[tuple[str, str]]:
    """Return the ways ``word`` may be broken at a line end, longest head first: ("protec", "tion")."""
    match = re.fullmatch(r"(\W*)([A-Za-z]+)(\W*)", word)
    if not match:
        return []
    lead, core, trail = match.groups()
    pattern = HYPHENATION.get(core.lower())
    if not pattern:
        return []
    cuts, position = [], 0
    for part in pattern.split("-")[:-1]:
        position += len(part)
        if position >= 3 and len(core) - position >= 3:
            cuts.append((lead + core[:position], core[position:] + trail))
    return cuts[::-1]


def _take_line(
    words: Sequence[str], width: float, measure: Callable[[str], float], *, hyphenate: bool
) -> tuple[str, list[str]]:
    """Fill one line of ``width`` from ``words``; return the line and the words left over."""
    line: list[str] = []
    for i, word in enumerate(words):
        if measure(" ".join([*line, word])) <= width:
            line.append(word)
            continue
        if hyphenate:
            for head, tail in _split_word(word):
                if measure(" ".join([*line, head + "-"])) <= width:
                    return " ".join([*line, head + "-"]), [tail, *words[i + 1 :]]
        if not line:  # a single word wider than the line: let it overflow rather than loop
            return word, list(words[1:])
        return " ".join(line), list(words[i:])
    return " ".join(line), []


class _Typesetter:
    """Set blocks of text into one or two columns; the left column is filled before the right one."""

    def __init__(self, pdf: FPDF, *, columns: int, hyphenate: bool) -> None:
        self.pdf = pdf
        self.columns = columns
        self.hyphenate = hyphenate
        self.col_width = (PAGE_W - 2 * MARGIN_X - (columns - 1) * GUTTER) / columns
        self.column = 0
        self.top = self.y = BODY_TOP

    @property
    def x(self) -> float:
        return MARGIN_X + self.column * (self.col_width + GUTTER)

    def new_page(self) -> None:
        self.pdf.add_page()
        self.column = 0
        self.top = self.y = BODY_TOP

    def _next_frame(self) -> None:
        if self.column + 1 < self.columns:
            self.column += 1
            self.y = self.top
        else:
            self.new_page()

    def gap(self, height: float) -> None:
        if self.y > self.top:  # no blank space at the top of a column
            self.y += height

    def centered(self, text: str, *, style: str, size: float) -> None:
        """A full-width centred line (the title); columns then start below it."""
        self.pdf.set_font("Helvetica", style, size)
        self.pdf.text((PAGE_W - self.pdf.get_string_width(text)) / 2, self.y + size, text)
        self.y += size * 1.45
        self.top = self.y

    def block(
        self,
        text: str,
        *,
        style: str = "",
        size: float = BODY_SIZE,
        indent: float = 0.0,
        label: str = "",
        label_x: float = 0.0,
        keep_lines: int = 1,
    ) -> None:
        """Wrap ``text`` into lines; ``label`` is printed at ``label_x`` on the first line (hanging)."""
        self.pdf.set_font("Helvetica", style, size)
        if self.y + keep_lines * LEADING > BODY_BOTTOM:
            self._next_frame()
        words, first = text.split(), True
        while words:
            if self.y + LEADING > BODY_BOTTOM:
                self._next_frame()
            last_in_frame = self.y + 2 * LEADING > BODY_BOTTOM  # never hyphenate across a column or page
            line, words = _take_line(
                words,
                self.col_width - indent,
                self.pdf.get_string_width,
                hyphenate=self.hyphenate and not last_in_frame,
            )
            baseline = self.y + size
            if first and label:
                self.pdf.text(self.x + label_x, baseline, label)
            self.pdf.text(self.x + indent, baseline, line)
            self.y += LEADING
            first = False


def _item_levels(labels: Sequence[str]) -> list[int]:
    """Nesting depth of each item label: "3.1" is 1, "3.1.1" 2, "(a)" one below the last decimal item,
    "(ii)" one below the last lettered item."""
    levels, decimal, letter = [], 0, 1
    for label in labels:
        if re.fullmatch(r"\d+(\.\d+)+", label):
            decimal = label.count(".")
            letter = decimal + 1
            levels.append(decimal)
        elif re.fullmatch(r"\((?:i|ii|iii|iv|v|vi|vii|viii)\)", label):
            levels.append(letter + 1)
        else:
            letter = decimal + 1
            levels.append(letter)
    return levels


def _set_section(setter: _Typesetter, section: dict) -> None:
    setter.gap(HEADING_GAP)
    setter.block(section["heading"], style="B", size=11, keep_lines=3)
    setter.gap(2)
    for paragraph in section.get("paragraphs", []):
        setter.block(paragraph, keep_lines=2)
        setter.gap(PARAGRAPH_GAP)
    items = section.get("items", [])
    for (label, text), level in zip(items, _item_levels([label for label, _ in items]), strict=True):
        label_x = (level - 1) * LABEL_SLOT
        setter.block(text, indent=label_x + LABEL_SLOT, label=label, label_x=label_x, keep_lines=2)
        setter.gap(PARAGRAPH_GAP / 2)


def _structured_pdf_bytes(
    sections: Sequence[dict],
    *,
    two_columns: bool,
    header: str,
    footer_template: str,
    hyphenate: bool,
    title: Sequence[str],
    new_page_before: frozenset[int] = frozenset(),
) -> tuple[bytes, int]:
    pdf = _PolicyPDF(header=header, footer_template=footer_template)
    pdf.set_title(title[0] if title else "Policy")
    setter = _Typesetter(pdf, columns=2 if two_columns else 1, hyphenate=hyphenate)
    setter.new_page()
    for i, line in enumerate(title):
        setter.centered(line, style="B" if i < 2 else "", size=15 if i < 2 else 11)
    setter.gap(12)
    setter.top = setter.y
    for index, section in enumerate(sections):
        if index in new_page_before:
            setter.new_page()
        _set_section(setter, section)
    return bytes(pdf.output()), pdf.page_no()


def structured_pdf_bytes(
    *,
    sections: Sequence[dict] = DEFAULT_SECTIONS,
    two_columns: bool = False,
    header: str = HEADER,
    footer_template: str = FOOTER_TEMPLATE,
    hyphenate: bool = False,
    pages_min: int = 3,
    title: Sequence[str] = TITLE,
) -> bytes:
    """The bytes of a structured policy PDF; sections start on new pages if needed to reach pages_min."""
    options = dict(
        two_columns=two_columns,
        header=header,
        footer_template=footer_template,
        hyphenate=hyphenate,
        title=title,
    )
    data, pages = _structured_pdf_bytes(sections, **options)
    breaks = 0
    while pages < pages_min and breaks < len(sections) - 1:
        breaks += 1
        step = len(sections) / (breaks + 1)
        new_page_before = frozenset(round(step * k) for k in range(1, breaks + 1))
        data, pages = _structured_pdf_bytes(sections, new_page_before=new_page_before, **options)
    return data


def make_structured_pdf(path: str | Path, **options) -> Path:
    """Write a structured policy document to ``path`` and return the path.

    ``options`` are those of :func:`structured_pdf_bytes`; ``footer_template`` may use ``{n}`` (this
    page) and ``{total}`` (page count).
    """
    path = Path(path)
    path.write_bytes(structured_pdf_bytes(**options))
    return path


# --- a statute printed from a web browser ---------------------------------------------------------------

WEB_DATE_LINE = "Today is Thursday, April 23, 2026"
WEB_MENU = (
    "Constitution",
    "Statutes",
    "Executive Issuances",
    "Judicial Issuances",
    "Jurisprudence",
    "Treaties",
    "Links",
)
WEB_MENU_ITEMS = ("Acts of Congress", "Presidential Decrees", "Executive Orders", "Administrative Orders")

WEB_SECTIONS: list[str] = [
    '**Section 1.** __Title.__ This Act shall be known as the "Shelter Standards for Survivors of '
    'Trafficking Act of 2026".',
    "**Section 2.** __Declaration of Policy.__ - It is hereby declared that the State values the dignity "
    "of every person and shall protect survivors of trafficking in persons from further harm. Towards "
    "this end, the State shall ensure that every shelter that receives survivors respects their liberty, "
    "privacy and right to make decisions about their own lives, and that no survivor is confined, "
    "punished or made to cooperate with an investigation as a condition of assistance.",
    "**Section 3.** __Definition of Terms.__ - As used in this Act:",
    "(a) __Survivor__ - refers to any person who has been subjected to trafficking in persons, whether or "
    "not the offender has been identified, apprehended or convicted;",
    "(b) __Shelter__ - refers to any residential facility, public or private, that provides temporary "
    "accommodation and services to survivors; and",
    "(c) __Department__ - refers to the Department of Social Welfare.",
    "**Section 4.** __Voluntary Stay.__ - Admission to a shelter shall be voluntary. No survivor shall be "
    "kept in a shelter against his or her will, and an adult survivor may leave at any time after being "
    "informed of the services that remain available to him or her.",
    "**Section 5.** __Accreditation of Shelters.__ - No shelter shall operate without accreditation by the "
    "Department. The Department shall accredit only shelters that meet the minimum standards prescribed "
    "in its rules, including standards on safety, staffing, confidentiality and access to health care "
    "and legal assistance, and shall inspect every accredited shelter at least once a year.",
    "**Section 6.** __Confidentiality.__ - The name, image and personal circumstances of a survivor shall "
    "be kept confidential at every stage of assistance. Any person who discloses such information "
    "without the written consent of the survivor shall be liable to the penalties provided in Section 8 "
    "of this Act.",
    "**Section 7.** __Complaints.__ - Every shelter shall establish a procedure through which survivors "
    "may complain, without fear of reprisal, about their treatment, and shall inform them of their right "
    "to address complaints directly to the Department.",
    "**Section 8.** __Penalties.__ - Any person who violates Section 4 or Section 6 of this Act shall "
    "suffer imprisonment of six months to two years and a fine to be fixed by the court.",
    "**Section 9.** __Appropriations.__ - The amount necessary to implement this Act shall be included in "
    "the annual General Appropriations Act.",
    "**Section 10.** __Separability Clause.__ - If any provision of this Act is declared invalid, the "
    "other provisions not affected thereby shall remain in full force and effect.",
    "**Section 11.** __Effectivity.__ - This Act shall take effect fifteen (15) days after its "
    "publication in two newspapers of general circulation.",
]


def _web_chrome(pdf: FPDF) -> None:
    """The site's logo, the date top right, the menu line and an open drop-down, as a browser prints them."""
    pdf.set_text_color(20, 40, 120)
    pdf.set_font("Helvetica", "B", 18)
    pdf.text(20, 30, "The Open Statutes Library")
    pdf.set_font("Helvetica", "", 6.5)
    pdf.text(20, 41, "LAWS AND JURISPRUDENCE DATABANK")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("Helvetica", "", 8)
    pdf.text(363, 14, WEB_DATE_LINE)
    pdf.set_draw_color(160, 160, 160)
    pdf.rect(330, 22, 250, 24)
    pdf.set_font("Helvetica", "B", 6.5)
    pdf.set_text_color(120, 120, 120)
    x = 13.0
    for entry in WEB_MENU:
        pdf.text(x, 70, entry)
        x += pdf.get_string_width(entry) + 14
    pdf.set_fill_color(240, 240, 240)
    pdf.rect(60, 76, 110, 58, style="DF")
    pdf.set_font("Helvetica", "", 6.5)
    for i, item in enumerate(WEB_MENU_ITEMS):
        pdf.text(66, 88 + 13 * i, item)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.line(36, 146, 576, 146)


def make_web_print_pdf(path: str | Path) -> Path:
    """Write a statute as printed from a legal web site (date, menu, then the Act) and return the path."""
    path = Path(path)
    pdf = FPDF(unit="pt", format="Legal")
    pdf.set_margins(36, 36, 36)
    pdf.set_auto_page_break(True, margin=36)
    pdf.add_page()
    _web_chrome(pdf)
    pdf.set_y(160)
    pdf.set_font("Helvetica", "B", 10)
    for line in ("Fourth Congress", "First Regular Session"):
        pdf.cell(0, 13, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(
        0,
        13,
        "Begun and held in the capital on Monday, the twenty-eighth day of July, two thousand twenty-five.",
        align="L",
    )
    pdf.ln(8)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(150, 13, "Act No. 4417")
    pdf.cell(0, 13, "March 2, 2026", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.multi_cell(
        0,
        13,
        "AN ACT ESTABLISHING MINIMUM STANDARDS FOR SHELTERS FOR SURVIVORS OF TRAFFICKING IN "
        "PERSONS, PROVIDING FOR THEIR ACCREDITATION AND MONITORING, AND FOR OTHER PURPOSES",
        align="C",
    )
    pdf.ln(8)
    pdf.set_font("Helvetica", "I", 10)
    pdf.multi_cell(
        0,
        13,
        "Be it enacted by the Senate and the House of Representatives in Congress assembled:",
        align="L",
    )
    pdf.set_font("Helvetica", "", 10)
    for paragraph in WEB_SECTIONS:
        pdf.ln(9)
        indent = 30 if paragraph.startswith("(") else 0
        pdf.set_x(36 + indent)
        pdf.multi_cell(0, 12, paragraph, markdown=True, align="J")
    pdf.ln(20)
    pdf.multi_cell(0, 12, "Approved: March 2, 2026", align="L")
    path.write_bytes(bytes(pdf.output()))
    return path


# --- files a reader must refuse -------------------------------------------------------------------------

NOT_PDF_TEXT = (
    "Minutes of the inter-agency meeting on shelter standards, 14 March 2026\n"
    "1. The draft SOP was presented by the Ministry and discussed section by section.\n"
    "2. Members asked that Section 6.3 on leaving the premises be reviewed before adoption.\n"
)


def png_bytes(width: int, height: int, pixel: Callable[[int, int], int]) -> bytes:
    """A grayscale 8-bit PNG whose pixel (x, y) has the value ``pixel(x, y)`` (0 black, 255 white)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + bytes(pixel(x, y) for x in range(width)) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def _scanned_text_pixel(x: int, y: int, *, width: int = 300, margin: int = 24) -> int:
    """A page of grey bars where lines of print would be, as a low-resolution scan shows them."""
    line, row = divmod(y - margin, 11)
    if y < margin or row > 4 or line > 33:
        return 255
    line_end = width - margin - (line * 37) % 70
    in_word = (x + line * 13) % 29 < 24
    return 70 if margin <= x < line_end and in_word else 255


def _image_only_pdf_bytes(pages: int = 2) -> bytes:
    scan = io.BytesIO(png_bytes(300, 424, _scanned_text_pixel))
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    for _ in range(pages):
        pdf.add_page()
        scan.seek(0)
        pdf.image(scan, x=0, y=0, w=PAGE_W, h=PAGE_H)
    return bytes(pdf.output())


def _encrypted_pdf_bytes(plain: bytes) -> bytes:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(plain)) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(user=PASSWORD, owner=PASSWORD + "-owner"))
    return out.getvalue()


def _zero_page_pdf_bytes() -> bytes:
    out = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.save(out)
    return out.getvalue()


def make_bad_inputs(folder: str | Path) -> dict[str, Path]:
    """Write one unusable input per case into ``folder``; return {case: path}.

    Cases: empty, not_pdf, png_renamed, truncated, encrypted (user password :data:`PASSWORD`, with a text
    layer once opened), zero_pages, image_only, unsupported (.xyz) and empty_folder (a folder holding
    only a .xyz file).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    text_pdf = structured_pdf_bytes(sections=DEFAULT_SECTIONS[:4], pages_min=1)
    tiny_png = png_bytes(16, 16, lambda x, y: 255 if (x + y) % 4 else 0)
    contents: dict[str, tuple[str, bytes]] = {
        "empty": ("empty.pdf", b""),
        "not_pdf": ("meeting-minutes.pdf", NOT_PDF_TEXT.encode("latin-1")),
        "png_renamed": ("scan.pdf", tiny_png),
        "truncated": ("truncated.pdf", text_pdf[: int(len(text_pdf) * 0.4)]),
        "encrypted": ("encrypted.pdf", _encrypted_pdf_bytes(text_pdf)),
        "zero_pages": ("zero-pages.pdf", _zero_page_pdf_bytes()),
        "image_only": ("scanned-sop.pdf", _image_only_pdf_bytes()),
        "unsupported": ("shelter-sop.xyz", NOT_PDF_TEXT.encode("latin-1")),
    }
    paths = {}
    for case, (name, data) in contents.items():
        paths[case] = folder / name
        paths[case].write_bytes(data)
    empty_folder = folder / "no-documents"
    empty_folder.mkdir(exist_ok=True)
    (empty_folder / "notes.xyz").write_text("Nothing here is a policy document.\n", encoding="latin-1")
    paths["empty_folder"] = empty_folder
    return paths
