#!/usr/bin/env python3
"""Chains before/after and against NumPy, interleaved in rounds, printed as ratios.

Usage:
    python3 Benchmarks/chain-compare.py [--rounds N] [--threads T] [--before JACBENCH]
                                        [--after JACBENCH] [--no-plan] [--no-eval]
                                        [--peer PYTHON ...]
    make bench-chains [ROUNDS=5] [THREADS=2] [BEFORE=path/to/old/jacbench]

Every round runs, in an order that rotates from round to round,
  - `jacbench chain-plan` of the build before the product rules were unified ("before") and of
    this build ("after");
  - `jacbench chain-eval` of both builds and `Benchmarks/peers/chain.py` (NumPy's multi_dot) under
    each peer interpreter: by default this `python3` (NumPy from pip bundles its own, newer
    OpenBLAS) and, where it has NumPy, Debian's `/usr/bin/python3` (python3-numpy, which multiplies
    with the system's OpenBLAS, the one jacbench links: the same BLAS on both sides),
and prints the load average and the ratios measured in that round: chain-plan after/before per
chain (the medians, "seconds"), chain-eval after/before (medians) and after/multi_dot for each peer
(medians, and the minima of the runs), and after/"Matrix *" (jacbench's in-process reference: the
same order through plain `Matrix *`, no structured layer). At the end, for each line: the median of the per-round ratios, their
range, and the ratio of the two sides' best times over all rounds. Every process runs with the same
OPENBLAS_NUM_THREADS (default: the number of CPUs, OpenBLAS's own default), and NumPy's OpenBLAS
reports its thread count, so both sides multiply with the same number of threads.

"before" defaults to the release jacbench of the parent of the unification (BEFORE_COMMIT), built
once in .build/chain-before (a git worktree; several minutes the first time). Without it
(--before none), only the NumPy comparison runs.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The parent of the commit that wrote the product rules once (issue 15).
BEFORE_COMMIT = "647035c"
BEFORE_DIR = os.path.join(ROOT, ".build", "chain-before")
BEFORE_BINARY = os.path.join(BEFORE_DIR, ".build", "release", "jacbench")


def build_before():
    if os.path.exists(BEFORE_BINARY):
        return BEFORE_BINARY
    if not os.path.exists(BEFORE_DIR):
        subprocess.run(["git", "-C", ROOT, "worktree", "add", "--detach", BEFORE_DIR, BEFORE_COMMIT],
                       check=True, stdout=sys.stderr)
    print(f"building the jacbench of {BEFORE_COMMIT} in {BEFORE_DIR} (once)...", file=sys.stderr, flush=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "jacbench"], cwd=BEFORE_DIR, check=True,
                   stdout=sys.stderr)
    return BEFORE_BINARY


def json_lines(cmd, env):
    out = subprocess.run(cmd, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def rotate(items, r):
    r %= len(items)
    return items[r:] + items[:r]


def summarize(name, ratios):
    med = statistics.median(ratios)
    return f"{name}: median {med:.2f} over {len(ratios)} rounds (range {min(ratios):.2f}–{max(ratios):.2f})"


def default_peers():
    """This python3 and, when it is another interpreter, Debian's (python3-numpy links the system
    OpenBLAS, as jacbench does)."""
    found = [sys.executable]
    debian = "/usr/bin/python3"
    if os.path.exists(debian) and os.path.realpath(debian) != os.path.realpath(sys.executable):
        found.append(debian)
    return found


def numpy_identity(python):
    """NumPy's version and its OpenBLAS's configuration under `python`, or None without NumPy."""
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); import chain; "
            "import numpy as np; np.ones((2, 2)) @ np.ones((2, 2)); print(json.dumps(chain.blas_identity()))")
    r = subprocess.run([python, "-c", code, os.path.join(ROOT, "Benchmarks", "peers")],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return json.loads(r.stdout) if r.returncode == 0 else None


def blas_version(config):
    """"OpenBLAS 0.3.21" from an OpenBLAS configuration string."""
    if not config:
        return "BLAS unknown"
    return " ".join(config.split()[:2])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--after", default=os.path.join(ROOT, ".build", "release", "jacbench"))
    ap.add_argument("--before", default=None, help="an older jacbench, or 'none' (default: build "
                    f"{BEFORE_COMMIT}'s in .build/chain-before)")
    ap.add_argument("--no-plan", action="store_true", help="skip chain-plan")
    ap.add_argument("--no-eval", action="store_true", help="skip chain-eval and NumPy")
    ap.add_argument("--peer", action="append", default=None, metavar="PYTHON",
                    help="a Python with NumPy to time multi_dot with (repeatable; default: this "
                    "python3 and, where it has NumPy, /usr/bin/python3)")
    args = ap.parse_args()
    if not os.path.exists(args.after):
        sys.exit(f"chain-compare: {args.after} does not exist; run `make release` first")
    before = None if args.before == "none" else (args.before or build_before())
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(args.threads))
    peers = {}  # label -> command
    for python in args.peer or default_peers():
        ident = numpy_identity(python)
        if ident is None:
            print(f"# {python} has no NumPy; skipped", file=sys.stderr)
            continue
        label = f"numpy {ident['numpy']} ({blas_version(ident['blas'])})"
        peers.setdefault(label, [python, os.path.join(ROOT, "Benchmarks", "peers", "chain.py")])
    if not args.no_eval and not peers:
        sys.exit("chain-compare: no Python with NumPy to time multi_dot with")

    plan = {}   # structure -> {"after/before": [...], "report after/before": [...]}
    evals = {}  # chain -> lists of ratios
    best = {}   # (line, side) -> best seconds over rounds
    def keep_best(key, t):
        best[key] = min(best.get(key, float("inf")), t)

    print(f"# {args.rounds} rounds, OPENBLAS_NUM_THREADS={args.threads}, before={before}, after={args.after}")
    for r in range(args.rounds):
        load = os.getloadavg()
        print(f"# round {r + 1}: load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)
        if not args.no_plan and before:
            runs = {}
            for side in rotate(["before", "after"], r):
                runs[side] = {d["structure"]: d for d in
                              json_lines([before if side == "before" else args.after, "chain-plan"], env)}
            for s, a in runs["after"].items():
                b = runs["before"][s]
                ratio, report = a["seconds"] / b["seconds"], a["reportSeconds"] / b["reportSeconds"]
                plan.setdefault(s, {"plan": [], "report": []})
                plan[s]["plan"].append(ratio)
                plan[s]["report"].append(report)
                keep_best((s, "after"), a["seconds"])
                keep_best((s, "before"), b["seconds"])
                print(json.dumps({"case": "chain-plan-ratio", "round": r + 1, "load": round(load[0], 2),
                                  "structure": s, "afterSeconds": a["seconds"], "beforeSeconds": b["seconds"],
                                  "afterOverBefore": round(ratio, 3), "reportAfterOverBefore": round(report, 3)}),
                      flush=True)
        if not args.no_eval:
            runs = {}
            sides = ["after"] + list(peers) + (["before"] if before else [])
            for side in rotate(sides, r):
                if side in peers:
                    lines = json_lines(peers[side], env)
                else:
                    lines = json_lines([before if side == "before" else args.after, "chain-eval"], env)
                    lines = [d for d in lines if d.get("order") == "optimal"]
                runs[side] = {d["chain"]: d for d in lines}
            for c, a in runs["after"].items():
                e = evals.setdefault(c, {"peers": {}, "reference": [], "before": []})
                e["reference"].append(a["ratio"])
                keep_best((c, "after"), a["minSeconds"])
                line = {"case": "chain-eval-ratio", "round": r + 1, "load": round(load[0], 2), "chain": c,
                        "afterSeconds": a["seconds"], "afterOverMatrixProducts": round(a["ratio"], 3)}
                for label in peers:
                    n = runs[label][c]
                    v = e["peers"].setdefault(label, {"medians": [], "minima": [], "sameOrder": True,
                                                      "sameCost": True})
                    v["medians"].append(a["seconds"] / n["seconds"])
                    v["minima"].append(a["minSeconds"] / n["minSeconds"])
                    v["sameOrder"] &= a["parenthesization"] == n["parenthesization"]
                    v["sameCost"] &= a["multiplyAdds"] == n["multiplyAdds"]
                    keep_best((c, label), n["minSeconds"])
                    line.setdefault("peers", []).append({
                        "peer": label, "blasThreads": n.get("blasThreads"), "seconds": n["seconds"],
                        "afterOverMultiDot": round(v["medians"][-1], 3),
                        "afterMinOverMultiDotMin": round(v["minima"][-1], 3)})
                if before:
                    b = runs["before"][c]
                    e["before"].append(a["seconds"] / b["seconds"])
                    keep_best((c, "before"), b["seconds"])
                    line["beforeSeconds"] = b["seconds"]
                    line["afterOverBefore"] = round(e["before"][-1], 3)
                print(json.dumps(line), flush=True)

    print("\n# Summary (ratios < 1: this build is faster)")
    for s, v in plan.items():
        print("chain-plan " + summarize(f"{s} after/before", v["plan"])
              + f"; best medians {best[(s, 'after')] / best[(s, 'before')]:.2f}; "
              + summarize("report", v["report"]))
    for c, e in evals.items():
        print(f"chain-eval {c}: " + summarize("after/Matrix * in the same order (medians)", e["reference"])
              + ("; " + summarize("after/before", e["before"]) if e["before"] else ""))
        for label, v in e["peers"].items():
            parts = [summarize(f"  after/multi_dot of {label} (medians)", v["medians"]),
                     summarize("minima", v["minima"]),
                     f"best minima {best[(c, 'after')] / best[(c, label)]:.2f}"]
            if not v["sameOrder"]:
                parts.append("another order than multi_dot's, "
                             + ("same multiply-adds (a tie)" if v["sameCost"] else "MORE OR FEWER MULTIPLY-ADDS"))
            print("; ".join(parts))

if __name__ == "__main__":
    main()
