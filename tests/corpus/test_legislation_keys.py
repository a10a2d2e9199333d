"""Answer keys of real legislation (``corpus/legislation/``): clauses identified by hash, never by text,
lined up with the shared fixtures, and scored end to end by ``dnh evaluate --legislation``."""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path

import pytest

from analyzer.corpus.answer_keys import KEY_SUFFIX, document_clauses, key_problems, read_key, sha_of
from analyzer.corpus.dataset import default_corpus_dir
from analyzer.errors import InputError
from analyzer.training.evaluate import LEGISLATION, legislation_figures
from analyzer.types import Clause
from tests.helpers import fixture_path, run_command

KEYS = sorted((default_corpus_dir() / LEGISLATION).glob(f"*{KEY_SUFFIX}"))
ANNOTATORS = ("first", "second")  # the two independent annotations; KEYS is their adjudication
ANNOTATOR_KEYS = [
    key
    for name in ANNOTATORS
    for key in sorted((default_corpus_dir() / LEGISLATION / name).glob(f"*{KEY_SUFFIX}"))
]
FIXTURE_NAMES = {
    "ph-ra9208-2003-anti-trafficking-act": "ph-ra9208-2003-anti-trafficking-act.pdf",
    "my-atipsom-bill-2007-en": "my-atipsom-bill-2007-en.md",
    "intl-palermo-protocol-2000-arts1-14-en": "intl-palermo-protocol-2000-arts1-14-en.md",
    "ph-ra9262-2004-anti-vawc-act": "ph-ra9262-2004-anti-vawc-act.pdf",
}
RA_9208 = "ph-ra9208-2003-anti-trafficking-act"


def clause(number: str, text: str, lead_in: str = "") -> Clause:
    return Clause("c", "d", number, (), text, 0, len(text), (1,), lead_in=lead_in)


def stem(key: Path) -> str:
    return key.name[: -len(KEY_SUFFIX)]


@cache
def clauses_of(name: str):
    return document_clauses(fixture_path(FIXTURE_NAMES[name]))


def test_sha_ignores_whitespace_and_covers_the_lead_in():
    one = clause("3(a)", "The Department shall:  (a) keep\nrecords.", lead_in="The Department shall:")
    assert sha_of(one) == sha_of(clause("3(a)", "The Department shall: (a) keep records."))
    assert sha_of(one) != sha_of(clause("3(a)", "The Ministry shall: (a) keep records."))
    assert len(sha_of(one)) == 12 and int(sha_of(one), 16) >= 0


def test_key_problems_checks_the_sha_when_a_key_has_one():
    clauses = [clause("1", "Victims shall not be detained."), clause("2", "This Act comes into force.")]
    key = [{"number": c.number, "sha": sha_of(c), "findings": []} for c in clauses]
    assert key_problems(clauses, key) == []
    key[1]["sha"] = "0" * 12
    problems = key_problems(clauses, key)
    assert len(problems) == 1 and problems[0].startswith("line 2:") and "'2'" in problems[0]
    quoted = [{"number": "1", "quote": "Victims shall not be detained.", "findings": []}]
    assert key_problems(clauses[:1], quoted) == []  # keys with quotes still work


def test_there_are_keys_and_they_carry_no_text():
    assert {stem(k) for k in KEYS} >= {
        RA_9208,
        "my-atipsom-bill-2007-en",
        "intl-palermo-protocol-2000-arts1-14-en",
    }
    for key in KEYS:
        for entry in read_key(key):
            assert set(entry) <= {"number", "sha", "findings", "note"}, key.name
            assert len(entry["sha"]) == 12


@pytest.mark.parametrize("key", KEYS + ANNOTATOR_KEYS, ids=lambda k: f"{k.parent.name}/{stem(k)}")
def test_legislation_key_lines_up_with_the_fixture(key):
    assert key_problems(clauses_of(stem(key)), read_key(key)) == []
    assert all(set(entry) <= {"number", "sha", "findings", "note"} for entry in read_key(key)), "no text"


def test_no_corpus_clause_closely_paraphrases_the_legislation():
    """The corpus is our own writing (GUIDELINES §7): no clause comes within 0.75 (character n-gram cosine,
    below the corpus's own near-duplicate line of 0.85) of a clause of the real legislation we evaluate
    on; a close paraphrase would also leak that clause into training."""
    from analyzer.corpus.dataset import load_clauses, near_duplicates

    texts = [c.text for name in sorted(FIXTURE_NAMES) for c in clauses_of(name) if len(c.text.split()) >= 6]
    corpus = load_clauses()
    close = near_duplicates(texts, others=[r["text"] for r in corpus], threshold=0.75)
    assert [(corpus[j]["id"], texts[i][:60], value) for i, j, value in close] == []


