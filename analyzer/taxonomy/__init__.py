"""The Do No Harm taxonomy, shipped as data (``principles.yaml``) with a validating loader and matchers.

The thirteen principle IDs of ``../shared/TAXONOMY.md`` (:data:`CANONICAL_IDS`, never renamed) each carry
a definition, legal sources, a default severity, affected groups, recommended wording and the patterns
the rule engine uses to find clauses about the principle's subject.

- :mod:`analyzer.taxonomy.model` — the frozen records (:class:`Taxonomy`, :class:`Principle`, ...).
- :mod:`analyzer.taxonomy.loader` — :func:`load_taxonomy` and its checks (:class:`TaxonomyError`).
- :mod:`analyzer.taxonomy.matching` — :func:`phrase_matcher`, :func:`principle_matcher`, :func:`topics`.
"""

from __future__ import annotations

from analyzer.taxonomy.loader import content_hash, load_taxonomy, taxonomy_from_text
from analyzer.taxonomy.matching import keyword_forms, phrase_matcher, principle_matcher, topics
from analyzer.taxonomy.model import (
    CANONICAL_IDS,
    SEVERITIES,
    Patterns,
    Principle,
    Source,
    Taxonomy,
    TaxonomyError,
    TokenPattern,
)

__all__ = [
    "CANONICAL_IDS",
    "SEVERITIES",
    "Patterns",
    "Principle",
    "Source",
    "Taxonomy",
    "TaxonomyError",
    "TokenPattern",
    "content_hash",
    "keyword_forms",
    "load_taxonomy",
    "phrase_matcher",
    "principle_matcher",
    "taxonomy_from_text",
    "topics",
]
