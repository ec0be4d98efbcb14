#!/usr/bin/env python3
"""A sweep of bad inputs across every jac subcommand.

Each case must end with exit status 2, a message on stderr whose first line starts with
"jac:" or "Error:" (one sentence; a parse error adds the source window and a caret; the argument parser's
usage errors add the valid values and the usage), no
crash report, no file left in the scratch folder other than what the case put there, within
a time bound (20 s) and a memory bound (4 GiB of address space; jac reserves a 1 GiB stack).

Usage: scripts/bad-inputs.py [path/to/jac]    (default .build/debug/jac)
Exit status 0 when every case behaves, 1 otherwise (each failure is listed).
"""
import os, resource, struct, subprocess, sys, tempfile, time

JAC = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/jac")
TIME_LIMIT = 20
MEMORY_LIMIT = 4 << 30


def npy(shape, data=b"", descr="'<f8'", fortran="False", version=1, raw_dict=None):
    d = raw_dict if raw_dict is not None else "{'descr': %s, 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)
    d = d.encode("latin-1")
    pre = 10 if version == 1 else 12
    pad = (64 - (pre + len(d) + 1) % 64) % 64
    h = d + b" " * pad + b"\n"
    size = struct.pack("<H", len(h)) if version == 1 else struct.pack("<I", len(h))
    return b"\x93NUMPY" + bytes([version, 0]) + size + h + data


def doubles(n, value=1.0):
    return struct.pack("<%dd" % n, *([value] * n))


FILES = {
    "good.npy": npy("(3, 2)", doubles(6)),
    "good44.npy": npy("(4, 4)", doubles(16)),
    "empty.npy": b"",
    "text.npy": b"hello world\n",
    "magic_only.npy": b"\x93NUMPY",
    "v9.npy": b"\x93NUMPY\x09\x00" + b"\x10\x00" + b" " * 16,
    "trunc_header.npy": npy("(3, 2)", doubles(6))[:30],
    "trunc_data.npy": npy("(3, 2)", doubles(6))[:-5],
    "trailing.npy": npy("(3, 2)", doubles(6)) + b"xx",
    "int64.npy": npy("(3, 2)", doubles(6), descr="'<i8'"),
    "float32.npy": npy("(3, 2)", b"\0" * 24, descr="'<f4'"),
    "bigendian.npy": npy("(3, 2)", doubles(6), descr="'>f8'"),
    "complex.npy": npy("(3, 2)", doubles(12), descr="'<c16'"),
    "object.npy": npy("(3, 2)", b"", descr="'|O'"),
    "structured.npy": npy("(3,)", doubles(3), descr="[('a', '<f8')]"),
    "neg_shape.npy": npy("(-3, 2)"),
    "huge_shape.npy": npy("(1000000000, 1000000000)", doubles(2)),
    "overflow_shape.npy": npy("(4611686018427387904, 4611686018427387904)"),
    "zero_huge.npy": npy("(100000000000000000, 0)"),
    "huge_zero.npy": npy("(0, 100000000000000000)"),
    "zero_rows.npy": npy("(0, 3)"),
    "rank3.npy": npy("(2, 2, 2)", doubles(8)),
    "rank0.npy": npy("()", doubles(1)),
    "bad_dict.npy": npy(None, raw_dict="{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), 'extra': 1, }"),
    "no_shape.npy": npy(None, raw_dict="{'descr': '<f8', 'fortran_order': False, }"),
    "dup_key.npy": npy(None, raw_dict="{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (1,), }"),
    "nested.npy": npy(None, raw_dict="{'descr': '<f8', 'fortran_order': False, 'shape': " + "(" * 5000 + "1" + ")" * 5000 + ", }"),
    "shape_str.npy": npy("'abc'"),
    "shape_float.npy": npy("(3.5, 2)"),
    "fortran_str.npy": npy("(3, 2)", doubles(6), fortran="'yes'"),
    "huge_header_claim.npy": b"\x93NUMPY\x02\x00" + struct.pack("<I", 0xFFFFFFF0) + b"{",
    "huge_header_real.npy": b"\x93NUMPY\x02\x00" + struct.pack("<I", 3 << 20) + b"{" + b" " * ((3 << 20) - 1),
    "unterminated.npy": npy(None, raw_dict="{'descr': '<f8"),
    "nan.npy": npy("(3, 2)", doubles(6, float("nan"))),
    "inf.npy": npy("(3, 2)", doubles(6, float("inf"))),
    "utf8_v3_bad.npy": npy("(1,)", doubles(1), version=3)[:12] + b"\xff\xfe" + npy("(1,)", doubles(1), version=3)[14:],
    "notebook.md": b"```jac\njac derive X --wrt X --dims X=0x0\n```\n",
}

