"""Writes the .npy points used by the notebooks in Notebooks-md/ (run from any folder).

Every array is 2-D, float64 ('<f8'), C order: a column vector is n x 1, a scalar 1 x 1.

    python3 Notebooks-md/data/make_data.py
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def save(name, rows):
    a = np.array(rows, dtype="<f8")
    assert a.ndim == 2
    np.save(os.path.join(HERE, name), a)


# 03-rtr.md: an integer R, so that the entries of dF/dR can be read off by hand.
save("r32.npy", [[1, 2], [3, 4], [5, 6]])

# 07-staged-computation.md: f(x, y) = (x + sigmoid(y)) / (sigmoid(x) + (x + y)^2) at (3, -4).
save("fxy_x.npy", [[3]])
save("fxy_y.npy", [[-4]])

# 08-gradient-checking.md: relu at a kink (the middle entry is exactly 0) and away from it.
save("kink_z.npy", [[-1.5], [0], [2]])
save("smooth_z.npy", [[-1.5], [0.5], [2]])

# 10-newton-logistic.md: logistic regression data, 12 examples x 3 features (rounded draws of
# np.random.default_rng(10); labels sign(X w + noise) for w = (1, -2, 0.5), not separable) and a
# point for the derivatives.
save("logreg_X.npy", [
    [-1.1, -0.73, -0.78], [0.27, -0.25, 0.13], [0.84, 0.86, 0.48], [-0.45, -0.75, -0.81],
    [-0.34, -0.05, -0.97], [-1.13, 0.31, -1.85], [-0.18, 0.43, -0.99], [-1.11, -0.76, 0.65],
    [-0.13, -1.87, -0.42], [1.01, 0.98, 0.63], [-0.24, -1.84, 0.17], [-0.18, 0.08, 1.54],
])
save("logreg_y.npy", [[1], [1], [1], [1], [-1], [-1], [-1], [1], [1], [1], [1], [-1]])
save("logreg_w1.npy", [[0.5], [-1], [0.25]])
