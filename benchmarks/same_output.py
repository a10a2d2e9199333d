"""Whether this tree's rule analysis and classification give exactly the output of a reference tree.

Run on demand (never in the test suite), before committing a change meant to make the rule analysis
faster without changing what it says::

    git worktree add --detach /tmp/ref main           # the code to compare against, once
    .venv/bin/python benchmarks/same_output.py --reference /tmp/ref

It computes, in this tree and (in a child process importing the reference tree's ``analyzer``) in the
reference, for every clause of ``corpus/clauses.jsonl`` and of the audits of ``corpus/documents/*`` and
``../shared/fixtures/*`` (plus the generated PDF of ``audit_throughput.py``): every field of the
:class:`~analyzer.classify.features.Analysis` and its :class:`~analyzer.classify.deontic.Frame`, the final
probabilities, and every field of every finding (evidence and rationale included); and that the token
columns the rule side reads are spaCy tokenizer's on every one of those clauses. It prints the number of
clauses compared and every difference (probabilities may differ by 1e-9), and exits 1 on any.
``--dump FILE`` only writes this tree's output (JSON, and the generated PDF beside it with the suffix
``.pdf``); ``--reference-dump FILE`` compares against a dump written before (and its PDF), instead of
running the reference tree again.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT.parent / "shared" / "fixtures"
TOLERANCE = 1e-9


def documents() -> list[Path]:
    """The sample documents and real fixtures whose audits are compared (answer keys and notes left out)."""
    found = sorted((ROOT / "corpus" / "documents").glob("*")) + sorted(FIXTURES.glob("*"))
    return [p for p in found if p.is_file() and p.name != "README.md" and not p.name.endswith(".jsonl")]


def analysis_record(analysis) -> dict:
    """Every field of an Analysis and of its Frame, as JSON data."""
    frame = dataclasses.asdict(analysis.frame)
    frame["evidence"] = {k: list(v) for k, v in analysis.frame.evidence.items()}
    return {"frame": frame, "topics": analysis.topics, "cues": analysis.cues}


def texts_record(classifier, ids: list[str], texts: list[str]) -> dict:
    """Analyses, final probabilities and findings of ``texts``."""
    from analyzer.classify.features import analyse

    analyses = analyse(texts)
    return {
        "texts": texts,
        "analyses": [analysis_record(a) for a in analyses],
        "probabilities": classifier.probabilities(texts, analyses).tolist(),
        "findings": [
            [dataclasses.asdict(f) for f in found] for found in classifier.classify_texts(ids, texts)
        ],
    }


def dump(generated: Path) -> dict:
    """This tree's output on the corpus, the documents' audits and the generated PDF ``generated``
    (written first if missing: the reference and this tree must read the same bytes)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from audit_throughput import generated_pdf

    from analyzer.classify.classifier import Classifier
    from analyzer.corpus.dataset import load_clauses
    from analyzer.pipeline import audit_document

    classifier = Classifier.load()
    rows = load_clauses()
    out = {"corpus": texts_record(classifier, [r["id"] for r in rows], [r["text"] for r in rows])}
    if not generated.exists():
        generated_pdf(generated, 50)
    for path in [*documents(), generated]:
        result = audit_document(path, classifier=classifier)
        ids, texts = [c.clause_id for c in result.clauses], [c.text for c in result.clauses]
        record = texts_record(classifier, ids, texts)
        record["audit_findings"] = [dataclasses.asdict(f) for f in result.findings]
        out[path.name] = record
    return out


def differences(new, old, where: str = "") -> list[str]:
    """Where ``new`` differs from ``old`` (floats within :data:`TOLERANCE`)."""
    if isinstance(new, float) and isinstance(old, float):
        return [] if abs(new - old) <= TOLERANCE else [f"{where}: {new!r} != {old!r}"]
    if isinstance(new, dict) and isinstance(old, dict):
        if list(new) != list(old):
            return [f"{where}: keys {list(new)} != {list(old)}"]
        return [d for k in new for d in differences(new[k], old[k], f"{where}/{k}")]
    if isinstance(new, list) and isinstance(old, list):
        if len(new) != len(old):
            return [f"{where}: {len(new)} items != {len(old)}"]
        return [
            d
            for i, (n, o) in enumerate(zip(new, old, strict=True))
            for d in differences(n, o, f"{where}[{i}]")
        ]
    return [] if new == old and type(new) is type(old) else [f"{where}: {new!r} != {old!r}"]


def token_differences(texts: list[str]) -> list[str]:
    """Texts whose token columns from :func:`analyzer.classify.deontic_patterns.token_columns` (the cached
    piece tokenizer the rule side reads, if this tree has it) differ from spaCy's tokenizer's."""
    from analyzer.classify import deontic_patterns
    from analyzer.classify.features import _bounded
    from analyzer.classify.token_matching import columns

    if not hasattr(deontic_patterns, "token_columns"):
        return []
    nlp, tokens = deontic_patterns.rules().nlp, deontic_patterns.token_columns()
    texts = list(dict.fromkeys(_bounded(" ".join(t.split())) for t in texts))
    spacy_columns = (columns(doc) for doc in nlp.tokenizer.pipe(texts))
    return [
        f"tokens of {t[:60]!r}" for t, cols in zip(texts, spacy_columns, strict=True) if tokens(t) != cols
    ]


def reference_dump(reference: Path, out: Path) -> None:
    """Write the reference tree's output to ``out``, in a child process importing its ``analyzer``."""
    env = {**os.environ, "PYTHONPATH": str(reference)}
    script = reference / "benchmarks" / "same_output.py"
    if not script.exists():  # a reference older than this script: run this one on its code
        script = Path(__file__).resolve()
    command = [sys.executable, str(script), "--dump", str(out)]
    subprocess.run(command, env=env, check=True, cwd=reference)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, help="a worktree of the code to compare against")
    parser.add_argument("--reference-dump", type=Path, help="a dump of the reference written before")
    parser.add_argument("--dump", type=Path, help="only write this tree's output to this file")
    args = parser.parse_args()
    if args.dump:
        args.dump.write_text(json.dumps(dump(args.dump.with_suffix(".pdf"))), encoding="utf-8")
        return
    if not (args.reference or args.reference_dump):
        parser.error("give --reference or --reference-dump")
    old_path = args.reference_dump or Path(tempfile.mkdtemp()) / "reference.json"
    if args.reference:
        reference_dump(args.reference.resolve(), old_path)
    old = json.loads(old_path.read_text(encoding="utf-8"))
    new = json.loads(json.dumps(dump(old_path.with_suffix(".pdf"))))
    found = differences(new, old)
    texts = [text for record in new.values() for text in record["texts"]]
    tokens = token_differences(texts)
    print(f"{len(set(texts))} distinct clause texts tokenized: {len(tokens)} differ from spaCy's tokenizer")
    found += tokens
    clauses = sum(len(record["texts"]) for record in new.values())
    findings = sum(len(f) for record in new.values() for f in record["findings"])
    print(f"{len(new)} sources, {clauses} clauses, {findings} findings compared: {len(found)} differences")
    for line in found[:50]:
        print(line)
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