long_expr = lambda s, n, sep: sep.join([s] * n)
DEEP_T = "X" + "'" * 100000
DEEP_P = "(" * 60000 + "X" + ")" * 60000
DEEP_F = "tanh(" * 20000 + "X" + ")" * 20000
DEEP_NEG = "-" * 100000 + "X"
DEEP_POW = long_expr("X", 50000, "^")
LONG_SUM = long_expr("X", 50000, "+")
LONG_PROD = long_expr("X", 50000, "*")
LONG_HAD = long_expr("X", 40000, ".*")

D = ["--wrt", "X", "--dims", "X=3x2"]
CASES = []


def case(*args, files=None, stdin=None):
    CASES.append((list(args), files))


# derive: parse errors, shapes, sizes, values
for e in ["", " ", "X'*", "(X", "X)", "X+*X", "foo(X)", "X..*X", "1e", "1e999999", "X''''''(", "@", "X Y Z(", "K(0,2)",
          "I(-1)", "I(99999999999999999999)", "zeros(2,0)", "reshape(X,7,1)", "X*X", "X+ones(2,2)", "inv(X)", "det(X)",
          "tr(X)", "softmax(X)", "kron(X)", "diag(X)", "X^2", "X^X", "X.^ones(2,2)", "1/X", "sum(X,X)"]:
    case("derive", e, *D)
for e in [DEEP_T, DEEP_P, DEEP_F, DEEP_NEG, DEEP_POW, LONG_SUM, LONG_PROD, LONG_HAD]:
    case("derive", e, *D)
for e in ["‖X", "‖X)‖", "π*X", "σ", "Σ*X", "X*Δ", "X∘", "‖‖", "X***X", "X.Tx", "X@", "X**"]:
    case("derive", e, *D)
for dims in ["X=0", "X=3x", "X=x3", "X=nx", "X=n,", "X=0x2", "X=-1x2", "X=3x2.5", "X=3x2x1", "X=99999999999999999999x1", "X=16777217x1", "X=16777216x16777216",
             "X=10000x10000", "X=3x2,X=2x2", "=3x2", "X", "X=", ",,", "Y=3x2"]:
    case("derive", "X'*X", "--wrt", "X", "--dims", dims)
case("derive", "X'*X", "--wrt", "Z", "--dims", "X=3x2")
case("derive", "X'*X", "--wrt", "X", "--dims", "X=3x2", "--layout", "sideways")
case("derive", "X'*X", "--wrt", "X", "--dims", "X=3x2", "--layout", "shape")
case("derive", "X'*X", "--wrt", "X", "--dims", "X=3x2", "--format", "pdf")
case("derive", "X'*X", "--wrt", "X", "--dims", "X=3x2", "--seed", "-1")
# derive --emit (docs/export.md): unknown targets, options that do not go with code, symbolic sizes
for target in ["fortran", "", "NUMPY", "numpy,jax"]:
    case("derive", "X'*X", "--wrt", "X", "--dims", "X=3x2", "--emit", target)
for extra in [["--order", "2"], ["--check"], ["--steps"], ["--format", "json"], ["--layout", "shape"],
              ["--jacobian-out", "J.npy"], ["--assume", "X=symmetric"]]:
    case("derive", "sum(X)", "--wrt", "X", "--dims", "X=3x3", "--emit", "numpy", *extra)
