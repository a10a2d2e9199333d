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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

CUES_FILE = Path(__file__).with_name("stance_cues.yaml")


@dataclass(frozen=True)
class Cue:
    """One stance cue: its name, its patterns as one compiled alternation, and its triggers: the
    lower-case strings that let the patterns be tried (plain substring tests, about twice as fast as
    one regular expression of them)."""

    name: str
    pattern: re.Pattern[str]
    triggers: tuple[str, ...]

    def triggered(self, lower: str) -> bool:
        """Whether the lower-cased clause ``lower`` holds one of the triggers."""
        for trigger in self.triggers:  # noqa: SIM110 (a loop: no generator object per cue and clause)
            if trigger in lower:
                return True
        return False


@lru_cache(maxsize=1)
def compiled() -> tuple[Cue, ...]:
    """The cues of ``stance_cues.yaml``, in file order."""
    data = yaml.safe_load(CUES_FILE.read_text(encoding="utf-8"))
    cues = data.get("cues") if isinstance(data, dict) else None
    if not isinstance(cues, dict) or not cues:
        raise ValueError(f"{CUES_FILE}: no cues")
    out = []
    for name, spec in cues.items():
        spec = spec if isinstance(spec, dict) else {}
        patterns, triggers = spec.get("patterns"), spec.get("triggers")
        for key, values in (("patterns", patterns), ("triggers", triggers)):
            if (
                not isinstance(values, list)
                or not values
                or not all(isinstance(v, str) and v for v in values)
            ):
                raise ValueError(f"{CUES_FILE}: cue {name!r} needs a list of {key} (non-empty strings)")
        alternation = "|".join(f"(?:{p})" for p in patterns)
        lowered = tuple(dict.fromkeys(t.lower() for t in triggers))
        out.append(Cue(name, re.compile(alternation, re.IGNORECASE), lowered))
    return tuple(out)


def cue_names() -> tuple[str, ...]:
    return tuple(cue.name for cue in compiled())


def matched_cues(text: str, *, gated: bool = True) -> dict[str, str]:
    """Each cue that matches ``text``, with the words it matched first. ``gated=False`` tries every
    pattern whatever the triggers (for checking the triggers)."""
    text = " ".join(text.split())
    lower = text.lower()
    found = {}
    for cue in compiled():
        if gated and not cue.triggered(lower):
            continue
        match = cue.pattern.search(text)
        if match:
            found[cue.name] = match.group(0)
    return found
