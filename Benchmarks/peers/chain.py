#!/usr/bin/env python3
"""NumPy's numpy.linalg.multi_dot on the chains of `jacbench chain-eval`, same JSON-lines keys.

Usage:
    python3 Benchmarks/peers/chain.py                    # time multi_dot on every chain
    python3 Benchmarks/peers/chain.py JACBENCH.jsonl     # also print the ratios
                                                         # jacbench optimal / multi_dot

multi_dot picks its order by the same O(k^3) dynamic programme (its cost counts
multiplications, i.e. multiply-adds); the "parenthesization" printed is the order it chose, in
jacbench's syntax, read from NumPy's private _multi_dot_matrix_chain_order where available.
The sizes are those of `chainEvalDims` in Benchmarks/jacbench/Chain.swift (keep them in step);
the entries are standard normal from NumPy's generator (the values do not affect the timing).
Arrays are Fortran-ordered, as jacbench's matrices are column-major. Each chain reports the
minimum ("minSeconds") and the median ("seconds") of up to 15 runs, as jacbench chain-eval does,
and "blasThreads", the thread count of NumPy's OpenBLAS (set OPENBLAS_NUM_THREADS to the same
value for both sides; Benchmarks/chain-compare.py does), "blas", the configuration string of that
OpenBLAS (its version), and "numpy", NumPy's version. Run it with Debian's /usr/bin/python3 and
python3-numpy to time multi_dot on the same OpenBLAS as jacbench's.
"""
import json
import sys
import time

import numpy as np

from timing import min_median_seconds

CHAINS = [
    [1500, 60, 2000, 80, 1200],
    [100, 1800, 300, 1600, 50, 1000],
    [2000, 150, 1000, 50, 1500, 400, 1800],
    [500, 1500, 80, 2000, 300, 1200, 60, 1700, 900],
    [1200, 200, 1800, 50, 1000, 700, 2000, 120, 1600, 400, 900],
    [1000, 1000, 1000, 1000, 1000],
]


def numpy_order(arrays):
    """(parenthesization, multiply-adds) of multi_dot's choice, or (None, None)."""
    try:
        from numpy.linalg import _linalg as la
    except ImportError:
        try:
            from numpy.linalg import linalg as la
        except ImportError:
            return None, None
    order_fn = getattr(la, "_multi_dot_matrix_chain_order", None)
    if order_fn is None:
        return None, None
    s, m = order_fn(arrays, return_costs=True)

    def text(i, j):
        if i == j:
            return str(i + 1)
        return "(" + text(i, s[i, j]) + " " + text(s[i, j] + 1, j) + ")"

    return text(0, len(arrays) - 1), float(m[0, len(arrays) - 1])


def loaded_openblas():
    """(ctypes library, symbol prefix, suffix) of the OpenBLAS this NumPy multiplies with, or None.

    Found among the shared objects the process has mapped (/proc/self/maps): NumPy's wheels bundle
    scipy-openblas (symbols `scipy_openblas_*64_`), Debian's python3-numpy calls the system's
    libblas.so.3, which is OpenBLAS when libopenblas0 is installed (symbols `openblas_*`)."""
    import ctypes
    try:
        with open("/proc/self/maps") as f:
            paths = sorted({line.split()[-1] for line in f if "blas" in line and "/" in line})
    except OSError:
        return None
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix, suffix in (("scipy_openblas_", "64_"), ("openblas_", "64_"), ("openblas_", "")):
            if getattr(lib, prefix + "get_num_threads" + suffix, None) is not None:
                return lib, prefix, suffix
    return None


def blas_identity():
    """{"blasThreads": threads or None, "blas": OpenBLAS's configuration string or None,
    "numpy": NumPy's version}: which BLAS the multi_dot timings measure."""
    import ctypes
    ident = {"blasThreads": None, "blas": None, "numpy": np.__version__}
    found = loaded_openblas()
    if found is not None:
        lib, prefix, suffix = found
        ident["blasThreads"] = int(getattr(lib, prefix + "get_num_threads" + suffix)())
        config = getattr(lib, prefix + "get_config" + suffix, None)
        if config is not None:
            config.restype = ctypes.c_char_p
            ident["blas"] = config().decode(errors="replace").strip()
    return ident


def run():
    rng = np.random.default_rng(1)
    lines = []
    np.ones((2, 2)) @ np.ones((2, 2))  # loads the BLAS, so that its library is mapped
    ident = blas_identity()
    for dims in CHAINS:
        k = len(dims) - 1
        arrays = [np.asfortranarray(rng.standard_normal((dims[i], dims[i + 1]))) for i in range(k)]
        t_min, t = min_median_seconds(lambda: np.linalg.multi_dot(arrays), repeats=15)
        paren, cost = numpy_order(arrays)
        line = {"case": "chain-eval", "peer": "numpy", "chain": "x".join(map(str, dims)),
                "factors": k, "order": "multi_dot", "parenthesization": paren,
                "multiplyAdds": cost, "seconds": t, "minSeconds": t_min, **ident}
        print(json.dumps(line), flush=True)
        lines.append(line)
    return lines


def compare(path, peer_lines):
    ours = {}
    with open(path) as f:
        for raw in f:
            raw = raw.strip()
            if not raw.startswith("{"):
                continue
            d = json.loads(raw)
            if d.get("case") == "chain-eval" and d.get("order") == "optimal" and "peer" not in d:
                ours[d["chain"]] = d
    for p in peer_lines:
        o = ours.get(p["chain"])
        if o is None:
            continue
        print(json.dumps({"case": "chain-eval-ratio", "chain": p["chain"], "factors": p["factors"],
                          "sameOrder": o["parenthesization"] == p["parenthesization"],
                          "jacbenchSeconds": o["seconds"], "numpySeconds": p["seconds"],
                          "ratio": o["seconds"] / p["seconds"]}), flush=True)


if __name__ == "__main__":
    peer = run()
    if len(sys.argv) > 1:
        compare(sys.argv[1], peer)