case("derive", "X'*X", "--wrt", "X", "--dims", "X=nxm", "--emit", "swift")
# Size symbols where numbers are needed: a program's chain (docs/programs.md); --claim-program
# takes them, and its bad claims stay bad under them
case("chain", "h = W*x; z = tanh(h); f = sum(z)", "--wrt", "W")
case("check", "h = W*x; f = sum(tanh(h))", "--wrt", "W", "--claim-program", "dW = dh*x'")
case("check", "h = W*x; f = sum(tanh(h))", "--wrt", "W", "--claim-program", "dh = ones(q,1)")
case("derive", "X'*X", "--wrt", "Y", "--dims", "X=3x2", "--emit", "numpy")
case("derive", "h = W*x; f = sum(h)", "--wrt", "h", "--dims", "W=2x2,x=2x1", "--emit", "swift")
case("derive", "X'*X", "--wrt", "X", "--dims", "X=3x2", "--seed", "99999999999999999999999")
case("derive", "X'*X", "--wrt", "X", "--bogus")
case("derive")
case("derive", "X'*X")
case("derive", "kron(I(100000),I(100000))*X", "--wrt", "X", "--dims", "X=10000000000x1")
case("derive", "K(100000,100000)*vec(X)", "--wrt", "X", "--dims", "X=100000x100000")
case("derive", "I(3037000500)", "--wrt", "X", "--dims", "X=1x1")
case("derive", "kron(ones(4294967296,1),ones(4294967296,1))", "--wrt", "X", "--dims", "X=1x1")
case("derive", "sum(X)", "--wrt", "X", "--dims", "X=100000x100000", "--jacobian-out", "J.npy")
case("derive", "X*X'", "--wrt", "X", "--dims", "X=2000x2000", "--jacobian-out", "J.npy")
case("derive", "norm(x)", "--wrt", "x", "--values", "x=zeros3.npy")
case("derive", "log(X)", "--wrt", "X", "--values", "X=neg.npy", "--check")
case("derive", "det(X)", "--wrt", "X", "--values", "X=sing.npy", "--check")
for f in FILES:
    if f.endswith(".npy") and f not in ("good.npy", "good44.npy"):
        case("derive", "sum(X)", "--wrt", "X", "--values", "X=" + f)
for v in ["X=/dev/zero", "X=/dev/null", "X=/dev/urandom", "X=/proc/self/mem", "X=.", "X=missing.npy", "X=fifo.npy",
          "X=good.npy,X=good.npy", "X=good.npy", "X"]:
    case("derive", "X*X" if v == "X=good.npy" else "sum(X)", "--wrt", "X", "--values", v)
case("derive", "sum(X)", "--wrt", "X", "--values", "X=good.npy", "--dims", "X=2x3")
for out in ["/nonexistent/J.npy", "/proc/J.npy", ".", "dir/", "/", "J.npy/x", "good.npy/J.npy"]:
    case("derive", "X'*X", *D, "--jacobian-out", out)
case("derive", "X'*X", *D, "--layout", "shape", "--jacobian-out", "J.npy")
# Hessians (--order 2): orders, non-scalar F, mixed blocks, spy.
case("derive", "x'*x", "--wrt", "x", "--dims", "x=3x1", "--order", "3", "--jacobian-out", "H.npy")
case("derive", "x'*x", "--wrt", "x", "--dims", "x=3x1", "--order", "-1")
case("derive", "X'*X", "--wrt", "X", "--dims", "X=3x2", "--order", "2", "--jacobian-out", "H.npy")
case("derive", "x'*A*y", "--wrt", "x,x", "--dims", "x=3x1,y=3x1,A=3x3", "--order", "2", "--jacobian-out", "H.npy")
case("derive", "x'*A*y", "--wrt", "x,q", "--dims", "x=3x1,y=3x1,A=3x3", "--order", "2", "--format", "latex")
case("derive", "x'*A*y", "--wrt", "x,y", "--dims", "x=nx1,y=nx1,A=nxn", "--order", "2")
case("spy", "x'*x", "--wrt", "x", "--dims", "x=3x1", "--order", "3", "-o", "s.svg")
case("spy", "x'*A*y", "--wrt", "x,y,A", "--dims", "x=3x1,y=3x1,A=3x3", "--order", "2", "-o", "s.svg")
case("spy", "X'*X", "--wrt", "X", "--dims", "X=3x2", "--order", "2", "-o", "s.svg")
case("spy", "x'*x", "--wrt", "x", "--dims", "x=300x1", "--order", "2", "-o", "s.svg")

