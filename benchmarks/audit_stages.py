"""Where a fast audit's time goes: each stage of a full audit with the fast engine, timed on its own.

Run on demand (never in the test suite): ``.venv/bin/python benchmarks/audit_stages.py``. It audits the
generated PDF of ``audit_throughput.py`` (``--pages``, default 50: 52 pages) once untimed, then prints the
best of ``--repeat`` runs of each stage in wall-clock and CPU seconds (CPU time is the steadier figure on
a shared machine; the isolated read's CPU time is its child's), and each stage's share of the whole
audit's CPU time; ``--profile`` adds the functions that take the most time (cProfile) of one segment, classify and
score pass; the store's save of the audit is timed too (it is not part of the audit's share).
Stage times are for finding what to speed up; the targets are in ``audit_throughput.py``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audit_throughput import cpu_seconds, generated_pdf  # noqa: E402

from analyzer.classify.classifier import Classifier  # noqa: E402
from analyzer.classify.features import analyse  # noqa: E402
from analyzer.ingest import read_document  # noqa: E402
from analyzer.pipeline import audit_document, audit_parsed  # noqa: E402
from analyzer.score import scorecard  # noqa: E402
from analyzer.segment import segment  # noqa: E402
from analyzer.store import Store  # noqa: E402


def best(function, repeat: int) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds, result): the lowest of ``repeat`` runs of each."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), cpu_seconds()
        result = function()
        walls.append(time.perf_counter() - started)
        cpus.append(cpu_seconds() - started_cpu)
    return min(walls), min(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50, help="pages of the generated PDF")
    parser.add_argument("--repeat", type=int, default=5, help="runs per stage (the best is printed)")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of one audit")
    args = parser.parse_args()
    classifier = Classifier.load()
    with tempfile.TemporaryDirectory() as temp:
        path = generated_pdf(Path(temp) / "generated.pdf", args.pages)
        audit_document(path, classifier=classifier, engine="pdfium")  # spaCy's vocabulary grows once
        stages = {}
        stages["read (isolated, pdfium)"] = best(lambda: read_document(path, engine="pdfium"), args.repeat)
        document = stages["read (isolated, pdfium)"][2]
        stages["read (in process)"] = best(
            lambda: read_document(path, engine="pdfium", timeout=None), args.repeat
        )
        stages["segment"] = best(lambda: segment(document), args.repeat)
        clauses = stages["segment"][2]
        texts = [clause.text for clause in clauses]
        stages["classify: rule analysis"] = best(lambda: analyse(texts), args.repeat)
        analyses = stages["classify: rule analysis"][2]
        stages["classify: probabilities"] = best(
            lambda: classifier.probabilities(texts, analyses), args.repeat
        )
        stages["classify: all"] = best(lambda: classifier.classify_clauses(clauses), args.repeat)
        findings = stages["classify: all"][2]
        emit = classifier.thresholds.emit
        stages["score"] = best(lambda: scorecard(findings, clauses=len(clauses), emit=emit), args.repeat)
        stages["audit (segment, classify, score)"] = best(
            lambda: audit_parsed(document, classifier=classifier), args.repeat
        )
        stages["audit (all, pdfium)"] = best(
            lambda: audit_document(path, classifier=classifier, engine="pdfium"), args.repeat
        )
        result = stages["audit (all, pdfium)"][2]
        with Store(Path(temp) / "stages.duckdb") as store:  # saving again replaces: each run does the same
            stages["store: save (not in the audit)"] = best(lambda: store.save(result), args.repeat)
        total = stages["audit (all, pdfium)"][1]
        print(f"{document.page_count} pages, {len(clauses)} clauses, {len(findings)} findings; "
              f"load average {os.getloadavg()[0]:.1f}; best of {args.repeat}")  # fmt: skip
        print(f"{'stage':36s} {'wall ms':>8s} {'CPU ms':>8s} {'share':>6s}")
        for name, (wall, cpu_seconds, _) in stages.items():
            print(f"{name:36s} {wall * 1000:8.0f} {cpu_seconds * 1000:8.0f} {cpu_seconds / total:6.0%}")
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(audit_parsed, document, classifier=classifier)
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(30)
            print(out.getvalue())


if __name__ == "__main__":
    main()
