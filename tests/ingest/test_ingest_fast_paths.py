"""Claims that the layout, text-layer and language stages give exactly what their first, plainer implementations
gave (kept here as references): they run on every page of every PDF, so they were made cheaper per word
and per character, and must not change a line or a box.
"""

from __future__ import annotations

import statistics
import unicodedata
from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.ingest import language, layout, text_layer, word_layout

coordinates = st.floats(min_value=-50, max_value=900, allow_nan=False).map(lambda v: round(v * 4) / 4)
sizes = st.sampled_from([None, 0, 7.0, 9.5, 12.0, 12.4, 18.0])


@st.composite
def words(draw, *, max_size: int = 60) -> list[dict]:
    """Words with boxes on a small grid, so that ties, overlaps and equal tops are common."""
    found = []
    for index in range(draw(st.integers(min_value=1, max_value=max_size))):
        x0, top = draw(coordinates), draw(coordinates)
        word = {"text": f"w{index}", "x0": x0, "x1": x0 + draw(st.sampled_from([0, 3, 20, 140, 300]))}
        word |= {"top": top, "bottom": top + draw(st.sampled_from([0.0, 0.05, 7.0, 12.0, 12.5]))}
        size = draw(sizes)
        if size is not None:
            word["size"] = size
        found.append(word)
    return found


def reference_words_to_rows(words):
    rows, bounds = [], []
    for word in sorted(words, key=lambda w: (round(w["top"], 1), w["x0"])):
        height = max(word["bottom"] - word["top"], 0.1)
        for index in range(len(rows) - 1, max(len(rows) - 4, -1), -1):
            top, bottom = bounds[index]
            overlap = min(bottom, word["bottom"]) - max(top, word["top"])
            if overlap >= 0.5 * min(height, bottom - top):
                rows[index].append(word)
                bounds[index] = (min(top, word["top"]), max(bottom, word["bottom"]))
                break
        else:
            rows.append([word])
            bounds.append((word["top"], word["bottom"]))
    return [sorted(row, key=lambda w: w["x0"]) for row in rows]


def reference_rows_to_fragments(rows, gap_factor=1.8):
    fragments = []
    for row in rows:
        height = statistics.median(w["bottom"] - w["top"] for w in row)
        limit = max(gap_factor * height, 12.0)
        current = [row[0]]
        for word in row[1:]:
            gap = word["x0"] - current[-1]["x1"]
            if gap > limit or layout._size_jump(current[-1], word):
                fragments.append(current)
                current = [word]
            else:
                current.append(word)
        fragments.append(current)
    return fragments


def reference_find_gutter(fragments, page_width):
    if len(fragments) < 6:
        return None
    wide, allowed, best = 0.2 * page_width, max(2, 0.15 * len(fragments)), None
    middle, x = page_width / 2, 0.3 * page_width
    while x <= 0.7 * page_width:
        crossing = sum(1 for f in fragments if f.x0 < x < f.x1)
        if crossing <= allowed:
            left = sum(1 for f in fragments if f.x1 <= x and f.x1 - f.x0 >= wide)
            right = sum(1 for f in fragments if f.x0 >= x and f.x1 - f.x0 >= wide)
            if left >= 3 and right >= 3:
                key = (crossing, abs(x - middle), x)
                best = key if best is None or key < best else best
        x += 2.0
    return None if best is None else best[2]


def reference_counts(texts):
    text = "".join(texts)
    cids = len(text_layer.CID.findall(text))
    rest = [c for c in text_layer.CID.sub("", text) if not c.isspace()]
    bad = sum(c == "\ufffd" or unicodedata.category(c) in {"Co", "Cc", "Cs", "Cn"} for c in rest)
    return len(rest) + cids, cids, bad


@settings(max_examples=80, deadline=None)
@given(words())
def test_rows_and_fragments_are_those_of_the_plain_implementation(found):
    rows = layout.words_to_rows(found)
    assert rows == reference_words_to_rows(found)
    fragments = layout.rows_to_fragments(rows)
    assert [fragment.words for fragment in fragments] == reference_rows_to_fragments(rows)
    for fragment in fragments:
        assert (fragment.x0, fragment.x1) == (
            min(w["x0"] for w in fragment.words),
            max(w["x1"] for w in fragment.words),
        )
        assert (fragment.top, fragment.bottom) == (
            min(w["top"] for w in fragment.words),
            max(w["bottom"] for w in fragment.words),
        )


def _boxes(fragments):
    return [(f.x0, f.x1, f.top, f.bottom, f.text) for f in fragments]


