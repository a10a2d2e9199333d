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
from pathlib import Path

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
    while not _ended(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _ended(child), "the parser outlived its parent"


def _ended(pid: int) -> bool:
    """Whether the process has ended: gone, or a zombie that its new parent (PID 1) has not reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def _balloon(path):
    return len(bytearray(600 * 2**20))


def test_parses_from_the_main_thread_share_a_kept_child_under_limits_set_for_each(tmp_path):
    """One fork serves parse after parse (a fork of a process holding the model costs as much as
    reading a short PDF); each parse still has its own memory cap, lifted after it, and after a refusal,
    a crash or an overrun the next parse gets a new child."""
    isolate.stop_kept_child()
    try:
        first_cap, first = run_with_time_limit(_caps, tmp_path / "a", timeout=30, memory_mb=256)
        second_cap, second = run_with_time_limit(_caps, tmp_path / "b", timeout=30)
        assert first == second != os.getpid()
        assert first_cap != resource.RLIM_INFINITY and second_cap == resource.getrlimit(resource.RLIMIT_AS)[0]
        for bad, says in [
            (_balloon, "more than the 256 MB"),
            (_crash, "ValueError"),
            (_hang, "longer than 1 s"),
        ]:
            with pytest.raises(InputError, match=says):
                run_with_time_limit(bad, tmp_path / "bad", timeout=1 if bad is _hang else 30, memory_mb=256)
            _, after = run_with_time_limit(_caps, tmp_path / "c", timeout=30)
            assert after != first, f"the child that met {bad.__name__} served again"
            first = after
    finally:
        isolate.stop_kept_child()


def test_a_kept_child_reads_relative_paths_from_the_parents_folder(tmp_path, monkeypatch):
    isolate.stop_kept_child()
    monkeypatch.setattr(isolate, "KEEP_PARSES", 200)  # kept, although this test patches
    try:
        (tmp_path / "here.txt").write_text("found")
        run_with_time_limit(_caps, tmp_path / "a", timeout=30)  # the child forks in the first folder
        monkeypatch.chdir(tmp_path)
        assert run_with_time_limit(_read_text, Path("here.txt"), timeout=30) == "found"
    finally:
        isolate.stop_kept_child()


def _read_text(path):
    return path.read_text()


def test_closures_and_other_threads_get_a_child_per_parse(tmp_path):
    isolate.stop_kept_child()
    try:
        _, kept = run_with_time_limit(_caps, tmp_path / "a", timeout=30)
        assert run_with_time_limit(lambda path: os.getpid(), tmp_path / "b", timeout=30) not in (
            kept,
            os.getpid(),
        )
        found = []
        for _ in range(2):
            thread = threading.Thread(
                target=lambda: found.append(run_with_time_limit(_caps, tmp_path / "x", timeout=30)[1])
            )
            thread.start()
            thread.join()
        assert len({*found, kept, os.getpid()}) == 4
    finally:
        isolate.stop_kept_child()


def test_a_kept_child_killed_while_idle_is_replaced(tmp_path):
    isolate.stop_kept_child()
    try:
        _, kept = run_with_time_limit(_caps, tmp_path / "a", timeout=30)
        os.kill(kept, signal.SIGKILL)  # at once: the next parse may find it dying, dead or not yet reaped
        _, after = run_with_time_limit(_caps, tmp_path / "b", timeout=30)
        assert after not in (kept, os.getpid())
    finally:
        isolate.stop_kept_child()


def test_a_function_the_kept_child_cannot_find_runs_in_a_child_of_its_own(tmp_path, monkeypatch):
    """A function defined after the kept child forked (in a module it never had, say) is run in a child
    forked for it, instead of being reported as a crash of the parser."""
    import sys
    import types

    isolate.stop_kept_child()
    monkeypatch.setattr(isolate, "KEEP_PARSES", 200)  # kept, although this test patches
    try:
        _, kept = run_with_time_limit(_caps, tmp_path / "a", timeout=30)
        late = types.ModuleType("dnh_defined_late")
        exec("import os\ndef pid(path):\n    return os.getpid()\n", late.__dict__)
        monkeypatch.setitem(sys.modules, "dnh_defined_late", late)
        assert run_with_time_limit(late.pid, tmp_path / "b", timeout=30) not in (kept, os.getpid())
        _, again = run_with_time_limit(_caps, tmp_path / "c", timeout=30)
        assert again not in (kept, os.getpid())  # the child that could not read it was replaced
    finally:
        isolate.stop_kept_child()


def test_a_kept_child_whose_folder_was_deleted_follows_the_parent(tmp_path, monkeypatch):
    """A library caller parsed from a temporary folder, left it and deleted it: the kept child, still
    in it, died on its next parse and the good document was reported as a parser crash."""
    isolate.stop_kept_child()
    monkeypatch.setattr(isolate, "KEEP_PARSES", 200)  # kept, although this test patches
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    try:
        _, kept = run_with_time_limit(_caps, tmp_path / "a", timeout=30)
        monkeypatch.chdir(tmp_path)
        gone.rmdir()
        (tmp_path / "here.txt").write_text("found")
        assert run_with_time_limit(_read_text, Path("here.txt"), timeout=30) == "found"
        _, again = run_with_time_limit(_caps, tmp_path / "b", timeout=30)
        assert again == kept
    finally:
        isolate.stop_kept_child()
