"""What this machine gives two processes at the moment of a benchmark: the parallel ceiling.

The audit benchmark's figure (d) compares one worker with two. On a shared or virtual machine two
"cores" rarely give twice the work of one (the other core is busy, or both are threads of one physical
core sharing its caches). :func:`parallel_ceiling` measures that ceiling the same way as (d): the same
CPU-bound pure-Python work done twice by one process, then once by each of two processes at the same
time. Run alone: ``.venv/bin/python benchmarks/machine.py``.
"""

from __future__ import annotations

import multiprocessing as mp
import statistics
import time

WORK = 4_000_000


def spin(count: int = WORK) -> int:
    """CPU-bound interpreter work with little memory traffic (a few hundred milliseconds)."""
    total = 0
    for number in range(count):
        total += number * number % 7
    return total


def parallel_ceiling(count: int = WORK, repeats: int = 3) -> float:
    """Median over ``repeats`` of the speed-up of two processes, each doing one piece of ``spin`` work at
    the same time, over one process doing both pieces."""
    context = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    ratios = []
    for _ in range(repeats):
        one = _timed(context, [(2,)])  # one process, two pieces
        two = _timed(context, [(1,), (1,)])  # two processes, one piece each
        ratios.append(one / two)
    return statistics.median(ratios)


def _timed(context, jobs: list[tuple[int]]) -> float:
    """Wall-clock seconds for one process per job, all started together, each doing ``pieces`` spins."""
    processes = [context.Process(target=_pieces, args=job) for job in jobs]
    started = time.perf_counter()
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    return time.perf_counter() - started


def _pieces(pieces: int, count: int = WORK) -> None:
    for _ in range(pieces):
        spin(count)


if __name__ == "__main__":
    print(f"two processes do {parallel_ceiling():.2f}x the work of one on this machine now")
