#!/usr/bin/env python3
"""NumPy's matmul on the sizes of `jacbench gemm`, same JSON-lines format.

Usage: python3 Benchmarks/peers/gemm.py
Compare the "gflops" of each n with `jacbench gemm` run right before or after (see
Benchmarks/README.md, or `make bench-gemm`, which runs both and prints the ratios).
"""
import json
import time

import numpy as np

from timing import median_seconds


rng = np.random.default_rng(1)
for n in (256, 512, 1024, 2048):
    a = np.asfortranarray(rng.standard_normal((n, n)))
    b = np.asfortranarray(rng.standard_normal((n, n)))
    t = median_seconds(lambda: a @ b, repeats=3 if n >= 2048 else 7)
    print(json.dumps({"case": "gemm", "peer": "numpy", "n": n, "seconds": t,
                      "gflops": 2 * n ** 3 / t / 1e9}), flush=True)
