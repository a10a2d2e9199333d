"""Writing a DataFrame to CSV or Parquet, chosen by the file's extension.

CSV files are opened in spreadsheets, which run a cell starting with ``=``, ``+``, ``-`` or ``@`` as a
formula (and tab or carriage return can hide one). Clause text comes from untrusted documents, so every
text cell (and header) starting with one of those characters is prefixed with a single quote, the
neutralisation OWASP recommends against CSV injection. Numbers are written as numbers. A list cell (the
store's pages, evidence, heading path) is written as the audit's CSV report writes it, pages joined by
commas and words by "; ", not as Python's or NumPy's text of a list.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analyzer.report.export import neutralise as neutralised

EXPORT_SUFFIXES = (".csv", ".parquet")


def _joined(value: object) -> object:
    """A list, tuple or array cell as text: numbers joined by commas (pages "3,4"), words by "; "."""
    if not isinstance(value, list | tuple | np.ndarray):
        return value
    items = list(value)
    numbers = all(isinstance(item, int | np.integer) and not isinstance(item, bool) for item in items)
    return ("," if numbers else "; ").join(str(item) for item in items)


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with its index as columns (unless it is row numbers), list cells as text and every
    formula-like text cell and header neutralised."""
    if any(name is not None for name in df.index.names):  # a named index is data (the country)
        df = df.reset_index()
    elif not isinstance(df.index, pd.RangeIndex):  # row numbers of a filtered frame are not; labels are
        df = df.reset_index(drop=pd.api.types.is_integer_dtype(df.index))
    safe = df.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]) and not pd.api.types.is_bool_dtype(safe[column]):
            safe[column] = safe[column].astype(object).map(_joined).map(neutralised)
    safe.columns = [neutralised(str(column)) for column in safe.columns]
    return safe


def export(df: pd.DataFrame, path: Path | str) -> Path:
    """Write ``df`` to ``path``: ``.csv`` (spreadsheet-safe, UTF-8) or ``.parquet``; return the path."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        # CRLF line ends (RFC 4180) also make the writer quote cells holding a bare carriage return.
        spreadsheet_safe(df).to_csv(path, index=False, encoding="utf-8", lineterminator="\r\n")
    elif suffix == ".parquet":
        df.to_parquet(path)
    else:
        raise ValueError(
            f"cannot export to {suffix or 'a file without extension'!r}: use {' or '.join(EXPORT_SUFFIXES)}"
        )
    return path
