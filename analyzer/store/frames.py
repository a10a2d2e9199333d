"""The store as pandas DataFrames, for researchers: findings, documents and country comparisons.

Every function takes ``db``: a :class:`~analyzer.store.database.Store`, a database path, or ``None`` for
the default store (``$DNH_DB`` or the user data folder), so ``load_findings()`` works from a notebook
with no setup. Each document counts once, through its latest audit (the most recently saved model
version) unless ``model_version`` is given. Country comparisons count *asserted* findings only:
confidence at or above the emit threshold of the finding's stance recorded with the document, as its
scorecard does. They also count a text once: two stored files of one country holding the same clauses
(the PDF and the DOCX of one SOP, say) are copies, and only the copy audited last is counted
(:func:`copies`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from analyzer.ingest.language import NAMES
from analyzer.ingest.language import unread as unread_language
from analyzer.store.database import UNKNOWN_COUNTRY, Store
from analyzer.store.schema import ASSERTED
from analyzer.types import PRINCIPLE_IDS, STANCES

Db = Store | Path | str | None

AUDITS = """
    WITH audits AS (
        SELECT * FROM documents WHERE ? IS NULL OR model_version = ?
        QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY audited_at DESC, model_version DESC) = 1
    )
"""

# Two files of one country are copies when at least this share of the clauses of the longer one have the
# same words (letters, marks and digits of any script, lower-cased: the store's ``clauses.words``) in the
# other: a PDF and the DOCX it was printed from read
# 98-100 % alike, where page furniture or a hyphen can change a clause or two.
COPY_SHARE = 0.9

COPIES = (
    AUDITS
    + """
    , texts AS (
        SELECT DISTINCT a.doc_id, a.country, a.audited_at, a.file_name, c.words
        FROM audits a JOIN clauses c ON c.doc_id = a.doc_id AND c.model_version = a.model_version
        WHERE c.words IS NOT NULL
    ),
    sizes AS (SELECT doc_id, count(*) AS n FROM texts GROUP BY doc_id)
    SELECT x.doc_id, x.file_name, x.country, y.doc_id AS kept_doc_id, y.file_name AS kept_file_name,
           y.audited_at AS kept_audited_at
    FROM texts x
    JOIN texts y ON x.words = y.words AND x.country = y.country AND x.doc_id <> y.doc_id
    JOIN sizes sx ON sx.doc_id = x.doc_id
    JOIN sizes sy ON sy.doc_id = y.doc_id
    WHERE x.audited_at < y.audited_at OR (x.audited_at = y.audited_at AND x.doc_id < y.doc_id)
    GROUP BY ALL
    HAVING count(*) >= ? * greatest(any_value(sx.n), any_value(sy.n))
    ORDER BY x.country, x.file_name, x.doc_id, y.audited_at, y.doc_id
"""
)

FINDINGS = (
    AUDITS
    + f"""
    SELECT d.country, d.doc_type, d.title, d.file_name, f.doc_id, f.model_version, f.clause_id,
           c.position, c.number, c.text, c.pages, f.principle, f.stance, f.confidence, f.needs_review,
           {ASSERTED} AS asserted, f.evidence, f.rationale, f.source,
           f.taxonomy_version
    FROM audits d
    JOIN findings f ON f.doc_id = d.doc_id AND f.model_version = d.model_version
    JOIN clauses c ON c.clause_id = f.clause_id AND c.model_version = f.model_version
    WHERE (? IS NULL OR d.country = ?) AND NOT list_contains(?, d.doc_id)
    ORDER BY d.country, d.title, d.doc_id, c.position, list_position(?, f.principle)
"""
)

DOCUMENTS = (
    AUDITS
    + """
    SELECT doc_id, model_version, country, doc_type, title, file_name, path, language, pages, clauses,
           score, emit_harmful, emit_protective, emit_neutral, gaps, taxonomy_version, audited_at
    FROM audits WHERE NOT list_contains(?, doc_id) ORDER BY country, title, doc_id
