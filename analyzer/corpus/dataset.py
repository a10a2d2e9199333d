"""The annotated clauses of ``corpus/clauses.jsonl``: load, validate, split, find near-duplicates, count.

Each record: ``id``, ``text``, ``findings`` ([{principle, stance}]), ``country_style``, ``doc_type``,
``difficulty``, ``split`` (``train`` / ``dev``), ``contrast_of`` (id or null) and ``note``. Splits are
assigned once by :func:`assign_splits` (stratified by the clause's label set, contrast pairs kept on the
same side, seeded) and never edited by hand, so training and evaluation data stay apart.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from analyzer.types import PRINCIPLE_IDS, STANCES

COUNTRY_STYLES = ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN")
OTHER_STYLES = ("TL", "AU", "UK", "US", "IN")
DOC_TYPES = (
    "law",
    "implementing rules",
    "ministerial regulation",
    "decree",
    "circular",
    "SOP",
    "shelter rules",
    "referral guidelines",
    "MOU",
)
DIFFICULTIES = ("easy", "medium", "hard")
SPLITS = ("train", "dev")
FIELDS = ("id", "text", "findings", "country_style", "doc_type", "difficulty", "split", "contrast_of", "note")
DEV_FRACTION = 0.2
SPLIT_SEED = 20261129
NEAR_DUPLICATE = 0.85
_BLOCK = 512  # rows of the near-duplicate similarity computed at once


def default_corpus_dir() -> Path:
    """``corpus/`` of the source checkout this package runs from."""
    return Path(__file__).resolve().parents[2] / "corpus"


def load_clauses(path: Path | None = None) -> list[dict]:
    path = path or default_corpus_dir() / "clauses.jsonl"
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def write_clauses(records: Iterable[dict], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps({k: record.get(k) for k in FIELDS}, ensure_ascii=False) + "\n")


def label_set(record: dict) -> tuple[str, ...]:
    """The record's findings as sorted "PRINCIPLE/STANCE" strings (empty for no finding)."""
    return tuple(sorted(f"{f['principle']}/{f['stance']}" for f in record["findings"]))


def record_problems(records: list[dict]) -> list[str]:
    """Schema problems, one line each: missing fields, unknown values, duplicate ids, dangling pairs."""
    problems: list[str] = []
    ids = Counter(r.get("id") for r in records)
    problems += [f"{i}: duplicate id" for i, n in ids.items() if n > 1]
    allowed = {
        "country_style": COUNTRY_STYLES + OTHER_STYLES,
        "doc_type": DOC_TYPES,
        "difficulty": DIFFICULTIES,
        "split": SPLITS,
    }
    for record in records:
        rid = record.get("id", "?")
        missing = [f for f in FIELDS if f not in record]
        if missing:
            problems.append(f"{rid}: missing {', '.join(missing)}")
            continue
        if not isinstance(record["text"], str) or len(record["text"].split()) < 4:
            problems.append(f"{rid}: text missing or shorter than four words")
        for field, values in allowed.items():
            if record[field] not in values:
                problems.append(f"{rid}: {field} {record[field]!r} not one of {', '.join(values)}")
        principles = [f.get("principle") for f in record["findings"]]
        for finding in record["findings"]:
            if finding.get("principle") not in PRINCIPLE_IDS or finding.get("stance") not in STANCES:
                problems.append(f"{rid}: unknown finding {finding}")
        if len(principles) != len(set(principles)):
            problems.append(f"{rid}: two stances for one principle")
        if record["contrast_of"] is not None and record["contrast_of"] not in ids:
            problems.append(f"{rid}: contrast_of {record['contrast_of']!r} does not exist")
    return problems


def contrast_groups(records: list[dict]) -> dict[str, str]:
    """id -> the id of its contrast group's root, so that pairs land in the same split."""
    parent = {r["id"]: r["contrast_of"] or r["id"] for r in records}

    def root(i: str) -> str:
        seen = set()
        while parent.get(i, i) != i and i not in seen:
            seen.add(i)
            i = parent[i]
        return i

    return {i: root(i) for i in parent}


def assign_splits(records: list[dict], *, dev_fraction: float = DEV_FRACTION, seed: int = SPLIT_SEED) -> None:
    """Give every record without a split one: stratified by label set, contrast groups together.

    Records that already have a split keep it, so adding clauses never moves old ones between train and
    dev; a record added to a contrast group that already has a split takes that split (the group's first
    member's, in id order), so that the pair stays on one side.
    """
    groups = contrast_groups(records)
    members: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        members[groups[record["id"]]].append(record)
    strata: dict[tuple, list[str]] = defaultdict(list)
    for group, items in members.items():
        placed = sorted((item["id"], item["split"]) for item in items if item.get("split") in SPLITS)
        if placed:
            for item in items:
                item["split"] = item["split"] if item.get("split") in SPLITS else placed[0][1]
            continue
        strata[label_set(min(items, key=lambda r: r["id"]))].append(group)
    rng = random.Random(seed)
    for key in sorted(strata):
        groups_in = sorted(strata[key])
        rng.shuffle(groups_in)
        dev = round(len(groups_in) * dev_fraction + rng.random() - 0.5)
        for n, group in enumerate(groups_in):
            for item in members[group]:
                item["split"] = (
                    item.get("split") if item.get("split") in SPLITS else ("dev" if n < dev else "train")
                )


def near_duplicates(
    texts: list[str], *, threshold: float = NEAR_DUPLICATE, others: list[str] | None = None
) -> list[tuple[int, int, float]]:
    """Pairs (i, j, cosine) of texts whose character 3–5-gram TF-IDF cosine exceeds ``threshold``.

    With ``others``, pairs are (index in ``texts``, index in ``others``) instead of pairs within ``texts``.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    matrix = vectorizer.fit_transform(texts + (others or []))
    left, right = matrix[: len(texts)], matrix[len(texts) :] if others else matrix[: len(texts)]
    pairs = []
    # Rows in blocks, each against only the columns that can pair with it (j > i within one list): almost
    # every two clauses share some character n-gram, so the full product is nearly dense (hundreds of
    # millions of entries for a corpus of 8,000); a block is filtered in numpy before any Python loop.
    for start in range(0, left.shape[0], _BLOCK):
        first = 0 if others is not None else start
        block = (left[start : start + _BLOCK] @ right[first:].T).tocoo()
        keep = block.data > threshold
        for i, j, value in zip(
            block.row[keep] + start, block.col[keep] + first, block.data[keep], strict=True
        ):
            if others is not None or i < j:
                pairs.append((int(i), int(j), round(float(value), 3)))
    return pairs


def undeclared_near_duplicates(records: list[dict], *, threshold: float = NEAR_DUPLICATE) -> list[tuple]:
    """Near-duplicate pairs of records that are not in the same declared contrast group."""
    groups = contrast_groups(records)
    pairs = near_duplicates([r["text"] for r in records], threshold=threshold)
    return [
        (records[i]["id"], records[j]["id"], value)
        for i, j, value in pairs
        if groups[records[i]["id"]] != groups[records[j]["id"]]
    ]
