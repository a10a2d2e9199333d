"""Run a parser in a child process under a wall-time limit.

A parser that hangs or crashes on a hostile file is killed; the caller gets an
:class:`~analyzer.errors.InputError` instead of a hang. Exceptions raised in the child come back as
they were (``InputError`` keeps its reason; anything else becomes a one-line ``InputError``).
"""

from __future__ import annotations

import multiprocessing as mp
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analyzer.errors import InputError


def _child(conn, func: Callable[..., Any], path: Path, kwargs: dict) -> None:
    try:
        conn.send(("ok", func(path, **kwargs)))
    except InputError as exc:
        conn.send(("input-error", exc.reason))
    except MemoryError:
        conn.send(("input-error", "the document needs more memory than allowed"))
    except Exception as exc:  # noqa: BLE001 - any parser failure becomes a one-line refusal
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        conn.send(("input-error", f"could not be parsed ({type(exc).__name__}: {detail})"))
        traceback.clear_frames(exc.__traceback__)
    finally:
        conn.close()


def _context() -> mp.context.BaseContext:
    methods = mp.get_all_start_methods()
    return mp.get_context("fork" if "fork" in methods else "spawn")


def run_with_time_limit(func: Callable[..., Any], path: Path, *, timeout: float, **kwargs: Any) -> Any:
    """Return ``func(path, **kwargs)`` computed in a child process, or raise ``InputError``."""
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(sender, func, path, kwargs), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise InputError(path, f"parsing took longer than {timeout:g} s and was stopped")
        try:
            status, payload = receiver.recv()
        except EOFError:
            raise InputError(path, "the parser crashed on this file") from None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
    if status == "ok":
        return payload
    raise InputError(path, payload)