@settings(max_examples=150, deadline=None)
@given(words(), st.booleans())
def test_fragments_of_word_tuples_are_those_of_the_dict_path(found, repeat_boxes):
    """The fast engine's path (tuples, and the shortcut for a word boxed like the one before)."""
    if repeat_boxes:  # many words share their top and bottom, as on a typeset line
        found = [word | {"top": found[0]["top"], "bottom": found[0]["bottom"]} if i % 3 else word
                 for i, word in enumerate(found)]  # fmt: skip
    tuples = [(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], w.get("size"), True) for w in found]
    expected = layout.rows_to_fragments(layout.words_to_rows(found))
    assert repr(_boxes(word_layout.fragments_of_words(tuples))) == repr(_boxes(expected))


def test_fragments_of_word_tuples_on_crowded_random_lines():
    """Many random pages whose words share boxes, sit on nearby or overlapping lines, or have (almost) no
    height: the cases where the shortcut for a word boxed like the one before could go wrong."""
    rng = np.random.default_rng(11)
    for _ in range(1500):
        found, box = [], None
        for index in range(int(rng.integers(2, 30))):
            if box is None or rng.random() < 0.4:
                top = float(rng.choice([100.0, 100.25, 101.0, 104.0, 106.0, 112.0]) + rng.choice([0, 0.04]))
                box = (top, top + float(rng.choice([-1.0, 0.0, 0.05, 0.1, 0.15, 3.0, 6.0, 12.0])))
            x0 = float(rng.integers(0, 40)) * 5
            found.append({"text": f"w{index}", "x0": x0, "x1": x0 + 4, "top": box[0], "bottom": box[1]})
        tuples = [(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], None) for w in found]
        rows = reference_words_to_rows(found)  # the plain implementation, without the shortcut
        assert layout.words_to_rows(found) == rows, found
        expected = layout.rows_to_fragments(rows)
        assert repr(_boxes(word_layout.fragments_of_words(tuples))) == repr(_boxes(expected)), found


@settings(max_examples=80, deadline=None)
@given(words(max_size=40), st.sampled_from([300.0, 595.28, 612.0, 1683.78, 3000.0]))
def test_the_gutter_is_that_of_the_plain_search(found, page_width):
    """Widths above 1,280 pt try more than one batch of 256 candidates."""
    fragments = [layout.Fragment([word]) for word in found]
    assert layout.find_gutter(fragments, page_width=page_width) == reference_find_gutter(
        fragments, page_width
    )


def test_a_two_column_page_has_its_gutter_found():
    column = [
        {"text": "w", "x0": x, "x1": x + 200, "top": top, "bottom": top + 12}
        for x in (72, 320)
        for top in range(100, 700, 20)
    ]
    fragments = [layout.Fragment([word]) for word in column]
    gutter = layout.find_gutter(fragments, page_width=612.0)
    assert gutter == reference_find_gutter(fragments, 612.0) and 272 <= gutter <= 320


pieces = st.sampled_from([*"ab \t\n\u00a0\ue000\ufffd\x07\u0378\ud800é", "(cid:12)", "(cid:", "7)"])
texts = st.lists(st.lists(pieces, max_size=12).map("".join), max_size=6)


@settings(max_examples=150, deadline=None)
@given(texts)
def test_text_layer_counts_are_the_per_character_ones(lines):
    assert text_layer._counts(lines) == reference_counts(lines)


def reference_guess_language(text, sample=20000):
    text = text[:sample]
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 20:
        return "und"
    for code, (low, high) in language.SCRIPTS.items():
        if sum(low <= ord(ch) <= high for ch in letters) > 0.3 * len(letters):
            return code
    if len(language._VIETNAMESE_MARKS.findall(text)) > 0.03 * len(letters):
        return "vi"
    words = Counter(word.lower() for word in language._WORD.findall(text))
    scores = {code: sum(words[w] for w in vocab) for code, vocab in language.STOPWORDS.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] else "und"


phrases = st.sampled_from(
    ["the victim shall ", "yang dan dalam ", "hendaklah bahawa ", "ang mga sa ", "và của các ", "ผู้เสียหาย ",
     "ສິດ ", "ကလေး ", "ជនរងគ្រោះ ", "½ ² Ⅻ 12 ", "Việt ", "_x_ ", "Ǆ ", "mana-mana ", "\n"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(phrases, max_size=40).map("".join), st.sampled_from([20000, 60]))
def test_language_guess_is_that_of_the_per_letter_count(text, sample):
    assert language.guess_language(text, sample=sample) == reference_guess_language(text, sample)


ties = st.integers(min_value=-(10**7), max_value=10**7).map(lambda n: n / 200)  # x.xx5: ties in decimal
near_ties = ties.map(lambda v: v + 1e-12) | ties.map(lambda v: v - 1e-12)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats() | ties | near_ties, max_size=30), st.sampled_from([1, 2]))
def test_rounding_on_arrays_gives_the_floats_round_gives(values, digits):
    assert repr(layout.rounded(values, digits)) == repr([round(value, digits) for value in values])


def test_rounding_an_int_gives_an_equal_float():
    assert layout.rounded([0, -3, 12], 1) == [0, -3, 12]
