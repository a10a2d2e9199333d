"""The limits a document must stay within to be parsed, as one self-validating settings record.

Uploads come from anywhere, so every parse is bounded: the file's size, its page count, the wall time and
memory of the worker process that parses it (:mod:`analyzer.ingest.isolate`), the size that compressed
content may unpack to (PDF streams, DOCX zip members) and how deeply PDF objects may nest. The defaults
suit the laws and SOPs of the region (the longest we know of run to a few hundred pages); each can be
changed from the command line (``--max-file-mb`` …) or as keyword arguments of
:func:`analyzer.ingest.read_document`.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024
MIN_MEMORY_MB = 64  # the least memory limit a parse can run under


@dataclass(frozen=True)
class Limits:
    """Bounds on one parse. ``None`` for ``timeout`` parses in the calling process (then ``memory_mb``
    cannot apply); ``None`` for ``memory_mb`` sets no memory limit on the worker process."""

    timeout: float | None = 120.0  # seconds of wall time for the whole parse, OCR included
    max_file_mb: float = 200.0  # size of the file on disk
    max_pages: int = 2000  # pages of a PDF
    memory_mb: int | None = 2048  # memory the worker process may take beyond what it inherits
    max_unpacked_mb: float = 256.0  # decoded size of one PDF stream, or all DOCX members together
    max_ratio: int = 200  # compression ratio refused above ``RATIO_FLOOR_MB`` unpacked (bombs)
    max_depth: int = 100  # nesting of arrays and dictionaries inside one PDF object
    max_image_megapixels: float = 200.0  # declared size of one PDF image (an A0 scan at 300 dpi ≈ 140)

    RATIO_FLOOR_MB = 10.0  # the ratio rule applies to members or streams that unpack to more than this

    def __post_init__(self) -> None:
        checks = {
            "timeout": self.timeout is None or self.timeout > 0,
            "max_file_mb": self.max_file_mb > 0,
            "max_pages": self.max_pages >= 1,
            "memory_mb": self.memory_mb is None or self.memory_mb >= MIN_MEMORY_MB,
            "max_unpacked_mb": self.max_unpacked_mb > 0,
            "max_ratio": self.max_ratio > 1,
            "max_depth": self.max_depth >= 8,
            "max_image_megapixels": self.max_image_megapixels > 0,
        }
        wrong = [name for name, ok in checks.items() if not ok]
        if wrong:
            raise ValueError(f"invalid limits: {', '.join(f'{n}={getattr(self, n)!r}' for n in wrong)}")

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * MB)

    @property
    def max_unpacked_bytes(self) -> int:
        return int(self.max_unpacked_mb * MB)

    @property
    def ratio_floor_bytes(self) -> int:
        return int(self.RATIO_FLOOR_MB * MB)


DEFAULT_LIMITS = Limits()


def size_text(n_bytes: float) -> str:
    """``n_bytes`` for a message: "312 MB", "4.2 MB", "900 KB"."""
    if n_bytes >= 100 * MB:
        return f"{n_bytes / MB:.0f} MB"
    if n_bytes >= MB:
        return f"{n_bytes / MB:.1f} MB"
    return f"{max(n_bytes / 1024, 1):.0f} KB"
