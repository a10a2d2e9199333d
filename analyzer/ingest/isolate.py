"""Run a parser in a child process under a wall-time limit and a memory limit.

A parser that hangs, crashes or balloons on a hostile file is stopped; the caller gets an
:class:`~analyzer.errors.InputError` instead of a hang or an exhausted machine. Exceptions raised in the
child come back as they were (``InputError`` keeps its reason; anything else becomes a one-line
``InputError``).

The memory limit is an address-space limit (``RLIMIT_AS``) set in the child: the address space it
inherits from the parent plus ``memory_mb``, so that a parent holding a loaded model is not counted
against the document. Allocations beyond it fail (``MemoryError`` in Python, a failed allocation in a C
library), and the child reports or dies; either way the parent stays within bounds. Programs the parser
starts (Tesseract) inherit the limit. Where ``resource`` is unavailable no memory limit is set.

Forking costs time in proportion to the parent's memory: ~40 ms for a process holding a loaded model on
a 2-core machine, as long as reading a 7-page PDF. So a parse asked for from the main thread goes to a
child kept between parses (one fork per ~200 documents instead of one each), under the same limits: the
memory cap is set for each parse and lifted after it. The kept child is replaced after any refusal,
crash or overrun (a file that made trouble leaves nothing behind for the next), after ``KEEP_PARSES``
parses, and once its resident memory or its address space (which the next cap starts from) has grown
by ``KEEP_GROWTH_MB``. It follows the parent's working folder; the parent's other changes after
the fork (a module attribute replaced at run time, as tests do) reach it only after
:func:`stop_kept_child`. Other threads (the dashboard's sessions), and functions that cannot be sent by
name, get a child of their own per parse, as before.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from analyzer.errors import InputError
from analyzer.processes import can_fork, end_with_parent, exit_quietly_on_interrupt, start_context

try:  # POSIX only
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None


def _statm_bytes() -> tuple[int, int]:
    """This process's address space and resident memory in bytes (Linux ``/proc``), zeros where they
    cannot be read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            size, resident = handle.read().split()[:2]
        page = os.sysconf("SC_PAGE_SIZE")
        return int(size) * page, int(resident) * page
    except (OSError, ValueError):
        return 0, 0


def _address_space_bytes() -> int:
    """The current process's virtual memory size (Linux ``/proc``), or 0 when it cannot be read."""
    return _statm_bytes()[0]


def limit_memory(memory_mb: int | None) -> None:
    """Cap this process's address space at its current size plus ``memory_mb`` (no-op when ``None``)."""
    if memory_mb is None or resource is None:
        return
    limit = _address_space_bytes() + memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


@contextlib.contextmanager
def _memory_cap_restored() -> Iterator[None]:
    """The address-space cap put back after the block as it was before (the block may set one)."""
    cap = resource.getrlimit(resource.RLIMIT_AS) if resource is not None else None
    try:
        yield
    finally:
        if cap is not None:
            resource.setrlimit(resource.RLIMIT_AS, cap)


def _child(conn, func: Callable[..., Any], path: Path, memory_mb: int | None, kwargs: dict) -> None:
    # The objects inherited from the parent (a loaded model: ~200,000 of them) are never garbage here;
    # frozen, the collector does not walk them, which would also copy their memory pages (copy on write):
    # a third fewer page faults and ~0.03 s less CPU time for a 52-page PDF.
    gc.freeze()
    exit_quietly_on_interrupt()
    end_with_parent()  # a parse stuck in C code must not outlive a parent that was killed
    try:
        conn.send(_outcome(func, path, memory_mb, kwargs))
    finally:
        conn.close()


def _outcome(func: Callable[..., Any], path: Path, memory_mb: int | None, kwargs: dict) -> tuple[str, Any]:
    """``("ok", result)`` or ``("input-error", reason)`` for one parse under ``memory_mb``."""
    try:
        limit_memory(memory_mb)
        return "ok", func(path, **kwargs)
    except InputError as exc:
        return "input-error", exc.reason
    except MemoryError:
        return "input-error", _memory_reason(memory_mb)
    except Exception as exc:  # noqa: BLE001 - any parser failure becomes a one-line refusal
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        traceback.clear_frames(exc.__traceback__)
        return "input-error", f"could not be parsed ({type(exc).__name__}: {detail})"


def _memory_reason(memory_mb: int | None) -> str:
    if memory_mb is None:
        return "the document needs more memory than this machine has"
    return f"the document needs more than the {memory_mb} MB of memory allowed (--memory-mb)"


