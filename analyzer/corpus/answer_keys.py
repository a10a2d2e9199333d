"""Answer keys of the sample documents: every clause the segmenter finds, with its gold findings.

A key (``corpus/documents/NAME.key.jsonl``) has one JSON line per clause, in reading order:
``{"number": "3.2(b)", "quote": "first words of the clause's own text", "findings": [...]}``. A key of a
document whose text must not be copied into the project (real legislation, ``corpus/legislation/``)
carries ``"sha"`` (:func:`sha_of`) instead of ``"quote"``.
:func:`key_skeleton` writes the lines for a document with empty findings; :func:`key_problems` lists
where a key and the document's segmentation disagree, so end-to-end accuracy can be measured on them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from analyzer.errors import InputError
from analyzer.types import PRINCIPLE_IDS, STANCES, Clause

QUOTE_LENGTH = 60
SHA_LENGTH = 12
KEY_SUFFIX = ".key.jsonl"


def own_text(clause: Clause) -> str:
    """The clause's text without its lead-in."""
    return clause.text[len(clause.lead_in) :].strip()


def quote_of(clause: Clause) -> str:
    return own_text(clause)[:QUOTE_LENGTH]


def sha_of(clause: Clause) -> str:
    """First hex digits of the SHA-256 of the clause's text (lead-in included), whitespace collapsed:
    identifies the clause without quoting it."""
    text = " ".join(clause.text.split())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:SHA_LENGTH]


def _identity(entry: dict, clause: Clause) -> tuple[str, str, str]:
    """The field a key line identifies its clause by (``sha`` when present, else ``quote``), the line's
    value and the clause's."""
    if "sha" in entry:
        return "sha", str(entry["sha"]), sha_of(clause)
    return "quote", str(entry.get("quote", "")), quote_of(clause)


def document_clauses(path: Path) -> list[Clause]:
    from analyzer.ingest import read_document
    from analyzer.segment import segment

    return segment(read_document(path))


def key_skeleton(clauses: Iterable[Clause]) -> list[dict]:
    return [{"number": c.number, "quote": quote_of(c), "findings": []} for c in clauses]


def read_key(path: Path) -> list[dict]:
    """A key's lines; a line that is not a key line (JSON object, known findings, one stance per
    principle), or a file that cannot be read, is an :class:`InputError` naming it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot read the key ({error.__class__.__name__})") from None
    entries = []
    for index, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            raise InputError(path, f"line {index}: not JSON") from None
        problem = _line_problem(entry)
        if problem:
            raise InputError(path, f"line {index}: {problem}")
        entries.append(entry)
    return entries


def _line_problem(entry: object) -> str | None:
    """Why a parsed line is not a usable key line, or ``None``."""
    if not isinstance(entry, dict) or not isinstance(entry.get("findings", []), list):
        return "not a key line (an object with a findings list)"
    problems = finding_problems(entry.get("findings", []))
    return problems[0] if problems else None


def key_path(document: Path) -> Path:
    return document.with_name(f"{document.stem}{KEY_SUFFIX}")


def key_problems(clauses: list[Clause], key: list[dict]) -> list[str]:
    """Disagreements between a key and the clauses, one line each; empty when they line up."""
    problems: list[str] = []
    if len(clauses) != len(key):
        problems.append(f"the key has {len(key)} lines but the document has {len(clauses)} clauses")
    for index, (clause, entry) in enumerate(zip(clauses, key, strict=False), start=1):
        field, expected, actual = _identity(entry, clause)
        if entry.get("number") != clause.number or expected != actual:
            problems.append(
                f"line {index}: key ({entry.get('number')!r}, {field} {expected[:30]!r}) "
                f"!= document ({clause.number!r}, {field} {actual[:30]!r})"
            )
        problems += [f"line {index}: {problem}" for problem in finding_problems(entry.get("findings", []))]
    return problems


def finding_problems(findings: Iterable) -> list[str]:
    """What is wrong with a key line's findings, one phrase each: unknown principles or stances, two
    stances for one principle; empty when they are all well formed."""
    problems: list[str] = []
    seen: set[str] = set()
    for finding in findings:
        principle = finding.get("principle") if isinstance(finding, dict) else None
        stance = finding.get("stance") if isinstance(finding, dict) else None
        if principle not in PRINCIPLE_IDS or stance not in STANCES:
            problems.append(f"unknown finding {principle!r}/{stance!r}")
        if principle in seen:
            problems.append(f"two stances for {principle}")
        seen.add(principle)
    return problems
