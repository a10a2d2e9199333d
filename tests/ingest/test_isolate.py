"""Parsing runs in a child process under a time limit, and failures come back as one-line refusals."""

from __future__ import annotations

import time

import pytest

from analyzer.errors import InputError
from analyzer.ingest.isolate import run_with_time_limit


def _hang(path, **_):
    time.sleep(60)


def _crash(path, **_):
    raise ValueError("bad xref\nsecond line")


def _refuse(path, **_):
    raise InputError(path, "the PDF has no pages")


def _answer(path, *, factor):
    return len(str(path)) * factor


def test_a_hanging_parser_is_stopped_at_the_time_limit(tmp_path):
    started = time.monotonic()
    with pytest.raises(InputError, match="longer than 1 s"):
        run_with_time_limit(_hang, tmp_path / "slow.pdf", timeout=1)
    assert time.monotonic() - started < 30


@pytest.mark.parametrize(
    ("case", "function", "reason"),
    [
        ("an unexpected exception becomes one line", _crash, "could not be parsed (ValueError: bad xref)"),
        ("an input error keeps its reason", _refuse, "the PDF has no pages"),
    ],
)
def test_failures_in_the_child_come_back_as_one_line(tmp_path, case, function, reason):
    with pytest.raises(InputError) as caught:
        run_with_time_limit(function, tmp_path / "x.pdf", timeout=30)
    assert caught.value.reason == reason
    assert "\n" not in str(caught.value)


def test_the_result_comes_back_from_the_child(tmp_path):
    path = tmp_path / "doc.txt"
    assert run_with_time_limit(_answer, path, timeout=30, factor=2) == 2 * len(str(path))
