#!/usr/bin/env python3
"""Chains before/after and against NumPy, interleaved in rounds, printed as ratios.

Usage:
    python3 Benchmarks/chain-compare.py [--rounds N] [--threads T] [--before JACBENCH]
                                        [--after JACBENCH] [--no-plan] [--no-eval]
    make bench-chains [ROUNDS=5] [THREADS=2] [BEFORE=path/to/old/jacbench]

Every round runs, in an order that rotates from round to round,
  - `jacbench chain-plan` of the build before the product rules were unified ("before") and of
    this build ("after");
  - `jacbench chain-eval` of both builds and `Benchmarks/peers/chain.py` (NumPy's multi_dot),
and prints the load average and the ratios measured in that round: chain-plan after/before per
chain (the medians, "seconds"), chain-eval after/before (medians) and after/multi_dot (medians,
and the minima of the runs). At the end, for each line: the median of the per-round ratios, their
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--after", default=os.path.join(ROOT, ".build", "release", "jacbench"))
    ap.add_argument("--before", default=None, help="an older jacbench, or 'none' (default: build "
                    f"{BEFORE_COMMIT}'s in .build/chain-before)")
    ap.add_argument("--no-plan", action="store_true", help="skip chain-plan")
    ap.add_argument("--no-eval", action="store_true", help="skip chain-eval and NumPy")
    args = ap.parse_args()
    if not os.path.exists(args.after):
        sys.exit(f"chain-compare: {args.after} does not exist; run `make release` first")
    before = None if args.before == "none" else (args.before or build_before())
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(args.threads))
    peer = [sys.executable, os.path.join(ROOT, "Benchmarks", "peers", "chain.py")]

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
            sides = ["after", "numpy"] + (["before"] if before else [])
            for side in rotate(sides, r):
                if side == "numpy":
                    lines = json_lines(peer, env)
                else:
                    lines = json_lines([before if side == "before" else args.after, "chain-eval"], env)
                    lines = [d for d in lines if d.get("order") == "optimal"]
                runs[side] = {d["chain"]: d for d in lines}
            for c, a in runs["after"].items():
                n = runs["numpy"][c]
                e = evals.setdefault(c, {"numpy": [], "numpyMin": [], "before": [], "sameOrder": True, "sameCost": True})
                e["numpy"].append(a["seconds"] / n["seconds"])
                e["numpyMin"].append(a["minSeconds"] / n["minSeconds"])
                e["sameOrder"] &= a["parenthesization"] == n["parenthesization"]
                e["sameCost"] &= a["multiplyAdds"] == n["multiplyAdds"]
                keep_best((c, "after"), a["minSeconds"])
                keep_best((c, "numpy"), n["minSeconds"])
                line = {"case": "chain-eval-ratio", "round": r + 1, "load": round(load[0], 2), "chain": c,
                        "blasThreads": n.get("blasThreads"), "afterSeconds": a["seconds"],
                        "numpySeconds": n["seconds"], "afterOverNumpy": round(e["numpy"][-1], 3),
                        "afterMinOverNumpyMin": round(e["numpyMin"][-1], 3)}
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
    for c, v in evals.items():
        parts = [summarize(f"chain-eval {c} after/multi_dot (medians)", v["numpy"]),
                 summarize("minima", v["numpyMin"]),
                 f"best minima {best[(c, 'after')] / best[(c, 'numpy')]:.2f}"]
        if v["before"]:
            parts.append(summarize("after/before", v["before"]))
        if not v["sameOrder"]:
            parts.append("another order than multi_dot's, "
                         + ("same multiply-adds (a tie)" if v["sameCost"] else "MORE OR FEWER MULTIPLY-ADDS"))
        print("; ".join(parts))


if __name__ == "__main__":
    main()