"""
)


@contextmanager
def opened(db: Db) -> Iterator[Store]:
    """``db`` itself when it is a Store; otherwise a Store opened on that path and closed afterwards."""
    if isinstance(db, Store):
        yield db
        return
    with Store(db) as store:
        yield store


def copies(db: Db = None, *, model_version: str | None = None) -> pd.DataFrame:
    """The stored files that copy another of the same country (the same clauses, :data:`COPY_SHARE`), one
    row each: its ``doc_id``, ``file_name`` and ``country``, and the copy that is counted instead
    (``kept_doc_id``, ``kept_file_name``: the one audited last)."""
    with opened(db) as store:
        found = store.query(COPIES, [model_version, model_version, COPY_SHARE])
    # a file that copies several others is left out once, in favour of the one audited last of them
    found = found.drop_duplicates("doc_id", keep="last").drop(columns="kept_audited_at")
    return found.reset_index(drop=True)


def _code(country: str) -> str:
    """A country as the store holds it: upper-cased, except :data:`UNKNOWN_COUNTRY`; ``TypeError`` for
    what is not a text (``None`` read as a code would be no country at all)."""
    if not isinstance(country, str):
        raise TypeError(f"country must be a code such as 'MY', not {country!r}")
    code = country.strip()
    return UNKNOWN_COUNTRY if code.lower() == UNKNOWN_COUNTRY else code.upper()


def _left_out(store: Store, model_version: str | None, with_copies: bool) -> list[str]:
    return [] if with_copies else list(copies(store, model_version=model_version)["doc_id"])


def load_findings(
    db: Db = None, *, country: str | None = None, model_version: str | None = None, with_copies: bool = True
) -> pd.DataFrame:
    """One row per finding, with its document's country, type and title and its clause's number, text, pages.

    ``asserted`` tells whether the finding reaches its document's emit threshold for its stance.
    ``country`` is a code such as ``"MY"`` (any case). ``with_copies=False`` leaves out the files that
    copy another (:func:`copies`), as the country comparisons do.
    """
    country = _code(country) if country else None
    with opened(db) as store:
        left_out = _left_out(store, model_version, with_copies)
        return store.query(
            FINDINGS, [model_version, model_version, country, country, left_out, list(PRINCIPLE_IDS)]
        )


def load_documents(
    db: Db = None, *, model_version: str | None = None, with_copies: bool = True
) -> pd.DataFrame:
    """One row per stored document (its latest audit), with its score and gaps (a JSON list);
    ``with_copies=False`` leaves out the files that copy another (:func:`copies`)."""
    with opened(db) as store:
        left_out = _left_out(store, model_version, with_copies)
        return store.query(DOCUMENTS, [model_version, model_version, left_out])


def copies_note(found: pd.DataFrame, *, shown: int = 5) -> str | None:
    """A one-line note naming the files of ``found`` (as :func:`copies` gives them) that country figures
    count once; None when there are none."""
    if found.empty:
        return None
    named = [
        f"{row.file_name} as {row.kept_file_name} ({row.country})" for row in found.head(shown).itertuples()
    ]
    more = f" and {len(found) - shown} more" if len(found) > shown else ""
    return (
        f"{len(found)} stored file{'s' if len(found) > 1 else ''} hold{'s' if len(found) == 1 else ''} the "
        f"same clauses as another file of the same country and {'are' if len(found) > 1 else 'is'} counted "
        f"once, through the copy audited last: {'; '.join(named)}{more}"
    )


def unread_note(documents: pd.DataFrame, *, shown: int = 5) -> str | None:
    """A one-line note naming the documents of ``documents`` (as :func:`load_documents` gives them) in a
    language the classifier does not read, which add no finding to any country's figures; None when
    there are none."""
    unread = documents[documents["language"].map(unread_language)]
    if unread.empty:
        return None
    named = [
        f"{row.file_name} ({row.country or 'no country'}, {NAMES.get(row.language, row.language)})"
        for row in unread.head(shown).itertuples()
    ]
    more = f" and {len(unread) - shown} more" if len(unread) > shown else ""
    return (
        f"{len(unread)} stored document{'s' if len(unread) > 1 else ''} in a language the classifier does "
        f"not read add{'s' if len(unread) == 1 else ''} no findings to these figures: {'; '.join(named)}{more}"
    )


def _countries(store: Store) -> list[str]:
    return sorted(store.query(DOCUMENTS, [None, None, []])["country"].unique())


def country_matrix(db: Db = None, *, stance: str = "HARMFUL") -> pd.DataFrame:
    """Countries × the 13 principles: how many asserted findings of ``stance`` each country's documents hold
    (``stance`` in any case; ``ValueError`` for one that is not HARMFUL, PROTECTIVE or NEUTRAL, which
    would count nothing)."""
    chosen = str(stance).strip().upper()
    if chosen not in STANCES:
        raise ValueError(f"stance must be one of {', '.join(STANCES)}, not {stance!r}")
    stance = chosen
    with opened(db) as store:
        return _matrix(_countries(store), load_findings(store, with_copies=False), stance)


def _matrix(countries: list[str], findings: pd.DataFrame, stance: str) -> pd.DataFrame:
    chosen = findings[findings["asserted"] & (findings["stance"] == stance)]
    matrix = pd.crosstab(chosen["country"], chosen["principle"]) if len(chosen) else pd.DataFrame()
    matrix = matrix.reindex(index=countries, columns=list(PRINCIPLE_IDS), fill_value=0).astype("int64")
    matrix.index.name, matrix.columns.name = "country", None
    return matrix


def country_scores(db: Db = None) -> pd.DataFrame:
    """Countries × principles: ``100 × protective / (protective + harmful)``, NaN where there is neither."""
    with opened(db) as store:
        countries, findings = _countries(store), load_findings(store, with_copies=False)
    protective = _matrix(countries, findings, "PROTECTIVE")
    harmful = _matrix(countries, findings, "HARMFUL")
    binding = (protective + harmful).astype(float).replace(0, np.nan)
    return 100.0 * protective / binding


def _asserted(store: Store, country: str) -> pd.DataFrame:
    """The asserted findings of ``country``'s documents; ``ValueError`` when it has no document."""
    country = _code(country)
    if country not in _countries(store):
        raise ValueError(f"no stored document has country {country!r}")
    findings = load_findings(store, country=country, with_copies=False)
    return findings[findings["asserted"]]


