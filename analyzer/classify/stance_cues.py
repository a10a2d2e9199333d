"""Stance cues: regular expressions, kept as data in ``stance_cues.yaml``, for wording that tips a clause
towards harm or protection whatever principle it engages — a consent override ("whether or not they
consent"), a compulsory act, costs put on the person or lifted from them, a scheduled removal, support
that ends, exposure of identifiable data, differential treatment, confinement.

They complement the deontic frame (which reads modality, negation and exceptions, not what is done) and
enter the model twice: as clause features, and crossed with each principle in the stance head, so that
"the victim shall pay" can weigh differently on non-detention than on access to justice.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

CUES_FILE = Path(__file__).with_name("stance_cues.yaml")


@lru_cache(maxsize=1)
def compiled() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(cue name, one compiled alternation of its patterns), in file order."""
    data = yaml.safe_load(CUES_FILE.read_text(encoding="utf-8"))
    cues = data.get("cues") if isinstance(data, dict) else None
    if not isinstance(cues, dict) or not cues:
        raise ValueError(f"{CUES_FILE}: no cues")
    out = []
    for name, patterns in cues.items():
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns) or not patterns:
            raise ValueError(f"{CUES_FILE}: cue {name!r} needs a list of pattern strings")
        out.append((name, re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)))
    return tuple(out)


def cue_names() -> tuple[str, ...]:
    return tuple(name for name, _ in compiled())


def matched_cues(text: str) -> dict[str, str]:
    """Each cue that matches ``text``, with the first words it matched."""
    text = " ".join(text.split())
    found = {}
    for name, pattern in compiled():
        match = pattern.search(text)
        if match:
            found[name] = match.group(0)
    return found
