"""Parsing runs under a time and a memory limit, in a child process or in a disposable batch worker, and
failures come back as one-line refusals."""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import resource
import signal
import threading
import time

import pytest

from analyzer.errors import InputError
from analyzer.ingest import isolate
from analyzer.ingest.isolate import run_in_this_worker, run_with_time_limit

RUNNERS = [run_with_time_limit, run_in_this_worker]


def _hang(path, **_):
    time.sleep(60)


def _crash(path, **_):
    raise ValueError("bad xref\nsecond line")


def _refuse(path, **_):
    raise InputError(path, "the PDF has no pages")


def _answer(path, *, factor):
    return len(str(path)) * factor


@pytest.mark.parametrize("run", RUNNERS)
def test_a_hanging_parser_is_stopped_at_the_time_limit(tmp_path, run):
    started = time.monotonic()
    with pytest.raises(InputError, match=r"longer than 1 s and was stopped \(--timeout\)"):
        run(_hang, tmp_path / "slow.pdf", timeout=1)
    assert time.monotonic() - started < 30


@pytest.mark.parametrize(
    ("case", "function", "reason"),
    [
        ("an unexpected exception becomes one line", _crash, "could not be parsed (ValueError: bad xref)"),
        ("an input error keeps its reason", _refuse, "the PDF has no pages"),
    ],
)
@pytest.mark.parametrize("run", RUNNERS)
def test_failures_come_back_as_one_line(tmp_path, case, function, reason, run):
    with pytest.raises(InputError) as caught:
        run(function, tmp_path / "x.pdf", timeout=30)
    assert caught.value.reason == reason
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("run", RUNNERS)
def test_the_result_comes_back(tmp_path, run):
    path = tmp_path / "doc.txt"
    assert run(_answer, path, timeout=30, factor=2) == 2 * len(str(path))


def _caps(path):
    return resource.getrlimit(resource.RLIMIT_AS)[0], os.getpid()


def test_in_a_worker_the_parse_runs_here_under_a_memory_cap_that_is_lifted_afterwards(tmp_path):
    before = resource.getrlimit(resource.RLIMIT_AS)
    during, pid = run_in_this_worker(_caps, tmp_path / "x.pdf", timeout=30, memory_mb=512)
    assert pid == os.getpid()
    assert during != resource.RLIM_INFINITY and during < isolate._address_space_bytes() + 600 * 2**20
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL and signal.getitimer(signal.ITIMER_REAL) == (
        0.0,
        0.0,
    )


def test_in_a_worker_a_memory_error_is_a_one_line_refusal(tmp_path):
    def balloon(path):
        return bytearray(600 * 2**20)

    with pytest.raises(InputError, match="more than the 256 MB of memory allowed"):
        run_in_this_worker(balloon, tmp_path / "x.pdf", timeout=30, memory_mb=256)


def test_off_the_main_thread_the_parse_goes_to_a_child(tmp_path):
    found = []
    thread = threading.Thread(
        target=lambda: found.append(run_in_this_worker(_caps, tmp_path / "x", timeout=30))
    )
    thread.start()
    thread.join()
    assert found[0][1] != os.getpid()


def _swallows_everything(path):
    while True:  # stands for a call into C code that no signal interrupts
        with contextlib.suppress(BaseException):
            time.sleep(0.05)


def _stuck_worker(grace):
    isolate.WATCHDOG_GRACE = grace
    run_in_this_worker(_swallows_everything, "stuck.pdf", timeout=0.5)


def test_a_parse_the_alarm_cannot_stop_is_ended_by_the_watchdog_killing_the_worker():
    worker = mp.get_context("fork").Process(target=_stuck_worker, args=(0.5,))
    worker.start()
    worker.join(30)
    if worker.is_alive():  # pragma: no cover - the failure case
        worker.kill()
    assert worker.exitcode == -signal.SIGKILL


PARENT = """
import os, sys, time
from pathlib import Path
from analyzer.ingest.isolate import run_with_time_limit

def stuck(path):  # a parse stuck in C code would ignore everything but a kill
    Path(path).write_text(str(os.getpid()))
    time.sleep(600)

run_with_time_limit(stuck, Path(sys.argv[1]), timeout=600)
"""


def test_a_parse_does_not_outlive_its_parent_killed(tmp_path):
    """A killed ``dnh`` left its parser running (up to --timeout, or for ever in C code), holding the
    output pipes of whoever ran it open."""
    import subprocess
    import sys

    marker = tmp_path / "child.pid"
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(marker)])
    try:
        deadline = time.monotonic() + 60
        while not (marker.exists() and marker.read_text()) and time.monotonic() < deadline:
            time.sleep(0.1)
        child = int(marker.read_text())
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 20
    while os.path.exists(f"/proc/{child}") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not os.path.exists(f"/proc/{child}"), "the parser outlived its parent"
