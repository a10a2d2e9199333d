"""Errors raised on input the analyzer cannot use.

Every refusal is an :class:`InputError` carrying the file and a one-line reason, so that the CLI can
print ``dnh: <file>: <reason>`` and exit with status 2, and the dashboard can show the same line.
"""

from __future__ import annotations


class InputError(Exception):
    """A file (or folder) that cannot be analysed, and why, in one line."""

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")

    def __reduce__(self):  # keep (path, reason) when a worker process sends the error back
        return (type(self), (self.path, self.reason))