def run_with_time_limit(
    func: Callable[..., Any],
    path: Path,
    *,
    timeout: float,
    memory_mb: int | None = None,
    activity: str = "parsing",
    **kwargs: Any,
) -> Any:
    """Return ``func(path, **kwargs)`` computed in a child process, or raise ``InputError``; ``activity``
    names the work in the time-limit message."""
    request = _request(func, path, memory_mb, kwargs)
    if request is not None and _kept_lock.acquire(blocking=False):
        try:
            return _run_kept(request, path, timeout=timeout, memory_mb=memory_mb, activity=activity)
        except _ChildGone:  # it ended unasked, or cannot read the request: a child of its own for this one
            pass
        finally:
            _kept_lock.release()
    return _run_once(func, path, timeout=timeout, memory_mb=memory_mb, activity=activity, **kwargs)


def _run_once(
    func: Callable[..., Any],
    path: Path,
    *,
    timeout: float,
    memory_mb: int | None,
    activity: str,
    **kwargs: Any,
) -> Any:
    """:func:`run_with_time_limit` in a child forked for this parse alone."""
    ctx = start_context()
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(sender, func, path, memory_mb, kwargs), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise InputError(path, _overtime_reason(activity, timeout))
        try:
            status, payload = receiver.recv()
        except (EOFError, OSError):  # died before or while sending
            raise InputError(path, _crashed_reason(memory_mb)) from None
    finally:
        _end(process, receiver)
    return _returned(path, status, payload)


def _end(process, conn) -> None:
    """Kill ``process`` if it still runs, wait for it, then close ``conn``: in that order, since a child
    that finds its pipe closed prints a traceback."""
    if process.is_alive():
        process.kill()
    process.join()
    conn.close()


def _crashed_reason(memory_mb: int | None) -> str:
    crashed = "the parser crashed on this file"
    if memory_mb is not None:
        crashed += f" (it may have needed more than the {memory_mb} MB of memory allowed)"
    return crashed


# A kept child serves at most this many parses, and is replaced once its resident memory has grown by
# this many MB over what it had after its first parse.
KEEP_PARSES = 200
KEEP_GROWTH_MB = 300


class _KeptChild:
    """A forked child that parses one request after another (:func:`_serve`)."""

    def __init__(self) -> None:
        ctx = start_context()
        self.conn, child_end = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child_end,), daemon=True)
        self.process.start()
        child_end.close()
        self.owner = os.getpid()
        self.parses = 0
        self.baseline_mb: tuple[float, float] | None = None  # (resident, address space) after the first parse

    def close(self) -> None:
        if self.owner == os.getpid():
            _end(self.process, self.conn)
        else:  # inherited by a forked process: the child is its parent's
            self.conn.close()


class _ChildGone(Exception):
    """The kept child could not be sent the parse, or could not read it."""


_kept: _KeptChild | None = None
_kept_lock = threading.Lock()


def stop_kept_child() -> None:
    """End the child kept between parses; the next parse forks a new one from this process as it is now."""
    global _kept
    with _kept_lock:
        if _kept is not None:
            _kept.close()
            _kept = None


