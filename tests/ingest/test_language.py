"""How much of a document is in a language the classifier does not read, and what the audit says of it."""

from __future__ import annotations

from functools import cache

import pytest
from helpers import fixture_path

from analyzer.ingest.language import document_language_warning, language_shares, unread_share


@cache
def text(name: str) -> str:
    return fixture_path(name).read_text(encoding="utf-8")


def english() -> str:
    return text("my-atipsom-bill-2007-en.md")


def malay() -> str:
    return text("my-atipsom-bill-2007-ms.md")


def test_shares_of_one_language_documents():
    assert language_shares(english()) == {"en": 1.0}
    assert unread_share(malay()) == (1.0, "ms")  # a few pieces read as Indonesian: not read either
    assert language_shares(text("th-anti-trafficking-act-be2551-th.txt")) == {"th": 1.0}
    assert language_shares("") == {} and unread_share("") == (0.0, None)


@pytest.mark.parametrize(
    "english_chars, malay_chars, low, high, says",
    [
        (80_000, 0, 0.0, 0.0, None),
        (76_000, 3_000, 0.0, 0.15, None),  # a few lines of Malay: no warning
        (64_000, 16_000, 0.15, 0.3, "about"),  # the English Act with part of its Malay text
        (40_000, 40_000, 0.4, 0.6, ""),  # half and half: one of the two warnings
        (0, 80_000, 1.0, 1.0, "the document is in Malay (ms), and the classifier reads English only"),
    ],
)
def test_bilingual_documents_are_warned_of_by_their_share(english_chars, malay_chars, low, high, says):
    mixed = english()[:english_chars] + "\n" + malay()[:malay_chars]
    share, language = unread_share(mixed)
    assert low <= share <= high
    warning = document_language_warning(mixed)
    if says is None:
        assert warning is None
    else:
        assert warning is not None and warning.startswith(says) and "Malay (ms)" in warning
        assert language == "ms"


def test_a_long_document_is_read_in_at_most_24_pieces(monkeypatch):
    import analyzer.ingest.language as language

    read = []
    monkeypatch.setattr(language, "guess_language", lambda piece: read.append(piece) or "en")
    long = "\n".join([english()] * 20)  # 1.6 million characters
    assert language_shares(long) == {"en": 1.0}
    assert len(read) == 24 and long.startswith(read[0]) and long.endswith(read[-1])
