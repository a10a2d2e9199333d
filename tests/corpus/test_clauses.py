"""The annotated corpus: schema, coverage, diversity, a current datasheet and a sound split."""

from __future__ import annotations

import sys
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from helpers import run_command

from analyzer.corpus.dataset import (
    assign_splits,
    default_corpus_dir,
    label_set,
    load_clauses,
    near_duplicates,
    record_problems,
    undeclared_near_duplicates,
)
from analyzer.corpus.datasheet import coverage_problems, finding_counts
from analyzer.types import PRINCIPLE_IDS

DNH = Path(sys.executable).parent / "dnh"


@cache
def records() -> list[dict]:
    return load_clauses()


def test_every_record_follows_the_schema():
    assert record_problems(records()) == []


def test_coverage_minimums_hold():
    assert coverage_problems(records()) == []


def test_no_near_duplicates_outside_declared_contrast_pairs():
    assert undeclared_near_duplicates(records()) == []


def test_contrast_pairs_flip_a_label():
    by_id = {r["id"]: r for r in records()}
    pairs = [(r, by_id[r["contrast_of"]]) for r in records() if r["contrast_of"]]
    assert len(pairs) >= 25
    assert all(label_set(a) != label_set(b) for a, b in pairs)


def test_contrast_pairs_share_a_split():
    by_id = {r["id"]: r for r in records()}
    assert all(r["split"] == by_id[r["contrast_of"]]["split"] for r in records() if r["contrast_of"])


@pytest.mark.parametrize("principle", PRINCIPLE_IDS)
def test_dev_split_holds_every_principle_in_proportion(principle):
    train, dev = finding_counts(records(), split="train"), finding_counts(records(), split="dev")
    for stance in ("HARMFUL", "PROTECTIVE"):
        total = train[(principle, stance)] + dev[(principle, stance)]
        assert 0.1 <= dev[(principle, stance)] / total <= 0.35, (principle, stance)


def test_split_is_reproducible_and_keeps_existing_assignments():
    fresh = [dict(r, split=None) for r in records()]
    assign_splits(fresh)
    again = [dict(r, split=None) for r in records()]
    assign_splits(again)
    assert [r["split"] for r in fresh] == [r["split"] for r in again]
    kept = [dict(r) for r in records()] + [dict(records()[0], id="NEW-0001", split=None, contrast_of=None)]
    assign_splits(kept)
    assert [r["split"] for r in kept[:-1]] == [r["split"] for r in records()]
    assert kept[-1]["split"] in ("train", "dev")


def test_a_clause_added_to_a_contrast_group_takes_the_group_s_split():
    for side in ("train", "dev"):
        original = next(r for r in records() if r["split"] == side and r["contrast_of"] is None)
        added = [dict(r) for r in records()]
        # many new members, so that a split drawn at random would land some of them on the other side
        added += [
            dict(original, id=f"NEW-{n:04d}", split=None, contrast_of=original["id"]) for n in range(20)
        ]
        assign_splits(added)
        assert {r["split"] for r in added if r["id"].startswith("NEW-")} == {side}


def test_near_duplicate_detector_catches_a_small_edit():
    text = "Foreign victims shall be kept at the immigration depot until their nationality has been verified."
    pairs = near_duplicates([text, text.replace("kept", "held"), "The Council shall meet twice a year."])
    assert [(i, j) for i, j, _ in pairs] == [(0, 1)]


def test_clauses_use_the_ten_asean_styles_evenly():
    styles = Counter(r["country_style"] for r in records())
    asean = [styles[s] for s in ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN")]
    assert min(asean) >= 0.5 * max(asean)


def test_datasheet_is_current():
    result = run_command(
        [str(DNH), "corpus", "stats", "--check", "--corpus", str(default_corpus_dir())],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_datasheet_check_fails_when_stale(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "clauses.jsonl").write_text(
        (default_corpus_dir() / "clauses.jsonl").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (corpus / "DATASHEET.md").write_text("# old\n", encoding="utf-8")
    result = run_command(
        [str(DNH), "corpus", "stats", "--check", "--corpus", str(corpus)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1 and "stale" in result.stderr