def country_gaps(country: str, db: Db = None) -> list[str]:
    """Principles that no document of ``country`` protects, in canonical order."""
    with opened(db) as store:
        findings = _asserted(store, country)
    protected = set(findings.loc[findings["stance"] == "PROTECTIVE", "principle"])
    return [p for p in PRINCIPLE_IDS if p not in protected]


CONTRADICTION_COLUMNS = ("doc_id", "title", "file_name", "clause_id", "number", "text")


def contradictions(country: str, db: Db = None) -> pd.DataFrame:
    """Clause pairs of ``country`` where one document protects a principle and another document harms it.

    Columns: ``principle``, then ``protective_``/``harmful_`` + doc_id, title, file_name, clause_id,
    number, text.
    """
    with opened(db) as store:
        findings = _asserted(store, country)
    columns = ["principle", "position", *CONTRADICTION_COLUMNS]
    sides = {
        stance: findings.loc[findings["stance"] == stance, columns].add_prefix(f"{stance.lower()}_")
        for stance in ("PROTECTIVE", "HARMFUL")
    }
    pairs = sides["PROTECTIVE"].merge(
        sides["HARMFUL"], left_on="protective_principle", right_on="harmful_principle"
    )
    pairs = pairs[pairs["protective_doc_id"] != pairs["harmful_doc_id"]]
    pairs = pairs.rename(columns={"protective_principle": "principle"})
    pairs["order"] = pairs["principle"].map(PRINCIPLE_IDS.index)
    pairs = pairs.sort_values(
        ["order", "protective_title", "protective_position", "harmful_title", "harmful_position"]
    )
    keep = ["principle"] + [
        f"{side}_{c}" for side in ("protective", "harmful") for c in CONTRADICTION_COLUMNS
    ]
    return pairs[keep].reset_index(drop=True)
