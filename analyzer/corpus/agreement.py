"""Agreement between two annotators' answer keys of the same documents (``dnh corpus agreement``).

Two keys agree line by line: the same clauses (``number`` and ``sha``, or ``quote``) in the same order,
each with a set of findings, ``(principle, stance)`` pairs. For each document and overall we count the
clauses whose finding sets are identical and Cohen's kappa on two yes/no questions ("has a HARMFUL
finding", "has any finding"); for each principle, kappa on whether the clause engages it and, where both
annotators say it does, how often they give the same stance. Kappa corrects the raw agreement for the
agreement two annotators with the same label rates would reach by chance:
``(observed - chance) / (1 - chance)``; it is undefined (``None``) when chance agreement is 1. Beside
the kappas, the harmful-clause F1 of B read against A: the figure the classifier is scored by, for a
second human reader.

The first "key" may also be the corpus itself (``corpus/clauses.jsonl``): the second key is then a
second reading of corpus clauses, each line's ``number`` a clause id and its ``quote`` the first
characters of that clause's text, and the first annotator's findings are the corpus's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path

from analyzer.corpus.answer_keys import KEY_SUFFIX, QUOTE_LENGTH, finding_problems, read_key
from analyzer.errors import InputError
from analyzer.types import PRINCIPLE_IDS

MIN_SUPPORT = 5  # a principle's presence kappa is reported when the two keys mark it on this many clauses


def cohen_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two raters' categorical answers (yes/no, or e.g. a stance or none) on the same
    items; ``None`` when chance agreement is 1 (both raters gave one and the same answer throughout, or
    there are no items)."""
    if len(first) != len(second):
        raise ValueError("the two raters answered a different number of items")
    if not first:
        return None
    count = len(first)
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / count
    rates_first, rates_second = Counter(first), Counter(second)
    chance = sum(rates_first[c] * rates_second[c] for c in rates_first) / count**2
    if chance >= 1.0:
        return None
    return (observed - chance) / (1 - chance)


def finding_set(entry: dict) -> frozenset[tuple[str, str]]:
    """A key line's findings as a set of (principle, stance) pairs."""
    return frozenset((f["principle"], f["stance"]) for f in entry.get("findings", []))


@dataclass(frozen=True)
class PrincipleAgreement:
    """How two keys agree on one principle: clauses each marks it on, both, presence kappa, same stance."""

    principle: str
    first: int
    second: int
    both: int
    kappa: float | None  # presence; None when fewer than MIN_SUPPORT marks (A + B) or undefined
    kappa_stance: float | None  # over the categories none / HARMFUL / PROTECTIVE / NEUTRAL; None likewise
    same_stance: int  # of the clauses both mark, those with the same stance


@dataclass(frozen=True)
class DocumentAgreement:
    """Agreement of two keys of one document (or of several documents pooled)."""

    name: str
    clauses: int
    identical: int
    kappa_harmful: float | None
    kappa_any: float | None
    principles: tuple[PrincipleAgreement, ...]
    disagreements: tuple[str, ...]  # "line:number" of each clause whose finding sets differ
    harmful_f1: float | None = None  # B's harmful clauses scored against A's; None when neither has one

    @property
    def identical_share(self) -> float:
        return self.identical / self.clauses if self.clauses else 0.0


def _stances(findings: frozenset[tuple[str, str]]) -> dict[str, str]:
    return dict(findings)


def principle_agreement(pairs: Sequence[tuple[frozenset, frozenset]], principle: str) -> PrincipleAgreement:
    """Agreement on one principle: on whether each clause engages it, and on its stance there."""
    first = [_stances(a).get(principle, "") for a, _ in pairs]
    second = [_stances(b).get(principle, "") for _, b in pairs]
    both = [(a, b) for a, b in zip(first, second, strict=True) if a and b]
    supported = sum(map(bool, first)) + sum(map(bool, second)) >= MIN_SUPPORT
    return PrincipleAgreement(
        principle,
        sum(map(bool, first)),
        sum(map(bool, second)),
        len(both),
        cohen_kappa([bool(a) for a in first], [bool(b) for b in second]) if supported else None,
        cohen_kappa(first, second) if supported else None,
        sum(a == b for a, b in both),
    )


def document_agreement(name: str, first: Sequence[dict], second: Sequence[dict]) -> DocumentAgreement:
    """The agreement of two lined-up lists of key lines (see :func:`lined_up`); a disagreeing clause is
    listed as "line:number", its line counted from 1 in the key."""
    pairs = [(finding_set(a), finding_set(b)) for a, b in zip(first, second, strict=True)]
    disagreements = tuple(
        f"{line}:{entry.get('number', '')}"
        for line, (entry, (a, b)) in enumerate(zip(first, pairs, strict=True), start=1)
        if a != b
    )
    harmful = [[any(s == "HARMFUL" for _, s in side) for side in pair] for pair in pairs]
    both = sum(a and b for a, b in harmful)
    either = sum(a for a, _ in harmful) + sum(b for _, b in harmful)
    return DocumentAgreement(
        name=name,
        clauses=len(pairs),
        identical=sum(a == b for a, b in pairs),
        kappa_harmful=cohen_kappa([h[0] for h in harmful], [h[1] for h in harmful]),
        kappa_any=cohen_kappa([bool(a) for a, _ in pairs], [bool(b) for _, b in pairs]),
        principles=tuple(principle_agreement(pairs, p) for p in PRINCIPLE_IDS),
        disagreements=disagreements,
        harmful_f1=2 * both / either if either else None,
    )


