"""How child processes start on this platform: forked, inheriting what the parent has loaded (a
classifier, the clauses of a cross-validation), or spawned afresh where fork is unavailable."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal


def can_fork() -> bool:
    """Whether child processes can start by forking."""
    return "fork" in mp.get_all_start_methods()


def start_context() -> mp.context.BaseContext:
    """The fork context where processes can fork, else the spawn context."""
    return mp.get_context("fork" if can_fork() else "spawn")


def exit_quietly_on_interrupt() -> None:
    """In a child process: Ctrl+C (SIGINT, sent to the whole process group) ends it at once and silently.
    The parent, interrupted too, says so in one line; without this each child printed its own traceback."""
    signal.signal(signal.SIGINT, lambda signum, frame: os._exit(128 + signal.SIGINT))
