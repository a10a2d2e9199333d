"""Classification throughput, as a ratio against a baseline measured in the same run.

Run on demand (never in the test suite): ``.venv/bin/python benchmarks/classify_throughput.py``.
It classifies the corpus's clauses (repeated to N) with the shipped model on the current process and
prints clauses per second for: (a) the baseline, spaCy's blank English tokenizer over the same texts, and
(b) the full classifier (deontic frame, topics, model, explanations). Target: (b) ≥ 1,000 clauses/s on
one core; pin a core with ``taskset -c 0`` for a one-core figure. ``--model models/clause-classifier-accurate``
measures the optional accurate model instead (its repeated texts are made unique, so that the sentence
encoder's cache does not flatter it).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import spacy

from analyzer.classify.classifier import Classifier
from analyzer.corpus.dataset import load_clauses


def rate(function, texts) -> float:
    started = time.perf_counter()
    function(texts)
    return len(texts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5000, help="clauses to classify")
    parser.add_argument("--model", type=Path, default=None, help="model folder (default: the shipped one)")
    args = parser.parse_args()
    corpus = [r["text"] for r in load_clauses()]
    texts = (corpus * (args.n // len(corpus) + 1))[: args.n]
    classifier = Classifier.load(args.model)
    if classifier.model.features.encoder:
        texts = [f"{text} ({number})" for number, text in enumerate(texts)]
    classifier.classify_texts(["warm-up"], [texts[0]])  # load patterns and matchers once
    nlp = spacy.blank("en")
    baseline = rate(lambda batch: list(nlp.pipe(batch)), texts)
    full = rate(lambda batch: classifier.classify_texts([str(i) for i in range(len(batch))], batch), texts)
    words = sum(len(t.split()) for t in texts) / len(texts)
    print(f"{len(texts)} clauses, {words:.0f} words on average")
    print(f"(a) baseline: spaCy blank tokenizer      {baseline:10.0f} clauses/s")
    print(
        f"(b) dnh classify (in process)           {full:10.0f} clauses/s   ratio (b)/(a) = {full / baseline:.3f}"
    )
    print(f"target (b) >= 1,000 clauses/s: {'met' if full >= 1000 else 'NOT met'}")


if __name__ == "__main__":
    main()
