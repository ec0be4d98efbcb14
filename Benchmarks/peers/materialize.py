#!/usr/bin/env python3
"""JAX's dense Jacobian of F(R) = RᵀR on the sizes of `jacbench materialize`, same JSON-lines keys.

Usage:
    python3 Benchmarks/peers/materialize.py                    # time jax.jacfwd and jax.jacrev
    python3 Benchmarks/peers/materialize.py JACBENCH.jsonl     # also print the ratios
                                                               # JAX / jacbench materialize:
                                                               # ratio_peer_over_jacbench against
                                                               # jacbench's new output per call (as
                                                               # JAX), ..._reused against its
                                                               # output reused (no allocation)

`jacbench materialize` builds the dense ∂vec(RᵀR)/∂(vec R)ᵀ, n²×n² (2304² entries at n = 48,
4096² at n = 64), from its structure (Iₙ⊗Rᵀ) + (Rᵀ⊗Iₙ)K(n,n). Here JAX computes the same numbers
with `jax.jit(jax.jacfwd(f))` and `jax.jit(jax.jacrev(f))` for `f = lambda R: R.T @ R`, in float64
(`jax_enable_x64`), on the CPU; the tensor it returns, (n,n,n,n) with T[p,q,i,j] = ∂F[p,q]/∂R[i,j],
holds the same entries as jacbench's matrix in another order (see `jac convert --from tensor`).
The time is the median of `block_until_ready` calls after a warm-up call that compiles (the same
timing rule as jacbench, `timing.py`). Without JAX the script says so and exits 0 with no lines.
"""
import json
import sys

from timing import median_seconds

SIZES = [48, 64]  # keep in step with materializeCase in Benchmarks/jacbench/Materialize.swift


def main():
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        print("JAX is not installed: pip install 'jax[cpu]' to time jax.jacfwd/jax.jacrev", file=sys.stderr)
        return 0
    jax.config.update("jax_enable_x64", True)
    import numpy as np

    ours = {}
    if len(sys.argv) > 1:
        with open(sys.argv[1], encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                if row.get("case") == "materialize" and "peer" not in row:
                    memory = row.get("memory", "fresh")
                    ours.setdefault(row["n"], {})[memory] = row["seconds"]
                    for key, name in (("oneThreadSeconds", "one"), ("twoThreadSeconds", "two")):
                        if memory == "fresh" and key in row:
                            ours[row["n"]][name] = row[key]

    def f(r):
        return r.T @ r

    for n in SIZES:
        r = jnp.asarray(np.random.default_rng(7).standard_normal((n, n)), dtype=jnp.float64)
        for name, transform in (("jacfwd", jax.jacfwd), ("jacrev", jax.jacrev)):
            jac = jax.jit(transform(f))
            jac(r).block_until_ready()  # compile
            t = median_seconds(lambda: jac(r).block_until_ready())
            row = {"case": "materialize", "peer": "jax." + name, "n": n, "entries": n**4, "seconds": t}
            # JAX returns a new array every call: the like-for-like ratio is against jacbench's
            # fresh output (`materialized()`); the one against a reused output
            # (`materialize(into:)`, no allocation) is printed under its own name.
            if "fresh" in ours.get(n, {}):
                row["jacbench_seconds"] = ours[n]["fresh"]
                row["ratio_peer_over_jacbench"] = t / ours[n]["fresh"]
            # The fresh output on one thread and on two (jacbench times both; `seconds` is the
            # count `materialized()` chose in that run, as JAX chooses its own threads).
            for name, key in (("one", "one_thread"), ("two", "two_threads")):
                if name in ours.get(n, {}):
                    row["ratio_peer_over_jacbench_" + key] = t / ours[n][name]
            if "reused" in ours.get(n, {}):
                row["jacbench_reused_seconds"] = ours[n]["reused"]
                row["ratio_peer_over_jacbench_reused"] = t / ours[n]["reused"]
            print(json.dumps(row))
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
