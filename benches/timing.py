"""Timing shared by the benchmarks: best-of-N over loops sized to a minimum duration."""

import time


def best_time(fn, repeat, min_batch_s=0.2):
    """Seconds per call: loops sized to take at least ``min_batch_s``, best of ``repeat``."""
    fn()  # warm-up (caches, allocations)
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_batch_s or number >= 1 << 24:
            break
        number *= 2 if elapsed <= 0 else max(2, int(min_batch_s / elapsed * 1.2))
    best = elapsed / number
    for _ in range(repeat - 1):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best
