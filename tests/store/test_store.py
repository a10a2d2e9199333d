"""The DuckDB store: saving audits without duplicates, DataFrames, country comparisons, exports, reviews."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analyzer.classify.classifier import Classifier
from analyzer.corpus.dataset import load_clauses, record_problems
from analyzer.pipeline import audit_document
from analyzer.store import (
    Store,
    contradictions,
    copies,
    copies_note,
    country_gaps,
    country_matrix,
    country_scores,
    default_db_path,
    export,
    load_documents,
    load_findings,
    model_version_of,
    unread_note,
)
from analyzer.types import PRINCIPLE_IDS, AuditResult

DOCUMENTS = Path(__file__).resolve().parents[2] / "corpus" / "documents"
SAMPLES = {
    "MY": ("my-shelter-sop.pdf", "SOP"),
    "TH": ("th-immigration-circular.pdf", None),
    "PH": ("ph-referral-guidelines.pdf", None),
}


@cache
def audit(country: str) -> AuditResult:
    """The sample document of ``country`` audited once per test session, with the type of :data:`SAMPLES`
    (None: no type, not a guessed one)."""
    name, doc_type = SAMPLES[country]
    return audit_document(
        DOCUMENTS / name, country=country, doc_type=doc_type, classifier=Classifier.load(), guess=False
    )


def as_country(result: AuditResult, country: str | None) -> AuditResult:
    return dataclasses.replace(result, document=dataclasses.replace(result.document, country=country))


def asserted(result: AuditResult, stance: str | None = None) -> list:
    emit = result.scorecard["emit_thresholds"]
    return [f for f in result.findings if f.confidence >= emit[f.stance] and stance in (None, f.stance)]


def table_counts(store: Store) -> dict[str, int]:
    return {
        table: int(store.query(f"SELECT count(*) AS n FROM {table}")["n"][0])
        for table in ("documents", "clauses", "findings")
    }


@pytest.fixture
def db(tmp_path) -> Path:
    """A store file holding the Malaysian SOP (MY) and the Thai circular (TH)."""
    path = tmp_path / "audits.duckdb"
    with Store(path) as store:
        for country in ("MY", "TH"):
            store.save(audit(country))
    return path


@pytest.fixture
def two_document_db(tmp_path) -> Path:
    """A store file where the Malaysian SOP and the Philippine guidelines are both from country XX."""
    path = tmp_path / "xx.duckdb"
    with Store(path) as store:
        for country in ("MY", "PH"):
            store.save(as_country(audit(country), "XX"))
    return path


# --- saving -------------------------------------------------------------------------------------------


def test_resaving_an_audit_replaces_it_instead_of_duplicating(db):
    result = audit("MY")
    with Store(db) as store:
        before = table_counts(store)
        assert store.save(result) is False
        assert table_counts(store) == before
        assert store.has(result.document.doc_id, model_version_of(result))
        assert store.has(result.document.doc_id)
        assert not store.has(result.document.doc_id, "another-model")
        assert not store.has("0" * 64)
    assert before == {
        "documents": 2,
        "clauses": len(audit("MY").clauses) + len(audit("TH").clauses),
        "findings": len(audit("MY").findings) + len(audit("TH").findings),
    }


def test_saving_without_replace_keeps_the_stored_audit(db):
    renamed = dataclasses.replace(
        audit("MY"), document=dataclasses.replace(audit("MY").document, title="New")
    )
    with Store(db) as store:
        assert store.save(renamed, replace=False) is False
        assert "New" not in set(load_documents(store)["title"])
        assert store.save(renamed) is False
        assert "New" in set(load_documents(store)["title"])


def test_a_new_audit_is_reported_as_new():
    with Store(":memory:") as store:
        assert store.save(audit("MY")) is True


def test_documents_audited_without_a_country_are_stored_as_unknown():
    with Store(":memory:") as store:
        store.save(as_country(audit("MY"), None))
        assert list(load_documents(store)["country"]) == ["unknown"]
        assert list(country_matrix(store).index) == ["unknown"]


def test_a_store_written_by_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.duckdb"
    with Store(path) as store:
        store.connection.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(ValueError, match="schema version 99"):
        Store(path)


def test_dnh_db_environment_variable_chooses_the_default_store(tmp_path, monkeypatch):
    monkeypatch.setenv("DNH_DB", str(tmp_path / "mine.duckdb"))
    assert default_db_path() == tmp_path / "mine.duckdb"
    assert load_documents().empty
    assert (tmp_path / "mine.duckdb").is_file()


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_DATA_HOME is where platformdirs looks on Linux")
def test_default_store_lives_in_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DNH_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_db_path() == tmp_path / "dnh-policy-analyzer" / "audits.duckdb"
    assert (tmp_path / "dnh-policy-analyzer").is_dir()


# --- DataFrames and country comparisons ---------------------------------------------------------------


def test_load_findings_has_one_row_per_finding_with_its_document_and_clause(db):
    findings = load_findings(db)
    assert len(findings) == len(audit("MY").findings) + len(audit("TH").findings)
    assert {"country", "doc_type", "title", "number", "text", "pages", "principle", "stance"} <= set(findings)
    clause = {c.clause_id: c for c in audit("MY").clauses}
    row = findings[findings["country"] == "MY"].iloc[-1]
    assert row["text"] == clause[row["clause_id"]].text
    assert list(row["pages"]) == list(clause[row["clause_id"]].pages)
    assert row["title"] == audit("MY").document.title and row["doc_type"] == "SOP"
    assert len(load_findings(db, country="TH")) == len(audit("TH").findings)


def test_load_findings_reads_the_latest_model_version_of_each_document(db):
    newer = audit("MY")
    newer = dataclasses.replace(
        newer,
        findings=tuple(dataclasses.replace(f, model_version="v2") for f in newer.findings[:5]),
        scorecard={**newer.scorecard, "model_version": "v2"},
    )
    with Store(db) as store:
        assert store.save(newer) is True
        mine = load_findings(store, country="MY")
        assert len(mine) == 5 and set(mine["model_version"]) == {"v2"}
        old = load_findings(store, country="MY", model_version=model_version_of(audit("MY")))
        assert len(old) == len(audit("MY").findings)
        assert len(load_documents(store)) == 2


@pytest.mark.parametrize("stance", ["HARMFUL", "PROTECTIVE", "NEUTRAL"])
def test_country_matrix_counts_asserted_findings_per_country_and_principle(db, stance):
    matrix = country_matrix(db, stance=stance)
    assert list(matrix.index) == ["MY", "TH"]
    assert list(matrix.columns) == list(PRINCIPLE_IDS)
    for country in ("MY", "TH"):
        expected = Counter(f.principle for f in asserted(audit(country), stance))
        assert matrix.loc[country].to_dict() == {p: expected.get(p, 0) for p in PRINCIPLE_IDS}


def test_country_matrix_of_an_empty_store_is_empty_with_the_principles_as_columns():
    with Store(":memory:") as store:
        matrix = country_matrix(store)
    assert matrix.empty and list(matrix.columns) == list(PRINCIPLE_IDS)


def test_country_scores_of_a_one_document_country_are_its_scorecard(db):
    scores = country_scores(db)
    for country in ("MY", "TH"):
        card = audit(country).scorecard["principles"]
        for principle in PRINCIPLE_IDS:
            expected = card[principle]["score"]
            if expected is None:
                assert np.isnan(scores.loc[country, principle])
            else:
                assert round(scores.loc[country, principle], 1) == expected


def test_country_gaps_of_a_one_document_country_are_its_gaps(db):
    assert country_gaps("MY", db) == list(audit("MY").gaps)
    assert country_gaps("TH", db) == list(audit("TH").gaps)


def test_country_gaps_are_what_none_of_its_documents_protect(two_document_db):
    both = set(audit("MY").gaps) & set(audit("PH").gaps)
    assert country_gaps("XX", two_document_db) == [p for p in PRINCIPLE_IDS if p in both]


def test_contradictions_pair_a_protective_clause_with_a_harmful_clause_of_another_document(two_document_db):
    pairs = contradictions("XX", two_document_db)
    stances = {
        (f.clause_id, f.principle, f.stance) for country in ("MY", "PH") for f in asserted(audit(country))
    }
    assert len(pairs) > 0
    assert (pairs["protective_doc_id"] != pairs["harmful_doc_id"]).all()
    for row in pairs.itertuples():
        assert (row.protective_clause_id, row.principle, "PROTECTIVE") in stances
        assert (row.harmful_clause_id, row.principle, "HARMFUL") in stances

    def principles(country: str, stance: str) -> set[str]:
        return {f.principle for f in asserted(audit(country), stance)}

    expected = (principles("MY", "PROTECTIVE") & principles("PH", "HARMFUL")) | (
        principles("PH", "PROTECTIVE") & principles("MY", "HARMFUL")
    )
    assert set(pairs["principle"]) == expected
    numbers = {c.clause_id: c.number for country in ("MY", "PH") for c in audit(country).clauses}
    assert all(numbers[row.harmful_clause_id] == row.harmful_number for row in pairs.itertuples())


def test_a_country_with_one_document_has_no_contradictions(db):
    assert contradictions("MY", db).empty


@cache
def sop_as_docx() -> AuditResult:
    """The Malaysian SOP read from its DOCX: another file (another doc_id) with the same clauses."""
    return audit_document(
        DOCUMENTS / "my-shelter-sop.docx", country="MY", doc_type="SOP", classifier=Classifier.load()
    )


def test_the_same_text_stored_as_pdf_and_docx_counts_once_in_country_figures(db):
    """The SOP's PDF and DOCX are one text: the country figures count it once (through the copy audited
    last), while the store keeps both and ``with_copies=True`` (the default) lists both."""
    single = {
        "matrix": country_matrix(db),
        "scores": country_scores(db),
        "gaps": country_gaps("MY", db),
        "documents": len(load_documents(db, with_copies=False)),
    }
    with Store(db) as store:
        store.save(sop_as_docx())
        found = copies(store)
        assert found[["file_name", "country", "kept_file_name"]].values.tolist() == [
            ["my-shelter-sop.pdf", "MY", "my-shelter-sop.docx"]
        ]
        assert found["kept_doc_id"].tolist() == [sop_as_docx().document.doc_id]
        pd.testing.assert_frame_equal(country_matrix(store), single["matrix"])
        pd.testing.assert_frame_equal(country_scores(store), single["scores"])
        assert country_gaps("MY", store) == single["gaps"]
        assert contradictions("MY", store).empty  # not a second document contradicting the first
        assert len(load_documents(store, with_copies=False)) == single["documents"] == 2
        assert len(load_documents(store)) == 3
        every = load_findings(store, country="MY")
        once = load_findings(store, country="MY", with_copies=False)
        assert set(every["doc_id"]) == {audit("MY").document.doc_id, sop_as_docx().document.doc_id}
        assert set(once["doc_id"]) == {sop_as_docx().document.doc_id}
        assert copies_note(found) == (
            "1 stored file holds the same clauses as another file of the same country and is counted once, "
            "through the copy audited last: my-shelter-sop.pdf as my-shelter-sop.docx (MY)"
        )
        assert copies_note(copies(store).iloc[0:0]) is None


def first_clauses(result: AuditResult, share: float) -> AuditResult:
    """``result`` cut to the first ``share`` of its clauses (and their findings)."""
    clauses = result.clauses[: round(share * len(result.clauses))]
    kept = {clause.clause_id for clause in clauses}
    findings = tuple(f for f in result.findings if f.clause_id in kept)
    return dataclasses.replace(result, clauses=clauses, findings=findings)


@pytest.mark.parametrize("share, copy", [(0.95, True), (0.85, False)])
def test_a_file_is_a_copy_when_nine_tenths_of_the_longer_ones_clauses_are_alike(db, share, copy):
    with Store(db) as store:
        store.save(first_clauses(sop_as_docx(), share))
        assert len(copies(store)) == copy


def test_other_texts_and_the_same_text_of_another_country_are_not_copies(db):
    with Store(db) as store:
        store.save(as_country(audit("PH"), "MY"))
        store.save(as_country(sop_as_docx(), "TH"))  # the SOP, filed under another country
        assert copies(store).empty


def test_two_texts_in_another_script_are_not_copies(tmp_path):
    """Words are compared in any script: two halves of the Thai Act are two texts, not one."""
    thai = (
        Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "th-anti-trafficking-act-be2551-th.txt"
    )
    lines = thai.read_text(encoding="utf-8").splitlines(keepends=True)
    halves = [tmp_path / "first.txt", tmp_path / "second.txt"]
    halves[0].write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    halves[1].write_text("".join(lines[len(lines) // 2 :]), encoding="utf-8")
    with Store(tmp_path / "th.duckdb") as store:
        for half in halves:
            store.save(audit_document(half, country="TH", classifier=Classifier.load()))
        assert len(load_documents(store)) == 2 and copies(store).empty


def test_countries_are_asked_for_in_any_case(db):
    assert load_findings(db, country=" my ").equals(load_findings(db, country="MY"))
    assert len(load_findings(db, country="my")) > 0
    assert country_gaps("th", db) == country_gaps("TH", db)
    with Store(db) as store:
        store.save(as_country(audit("PH"), None))
        assert len(load_findings(store, country="Unknown")) == len(audit("PH").findings)


@pytest.mark.parametrize("ask", [country_gaps, contradictions], ids=["gaps", "contradictions"])
def test_a_country_that_is_not_a_code_is_refused_by_name(db, ask):
    with pytest.raises(TypeError, match="country must be a code such as 'MY', not None"):
        ask(None, db)


def test_a_stance_is_taken_in_any_case_and_a_mistyped_one_refused(db):
    assert country_matrix(db, stance="protective").equals(country_matrix(db, stance="PROTECTIVE"))
    with pytest.raises(
        ValueError, match="stance must be one of HARMFUL, PROTECTIVE, NEUTRAL, not 'HARMFULL'"
    ):
        country_matrix(db, stance="HARMFULL")  # it counted nothing: a matrix of zeros


@pytest.mark.parametrize("ask", [country_gaps, contradictions], ids=["gaps", "contradictions"])
def test_a_country_without_documents_is_refused(db, ask):
    with pytest.raises(ValueError, match="no stored document has country 'ZZ'"):
        ask("ZZ", db)


# --- exports ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell, written",
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@x", "'@x"),
        ("\tcmd", "'\tcmd"),
        ("\r=1", "'\r=1"),
        ("plain text", "plain text"),
        ("a = b", "a = b"),
    ],
)
def test_csv_export_neutralises_cells_a_spreadsheet_would_run(tmp_path, cell, written):
    path = export(pd.DataFrame({"text": [cell], "number": [-2]}), tmp_path / "out.csv")
    read = pd.read_csv(path, dtype={"text": str}, keep_default_na=False)
    assert read["text"][0] == written
    assert read["number"][0] == -2


def test_csv_export_of_findings_neutralises_a_hostile_title(tmp_path):
    hostile = audit("MY")
    hostile = dataclasses.replace(
        hostile, document=dataclasses.replace(hostile.document, title='=HYPERLINK("http://x")')
    )
    with Store(":memory:") as store:
        store.save(hostile)
        path = export(load_findings(store), tmp_path / "findings.csv")
    read = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert set(read["title"]) == {'\'=HYPERLINK("http://x")'}


def test_csv_export_writes_lists_as_the_audit_report_does(db, tmp_path):
    """Pages joined by commas and evidence by "; " (they were NumPy's text of an array: "['a' 'b']"),
    a formula-like evidence word still neutralised; a filtered frame's row numbers are not a column."""
    findings = load_findings(db)
    findings = findings[findings["evidence"].map(len) > 1].head(3)
    findings.iloc[0, findings.columns.get_loc("evidence")] = ["=cmd()", "detained"]
    findings.iloc[1, findings.columns.get_loc("pages")] = [3, 4]
    read = pd.read_csv(export(findings, tmp_path / "findings.csv"), dtype=str, keep_default_na=False)
    assert list(read.columns) == list(findings.columns)
    assert read["evidence"][0] == "'=cmd(); detained"
    assert read["pages"][1] == "3,4"
    assert read["evidence"][2] == "; ".join(findings["evidence"].iloc[2])


def test_csv_export_keeps_the_country_index(db, tmp_path):
    read = pd.read_csv(export(country_matrix(db), tmp_path / "matrix.csv"))
    assert list(read.columns) == ["country", *PRINCIPLE_IDS]
    assert list(read["country"]) == ["MY", "TH"]


def test_parquet_export_round_trips_with_pandas(db, tmp_path):
    matrix = country_matrix(db)
    pd.testing.assert_frame_equal(pd.read_parquet(export(matrix, tmp_path / "matrix.parquet")), matrix)
    findings = load_findings(db)
    read = pd.read_parquet(export(findings, tmp_path / "findings.parquet"))
    scalar = findings.drop(columns=["pages", "evidence"])
    pd.testing.assert_frame_equal(read[scalar.columns], scalar, check_dtype=False)
    assert [list(e) for e in read["evidence"]] == [list(e) for e in findings["evidence"]]


@pytest.mark.parametrize("name", ["out.xlsx", "out.json", "out"])
def test_export_refuses_other_extensions_in_one_line(tmp_path, name):
    with pytest.raises(ValueError, match="use .csv or .parquet") as error:
        export(pd.DataFrame({"a": [1]}), tmp_path / name)
    assert "\n" not in str(error.value)
    assert not (tmp_path / name).exists()


# --- reviews ------------------------------------------------------------------------------------------


def reviewable(result: AuditResult, *, findings: int, other_than: str = "") -> str:
    """A clause of at least four words with at least ``findings`` asserted findings."""
    counts = Counter(f.clause_id for f in asserted(result))
    texts = {c.clause_id: c.text for c in result.clauses}
    return next(
        c for c, n in counts.items() if n >= findings and len(texts[c].split()) >= 4 and c != other_than
    )


def labels_of(result: AuditResult, clause_id: str) -> dict[str, str]:
    return {f.principle: f.stance for f in asserted(result) if f.clause_id == clause_id}


def test_reviews_become_training_records_with_the_decisions_applied(db, tmp_path):
    result = audit("MY")
    two = reviewable(result, findings=2)
    one = reviewable(result, findings=1, other_than=two)
    kept, dropped = sorted(labels_of(result, two))[:2]
    changed = next(iter(labels_of(result, one)))
    new_stance = "PROTECTIVE" if labels_of(result, one)[changed] != "PROTECTIVE" else "HARMFUL"
    with Store(db) as store:
        store.add_review(two, kept, "accept", reviewer="A. Reviewer")
        store.add_review(two, dropped, "reject", note="not about victims")
        store.add_review(one, changed, "change", new_stance=new_stance, reviewer="B. Reviewer")
        store.save(result)  # re-auditing keeps the reviews
        reviews = store.reviews()
        written = store.export_reviews_as_training(tmp_path / "reviewed.jsonl")
    assert list(reviews["decision"]) == ["accept", "reject", "change"]
    assert set(reviews["doc_id"]) == {result.document.doc_id}
    records = load_clauses(tmp_path / "reviewed.jsonl")
    assert written == len(records) == 2
    assert record_problems(records) == []
    by_clause = {r["id"]: r for r in records}
    expected_two = {p: s for p, s in labels_of(result, two).items() if p != dropped}
    expected_one = {**labels_of(result, one), changed: new_stance}
    assert {f["principle"]: f["stance"] for f in by_clause[f"review-{two}"]["findings"]} == expected_two
    assert {f["principle"]: f["stance"] for f in by_clause[f"review-{one}"]["findings"]} == expected_one
    for record in records:
        assert (record["difficulty"], record["split"], record["contrast_of"]) == ("hard", "train", None)
        assert (record["country_style"], record["doc_type"]) == ("MY", "SOP")
    assert "not about victims" in by_clause[f"review-{two}"]["note"]
    assert by_clause[f"review-{two}"]["text"] == {c.clause_id: c.text for c in result.clauses}[two]


def test_a_change_can_move_a_finding_to_another_principle(db, tmp_path):
    result = audit("MY")
    clause = reviewable(result, findings=1)
    principle, stance = next(iter(labels_of(result, clause).items()))
    target = next(p for p in PRINCIPLE_IDS if p not in labels_of(result, clause))
    with Store(db) as store:
        store.add_review(clause, principle, "change", new_principle=target)
        store.export_reviews_as_training(tmp_path / "reviewed.jsonl")
    (record,) = load_clauses(tmp_path / "reviewed.jsonl")
    labels = {f["principle"]: f["stance"] for f in record["findings"]}
    assert principle not in labels and labels[target] == stance


def test_training_export_needs_a_corpus_doc_type_for_documents_without_one(db, tmp_path):
    clause = reviewable(audit("TH"), findings=1)
    principle = next(iter(labels_of(audit("TH"), clause)))
    with Store(db) as store:
        store.add_review(clause, principle, "accept")
        with pytest.raises(ValueError, match="doc_type None"):
            store.export_reviews_as_training(tmp_path / "refused.jsonl")
        assert store.export_reviews_as_training(tmp_path / "th.jsonl", default_doc_type="circular") == 1
    assert not (tmp_path / "refused.jsonl").exists()
    (record,) = load_clauses(tmp_path / "th.jsonl")
    assert (record["country_style"], record["doc_type"]) == ("TH", "circular")
    assert record_problems([record]) == []


@pytest.mark.parametrize(
    "why, arguments, message",
    [
        ("unknown decision", {"decision": "maybe"}, "decision 'maybe'"),
        ("unknown principle", {"principle": "KINDNESS"}, "principle 'KINDNESS'"),
        ("unknown stance", {"decision": "change", "new_stance": "GOOD"}, "new_stance 'GOOD'"),
        ("change without a change", {"decision": "change"}, "needs new_principle or new_stance"),
        ("clause not stored", {"clause_id": "nothing-0001"}, "not in the store"),
    ],
)
def test_bad_reviews_are_refused(db, why, arguments, message):
    clause = reviewable(audit("MY"), findings=1)
    review = {
        "clause_id": clause,
        "principle": next(iter(labels_of(audit("MY"), clause))),
        "decision": "accept",
    }
    with Store(db) as store, pytest.raises(ValueError, match=message):
        store.add_review(**{**review, **arguments})


def test_a_review_of_a_principle_the_audit_missed_needs_its_stance(db):
    result = audit("MY")
    clause = reviewable(result, findings=1)
    missed = next(
        p for p in PRINCIPLE_IDS if p not in {f.principle for f in result.findings if f.clause_id == clause}
    )
    with Store(db) as store:
        with pytest.raises(ValueError, match="give original_stance"):
            store.add_review(clause, missed, "accept")
        store.add_review(clause, missed, "accept", original_stance="HARMFUL")
        stored = store.reviews().iloc[0]
    assert (stored["principle"], stored["original_stance"]) == (missed, "HARMFUL")
    assert stored["model_version"] == model_version_of(result)


def test_a_stored_audit_comes_back_whole(tmp_path):
    """Clauses with their boxes, findings, scorecard and gaps survive the store; reports can be rebuilt."""
    from analyzer.report.html import render_html
    from analyzer.store import load_result

    original = audit("MY")
    with Store(tmp_path / "a.duckdb") as store:
        store.save(original)
        loaded = load_result(original.document.doc_id[:12], store)
    assert loaded.clauses == original.clauses
    assert loaded.findings == original.findings
    assert loaded.scorecard == original.scorecard and loaded.gaps == original.gaps
    document = loaded.document
    assert (document.doc_id, document.format, document.page_count) == (
        original.document.doc_id,
        "pdf",
        original.document.page_count,
    )
    assert render_html(loaded) == render_html(original)


def test_load_result_refuses_unknown_and_ambiguous_ids(tmp_path):
    from analyzer.store import load_result

    with Store(tmp_path / "a.duckdb") as store:
        store.save(audit("MY"))
        for bad in ("0000000000", "ab", ""):
            with pytest.raises(KeyError):
                load_result(bad, store)
        with pytest.raises(KeyError, match="no audit by model"):
            load_result(audit("MY").document.doc_id, store, model_version="another-model")


def downgrade(path, version: int, *, emit: float = 0.5) -> None:
    """Turn a store file back into schema ``version`` (1 or 2): one emit threshold per document (in its
    column and its scorecard), and for version 1 without the columns version 2 added."""
    import duckdb

    from analyzer.store.schema import ADDED_IN_2, EMIT_COLUMNS

    connection = duckdb.connect(str(path))
    connection.execute("ALTER TABLE documents ADD COLUMN emit_threshold DOUBLE")
    connection.execute("UPDATE documents SET emit_threshold = ?", [emit])
    for column in EMIT_COLUMNS:
        connection.execute(f"ALTER TABLE documents DROP COLUMN {column}")
    for doc_id, card in connection.execute("SELECT doc_id, scorecard FROM documents").fetchall():
        card = json.loads(card)
        del card["emit_thresholds"]
        connection.execute(
            "UPDATE documents SET scorecard = ? WHERE doc_id = ?",
            [json.dumps(dict(card, emit_threshold=emit)), doc_id],
        )
    if version == 1:
        for table, columns in ADDED_IN_2.items():
            for column in columns:
                connection.execute(f"ALTER TABLE {table} DROP COLUMN {column.split()[0]}")
    connection.execute("UPDATE schema_version SET version = ?", [version])
    connection.close()


def test_a_version_1_store_is_migrated_in_place(tmp_path):
    """A file written before boxes and formats were stored opens, gains the columns and keeps its rows."""
    from analyzer.store.schema import SCHEMA_VERSION

    path = tmp_path / "old.duckdb"
    with Store(path) as store:
        store.save(audit("MY"))
    downgrade(path, 1)
    from analyzer.store import load_result

    with Store(path) as store:
        assert int(store.query("SELECT max(version) AS v FROM schema_version")["v"][0]) == SCHEMA_VERSION
        assert table_counts(store)["documents"] == 1
        assert "boxes" in store.query("SELECT * FROM clauses LIMIT 1").columns
        old = load_result(audit("MY").document.doc_id, store)
        assert old.document.format == "pdf" and old.document.warnings == ()
        assert all(clause.boxes == () for clause in old.clauses) and old.findings == audit("MY").findings
        store.save(audit("MY"))
        assert table_counts(store)["documents"] == 1


def test_a_version_3_store_has_its_countries_upper_cased_and_its_words_hashed(tmp_path):
    """Before version 4 a country was stored as given: "my" and "MY" were two countries; before version
    5 clauses had no hash of their words, which copies are found by."""
    import duckdb

    path = tmp_path / "v3.duckdb"
    with Store(path) as store:
        store.save(audit("MY"))
        store.save(audit("TH"))
        store.save(as_country(audit("PH"), None))
    with duckdb.connect(str(path)) as connection:
        connection.execute("UPDATE documents SET country = 'my' WHERE country = 'MY'")
        connection.execute("ALTER TABLE clauses DROP COLUMN words")
        connection.execute("UPDATE schema_version SET version = 3")
    with Store(path) as store:
        assert sorted(load_documents(store)["country"]) == ["MY", "TH", "unknown"]
        assert list(country_matrix(store).index) == ["MY", "TH", "unknown"]
        store.save(sop_as_docx())  # its clauses' words are compared with those the migration filled in
        assert copies(store)["file_name"].tolist() == ["my-shelter-sop.pdf"]


def test_a_version_2_store_keeps_its_one_emit_threshold_for_every_stance(tmp_path):
    """Audits stored with one emit threshold are still counted by it, for every stance, after migration;
    a new audit saved beside them is counted by its own thresholds per stance."""
    from analyzer.report.html import render_html
    from analyzer.store import load_result

    path = tmp_path / "v2.duckdb"
    with Store(path) as store:
        store.save(audit("MY"))
    downgrade(path, 2, emit=0.5)
    import duckdb

    with duckdb.connect(str(path)) as connection:  # a user's own index does not block the migration
        connection.execute("CREATE INDEX by_country ON documents (country)")
    with Store(path) as store:
        findings = load_findings(store)
        expected = [f.confidence >= 0.5 for f in audit("MY").findings]
        assert sorted(findings["asserted"]) == sorted(expected)
        assert store.query(
            "SELECT emit_harmful, emit_protective, emit_neutral FROM documents"
        ).values.tolist() == [[0.5, 0.5, 0.5]]
        page = render_html(load_result(audit("MY").document.doc_id, store))
        assert "confidence of at least 50% (harmful), 50% (protective) or 50% (neutral)" in page
        store.save(audit("TH"))
        th = load_findings(store, country="TH")
        assert th["asserted"].sum() == len(asserted(audit("TH"))) > 0


def test_pages_read_by_ocr_keep_their_confidence_in_the_store(tmp_path):
    from analyzer.store import load_result

    original = audit("MY")
    pages = tuple(
        dataclasses.replace(page, ocr=True, ocr_confidence=0.91) if page.number == 2 else page
        for page in original.document.pages
    )
    scanned = dataclasses.replace(original, document=dataclasses.replace(original.document, pages=pages))
    with Store(tmp_path / "a.duckdb") as store:
        store.save(scanned)
        loaded = load_result(original.document.doc_id, store)
    assert [(p.number, p.ocr, p.ocr_confidence) for p in loaded.document.pages if p.ocr] == [(2, True, 0.91)]
    on_page_2 = next(c for c in loaded.clauses if 2 in c.pages)
    assert loaded.document.ocr_confidence(on_page_2.pages) == 0.91


def test_a_store_written_before_ocr_pages_joined_version_2_gains_the_column(tmp_path):
    """A version-2 file from before ``ocr_pages`` existed was migrated to version 3 without it: it opens,
    gains the column and takes new audits (the sample dashboard's seed failed on such a file)."""
    import duckdb

    from analyzer.store import load_result

    path = tmp_path / "early-v2.duckdb"
    with Store(path) as store:
        store.save(audit("MY"))
    with duckdb.connect(str(path)) as connection:
        connection.execute("ALTER TABLE documents DROP COLUMN ocr_pages")
    with Store(path) as store:
        assert "ocr_pages" in store.query("SELECT * FROM documents LIMIT 1").columns
        assert load_result(audit("MY").document.doc_id, store).findings == audit("MY").findings
        store.save(audit("TH"))
        assert table_counts(store)["documents"] == 2


@pytest.mark.parametrize(
    "languages, says",
    [
        (["en", "und", None], None),
        (
            ["en", "th"],
            "1 stored document in a language the classifier does not read adds no findings to "
            "these figures: d1.pdf (TH, Thai)",
        ),
        (
            ["ms"] * 7,
            "7 stored documents in a language the classifier does not read add no findings to these "
            "figures: d0.pdf (TH, Malay); d1.pdf (TH, Malay); d2.pdf (TH, Malay); d3.pdf (TH, Malay); "
            "d4.pdf (TH, Malay) and 2 more",
        ),
    ],
)
def test_unread_note_names_the_documents_the_classifier_cannot_read(languages, says):
    documents = pd.DataFrame(
        {"file_name": [f"d{i}.pdf" for i in range(len(languages))], "country": "TH", "language": languages}
    )
    assert unread_note(documents) == says
