#!/usr/bin/env python3
"""JAX's second derivatives on the cases of `jacbench hvp`, same JSON-lines format.

Usage: python3 Benchmarks/peers/hvp.py
Cases (X n×n, the same as jacbench hvp):
  F = tr(XᵀAX):  H[V] = (A + Aᵀ)V        (one add, one GEMM)
  F = logdet(X): H[V] = −X⁻ᵀVᵀX⁻ᵀ        (one inverse, two GEMMs)
For each: `jax.jvp(jax.grad(F), (X,), (V,))` compiled once with `jax.jit` ("seconds": a call,
"compileSeconds": the first call, tracing and compiling included), beside the hand-written
GEMM/solve count in jax.numpy in the same run ("referenceSeconds", "ratio"); and `jax.hessian(F)`
(the dense n²×n² H, then H·vec V) where it fits in memory (n ≤ 64: at n = 1024 H would have 10¹²
entries, 8 TB, and the script says so). Float64 (jax_enable_x64), CPU.
When JAX is not installed the script prints one line saying so and exits 0
(pip install "jax[cpu]").
"""
import json
import os
import time
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timing import median_seconds  # noqa: E402

try:
    import jax
    import jax.numpy as jnp
except ImportError:
    print(json.dumps({"case": "hvp", "peer": "jax", "skipped": "JAX is not installed (pip install \"jax[cpu]\")"}))
    sys.exit(0)

jax.config.update("jax_enable_x64", True)
import numpy as np  # noqa: E402


def ready(x):
    return jax.block_until_ready(x)


def trace_form(a):
    return lambda x: jnp.trace(x.T @ a @ x)


def logdet(x):
    return jnp.linalg.slogdet(x)[1]


def emit(record):
    print(json.dumps(record), flush=True)


rng = np.random.default_rng(21)
for n in (16, 64, 256, 1024):
    x = rng.standard_normal((n, n))
    a = rng.standard_normal((n, n))
    v = rng.standard_normal((n, n))
    y = x + 2 * np.sqrt(n) * np.eye(n)  # well conditioned, as jacbench
    x, a, v, y = (jnp.asarray(m) for m in (x, a, v, y))
    cases = [
        ("tr(X'*A*X)", trace_form(a), x, jax.jit(lambda v: (a + a.T) @ v), "(A+Aᵀ)·V: one add, one GEMM"),
        ("logdet(X)", logdet, y, jax.jit(lambda v: -(jnp.linalg.inv(y).T @ v.T @ jnp.linalg.inv(y).T)),
         "−X⁻ᵀVᵀX⁻ᵀ: one inverse, two GEMMs"),
    ]
    for name, f, point, reference, reference_text in cases:
        hvp = jax.jit(lambda p, d, f=f: jax.jvp(jax.grad(f), (p,), (d,))[1])

        t0 = time.perf_counter()
        got = ready(hvp(point, v))
        compile_seconds = time.perf_counter() - t0
        expected = ready(reference(v))
        err = float(jnp.abs(got - expected).max() / jnp.abs(expected).max())
        t = median_seconds(lambda: ready(hvp(point, v)))
        ref = median_seconds(lambda: ready(reference(v)))
        emit({"case": "hvp", "peer": "jax", "expression": name, "n": n, "method": "jit(jvp(grad(F)))",
              "seconds": t, "compileSeconds": compile_seconds, "reference": reference_text,
              "referenceSeconds": ref, "ratio": t / ref, "relativeError": err})
        if n <= 64:
            hess = jax.jit(lambda p, f=f: jax.hessian(f)(p))
            t0 = time.perf_counter()
            h = ready(hess(point))
            compile_seconds = time.perf_counter() - t0
            # jax.hessian gives H[i,j,k,l] = ∂²F/∂X[i,j]∂X[k,l]; jac's column-major vec is the
            # (j,i) order: H_jac = H.transpose(1,0,3,2).reshape(n², n²).
            hv = (h.transpose(1, 0, 3, 2).reshape(n * n, n * n) @ v.T.reshape(-1)).reshape(n, n).T
            err = float(jnp.abs(hv - expected).max() / jnp.abs(expected).max())
            t = median_seconds(lambda: ready(hess(point)))
            emit({"case": "hvp", "peer": "jax", "expression": name, "n": n, "method": "jit(hessian(F)), dense n²×n²",
                  "seconds": t, "compileSeconds": compile_seconds, "referenceSeconds": ref, "ratio": t / ref,
                  "relativeError": err})
        else:
            emit({"case": "hvp", "peer": "jax", "expression": name, "n": n, "method": "jit(hessian(F)), dense n²×n²",
                  "skipped": f"the dense Hessian has {n ** 4} entries ({8 * n ** 4 / 2 ** 30:.0f} GiB)"})
