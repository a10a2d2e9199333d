"""The numpy char and word n-gram TF-IDF gives exactly scikit-learn's matrix, or hands over to scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from analyzer.classify import fast_tfidf, fast_words
from analyzer.classify.features import char_vectorizer, word_vectorizer
from analyzer.corpus.dataset import load_clauses

ODD = [
    "",
    "   ",
    "a",
    "I",
    "Victims\tshall\nnot  be detained.",
    "ผู้เสียหายจะไม่ถูกกักตัว ภาษาไทย",
    "Nạn nhân không bị giam giữ; Tiếng Việt có dấu",
    "control \x00 and \x01 and \x1b[31m characters",
    "😀 emoji, 𝔘nicode and ＦＵＬＬＷＩＤＴＨ letters",
    "supercalifragilisticexpialidocious-and-hyphenated-words" * 3,
    "ÀÉÎÕÜ upper-case accented",
    "a lone \ud800 surrogate from a JSON escape",
]


def _same(vectorizer: TfidfVectorizer, texts: list[str]) -> None:
    expected = vectorizer.transform(texts).toarray()
    got = fast_tfidf.transform(vectorizer, texts)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got.toarray(), expected)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [r["text"] for r in load_clauses()]


@pytest.fixture(scope="module")
def fitted(texts) -> TfidfVectorizer:
    return char_vectorizer().fit(texts)


def test_the_model_settings_are_reproduced_exactly(fitted, texts):
    assert fast_tfidf.supported(fitted)
    assert fast_tfidf._char_table(fitted) is not None
    for start in range(0, len(texts), 700):  # batches, as the classifier sends them
        _same(fitted, texts[start : start + 700])
    _same(fitted, ODD)


@pytest.mark.parametrize("ngram_range", [(1, 1), (2, 4), (3, 6), (4, 6)])
def test_other_ngram_ranges(texts, ngram_range):
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=ngram_range, sublinear_tf=False, norm=None)
    vectorizer.fit(texts[:300] + ODD)
    # from 4 letters up, sklearn counts a short word whole: left to sklearn
    assert fast_tfidf.supported(vectorizer) == (ngram_range[0] <= 3)
    _same(vectorizer, texts[300:600] + ODD)


def test_an_empty_batch_and_an_array_of_texts(fitted, texts):
    assert fast_tfidf.transform(fitted, []).shape == (0, len(fitted.vocabulary_))
    _same(fitted, np.array(texts[:20]))


def test_the_word_model_settings_are_reproduced_exactly(texts):
    vectorizer = word_vectorizer().fit(texts + ODD)
    assert fast_tfidf.supported(vectorizer)
    assert fast_words.table(vectorizer) is not None
    for start in range(0, len(texts), 700):
        _same(vectorizer, texts[start : start + 700])
    _same(vectorizer, ODD + ["", "x y", "shall shall shall not not be be be detained detained"])


@pytest.mark.parametrize(
    "settings",
    [
        {"ngram_range": (1, 1)},
        {"ngram_range": (2, 4), "sublinear_tf": False, "norm": None},
        {"ngram_range": (1, 2), "lowercase": False, "use_idf": False},
    ],
)
def test_other_word_settings(texts, settings):
    vectorizer = TfidfVectorizer(**settings).fit(texts[:300] + ODD)
    assert fast_tfidf.supported(vectorizer)
    _same(vectorizer, texts[300:600] + ODD)


def test_other_settings_are_left_to_scikit_learn(texts):
    words = TfidfVectorizer(token_pattern=r"[^ ]+").fit(texts[:200])
    chars = TfidfVectorizer(analyzer="char", ngram_range=(2, 3)).fit(texts[:200])
    for vectorizer in (words, chars):
        assert not fast_tfidf.supported(vectorizer)
        _same(vectorizer, texts[200:260])


def test_an_alphabet_too_large_to_pack_is_left_to_scikit_learn():
    letters = "".join(chr(0x4E00 + i) for i in range(5000))  # 5,000 distinct CJK characters
    words = [letters[i : i + 4] for i in range(0, len(letters), 4)]
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit([" ".join(words)])
    assert fast_tfidf._char_table(vectorizer) is None
    _same(vectorizer, [" ".join(words[:50]), "plain text"])


def test_a_word_list_too_large_to_pack_is_left_to_scikit_learn():
    words = [f"w{i}" for i in range(10)]  # 21-grams get 3 bits a word: 7 words at most
    vectorizer = TfidfVectorizer(ngram_range=(1, 21), dtype=np.float32)
    vectorizer.vocabulary_ = {word: i for i, word in enumerate(words)}
    vectorizer.idf_ = np.ones(len(words))
    assert fast_words.table(vectorizer) is None
    _same(vectorizer, ["w1 w2 w3 w1", "plain text"])