def kept_child_cpu_seconds() -> float:
    """CPU seconds the child kept by this process has used so far (0 without one, or off Linux): for
    measurements that count children's CPU time, which the operating system reports only once a child
    has ended."""
    child = _kept
    if child is None or child.owner != os.getpid():
        return 0.0
    try:
        with open(f"/proc/{child.process.pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return sum(int(field) for field in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # its and its children's
    except (OSError, ValueError, IndexError):
        return 0.0


def _request(func: Callable[..., Any], path: Path, memory_mb: int | None, kwargs: dict) -> bytes | None:
    """The parse pickled for the kept child, or ``None`` where it must run in a child of its own: off the
    main thread, where processes cannot fork, or for a function that cannot be sent by name."""
    if threading.current_thread() is not threading.main_thread() or not can_fork():
        return None
    try:
        return pickle.dumps((func, path, memory_mb, kwargs, os.getcwd()), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - a closure, a lambda, an object that does not pickle
        return None


def _run_kept(request: bytes, path: Path, *, timeout: float, memory_mb: int | None, activity: str) -> Any:
    """:func:`run_with_time_limit` in the kept child (forked now if there is none)."""
    global _kept
    if _kept is not None and (_kept.owner != os.getpid() or not _kept.process.is_alive()):
        _kept.close()  # inherited from the process this one was forked from, or ended since
        _kept = None
    if _kept is None:
        _kept = _KeptChild()
    child, keep = _kept, False
    try:
        try:
            child.conn.send_bytes(request)
        except OSError:
            raise _ChildGone from None
        if not child.conn.poll(timeout):
            raise InputError(path, _overtime_reason(activity, timeout))
        try:
            (status, payload), size_mb = child.conn.recv()
        except ConnectionResetError:  # it ended with the request unread (killed while idle)
            raise _ChildGone from None
        except (EOFError, OSError):  # it died parsing, or while sending the result
            raise InputError(path, _crashed_reason(memory_mb)) from None
        if status == "unsent":  # the child, forked earlier, cannot find what it was asked to run
            raise _ChildGone
        child.parses += 1
        child.baseline_mb = child.baseline_mb or size_mb
        keep = (
            status == "ok"
            and child.parses < KEEP_PARSES
            and all(
                now - then <= KEEP_GROWTH_MB for now, then in zip(size_mb, child.baseline_mb, strict=True)
            )
        )
    finally:
        if not keep:  # refused, crashed, overran, grown or interrupted: nothing it holds is reused
            child.close()
            _kept = None
    return _returned(path, status, payload)


def _serve(conn) -> None:
    """The kept child: parse each request as :func:`_child` does, the memory cap lifted in between."""
    gc.freeze()
    exit_quietly_on_interrupt()
    end_with_parent()
    while True:
        try:
            request = conn.recv_bytes()
        except EOFError:  # the parent closed its end
            return
        try:
            func, path, memory_mb, kwargs, cwd = pickle.loads(request)
        except Exception:  # noqa: BLE001 - e.g. a function the parent defined after this child forked
            conn.send((("unsent", None), _sizes_mb()))
            continue
        try:
            here = os.getcwd()
        except OSError:  # this child's folder was deleted
            here = None
        if cwd != here:
            with contextlib.suppress(OSError):
                os.chdir(cwd)
        with _memory_cap_restored():
            outcome = _outcome(func, path, memory_mb, kwargs)
        conn.send((outcome, _sizes_mb()))
        del outcome


def _sizes_mb() -> tuple[float, float]:
    """This process's resident memory and address space in MB, zeros where they cannot be read."""
    size, resident = _statm_bytes()
    return resident / 2**20, size / 2**20


def _overtime_reason(activity: str, timeout: float) -> str:
    hint = " (--timeout)" if activity == "parsing" else ""
    return f"{activity} took longer than {timeout:g} s and was stopped{hint}"


def _returned(path: Path, status: str, payload: Any) -> Any:
    """The result of an ``_outcome``, or its refusal raised as an ``InputError``."""
    if status == "ok":
        return payload
    raise InputError(path, payload)


class _Overtime(BaseException):
    """Raised by the alarm in :func:`run_in_this_worker`. A ``BaseException``, so that no parser's
    ``except Exception`` can swallow it."""


# Seconds past the time limit after which the watchdog ends a worker that the alarm could not stop.
WATCHDOG_GRACE = 10.0


def run_in_this_worker(
    func: Callable[..., Any],
    path: Path,
    *,
    timeout: float,
    memory_mb: int | None = None,
    activity: str = "parsing",
    **kwargs: Any,
) -> Any:
    """:func:`run_with_time_limit` for a process that is itself disposable: a batch worker, whose death
    its pool survives (:mod:`analyzer.batch`). The parse runs here, so no child is forked and no
    ``Document`` travels between processes (~70 ms of CPU time for a 10-page PDF); the same bounds apply.

    - time: an alarm signal stops the parse at ``timeout``. Python code (pdfplumber) stops at once; a call
      into C code (PDFium) that never returns cannot be interrupted, so a watchdog thread kills this
      process ``WATCHDOG_GRACE`` seconds later, and the pool records the document as failed;
    - memory: this process's address space is capped at its size plus ``memory_mb`` for the parse, and
      the previous cap is restored afterwards.

    Signals reach only the main thread: anywhere else this falls back to :func:`run_with_time_limit`.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        return run_with_time_limit(
            func, path, timeout=timeout, memory_mb=memory_mb, activity=activity, **kwargs
        )
    watchdog = threading.Timer(timeout + WATCHDOG_GRACE, os.kill, (os.getpid(), signal.SIGKILL))
    watchdog.daemon = True
    with _memory_cap_restored():  # put back after the alarm is off, so that no alarm can skip it
        handler = signal.signal(signal.SIGALRM, _overtime)
        watchdog.start()
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            status, payload = _outcome(func, path, memory_mb, kwargs)
        except _Overtime:
            status, payload = "input-error", _overtime_reason(activity, timeout)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, handler)
            watchdog.cancel()
    return _returned(path, status, payload)


def _overtime(signum, frame) -> None:
    raise _Overtime
