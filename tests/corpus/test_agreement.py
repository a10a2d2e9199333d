"""``dnh corpus agreement``: agreement between two annotators' answer keys, on keys small enough that
every figure can be worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.corpus.agreement import cohen_kappa, compare, document_agreement
from analyzer.errors import InputError

H, P, N = "HARMFUL", "PROTECTIVE", "NEUTRAL"


def line(number: str, *findings: tuple[str, str], sha: str | None = None) -> dict:
    return {
        "number": number,
        "sha": sha or f"{number:0>12}"[-12:],
        "findings": [{"principle": p, "stance": s} for p, s in findings],
    }


def write(path: Path, lines: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(entry) + "\n" for entry in lines), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "case, first, second, expected",
    [
        # observed 8/10; both say yes half the time, so chance 0.5: (0.8 - 0.5) / 0.5
        ("yes/no, equal rates", [1] * 5 + [0] * 5, [1, 1, 1, 1, 0, 1, 0, 0, 0, 0], 0.6),
        # observed 3/4; chance 0.75 * 0.5 + 0.25 * 0.5 = 0.5
        ("yes/no, unequal rates", [1, 1, 1, 0], [1, 1, 0, 0], 0.5),
        # observed 3/4; chance (2*1 + 1*2 + 1*1) / 16 = 5/16: (3/4 - 5/16) / (11/16) = 7/11
        ("stances", [H, H, P, ""], [H, P, P, ""], 7 / 11),
        ("perfect", [1, 0, 1], [1, 0, 1], 1.0),
        # observed 0; chance 0.5: worse than chance
        ("opposite", [1, 0], [0, 1], -1.0),
    ],
)
def test_cohen_kappa_matches_the_hand_computation(case, first, second, expected):
    assert cohen_kappa(first, second) == pytest.approx(expected)


def test_cohen_kappa_is_undefined_when_chance_agreement_is_certain():
    assert cohen_kappa([0, 0, 0], [0, 0, 0]) is None
    assert cohen_kappa([], []) is None
    with pytest.raises(ValueError):
        cohen_kappa([1], [1, 0])


def keys() -> tuple[list[dict], list[dict]]:
    """Six clauses; A and B differ on lines 2 (stance), 4 (extra finding) and 5 (none vs one)."""
    a = [
        line("1", ("NON_DETENTION", H)),
        line("2", ("NON_DETENTION", H)),
        line("3", ("PRIVACY_CONFIDENTIALITY", P)),
        line("4", ("NON_PUNISHMENT", P)),
        line("5"),
        line("6"),
    ]
    b = [
        line("1", ("NON_DETENTION", H)),
        line("2", ("NON_DETENTION", N)),
        line("3", ("PRIVACY_CONFIDENTIALITY", P)),
        line("4", ("NON_PUNISHMENT", P), ("ACCESS_TO_JUSTICE", P)),
        line("5", ("NON_DETENTION", H)),
        line("6"),
    ]
    return a, b


def test_document_agreement_counts_identical_clauses_and_kappas():
    doc = document_agreement("doc", *keys())
    assert doc.clauses == 6 and doc.identical == 3 and doc.identical_share == pytest.approx(0.5)
    # HARMFUL: A yes on 1, 2; B yes on 1, 5 -> observed 4/6, chance (2*2 + 4*4) / 36 = 5/9 -> 1/4
    assert doc.kappa_harmful == pytest.approx(0.25)
    # any finding: A yes on 1-4, B yes on 1-5 -> observed 5/6, chance (4*5 + 2*1) / 36 = 11/18 -> 4/7
    assert doc.kappa_any == pytest.approx(4 / 7)
    assert doc.disagreements == ("2:2", "4:4", "5:5")
    # harmful clauses: A 1, 2; B 1, 5 -> one in both: 2 * 1 / (2 + 2)
    assert doc.harmful_f1 == pytest.approx(0.5)


def test_principle_rows_give_presence_and_stance_agreement():
    rows = {row.principle: row for row in document_agreement("doc", *keys()).principles}
    detention = rows["NON_DETENTION"]
    assert (detention.first, detention.second, detention.both, detention.same_stance) == (2, 3, 2, 1)
    # presence: A on 1, 2; B on 1, 2, 5 -> observed 5/6, chance (2*3 + 4*3) / 36 = 1/2 -> 2/3
    assert detention.kappa == pytest.approx(2 / 3)
    # stance: A (H, H, -, -, -, -), B (H, N, -, -, H, -) -> observed 4/6,
    # chance (H 2*2 + none 4*3) / 36 = 4/9 -> (2/3 - 4/9) / (5/9) = 2/5
    assert detention.kappa_stance == pytest.approx(0.4)
    # fewer than five marks in all: counted, no kappa
    assert rows["ACCESS_TO_JUSTICE"].second == 1 and rows["ACCESS_TO_JUSTICE"].kappa is None
    assert rows["INFORMED_CONSENT"].first == rows["INFORMED_CONSENT"].second == 0


def test_folders_are_compared_per_document_and_overall(tmp_path):
    a, b = keys()
    write(tmp_path / "a" / "one.key.jsonl", a)
    write(tmp_path / "b" / "one.key.jsonl", b)
    write(tmp_path / "a" / "two.key.jsonl", a[:2])
    write(tmp_path / "b" / "two.key.jsonl", a[:2])
    one, two, overall = compare(tmp_path / "a", tmp_path / "b")
    assert (one.name, one.identical, two.name, two.identical) == ("one", 3, "two", 2)
    assert overall.name == "overall" and overall.clauses == 8 and overall.identical == 5


@pytest.mark.parametrize(
    "case, change, says",
    [
        ("a clause fewer", lambda b: b[:-1], "has 5 clauses, the other key 6"),
        (
            "another clause's hash",
            lambda b: [*b[:2], {**b[2], "sha": "f" * 12}, *b[3:]],
            "line 3 (clause '3')",
        ),
        ("another clause number", lambda b: [*b[:3], {**b[3], "number": "4(a)"}, *b[4:]], "line 4"),
    ],
)
def test_keys_that_do_not_line_up_are_one_error_naming_the_clause(tmp_path, case, change, says):
    a, b = keys()
    first, second = write(tmp_path / "a.key.jsonl", a), write(tmp_path / "b.key.jsonl", change(b))
    with pytest.raises(InputError) as error:
        compare(first, second)
    assert error.value.path == str(second) and says in error.value.reason and "\n" not in str(error.value)


def test_cli_prints_the_figures_and_refuses_bad_input_in_one_line(tmp_path):
    a, b = keys()
    first, second = write(tmp_path / "a.key.jsonl", a), write(tmp_path / "b.key.jsonl", b)
    result = CliRunner().invoke(app, ["corpus", "agreement", str(first), str(second)])
    assert result.exit_code == 0, result.output
    assert "    6      0.500           0.25               0.57" in result.output
    assert "3 disagreeing clauses (line:number): 2:2, 4:4, 5:5" in result.output
    write(tmp_path / "c" / "a.key.jsonl", a)
    for args in (
        [first, tmp_path / "absent"],
        [tmp_path / "c", tmp_path / "absent2"],
        [first, tmp_path / "c"],
    ):
        refused = CliRunner().invoke(app, ["corpus", "agreement", *map(str, args)])
        assert refused.exit_code == 2 and len(refused.output.strip().splitlines()) == 1, refused.output
    (tmp_path / "d").mkdir()
    missing = CliRunner().invoke(app, ["corpus", "agreement", str(tmp_path / "c"), str(tmp_path / "d")])
    assert missing.exit_code == 2 and "has no a.key.jsonl" in missing.output
    for case, text, says in (
        ("not JSON", '{"number": "1"}\nnot json\n', "line 2: not JSON"),
        ("unknown principle", json.dumps(line("1", ("NON_HARM", H))), "line 1: unknown finding 'NON_HARM'"),
        (
            "two stances",
            json.dumps(line("1", ("NON_DETENTION", H), ("NON_DETENTION", P))),
            "line 1: two stances",
        ),
    ):
        bad = tmp_path / "bad.key.jsonl"
        bad.write_text(text + "\n", encoding="utf-8")
        broken = CliRunner().invoke(app, ["corpus", "agreement", str(first), str(bad)])
        assert broken.exit_code == 2 and says in broken.output, case
        assert len(broken.output.strip().splitlines()) == 1, case


def test_check_keys_refuses_a_malformed_key_in_one_line(tmp_path):
    document = tmp_path / "policy.txt"
    document.write_text("1. Victims shall not be detained.\n2. Victims may leave the shelter.\n", "utf-8")
    for text, says in (
        ('{"number": "1", "findings": []}\n{"number": "2", "findings": [\n', "line 2: not JSON"),
        ('["1", []]\n', "line 1: not a key line"),
        (json.dumps(line("1", ("NON_HARM", H))) + "\n", "line 1: unknown finding 'NON_HARM'"),
    ):
        (tmp_path / "policy.key.jsonl").write_text(text, encoding="utf-8")
        refused = CliRunner().invoke(app, ["corpus", "check-keys", str(document)])
        assert refused.exit_code == 2 and says in refused.output, refused.output
        assert len(refused.output.strip().splitlines()) == 1, refused.output


def corpus_and_second_reading(tmp_path: Path) -> tuple[Path, Path, list[dict]]:
    """A corpus of the six clauses of :func:`keys` (first reading), and B as a second reading of it."""
    a, b = keys()
    records = [
        {"id": f"CZ-{n:04d}", "text": f"Clause  number {n} of the\ncorpus.", "findings": entry["findings"]}
        for n, entry in enumerate(a, start=1)
    ]
    corpus = tmp_path / "clauses.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    second = [
        {"number": r["id"], "quote": " ".join(r["text"].split()), "findings": entry["findings"]}
        for r, entry in zip(records, b, strict=True)
    ]
    return corpus, write(tmp_path / "second" / "sample.key.jsonl", second), second


def test_a_second_reading_of_corpus_clauses_is_compared_with_the_corpus_labels(tmp_path):
    corpus, second, _ = corpus_and_second_reading(tmp_path)
    for target in (second, second.parent):  # a key, or a folder of keys
        [doc] = compare(corpus, target)
        assert (doc.name, doc.clauses, doc.identical) == ("sample", 6, 3)
        assert doc.kappa_harmful == pytest.approx(0.25) and doc.harmful_f1 == pytest.approx(0.5)
        assert doc.disagreements == ("2:CZ-0002", "4:CZ-0004", "5:CZ-0005")
    result = CliRunner().invoke(app, ["corpus", "agreement", str(corpus), str(second)])
    assert result.exit_code == 0 and "0.25               0.57                        0.50" in result.output


@pytest.mark.parametrize(
    "case, change, says",
    [
        (
            "an id the corpus lacks",
            lambda b: [*b[:1], {**b[1], "number": "CZ-0999"}, *b[2:]],
            "no clause 'CZ-0999'",
        ),
        (
            "a clause whose text changed",
            lambda b: [*b[:2], {**b[2], "quote": "Other words."}, *b[3:]],
            "quote",
        ),
    ],
)
def test_a_second_reading_that_does_not_match_the_corpus_is_one_error(tmp_path, case, change, says):
    corpus, second, lines = corpus_and_second_reading(tmp_path)
    write(second, change(lines))
    refused = CliRunner().invoke(app, ["corpus", "agreement", str(corpus), str(second)])
    assert refused.exit_code == 2 and says in refused.output, refused.output
    assert len(refused.output.strip().splitlines()) == 1
    broken = tmp_path / "broken.jsonl"
    for text, says in (
        ("{not json\n", "not a corpus clauses file"),
        ('["CZ-0001"]\n', "not a corpus clauses file"),
        ('{"id": "CZ-0001", "text": "Words.", "findings": [{"principle": "NON_HARM"}]}\n', "clause CZ-0001"),
        ('{"id": "CZ-0001", "text": 7, "findings": []}\n', "clause CZ-0001: no text"),
    ):
        broken.write_text(text, encoding="utf-8")
        refused = CliRunner().invoke(app, ["corpus", "agreement", str(broken), str(second)])
        assert refused.exit_code == 2 and says in refused.output, (text, refused.output)
        assert len(refused.output.strip().splitlines()) == 1