# sizes inferred from the expression, size symbols (docs/language.md)
case("derive", "c*x", "--wrt", "x")
case("derive", "x'*A*x", "--wrt", "x", "--dims", "A=mxn")
case("derive", "A*x+y", "--wrt", "x", "--dims", "A=mxm,y=n")
case("derive", "x'*A*x", "--wrt", "x", "--dims", "x=n,A=nxn", "--values", "x=[1;2;3],A=[1 2; 3 4]")
case("derive", "x'*A*x", "--wrt", "x", "--dims", "A=nxn", "--values", "A=[1 2 3]")
case("derive", "X'*X", "--wrt", "X", "--dims", "Y=mxn")
case("derive", "X'*X+Z", "--wrt", "X", "--dims", "Y=3x2")
case("derive", "reshape(X,6,1)", "--wrt", "X")
case("derive", "x'*A*y", "--wrt", "x", "--dims", "A=3x2", "--assume", "A=symmetric")
case("derive", "A*B", "--wrt", "A", "--dims", "A=3x2,B=4xn")
case("derive", "x'*A*x", "--wrt", "x", "--order", "2")
case("derive", "x'*x", "--wrt", "x", "--order", "2", "--format", "json")
case("derive", "x'*W*y", "--wrt", "x,y", "--dims", "W=3xn", "--order", "2")
case("derive", "x'*A*x", "--wrt", "x", "--dims", "x=n", "--values", "x=[1;2;3]", "--order", "2")
case("check", "c*x", "--wrt", "x", "--claim", "c")
case("check", "x'*A*x", "--wrt", "x", "--claim", "I(q)")
case("check", "x'*A*x", "--wrt", "x", "--claim", "y")
case("spy", "c*x", "--wrt", "x", "-o", "s.svg")

# check
for claim in ["", "X'*", "kron(I(2),X)*kron(X,X)", "kron(I(3),X')+kron(X',I(3))*K(3,2)", "nan.npy", DEEP_T, DEEP_P, "Y", "foo(X)", "K(0,0)"]:
    case("check", "X'*X", *D, "--claim", claim)
case("check", "X'*X", *D)
case("check", "X'*X", *D, "--claim-file", "nan.npy")
case("check", "X'*X", *D, "--claim-file", "/dev/zero")
case("check", "X'*X", *D, "--claim-file", "missing.npy")
# A claim of the wrong shape (good44.npy for a 4×6 Jacobian) is a wrong claim, exit 1 with a shape
# hint (cli.md), not bad input: Tests/jacTests/CheckDiagnosisCommandTests cover it.
case("check", DEEP_T, *D, "--claim", "X")
case("check", "X'*X", *D, "--claim", "X", "--tolerance", "-1")
case("check", "X'*X", *D, "--claim", "X", "--tolerance", "nan")

# convert
S = ["--output-shape", "2,2", "--input-shape", "3,2"]
for f in FILES:
    if f.endswith(".npy"):
        case("convert", f, "out.npy", "--from", "numerator", "--to", "tensor", *S)
for shapes in [("16777216,16777216", "16777216,16777216"), ("16777216,16777216", "1,1"), ("0,1", "1,1"), ("-1,2", "2,2"),
               ("a,b", "1,1"), ("1,1,1", "1,1"), ("2,2", "99999999999999999999,1"), ("4294967296,4294967296", "1,1"),
               ("1", "1"), ("", "")]:
    case("convert", "good44.npy", "out.npy", "--from", "numerator", "--to", "tensor", "--output-shape", shapes[0],
         "--input-shape", shapes[1])
for frm, to in [("numerator", "sideways"), ("nope", "tensor"), ("shape", "numerator"), ("numerator", "shape")]:
    case("convert", "good44.npy", "out.npy", "--from", frm, "--to", to, *S)
for out in ["/nonexistent/o.npy", "/proc/o.npy", ".", "dir/", "/", "good.npy/o.npy"]:
    case("convert", "good.npy", out, "--from", "numerator", "--to", "denominator", "--output-shape", "1,3",
         "--input-shape", "1,2")
case("convert", "/dev/zero", "o.npy", "--from", "numerator", "--to", "tensor", *S)
case("convert", "fifo.npy", "o.npy", "--from", "numerator", "--to", "tensor", *S)
case("convert", "good.npy")

# chain
for factors in [[], ["0x3"], ["3x0"], ["-1x3"], ["3x"], ["x3"], ["3x3:diag", "4x4"], ["3x4:diag"], ["3x4:identity"],
                ["3x3:banana"], ["6x6:kron(2x3,3x3)"], ["6x6:kron(2x3"], ["99999999999999999999x1"],
                ["4294967296x4294967296", "4294967296x1"], ["3x3:kron(" * 2000 + "1x1" + ")" * 2000],
                ["3x4", "5x6"], ["1e3x4"], ["3x4 junk"]]:
    case("chain", *factors)
