"""A small language guesser for the region's languages.

Script decides first (Thai, Khmer, Lao, Myanmar); Latin-script text is scored against short lists of
frequent function words kept in :data:`STOPWORDS`. Vietnamese is also recognised by its diacritics. It is
meant to pre-fill a form and pick OCR languages, not to be a general identifier.
"""

from __future__ import annotations

import re
from collections import Counter

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


def language_warning(language: str | None) -> str | None:
    """The warning an audit carries when its document is not in the language the classifier reads
        (:data:`analyzer.types.CLAUSE_LANGUAGE`): the rules and the model read English words,
        so a document in another language gets no findings, no score and every principle as a gap, which
        says nothing about its provisions. None for English, for text too short to tell (``"und"``) and for
    no language at all (None, or NaN in a store's DataFrame)."""
    if not isinstance(language, str) or not language or language in (CLAUSE_LANGUAGE, "und"):  # NaN too
        return None
    name = NAMES.get(language, language)
    return (
        f"the document is in {name} ({language}), and the classifier reads {NAMES[CLAUSE_LANGUAGE]} only: "
        f"its findings, score and gaps do not describe this document; audit an English translation"
    )
