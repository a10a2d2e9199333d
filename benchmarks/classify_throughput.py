"""Classification throughput, as a ratio against a baseline measured in the same run.

Run on demand (never in the test suite): ``.venv/bin/python benchmarks/classify_throughput.py``.
It classifies the corpus's clauses (repeated to N) with the shipped model on the current process and
prints clauses per second for: (a) the baseline, spaCy's blank English tokenizer over the same texts, and
(b) the full classifier (deontic frame, topics, model, explanations). Target: (b) ≥ 1,000 clauses/s on
one core; pin a core with ``taskset -c 0`` for a one-core figure. ``--model models/clause-classifier-accurate``
measures the optional accurate model instead (its repeated texts are made unique, and the sentence
encoder's cache is emptied before each run, so that the cache does not flatter it); for a model with the
``usem3-words`` vectors the words it reads outside its table are forgotten before each run.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import spacy

from analyzer.classify.classifier import Classifier
from analyzer.corpus.dataset import load_clauses


def rate(function, texts, *, repeat: int = 3, before=lambda: None) -> tuple[float, float]:
    """Best of ``repeat`` runs: (clauses per wall-clock second, clauses per CPU second of this process).
    On a shared machine the CPU-time figure is the one-core throughput; the wall-clock one also counts
    time the process waited for the core. ``before`` runs untimed before each run."""
    wall = cpu = 0.0
    for _ in range(repeat):
        before()
        started, started_cpu = time.perf_counter(), time.process_time()
        function(texts)
        wall = max(wall, len(texts) / (time.perf_counter() - started))
        cpu = max(cpu, len(texts) / max(time.process_time() - started_cpu, 1e-9))
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5000, help="clauses to classify")
    parser.add_argument("--model", type=Path, default=None, help="model folder (default: the shipped one)")
    args = parser.parse_args()
    corpus = [r["text"] for r in load_clauses()]
    texts = (corpus * (args.n // len(corpus) + 1))[: args.n]
    classifier = Classifier.load(args.model)
    forget = lambda: None  # noqa: E731
    if classifier.model.features.encoder == "usem3":
        from analyzer.classify.encoder import clear_cache

        texts, forget = [f"{text} ({number})" for number, text in enumerate(texts)], clear_cache
    elif classifier.model.features.encoder:  # usem3-words keeps words outside its table per process
        from analyzer.classify.word_vectors import clear_cache as forget
    classifier.classify_texts(["warm-up"], [texts[0]])  # load patterns and matchers once
    fresh = [spacy.blank("en") for _ in range(3)]  # a new tokenizer per run: its cache would flatter it
    baseline, baseline_cpu = rate(lambda batch: list(fresh.pop().pipe(batch)), texts)
    full, full_cpu = rate(
        lambda batch: classifier.classify_texts([str(i) for i in range(len(batch))], batch),
        texts,
        before=forget,
    )
    words = sum(len(t.split()) for t in texts) / len(texts)
    print(f"{len(texts)} clauses, {words:.0f} words on average (best of 3 runs; wall clock / CPU time)")
    print(f"(a) baseline: spaCy blank tokenizer      {baseline:8.0f} / {baseline_cpu:8.0f} clauses/s")
    print(
        f"(b) dnh classify (in process)           {full:8.0f} / {full_cpu:8.0f} clauses/s   "
        f"ratio (b)/(a) = {full / baseline:.3f} / {full_cpu / baseline_cpu:.3f}"
    )
    print(f"target (b) >= 1,000 clauses/s on one core (CPU time): {'met' if full_cpu >= 1000 else 'NOT met'}")


if __name__ == "__main__":
    main()
