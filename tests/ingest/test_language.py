"""How much of a document is in a language the classifier does not read, and what the audit records of it."""

from __future__ import annotations

from functools import cache

import pytest
from helpers import fixture_path

from analyzer.ingest.language import audit_language, language_shares, language_warnings


@cache
def text(name: str) -> str:
    return fixture_path(name).read_text(encoding="utf-8")


def english() -> str:
    return text("my-atipsom-bill-2007-en.md")


def malay() -> str:
    return text("my-atipsom-bill-2007-ms.md")


def test_shares_of_one_language_documents():
    assert language_shares(english()) == {"en": 1.0}
    assert language_shares(text("th-anti-trafficking-act-be2551-th.txt")) == {"th": 1.0}
    assert set(language_shares(malay())) <= {"ms", "id"}  # a few pieces read as Indonesian: not read either
    assert language_shares("") == {}


@pytest.mark.parametrize(
    "parts, guessed, language, says",
    [
        ([("en", 80_000)], "en", "en", None),
        ([("en", 76_000), ("ms", 3_000)], "en", "en", None),  # a few lines of Malay: no warning
        ([("en", 64_000), ("ms", 16_000)], "en", "en", "about 2"),  # the English Act and part of its Malay
        ([("ms", 20_000), ("en", 60_000)], "ms", "en", "about 2"),  # the Malay first: the opening misleads
        ([("en", 20_000), ("ms", 60_000)], "en", "ms", "the document is in Malay (ms)"),
        (
            [("ms", 80_000)],
            "ms",
            "ms",
            "the document is in Malay (ms), and the classifier reads English only",
        ),
        ([("th", 10_000)], "th", "th", "the document is in Thai (th)"),
        ([], "und", "und", None),  # nothing to tell: the reader's guess stands
    ],
)
def test_the_audit_records_the_language_of_the_whole_text_and_warns_by_its_share(
    parts, guessed, language, says
):
    sources = {"en": english, "ms": malay, "th": lambda: text("th-anti-trafficking-act-be2551-th.txt")}
    mixed = "\n".join(sources[code]()[:chars] for code, chars in parts)
    recorded, warning = audit_language(mixed, guessed)
    assert recorded == language
    if says is None:
        assert warning is None
    else:
        assert warning is not None and warning.startswith(says) and language_warnings([warning]) == [warning]
        assert "Malay (ms)" in warning or "Thai (th)" in warning


def test_a_long_document_is_read_in_at_most_24_pieces(monkeypatch):
    import analyzer.ingest.language as language

    read = []
    monkeypatch.setattr(language, "guess_language", lambda piece: read.append(piece) or "en")
    long = "\n".join([english()] * 20)  # 1.6 million characters
    assert language_shares(long) == {"en": 1.0}
    assert len(read) == 24 and long.startswith(read[0]) and long.endswith(read[-1])
    assert language_shares(long, limit=1) == {"en": 1.0}  # at least the first and the last piece