case("chain", *(["3x3"] * 10000))
case("chain", *(["3x3"] * 2000))
case("chain", "3x3", "3x3", "--order", "((1 2) 3)")
case("chain", "3x3", "3x3", "--order", "(" * 20000 + "1")
case("chain", "3x3", "3x3", "--order", "(1 1)")
case("chain", "3x3", "3x3", "--order", "")
case("chain", "100000x100000", "100000x100000", "--measure")
case("chain", "3x3", "--seed", "x")

# spy
for out in ["/nonexistent/s.svg", "/proc/s.svg", ".", "dir/", "good.npy/s.svg"]:
    case("spy", "X'*X", *D, "-o", out)
case("spy", DEEP_T, *D, "-o", "s.svg")
case("spy", "X'*X", "--wrt", "X", "--dims", "X=100x100", "-o", "s.svg")
case("spy", "X'*X", *D)

# notebook
case("notebook", "test", "missing.md")
case("notebook", "test", "/dev/zero")
case("notebook", "frobnicate", "x.md")
case("notebook", "test", "good.npy")

# top level
case("frobnicate")
case("--frobnicate")


def setup(directory):
    for name, data in FILES.items():
        with open(os.path.join(directory, name), "wb") as f:
            f.write(data)
    with open(os.path.join(directory, "zeros3.npy"), "wb") as f:
        f.write(npy("(3,)", doubles(3, 0.0)))
    with open(os.path.join(directory, "neg.npy"), "wb") as f:
        f.write(npy("(2, 2)", doubles(4, -1.0)))
    with open(os.path.join(directory, "sing.npy"), "wb") as f:
        f.write(npy("(2, 2)", doubles(4, 1.0)))
    os.mkfifo(os.path.join(directory, "fifo.npy"))
    os.mkdir(os.path.join(directory, "dir"))


def limits():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main():
    failures = []
    slowest = (0.0, None)
    with tempfile.TemporaryDirectory(prefix="jac-bad-inputs-") as directory:
        setup(directory)
        before = sorted(os.listdir(directory))
        env = dict(os.environ, SWIFT_BACKTRACE="enable=no")
        for args, _ in CASES:
            label = " ".join(a if len(a) < 60 else a[:40] + "…(%d chars)" % len(a) for a in args)
            start = time.monotonic()
            try:
                p = subprocess.run([JAC] + args, cwd=directory, capture_output=True, timeout=TIME_LIMIT,
                                   preexec_fn=limits, env=env)
            except subprocess.TimeoutExpired:
                failures.append("%s: no answer within %d s" % (label, TIME_LIMIT))
                continue
            elapsed = time.monotonic() - start
            slowest = max(slowest, (elapsed, label))
            err = p.stderr.decode("utf-8", "replace")
            first = err.strip().splitlines()[0] if err.strip() else ""
            problems = []
            if p.returncode != 2:
                problems.append("exit %d" % p.returncode)
            if not (first.startswith("jac:") or first.startswith("Error:")):
                problems.append("stderr does not start with one sentence: %r" % err[:200])
            if "Backtrac" in err or "Fatal error" in err or "crashed" in err:
                problems.append("crash report on stderr")
            # Our own errors: one sentence (a parse error adds a source window and a caret).
            # The argument parser's own usage errors add the valid values and the usage.
            if len(err.splitlines()) > (14 if first.startswith("Error:") else 3):
                problems.append("%d lines on stderr" % len(err.splitlines()))
            after = sorted(os.listdir(directory))
            if after != before:
                problems.append("files changed: %s" % sorted(set(after) ^ set(before)))
                for name in set(after) - set(before):
                    path = os.path.join(directory, name)
                    if os.path.isfile(path):
                        os.unlink(path)
            if problems:
                failures.append("%s: %s" % (label, "; ".join(problems)))
    print("%d bad inputs across derive, check, convert, chain, spy, notebook: %d behaved, %d did not; slowest %.2f s (%s)"
          % (len(CASES), len(CASES) - len(failures), len(failures), slowest[0], slowest[1]))
    for f in failures:
        print("  " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
