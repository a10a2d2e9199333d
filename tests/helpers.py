"""Plain helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"


def fixture_path(name: str) -> Path:
    """Return the path of a shared fixture, or skip the calling test when it is not there."""
    path = FIXTURES / name
    if not path.is_file():
        pytest.skip(f"shared fixture {name!r} not found in {FIXTURES} (absent outside the team's workspace)")
    return path


def top_numbers(clauses, *, division: str = "body") -> list[str]:
    """Top-level numbers in order of appearance, consecutive repeats collapsed ("16(a)" counts as "16")."""
    numbers: list[str] = []
    for clause in clauses:
        if clause.division != division or not clause.number:
            continue
        top = clause.number.split("(")[0].split("•")[0]
        if not numbers or numbers[-1] != top:
            numbers.append(top)
    return numbers


def run_command(
    command: list[str],
    *,
    timeout: float,
    input: str | None = None,  # noqa: A002 - subprocess.run's name
    env: dict | None = None,
    check: bool = False,
    capture_output: bool = True,
    text: bool = True,
) -> subprocess.CompletedProcess:
    """``subprocess.run(command, capture_output=True, text=True, timeout=timeout)`` that cannot hang.

    The command runs in a session of its own, and at the timeout its whole process group is killed: the
    command's worker processes and parsers too. subprocess.run kills the command alone and then reads its
    output to the end, which never comes while an orphaned worker still holds the pipes open: the
    timeout becomes a hang. Output is always captured as text (the two flags are for call compatibility).
    """
    assert capture_output and text, "run_command always captures text"
    with subprocess.Popen(
        command,
        stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    ) as process:
        try:
            stdout, stderr = process.communicate(input, timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            try:  # what it wrote, unless a process outside its group (a session of its own) holds the pipes
                stdout, stderr = process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                stdout, stderr = None, None
            raise subprocess.TimeoutExpired(command, timeout, stdout, stderr) from None
        finally:
            with contextlib.suppress(ProcessLookupError):  # workers left behind by the command end too
                os.killpg(process.pid, signal.SIGKILL)
    result = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    if check:
        result.check_returncode()
    return result


def wait_for_ever() -> None:
    """Block without end, neither answering nor dying: as a forked worker does that inherited a lock
    another thread of its parent held."""
    lock = threading.Lock()
    lock.acquire()
    lock.acquire()
