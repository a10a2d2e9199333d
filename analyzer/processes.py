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
    The parent, interrupted too, says so in one line; without this each child printed its own traceback.
    Where Ctrl+C is ignored (a job put in the background by a script), the child ignores it too: the
    parent goes on, and so must the child doing its work."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        return
    signal.signal(signal.SIGINT, lambda signum, frame: os._exit(128 + signal.SIGINT))


def end_with_parent() -> None:
    """In a worker process (Linux): end when the process that started it ends, however it ends (killed,
    SIGTERM, a crash). Without this a batch's workers outlived a ``kill`` of ``dnh audit`` and kept
    auditing for nobody. Elsewhere nothing is done."""
    import ctypes
    import sys

    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker inherits the command's handler
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: the worker ends when its pool is shut down
        return
    if os.getppid() == 1:  # the parent ended before the request was made
        os._exit(128 + signal.SIGTERM)


def interrupt_on_sigterm():
    """In the main process of a command: SIGTERM (``kill``, a scheduler ending a job) stops it as Ctrl+C
    does, with its one line and what is stored kept, instead of ending it with nothing said. Returns the
    handler it replaced, for the command to put back when it ends."""

    def interrupt(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second kill must not break off the clean-up
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


def end_pool(pool) -> None:
    """Kill a ``ProcessPoolExecutor``'s workers now, whatever they are doing, and cancel the work that
    has not started (a stuck or interrupted pool: its own shutdown would wait for the workers)."""
    for process in list((pool._processes or {}).values()):  # no public way to stop a worker
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
