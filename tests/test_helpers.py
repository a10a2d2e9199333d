"""The tests' own helpers, where a mistake would hide failures or hang the suite."""

from __future__ import annotations

import subprocess
import time

import pytest
from helpers import run_command


def test_a_command_whose_child_holds_the_output_open_times_out_instead_of_hanging():
    """``subprocess.run`` kills the command at its timeout and then waits for the end of its output, which
    a child still holding the pipe never gives: the run hung. ``run_command`` kills the whole group."""
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired) as raised:
        run_command(["bash", "-c", "echo started; sleep 300 & wait"], timeout=2)
    assert time.monotonic() - started < 60
    assert raised.value.output == "started\n"


def test_a_command_that_ends_gives_its_output_status_and_input():
    result = run_command(
        ["bash", "-c", "read line; echo out $line; echo err >&2; exit 3"], input="x\n", timeout=60
    )
    assert (result.returncode, result.stdout, result.stderr) == (3, "out x\n", "err\n")
