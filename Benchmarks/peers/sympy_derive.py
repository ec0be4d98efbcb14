#!/usr/bin/env python3
"""SymPy's matrix differentiation on the expressions of `jacbench derive`, same JSON-lines format.

Usage: python3 Benchmarks/peers/sympy_derive.py
Each expression of Benchmarks/jacbench/Derive.swift is written in SymPy's notation with
MatrixSymbol (Trace, Inverse, Determinant, HadamardProduct, KroneckerProduct, applyfunc for the
elementwise functions). Timed the same way as jacbench: parse (parse_expr) + diff, median over
repeated runs after a warm-up, with SymPy's cache cleared before each run (SymPy caches results,
so without clearing every run after the first is a lookup). Expressions SymPy has no notation for
(vec, reshape, softmax, the cross-entropy losses), or that it cannot differentiate (an exception,
a recursion, an unevaluated Derivative, more than 20 s), print "handled": false and are left out
of the summary. Each handled result is also checked, outside the timing, against SymPy's own
entrywise differentiation of the explicit matrices (derive_by_array) at a random point, up to a
permutation of axes: "correct" says whether it matched (null when the explicit reference takes
more than 120 s).
The last line is the summary over the handled expressions: {"case":"derive","peer":"sympy",
"n":…,"seconds": median over expressions, "maxSeconds", "totalSeconds", "correct": count}.
"""
import itertools
import json
import signal
import time

import numpy as np
import sympy as sp
from sympy import (Abs, Determinant, DiagMatrix, DiagonalOf, HadamardPower, HadamardProduct, Inverse,
                   KroneckerProduct, Lambda, Max, MatrixSymbol, OneMatrix, Trace, exp, log, sqrt)
from sympy.core.cache import clear_cache
from sympy.parsing.sympy_parser import parse_expr

from timing import median_seconds

