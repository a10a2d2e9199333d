"""A one-line progress bar for batch commands, kept under the per-document status lines.

On a terminal, :class:`ProgressBar` draws ``[#######.......]  12/40 documents  30%  1 failed  ETA 1m05s``
on the last line of stderr, and every status line is printed above it (the bar is cleared, the line
written, the bar redrawn). When stderr is not a terminal (a log file, a pipe, CI) it draws nothing and
status lines go out as they are, so logs stay one line per document.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from typing import TextIO

# Control characters (C0, DEL, C1) and the bidirectional overrides and isolates: in a file name or a
# document's words they could move the cursor, retitle the window, ring the bell or reorder what the line
# shows. Terminals act on them; a message shows them as escapes, as it does the lone surrogates Python
# keeps for bytes of a file name that are not UTF-8 (which would not even print).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: object) -> str:
    """``text`` with every control character written as its escape (ESC as ``\\x1b``, a newline as
    ``\\n``), for lines printed to a terminal."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


class ProgressBar:
    """Progress over ``total`` items; ``enabled`` defaults to whether ``stream`` is a terminal."""

    def __init__(
        self,
        total: int,
        *,
        unit: str = "documents",
        stream: TextIO | None = None,
        enabled: bool | None = None,
    ) -> None:
        self.total, self.unit = total, unit
        self.stream = stream or sys.stderr
        self.enabled = is_terminal(self.stream) if enabled is None else enabled
        self.done = self.failed = self.skipped = 0
        self.started = time.monotonic()
        self._drawn = False
        self._draw()

    def echo(self, line: str, *, out: TextIO | None = None) -> None:
        """Print a line above the bar, on the bar's stream or on ``out`` (stdout for results), its control
        characters escaped (:func:`printable`)."""
        self._clear()
        target = out or self.stream
        target.write(printable(line) + "\n")
        target.flush()
        self._draw()

    def advance(self, *, failed: bool = False, skipped: bool = False) -> None:
        """One more item finished (audited, failed or skipped)."""
        self.done += 1
        self.failed += failed
        self.skipped += skipped
        self._clear()
        self._draw()

    def close(self) -> None:
        """Remove the bar (before the summary line)."""
        self._clear()

    def line(self, width: int = 80) -> str:
        """The bar as text, fitted to ``width`` columns."""
        share = self.done / self.total if self.total else 1.0
        parts = [f"{self.done}/{self.total} {self.unit}", f"{share:4.0%}"]
        if self.failed:
            parts.append(f"{self.failed} failed")
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        worked = self.done - self.skipped
        if worked > 0 and self.done < self.total:
            per_item = (time.monotonic() - self.started) / worked
            parts.append(f"ETA {_duration(per_item * (self.total - self.done))}")
        text = "  ".join(parts)
        room = max(width - len(text) - 4, 0)
        if room < 10:
            return text[:width]
        filled = round(room * share)
        return f"[{'#' * filled}{'.' * (room - filled)}]  {text}"

    def _draw(self) -> None:
        if self.enabled and self.done < self.total:
            width = _columns(self.stream) - 1
            self.stream.write(self.line(width))
            self.stream.flush()
            self._drawn = True

    def _clear(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._drawn = False


def _columns(stream: TextIO) -> int:
    """The width of the terminal ``stream`` writes to (not stdout's, which may be a file)."""
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return shutil.get_terminal_size((80, 24)).columns


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal (not a file, a pipe, or a stream without a descriptor)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"