def lined_up(first: Sequence[dict], second: Sequence[dict], path: Path) -> None:
    """Raise an :class:`InputError` on ``path`` (the second key) unless both keys list the same clauses
    in the same order: the same count, and per line the same number and sha (or quote)."""
    if len(first) != len(second):
        raise InputError(path, f"has {len(second)} clauses, the other key {len(first)}")
    for index, (a, b) in enumerate(zip(first, second, strict=True), start=1):
        for field in ("number", "sha", "quote"):
            if a.get(field) != b.get(field):
                raise InputError(
                    path,
                    f"line {index} (clause {b.get('number')!r}): {field} {b.get(field)!r} "
                    f"!= {a.get(field)!r} in the other key",
                )


def key_pairs(first: Path, second: Path) -> list[tuple[str, Path, Path]]:
    """(document name, key A, key B) for two key files, or for every key in two folders (matched by
    file name; a key present in only one folder is an :class:`InputError`)."""
    for path in (first, second):
        if not path.exists():
            raise InputError(path, "no such key file or folder")
    if first.is_dir() != second.is_dir():
        raise InputError(second, "compare a key with a key, or a folder of keys with a folder")
    if not first.is_dir():
        return [(first.name.removesuffix(KEY_SUFFIX), first, second)]
    names_first = {p.name for p in first.glob(f"*{KEY_SUFFIX}")}
    names_second = {p.name for p in second.glob(f"*{KEY_SUFFIX}")}
    if not names_first:
        raise InputError(first, f"no *{KEY_SUFFIX} keys in this folder")
    for folder, missing in ((second, names_first - names_second), (first, names_second - names_first)):
        if missing:
            raise InputError(folder, f"has no {sorted(missing)[0]} (the other folder has)")
    return [(n.removesuffix(KEY_SUFFIX), first / n, second / n) for n in sorted(names_first)]


def corpus_key(corpus: Path, second: list[dict], path: Path) -> list[dict]:
    """The corpus's own reading of the clauses a second reading (``path``, lines ``second``) lists, as key
    lines lined up with it; a clause id the corpus lacks is an :class:`InputError` on ``path``."""
    from analyzer.corpus.dataset import load_clauses

    try:
        records = {str(r["id"]): r for r in load_clauses(corpus)}
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        raise InputError(corpus, f"not a corpus clauses file ({type(error).__name__})") from None
    lines = []
    for index, entry in enumerate(second, start=1):
        record = records.get(str(entry.get("number", "")))
        if record is None:
            raise InputError(path, f"line {index}: no clause {entry.get('number')!r} in {corpus.name}")
        findings = record.get("findings", [])
        problems = finding_problems(findings) if isinstance(findings, list) else ["findings is not a list"]
        if problems or not isinstance(record.get("text"), str):
            raise InputError(corpus, f"clause {record['id']}: {problems[0] if problems else 'no text'}")
        quote = " ".join(record["text"].split())[:QUOTE_LENGTH]
        lines.append({"number": record["id"], "quote": quote, "findings": findings})
    return lines


def compare(first: Path, second: Path) -> list[DocumentAgreement]:
    """Agreement per document, then overall (the last item, named ``overall``, when more than one).
    ``first`` may be the corpus's ``clauses.jsonl``, ``second`` then a second reading of its clauses (a
    key, or a folder of keys)."""
    documents, pooled_a, pooled_b = [], [], []
    from_corpus = first.is_file() and not first.name.endswith(KEY_SUFFIX)
    pairs = key_pairs(second, second) if from_corpus else key_pairs(first, second)
    for name, key_a, key_b in pairs:
        lines_b = read_key(key_b)
        lines_a = corpus_key(first, lines_b, key_b) if from_corpus else read_key(key_a)
        lined_up(lines_a, lines_b, key_b)
        documents.append(document_agreement(name, lines_a, lines_b))
        pooled_a += lines_a
        pooled_b += lines_b
    if len(documents) > 1:
        documents.append(document_agreement("overall", pooled_a, pooled_b))
    return documents


def _kappa(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def report_lines(documents: Sequence[DocumentAgreement]) -> list[str]:
    """The agreement as printed by ``dnh corpus agreement``: one row per document (and overall), the
    per-principle table of each, and the disagreeing clauses ("line:number") of each document."""
    width = max(len("document"), *(len(d.name) for d in documents))
    lines = [
        f"{'document':<{width}}  clauses  identical  kappa HARMFUL  kappa any finding  harmful-clause F1 (B vs A)"
    ]
    for doc in documents:
        lines.append(
            f"{doc.name:<{width}}  {doc.clauses:>7}  {doc.identical_share:>9.3f}  "
            f"{_kappa(doc.kappa_harmful):>13}  {_kappa(doc.kappa_any):>17}  {_kappa(doc.harmful_f1):>26}"
        )
    for doc in documents:
        lines += [
            "",
            f"{doc.name}: per principle (A, B: clauses marking it; kappa of presence and of its "
            f"stance, none/H/P/N, when A + B >= {MIN_SUPPORT}; same stance: of the clauses both mark)",
        ]
        for row in doc.principles:
            if row.first or row.second:
                lines.append(
                    f"  {row.principle:<26} A {row.first:>3}  B {row.second:>3}  both {row.both:>3}  "
                    f"kappa presence {_kappa(row.kappa):>5}  kappa stance {_kappa(row.kappa_stance):>5}  "
                    f"same stance {row.same_stance}/{row.both}"
                )
    lines.append("")
    for doc in documents:
        if doc.name != "overall" or len(documents) == 1:
            listed = ", ".join(doc.disagreements) or "none"
            lines.append(f"{doc.name}: {len(doc.disagreements)} disagreeing clauses (line:number): {listed}")
    return lines
