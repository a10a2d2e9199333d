"""Stance cues: regular expressions, kept as data in ``stance_cues.yaml``, for wording that tips a clause
towards harm or protection whatever principle it engages — a consent override ("whether or not they
consent"), a compulsory act, costs put on the person or lifted from them, a scheduled removal, support
that ends, exposure of identifiable data, differential treatment, confinement.

They complement the deontic frame (which reads modality, negation and exceptions, not what is done) and
enter the model twice: as clause features, and crossed with each principle in the stance head, so that
"the victim shall pay" can weigh differently on non-detention than on access to justice.

A cue's ``subject_patterns`` describe what the subject of the words they match does or undergoes ("...
shall undergo", "... shall pay"): each match counts only when that subject is the person (a victim or a
child) or goes unnamed, never when it is an official, an offender or another party: the first party
named in the match's sentence before it (:func:`analyzer.classify.deontic.subject_at`). "All agencies
shall undergo training" compels nobody the taxonomy protects, "The State shall bear the costs" and "The
employer shall bear the costs" lift them from the person, while in "The Ministry shall provide shelter;
residents shall pay for their meals" the second sentence's residents pay.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

CUES_FILE = Path(__file__).with_name("stance_cues.yaml")
PERSON_SUBJECTS = frozenset({"victim", "child", "none"})  # subjects a cue's subject patterns may describe


@dataclass(frozen=True)
class Cue:
    """One stance cue: its name, its patterns as one compiled alternation, and its triggers: the
    lower-case strings that let the patterns be tried (plain substring tests, about twice as fast as
    one regular expression of them)."""

    name: str
    pattern: re.Pattern[str] | None
    triggers: tuple[str, ...]
    bound: re.Pattern[str] | None = None  # the subject patterns

    def search(self, text: str, subject: Callable[[int], str]) -> re.Match[str] | None:
        """The first match in ``text`` of the cue's patterns, else the first of its subject patterns whose
        subject (``subject`` of the match's character offset) may be the one they describe."""
        match = self.pattern.search(text) if self.pattern else None
        if match is None and self.bound is not None:
            match = next(
                (m for m in self.bound.finditer(text) if subject(m.start()) in PERSON_SUBJECTS), None
            )
        return match

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
        lists = {key: spec.get(key, []) for key in ("patterns", "subject_patterns", "triggers")}
        for key, values in lists.items():
            if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
                raise ValueError(f"{CUES_FILE}: cue {name!r}: {key} must be a list of non-empty strings")
        if not lists["triggers"] or not (lists["patterns"] or lists["subject_patterns"]):
            raise ValueError(f"{CUES_FILE}: cue {name!r} needs triggers and patterns (non-empty strings)")
        pattern, bound = (_alternation(lists[key]) for key in ("patterns", "subject_patterns"))
        lowered = tuple(dict.fromkeys(t.lower() for t in lists["triggers"]))
        out.append(Cue(name, pattern, lowered, bound))
    return tuple(out)


def _alternation(patterns: list[str]) -> re.Pattern[str] | None:
    """The patterns as one case-insensitive alternation; None for none."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) if patterns else None


def _everywhere(subject: str) -> Callable[[int], str]:
    return lambda _offset: subject


def cue_names() -> tuple[str, ...]:
    return tuple(cue.name for cue in compiled())


def matched_cues(
    text: str, *, subject: str | Callable[[int], str] = "none", gated: bool = True
) -> dict[str, str]:
    """Each cue that matches ``text``, with the words it matched first. ``subject`` decides whether a
    subject pattern's match counts: who binds the words at a character offset of ``text`` (white space
    normalised), e.g. ``functools.partial(subject_at, frame)``, or one subject for the whole clause; the
    default, "none" (nobody named), lets them all count. ``gated=False`` tries every pattern whatever the
    triggers (for checking the triggers)."""
    text = " ".join(text.split())
    if isinstance(subject, str):
        subject = _everywhere(subject)
    lower = text.lower()
    found = {}
    for cue in compiled():
        if gated and not cue.triggered(lower):
            continue
        match = cue.search(text, subject)
        if match:
            found[cue.name] = match.group(0)
    return found