t_ = sp.Symbol('t')
# (jacbench text, variable, shapes, SymPy text or None when SymPy has no notation for it)
EXPRESSIONS = [
    ("X'*X", "X", "X=3x2", "X.T*X"),
    ("R'*R", "R", "R=3x3", "R.T*R"),
    ("A*X*B", "X", "A=2x3,X=3x4,B=4x2", "A*X*B"),
    ("X'*A", "X", "X=3x2,A=3x4", "X.T*A"),
    ("A*X'*B", "X", "A=2x3,X=4x3,B=4x2", "A*X.T*B"),
    ("x'*A*x", "x", "x=3x1,A=3x3", "x.T*A*x"),
    ("X'*A*X", "X", "X=3x2,A=3x3", "X.T*A*X"),
    ("tr(X'*A*X)", "X", "X=3x2,A=3x3", "Trace(X.T*A*X)"),
    ("inv(X)", "X", "X=3x3", "Inverse(X)"),
    ("a'*inv(X)*b", "X", "a=3x1,X=3x3,b=3x1", "a.T*Inverse(X)*b"),
    ("tr(A*inv(X)*B)", "X", "A=2x3,X=3x3,B=3x2", "Trace(A*Inverse(X)*B)"),
    ("X^2", "X", "X=3x3", "X**2"),
    ("X^3", "X", "X=3x3", "X**3"),
    ("X^-2", "X", "X=3x3", "X**-2"),
    ("det(X)", "X", "X=3x3", "Determinant(X)"),
    ("logdet(X)", "X", "X=3x3", "log(Determinant(X))"),
    ("det(A*X*B)", "X", "A=3x3,X=3x3,B=3x3", "Determinant(A*X*B)"),
    ("logdet(X'*X)", "X", "X=4x2", "log(Determinant(X.T*X))"),
    ("tr(A*X)", "X", "A=3x3,X=3x3", "Trace(A*X)"),
    ("tr(A*X*B*X')", "X", "A=3x3,X=3x2,B=2x2", "Trace(A*X*B*X.T)"),
    ("norm(x)", "x", "x=4x1", "sqrt(Trace(x.T*x))"),
    ("norm(X)^2", "X", "X=3x2", "Trace(X.T*X)"),
    ("norm(A*x-b)", "x", "A=4x3,x=3x1,b=4x1", "sqrt(Trace((A*x-b).T*(A*x-b)))"),
    ("exp(X)", "X", "X=3x2", "X.applyfunc(exp)"),
    ("log(X)", "X", "X=3x2", "X.applyfunc(log)"),
    ("sin(X).*cos(X)", "X", "X=3x2", "HadamardProduct(X.applyfunc(sin), X.applyfunc(cos))"),
    ("tanh(X)", "X", "X=3x2", "X.applyfunc(tanh)"),
    ("sigmoid(X)", "X", "X=3x2", "X.applyfunc(Lambda(t_, 1/(1+exp(-t_))))"),
    ("relu(X)", "X", "X=3x2", "X.applyfunc(Lambda(t_, Max(t_, 0)))"),
    ("softplus(X)", "X", "X=3x2", "X.applyfunc(Lambda(t_, log(1+exp(t_))))"),
    ("sqrt(X)", "X", "X=3x2", "X.applyfunc(sqrt)"),
    ("abs(X)", "X", "X=3x2", "X.applyfunc(Abs)"),
    ("X.*A", "X", "X=3x2,A=3x2", "HadamardProduct(X, A)"),
    ("X./A", "A", "X=3x2,A=3x2", "HadamardProduct(X, HadamardPower(A, -1))"),
    ("X/s", "s", "X=3x2,s=1x1", "X/s"),
    ("kron(X,A)", "X", "X=2x3,A=2x2", "KroneckerProduct(X, A)"),
    ("kron(X,X)", "X", "X=2x3", "KroneckerProduct(X, X)"),
    ("vec(X')", "X", "X=3x2", None),
    ("diag(x)*A", "x", "x=3x1,A=3x2", "DiagMatrix(x)*A"),
    ("diagonal(A*X)", "X", "A=3x3,X=3x3", "DiagonalOf(A*X)"),
    ("reshape(X,2,3)", "X", "X=3x2", None),
    ("softmax(x)", "x", "x=4x1", None),
    ("logsumexp(X)", "X", "X=2x3", "log(Trace(OneMatrix(3,2)*X.applyfunc(exp)))"),
    ("W*x+b", "W", "W=5x3,x=3x1,b=5x1", "W*x+b"),
    ("tanh(W*x+b)", "W", "W=5x3,x=3x1,b=5x1", "(W*x+b).applyfunc(tanh)"),
    ("u'*tanh(W*x+b)", "W", "u=5x1,W=5x3,x=3x1,b=5x1", "u.T*(W*x+b).applyfunc(tanh)"),
    ("-y'*log(softmax(W*x))", "W", "W=4x3,x=3x1,y=4x1", None),
    ("-y'*log(softmax(W3*tanh(W2*tanh(W1*x))))", "W1", "x=4x1,W1=5x4,W2=3x5,W3=2x3,y=2x1", None),
    ("sum(exp(X))/sum(X.^2)", "X", "X=3x2",
     "Trace(OneMatrix(2,3)*X.applyfunc(exp))/Trace(OneMatrix(2,3)*HadamardPower(X, 2))"),
    ("(A*x-b)'*(A*x-b)", "x", "A=4x3,x=3x1,b=4x1", "(A*x-b).T*(A*x-b)"),
    # Broadcasting written out with OneMatrix (SymPy has no implicit expansion); the added
    # functions; block matrices (BlockMatrix).
    ("W*X+b", "b", "W=4x3,X=3x5,b=4x1", "W*X+b*OneMatrix(1,5)"),
    ("tanh(W*X+b)", "W", "W=4x3,X=3x5,b=4x1", "(W*X+b*OneMatrix(1,5)).applyfunc(tanh)"),
    ("1-tanh(z).^2", "z", "z=5x1", "OneMatrix(5,1)-HadamardPower(z.applyfunc(tanh), 2)"),
    ("X-m", "m", "X=4x3,m=1x3", "X-OneMatrix(4,1)*m"),
    ("sum(log(1+exp(-y.*(X*w))))", "w", "X=6x3,w=3x1,y=6x1",
     "Trace(OneMatrix(1,6)*(OneMatrix(6,1)+HadamardProduct(-y, X*w).applyfunc(exp)).applyfunc(log))"),
    ("sum(max(1-y.*(X*w),0))", "w", "X=6x3,w=3x1,y=6x1",
     "Trace(OneMatrix(1,6)*(OneMatrix(6,1)-HadamardProduct(y, X*w)).applyfunc(Lambda(t_, Max(t_, 0))))"),
    ("arctan(X).*tan(X)", "X", "X=3x2", "HadamardProduct(X.applyfunc(atan), X.applyfunc(tan))"),
    ("norm1(A*x-b)", "x", "A=4x3,x=3x1,b=4x1", "Trace(OneMatrix(1,4)*(A*x-b).applyfunc(Abs))"),
    ("sigmoid(w'*[x;1])", "w", "w=4x1,x=3x1", None),
    ("[A,B;C,D]", "B", "A=2x3,B=2x2,C=3x3,D=3x2", "BlockMatrix([[A, B], [C, D]])"),
    # Symbolic sizes (jac derives them at distinct primes); SymPy's explicit reference check would
    # take minutes at these sizes, so they are left out of the peer.
    ("R'*R", "R", "R=53x59", None),
    ("x'*A*x", "x", "x=53x1,A=53x53", None),
    ("tanh(W*X+b)", "b", "W=59x61,X=61x53,b=59x1", None),
]