def _pairs(entry: dict) -> set[tuple[str, str]]:
    return {(f["principle"], f["stance"]) for f in entry["findings"]}


@pytest.mark.parametrize("key", KEYS, ids=stem)
def test_adjudicated_key_decides_every_disagreement_and_changes_nothing_else(key):
    """The adjudicated key is the first annotator's, except where the two annotators disagree: each such
    clause carries an "adjudicated:" note, and no other clause differs from the first key."""
    first, second = (read_key(key.parent / name / key.name) for name in ANNOTATORS)
    for line, (final, a, b) in enumerate(zip(read_key(key), first, second, strict=True), start=1):
        if _pairs(a) != _pairs(b):
            assert final.get("note", "").startswith("adjudicated:"), f"line {line}"
            assert _pairs(final) in (_pairs(a), _pairs(b)) or "decided" in final["note"], f"line {line}"
        else:
            assert final == a, f"line {line}"


def test_ra9208_key_has_the_protective_provisions_reviews_cite():
    key = read_key(default_corpus_dir() / LEGISLATION / f"{RA_9208}{KEY_SUFFIX}")
    stances = {(f["principle"], f["stance"]) for entry in key for f in entry["findings"]}
    assert ("NON_PUNISHMENT", "PROTECTIVE") in stances  # s. 17
    assert ("PRIVACY_CONFIDENTIALITY", "PROTECTIVE") in stances  # s. 7
    assert sum(1 for entry in key if entry["findings"]) >= 20


@pytest.fixture(scope="module")
def shipped():
    from analyzer.classify.classifier import Classifier

    return Classifier.load()


def test_evaluation_scores_ra9208_and_skips_missing_documents(tmp_path, shipped):
    folder = tmp_path / "laws"
    folder.mkdir()
    (folder / f"{RA_9208}.pdf").symlink_to(fixture_path(FIXTURE_NAMES[RA_9208]))
    lines: list[str] = []
    figures = legislation_figures(shipped, folder, progress=lines.append)
    assert figures["documents"] == 1 and figures["clauses"] == len(clauses_of(RA_9208))
    assert 0.0 <= figures["harmful_clause"]["f1"] <= 1.0 and 0.0 <= figures["calibration_error"] <= 1.0
    assert set(figures["harmful_by_principle"]) and "false_alarm_rate" in figures
    skipped = [line for line in lines if line.startswith("skipped")]
    assert len(skipped) == len(KEYS) - 1 and all(str(folder) in line for line in skipped)


def test_a_key_that_no_longer_lines_up_is_one_error_naming_the_clause(tmp_path, shipped):
    corpus = tmp_path / "corpus"
    (corpus / LEGISLATION).mkdir(parents=True)
    key = read_key(default_corpus_dir() / LEGISLATION / f"{RA_9208}{KEY_SUFFIX}")
    key[88]["sha"] = "f" * 12
    target = corpus / LEGISLATION / f"{RA_9208}{KEY_SUFFIX}"
    target.write_text("".join(json.dumps(entry) + "\n" for entry in key), encoding="utf-8")
    folder = tmp_path / "laws"
    folder.mkdir()
    shutil.copy(fixture_path(FIXTURE_NAMES[RA_9208]), folder)
    with pytest.raises(InputError) as error:
        legislation_figures(shipped, folder, corpus=corpus)
    assert error.value.path == str(target)
    assert "line 89" in error.value.reason and "'17'" in error.value.reason and "\n" not in str(error.value)


def test_missing_folder_is_bad_input(tmp_path, shipped):
    with pytest.raises(InputError, match="no such folder"):
        legislation_figures(shipped, tmp_path / "absent")


def test_cli_refuses_a_missing_legislation_folder_from_the_environment(tmp_path):
    import os
    import sys

    dnh = Path(sys.executable).parent / "dnh"
    env = {**os.environ, "DNH_LEGISLATION": str(tmp_path / "absent")}
    result = run_command(
        [str(dnh), "evaluate", "--no-cv"], capture_output=True, text=True, env=env, timeout=300, check=False
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "absent: no such folder" in result.stderr
