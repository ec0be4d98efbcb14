#!/usr/bin/env python3
"""The exported NumPy gradient of the three-layer network against a hand-written NumPy gradient,
timed in the same run (the `export-numpy` case of jacbench, which writes the export and runs this).

Usage: python3 Benchmarks/peers/export_numpy.py EXPORTED.py D H B
  EXPORTED.py: `jac derive "$(cat three-layer program)" --wrt W1,W2,W3 --emit numpy` for the
  three-layer tanh network of Notebooks-md/data/three-layer.jac on a batch: x D×B, W1 H×D,
  W2 H×H, W3 10×H, y 10×B (sizes D, H, B).
Prints one JSON line: both median times, their ratio (exported / hand-written), and the largest
relative difference between the two gradients (they must agree to 1e-10).
"""
import importlib.util
import json
import sys

import numpy as np

from timing import median_seconds


def hand_written(W1, W2, W3, x, y):
    """F = ‖W3 tanh(W2 tanh(W1 x)) − y‖²/2 and its gradients with respect to W1, W2, W3."""
    z1 = np.tanh(W1 @ x)
    z2 = np.tanh(W2 @ z1)
    r = W3 @ z2 - y
    f = 0.5 * np.sum(r * r)
    dz2 = W3.T @ r
    dh2 = dz2 * (1 - z2 * z2)
    dz1 = W2.T @ dh2
    dh1 = dz1 * (1 - z1 * z1)
    return f, dh1 @ x.T, dh2 @ z1.T, r @ z2.T


def main():
    path, d, h, b = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    spec = importlib.util.spec_from_file_location("exported", path)
    exported = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(exported)
    rng = np.random.default_rng(1)
    W1 = rng.standard_normal((h, d)) / np.sqrt(d)
    W2 = rng.standard_normal((h, h)) / np.sqrt(h)
    W3 = rng.standard_normal((10, h)) / np.sqrt(h)
    x = rng.standard_normal((d, b))
    y = rng.standard_normal((10, b))
    ours = exported.f(W1, W2, W3, x, y)
    ref = hand_written(W1, W2, W3, x, y)
    worst = max(float(np.max(np.abs(np.asarray(a) - r)) / max(np.max(np.abs(r)), 1e-300))
                for a, r in zip(ours, ref))
    if not worst <= 1e-10:
        print(json.dumps({"case": "export-numpy", "error": "the export and the hand-written gradient differ",
                          "maxRelativeDifference": worst}))
        sys.exit(1)
    # Interleaved rounds, so that both see the same machine load; the median of the rounds' medians.
    exported_times, hand_times = [], []
    for _ in range(5):
        exported_times.append(median_seconds(lambda: exported.f(W1, W2, W3, x, y), repeats=7, max_total=1.0))
        hand_times.append(median_seconds(lambda: hand_written(W1, W2, W3, x, y), repeats=7, max_total=1.0))
    te, th = sorted(exported_times)[2], sorted(hand_times)[2]
    print(json.dumps({"case": "export-numpy", "D": d, "H": h, "B": b, "exportedSeconds": te,
                      "handWrittenSeconds": th, "ratio": te / th, "maxRelativeDifference": worst}), flush=True)


if __name__ == "__main__":
    main()
