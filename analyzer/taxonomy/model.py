"""The taxonomy's records: :class:`Taxonomy`, :class:`Principle`, :class:`Source`, :class:`Patterns`.

They are frozen dataclasses built by :func:`analyzer.taxonomy.loader.load_taxonomy` from
``principles.yaml``; nothing here reads files or validates. ``CANONICAL_IDS`` fixes the thirteen
principle IDs and their order (the order of ``../shared/TAXONOMY.md``): users' stored audits, exports
and evaluation sets use these IDs, so they are never renamed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from analyzer.types import PRINCIPLE_IDS

CANONICAL_IDS: tuple[str, ...] = PRINCIPLE_IDS

Severity = Literal["high", "medium", "low"]
SEVERITIES: tuple[str, ...] = ("high", "medium", "low")


class TaxonomyError(ValueError):
    """The taxonomy file is unusable; the message names the principle and field at fault, in one line."""


@dataclass(frozen=True)
class Source:
    """One legal or policy anchor of a principle.

    ``verified`` is true only when the provision number was checked against the instrument's text.
    """

    instrument: str
    provision: str
    note: str
    verified: bool

    @property
    def citation(self) -> str:
        return f"{self.instrument}, {self.provision}"


@dataclass(frozen=True)
class TokenPattern:
    """A named spaCy ``Matcher`` pattern, kept as JSON so that the record stays immutable and hashable."""

    name: str
    pattern_json: str

    @property
    def pattern(self) -> list[dict[str, Any]]:
        """A fresh copy of the token dicts, ready for ``Matcher.add``."""
        return json.loads(self.pattern_json)


@dataclass(frozen=True)
class Patterns:
    """What the rule engine looks for to find clauses about a principle's subject (not its stance)."""

    keywords: tuple[str, ...]
    phrases: tuple[str, ...]
    token_patterns: tuple[TokenPattern, ...]


@dataclass(frozen=True)
class Principle:
    """One Do No Harm principle: what it means, where it comes from, how to spot and how to fix it."""

    id: str
    name: str
    definition: str
    harmful_when: str
    protective_when: str
    sources: tuple[Source, ...]
    severity: Severity
    affected_groups: tuple[str, ...]
    recommended_wording: str
    patterns: Patterns


@dataclass(frozen=True)
class Taxonomy:
    """The whole taxonomy: principles in canonical order, plus the actor lexicons.

    ``content_hash`` is the SHA-256 of the parsed file dumped as canonical JSON (sorted keys), so a
    model trained against one taxonomy can refuse another whatever its formatting.
    """

    version: str
    name: str
    description: str
    content_hash: str
    principles: tuple[Principle, ...]
    victim_terms: tuple[str, ...]
    offender_terms: tuple[str, ...]
    child_terms: tuple[str, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(principle.id for principle in self.principles)

    def get(self, principle_id: str) -> Principle:
        """The principle with this ID; ``KeyError`` naming the known IDs otherwise."""
        for principle in self.principles:
            if principle.id == principle_id:
                return principle
        raise KeyError(
            f"unknown principle ID {principle_id!r} (taxonomy {self.version} knows: {', '.join(self.ids)})"
        )
