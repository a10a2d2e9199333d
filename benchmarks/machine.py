"""What this machine gives two processes at the moment of a benchmark: the parallel ceiling.

The audit benchmark's figure (d) compares one worker with two. On a shared or virtual machine two
"cores" rarely give twice the work of one (the other core is busy, or both are threads of one physical
core sharing its caches). :func:`parallel_ceiling` measures that ceiling the same way as (d): the same
CPU-bound pure-Python work done twice by one process, then once by each of two processes at the same
time. Run alone: ``.venv/bin/python benchmarks/machine.py``.
"""

from __future__ import annotations

import multiprocessing as mp
import time

WORK = 4_000_000


def spin(count: int = WORK) -> int:
    """CPU-bound interpreter work with little memory traffic (a few hundred milliseconds)."""
    total = 0
    for number in range(count):
        total += number * number % 7
    return total


def parallel_ceiling(count: int = WORK, repeats: int = 3) -> float:
    """Best-of-``repeats`` speed-up of two processes over one on two equal pieces of ``spin`` work."""
    context = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    best = 0.0
    with context.Pool(2) as pool:
        pool.map(spin, [count // 10] * 2)  # both workers started and warm
        for _ in range(repeats):
            started = time.perf_counter()
            pool.apply(_twice, (count,))  # one process does both pieces
            one = time.perf_counter() - started
            started = time.perf_counter()
            pool.map(spin, [count, count], chunksize=1)  # each process does one piece
            two = time.perf_counter() - started
            best = max(best, one / two)
    return best


def _twice(count: int) -> None:
    spin(count)
    spin(count)


if __name__ == "__main__":
    print(f"two processes do {parallel_ceiling():.2f}x the work of one on this machine now")
