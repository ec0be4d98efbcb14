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
