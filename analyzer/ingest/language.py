"""A small language guesser for the region's languages.

Script decides first (Thai, Khmer, Lao, Myanmar); Latin-script text is scored against short lists of
frequent function words kept in :data:`STOPWORDS`. Vietnamese is also recognised by its diacritics. It is
meant to pre-fill a form, pick OCR languages and tell an audit which parts of a document the classifier
cannot read (:func:`audit_language`), not to be a general identifier.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from analyzer.types import CLAUSE_LANGUAGE

# ISO 639-1 code -> Unicode range of its script.
SCRIPTS: dict[str, tuple[int, int]] = {
    "th": (0x0E00, 0x0E7F),
    "lo": (0x0E80, 0x0EFF),
    "my": (0x1000, 0x109F),
    "km": (0x1780, 0x17FF),
}

# Function words Indonesian and Malay share; the words after them tell the two apart.
_MALAY_CORE = "yang dan dalam dengan untuk atau pada dari ini oleh "

STOPWORDS: dict[str, frozenset[str]] = {
    code: frozenset(words.split())
    for code, words in {
        "en": "the of and to in shall be or any by for is that with as this person such",
        "id": _MALAY_CORE + "sebagaimana dimaksud adalah tersebut ayat huruf pasal",
        "ms": _MALAY_CORE + "seksyen mana-mana hendaklah bahawa subseksyen perenggan",
        "tl": "ang ng mga sa na at ay para kung hindi ito siya",
        "vi": "và của các là có được trong cho người không này những",
    }.items()
}

# ISO 639-1 code -> the language's English name, for messages and reports.
NAMES: dict[str, str] = {
    "en": "English",
    "id": "Indonesian",
    "ms": "Malay",
    "th": "Thai",
    "vi": "Vietnamese",
    "km": "Khmer",
    "lo": "Lao",
    "my": "Burmese",
    "tl": "Filipino",
    "fil": "Filipino",
}

_VIETNAMESE_MARKS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)


def guess_language(text: str, *, sample: int = 20000) -> str:
    """Return an ISO 639-1 code for ``text``, or ``"und"`` when there is too little to tell."""
    text = text[:sample]
    letters = {ch: count for ch, count in Counter(text).items() if ch.isalpha()}  # each distinct letter once
    total = sum(letters.values())
    if total < 20:
        return "und"
    for code, (low, high) in SCRIPTS.items():
        if sum(count for ch, count in letters.items() if low <= ord(ch) <= high) > 0.3 * total:
            return code
    if len(_VIETNAMESE_MARKS.findall(text)) > 0.03 * total:
        return "vi"
    words = Counter(map(str.lower, _WORD.findall(text)))
    scores = {code: sum(words[w] for w in vocab) for code, vocab in STOPWORDS.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] else "und"


CHUNK_CHARS = 2000  # characters read at a time by language_shares: about a page of a statute
MAX_CHUNKS = 24  # pieces read, spread evenly over a longer document (each ~0.4 ms)
PARTLY = 0.15  # share of a document's text in other languages from which the audit warns of them
MOSTLY = 0.5  # ... from which the audit records that language and says its findings describe nothing
READS_ONLY = f"the classifier reads {NAMES[CLAUSE_LANGUAGE]} only"  # in every language warning


def language_shares(text: str, *, chunk: int = CHUNK_CHARS, limit: int = MAX_CHUNKS) -> dict[str, float]:
    """The share of ``text``'s characters in each language: the text cut into pieces of ``chunk``
    characters, each guessed on its own (:func:`guess_language`; ``"und"`` for a piece too short to
    tell), at most ``limit`` (2 or more) pieces spread evenly over a longer text. A bilingual document (an
    English text with its Malay original, pages in two languages) reads as two shares."""
    limit = max(limit, 2)
    count = -(-len(text) // chunk)
    if count > limit:  # evenly spaced pieces, the first at the start and the last at the end
        last = len(text) - chunk
        starts = [round(i * last / (limit - 1)) for i in range(limit)]
    else:
        starts = range(0, len(text), chunk)
    counts: Counter[str] = Counter()
    for start in starts:
        piece = text[start : start + chunk]
        counts[guess_language(piece)] += len(piece)
    total = sum(counts.values())
    return {code: count / total for code, count in counts.most_common()} if total else {}


def audit_language(text: str, guessed: str) -> tuple[str, str | None]:
    """What an audit records of the language of a document with this ``text`` (``guessed``: the reader's
    guess from its opening): (its language, its language warning or None), from the shares of the whole
    text (:func:`language_shares`; pieces too short to tell count for nothing).

    - Most of it (:data:`MOSTLY`) in languages the classifier does not read: the largest of them, and
      :func:`language_warning`.
    - Part of it (from :data:`PARTLY`): the classifier's language, and a warning naming the share.
    - Otherwise the classifier's language where any piece is in it, else ``guessed``; no warning.

    Every later decision (the CLI's status line, the dashboard's gaps, the country comparisons) reads the
    recorded language and warnings, so the whole text is read once, at the audit."""
    shares = {code: share for code, share in language_shares(text).items() if code != "und"}
    unread = {code: share for code, share in shares.items() if code != CLAUSE_LANGUAGE}
    told = sum(shares.values())
    if not told:
        return guessed, language_warning(guessed)
    share, largest = sum(unread.values()) / told, max(unread, key=unread.get, default=None)
    if share >= MOSTLY:
        return largest, language_warning(largest)
    if share >= PARTLY:
        name = NAMES.get(largest, largest)
        return CLAUSE_LANGUAGE, (
            f"about {share:.0%} of the document is in {name} ({largest}) or other languages, and {READS_ONLY}: "
            f"its provisions there get no findings, and the score and gaps describe the "
            f"{NAMES[CLAUSE_LANGUAGE]} part only"
        )
    return CLAUSE_LANGUAGE, None


def unread(language: str | None) -> bool:
    """Whether ``language`` (a code as a document records it) is one the classifier does not read
    (:data:`analyzer.types.CLAUSE_LANGUAGE`): False for English, for text too short to tell (``"und"``)
    and for no language at all (None, or NaN in a store's DataFrame)."""
    return isinstance(language, str) and bool(language) and language not in (CLAUSE_LANGUAGE, "und")


def language_warning(language: str | None) -> str | None:
    """The warning of a document in ``language`` when the classifier does not read it (:func:`unread`):
    the rules and the model read English words, so such a document gets no findings, no score and every
    principle as a gap, which says nothing about its provisions. None otherwise."""
    if not unread(language):
        return None
    name = NAMES.get(language, language)
    return (
        f"the document is in {name} ({language}), and {READS_ONLY}: "
        f"its findings, score and gaps do not describe this document; audit an English translation"
    )


def language_warnings(warnings: Sequence[str]) -> list[str]:
    """The language warnings among a document's ``warnings`` (as :func:`audit_language` made them)."""
    return [warning for warning in warnings if READS_ONLY in warning]