FUNCTIONS = dict(Abs=Abs, Determinant=Determinant, DiagMatrix=DiagMatrix, DiagonalOf=DiagonalOf,
                 HadamardPower=HadamardPower, HadamardProduct=HadamardProduct, Inverse=Inverse,
                 KroneckerProduct=KroneckerProduct, Lambda=Lambda, Max=Max, OneMatrix=OneMatrix,
                 Trace=Trace, exp=exp, log=log, sqrt=sqrt, sin=sp.sin, cos=sp.cos, tanh=sp.tanh, t_=t_,
                 tan=sp.tan, atan=sp.atan, BlockMatrix=sp.BlockMatrix)


def namespace(dims):
    """MatrixSymbols for the shapes; a 1×1 variable is a scalar Symbol (SymPy divides by those)."""
    ns = dict(FUNCTIONS)
    for item in dims.split(","):
        name, shape = item.split("=")
        m, n = (int(k) for k in shape.split("x"))
        ns[name] = sp.Symbol(name) if (m, n) == (1, 1) else MatrixSymbol(name, m, n)
    return ns


class Timeout(Exception):
    pass


def alarm(signum, frame):
    raise Timeout()


def derive(text, wrt, dims):
    ns = namespace(dims)
    e = parse_expr(text, local_dict=ns, evaluate=True)
    return e, ns, e.diff(ns[wrt])


def handled(result):
    if result.has(sp.Derivative):
        return False
    return not any("Derivative" in type(a).__name__ for a in sp.preorder_traversal(result))


def explicit(e, ns):
    table = {v: v.as_explicit() for v in ns.values() if isinstance(v, MatrixSymbol)}
    return e.xreplace(table).doit()


def correct(e, ns, wrt, result, rng):
    """SymPy's matrix derivative against its entrywise derivative at a random point."""
    x = ns[wrt]
    fe, xe = explicit(e, ns), explicit(x, ns)
    truth = sp.derive_by_array(fe if not isinstance(fe, sp.MatrixBase) else sp.Array(fe),
                               xe if not isinstance(xe, sp.MatrixBase) else sp.Array(xe))
    values = {}
    for v in ns.values():
        if isinstance(v, MatrixSymbol):
            for i in range(v.shape[0]):
                for j in range(v.shape[1]):
                    # Positive (log, sqrt) and diagonally dominant (inverses stay well conditioned).
                    values[v[i, j]] = 0.5 + abs(rng.standard_normal()) + (3.0 if i == j else 0.0)
        elif isinstance(v, sp.Symbol) and v is not t_:
            values[v] = 0.5 + abs(rng.standard_normal())
    r = result.as_explicit() if hasattr(result, "as_explicit") else explicit(result, ns)
    r = sp.Array(r) if isinstance(r, sp.MatrixBase) else r
    t = np.array(sp.Array(truth).subs(values).tolist() if hasattr(truth, "tolist") else truth.subs(values),
                 dtype=float)
    got = np.array(r.subs(values).tolist() if hasattr(r, "tolist") else r.subs(values), dtype=float)
    if got.size != t.size:
        return False
    t = t.reshape([k for k in t.shape if k != 1] or [1])
    got = got.reshape([k for k in got.shape if k != 1] or [1])
    if got.ndim != t.ndim:
        return np.allclose(got.ravel(), t.ravel(), rtol=1e-6, atol=1e-9)
    return any(got.transpose(p).shape == t.shape and np.allclose(got.transpose(p), t, rtol=1e-6, atol=1e-9)
               for p in itertools.permutations(range(got.ndim)))


def main():
    signal.signal(signal.SIGALRM, alarm)
    rng = np.random.default_rng(1)
    medians, right = [], 0
    for ours, wrt, dims, text in EXPRESSIONS:
        line = {"case": "derive", "peer": "sympy", "expression": ours, "wrt": wrt}
        ok = text is not None
        if ok:
            try:
                signal.alarm(20)
                e, ns, result = derive(text, wrt, dims)
                ok = handled(result)
                if ok:
                    t = median_seconds(lambda: derive(text, wrt, dims), before=clear_cache)
                signal.alarm(0)
            except Exception:  # SymPy raises anything, RecursionError included; and our Timeout
                signal.alarm(0)
                ok = False
        line["handled"] = ok
        if ok:
            try:
                signal.alarm(120)
                good = bool(correct(e, ns, wrt, result, rng))
                signal.alarm(0)
            except Timeout:
                good = None  # the explicit reference took too long: unknown
            except Exception:
                signal.alarm(0)
                good = False
            medians.append(t)
            right += good is True
            line["seconds"] = t
            line["correct"] = good
        print(json.dumps(line, ensure_ascii=False), flush=True)
    medians.sort()
    print(json.dumps({"case": "derive", "peer": "sympy", "n": len(medians),
                      "seconds": medians[len(medians) // 2] if medians else None,
                      "maxSeconds": medians[-1] if medians else None, "totalSeconds": sum(medians),
                      "correct": right}), flush=True)


if __name__ == "__main__":
    main()
