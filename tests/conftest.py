"""Shared test helpers: where the real documents of ``../shared/fixtures`` live, and how to skip without them.

The shared fixtures sit next to the project (``<project>/../shared/fixtures``) and are absent from a fresh
clone; tests that need one call :func:`fixture_path` (or use the ``shared_fixture`` fixture), which skips
the test with a clear reason when the file is missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import FIXTURES, fixture_path  # noqa: F401  (re-exported for tests)


@pytest.fixture(autouse=True)
def _no_kept_parser_child_where_a_test_patches(request):
    """Parses run in a child kept between them (analyzer.ingest.isolate), which does not see what the
    parent replaced after it forked: in a test that patches, each parse gets a child forked at the time,
    and the next test starts with none."""
    if "monkeypatch" not in request.fixturenames:
        yield
        return
    from analyzer.ingest import isolate

    isolate.stop_kept_child()
    kept, isolate.KEEP_PARSES = isolate.KEEP_PARSES, 0
    yield
    isolate.KEEP_PARSES = kept
    isolate.stop_kept_child()


@pytest.fixture
def clauses_of(tmp_path):
    """``clauses_of(text, suffix=".txt")`` writes ``text`` to a file, then reads and segments it."""
    from analyzer.ingest import read_document
    from analyzer.segment import segment

    counter = iter(range(1_000_000))

    def run(text: str, *, suffix: str = ".txt"):
        path = tmp_path / f"doc{next(counter)}{suffix}"
        path.write_text(text, encoding="utf-8")
        return segment(read_document(path, timeout=None))

    return run


@pytest.fixture
def shared_fixture():
    """The :func:`fixture_path` function, for tests that would rather not import from conftest."""
    return fixture_path


# --- generated PDFs (tests/pdfgen.py), written once per test session -----------------------------------


@pytest.fixture(scope="session")
def structured_pdf(tmp_path_factory) -> Path:
    """A one-column shelter SOP (pdfgen.DEFAULT_SECTIONS) with running header and "Page n of N" footer."""
    import pdfgen

    return pdfgen.make_structured_pdf(tmp_path_factory.mktemp("pdf") / "structured.pdf")


@pytest.fixture(scope="session")
def two_column_pdf(tmp_path_factory) -> Path:
    """The same SOP set in two columns per page."""
    import pdfgen

    return pdfgen.make_structured_pdf(tmp_path_factory.mktemp("pdf") / "two-column.pdf", two_columns=True)


@pytest.fixture(scope="session")
def hyphenated_pdf(tmp_path_factory) -> Path:
    """The same SOP in one column with words broken by a hyphen at line ends ("protec-" / "tion")."""
    import pdfgen

    return pdfgen.make_structured_pdf(tmp_path_factory.mktemp("pdf") / "hyphenated.pdf", hyphenate=True)


@pytest.fixture(scope="session")
def web_print_pdf(tmp_path_factory) -> Path:
    """A statute as a browser prints it: date top right, site menu, then "Section 1. Title. ..."."""
    import pdfgen

    return pdfgen.make_web_print_pdf(tmp_path_factory.mktemp("pdf") / "web-print.pdf")


@pytest.fixture(scope="session")
def bad_inputs(tmp_path_factory) -> dict[str, Path]:
    """One unusable or hostile input per case, keyed as in :func:`pdfgen.make_bad_inputs` and
    :func:`hostilegen.make_hostile_inputs`."""
    import hostilegen
    import pdfgen

    folder = tmp_path_factory.mktemp("bad-inputs")
    return {**pdfgen.make_bad_inputs(folder), **hostilegen.make_hostile_inputs(folder / "hostile")}


# --- no test touches the user's store -------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def private_store(tmp_path_factory):
    """``$DNH_DB`` set, for the whole session and the ``dnh`` processes tests start, to a store of the
    session's own: a command a test runs without ``--db`` writes there, never to the user's store, and
    test processes running side by side (``make test`` runs one per core) never share one."""
    import os

    path = tmp_path_factory.mktemp("store") / "audits.duckdb"
    before = os.environ.get("DNH_DB")
    os.environ["DNH_DB"] = str(path)
    yield path
    if before is None:
        os.environ.pop("DNH_DB", None)
    else:
        os.environ["DNH_DB"] = before
