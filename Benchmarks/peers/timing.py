"""The timing rule shared by the peer scripts, the same as jacbench's `medianSeconds`:
the median of up to `repeats` runs after `warmup` runs, stopping early (after at least 3 runs)
once `max_total` seconds have passed. `before` runs untimed before every run (e.g. clearing a
cache). `min_median_seconds` is the same rule returning the minimum and the median (jacbench's
`minMedianSeconds`)."""
import time


def median_seconds(body, warmup=1, repeats=7, max_total=3.0, before=None):
    return min_median_seconds(body, warmup, repeats, max_total, before)[1]


def min_median_seconds(body, warmup=1, repeats=7, max_total=3.0, before=None):
    for _ in range(warmup):
        if before:
            before()
        body()
    times = []
    start = time.perf_counter()
    for _ in range(repeats):
        if before:
            before()
        t0 = time.perf_counter()
        body()
        times.append(time.perf_counter() - t0)
        if time.perf_counter() - start > max_total and len(times) >= 3:
            break
    times.sort()
    return times[0], times[len(times) // 2]
