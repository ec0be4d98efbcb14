#!/usr/bin/env python3
"""Makes the data of the Layouts example with NumPy, independently of JacobianKit.

X.npy         a 3×2 matrix X
jax_XtX.npy   the Jacobian of F(X) = XᵀX the way jax.jacfwd / jax.jacrev return it: a (2,2,3,2)
              array T[p,q,i,j] = ∂F[p,q]/∂X[i,j], from the closed form
              ∂(XᵀX)[p,q]/∂X[i,j] = δ(j,p)·X[i,q] + δ(j,q)·X[i,p]
              (jax.jacfwd(lambda X: X.T @ X)(X) gives the same array.)
"""
import os

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
X = np.array([[0.5, -1.25], [2.0, 0.75], [-0.5, 1.5]])
m, n = X.shape
eye = np.eye(n)
# T[p,q,i,j] = δ(j,p) X[i,q] + δ(j,q) X[i,p]
T = np.einsum("jp,iq->pqij", eye, X) + np.einsum("jq,ip->pqij", eye, X)
np.save(os.path.join(here, "X.npy"), X)
np.save(os.path.join(here, "jax_XtX.npy"), T)
print("wrote X.npy", X.shape, "and jax_XtX.npy", T.shape)
