#!/usr/bin/env bash
# Runs the Swift test suites (swift test --skip-build, XCTest and Swift Testing) and prints what
# matters instead of a line per test start and pass: how many tests ran in each library, which
# were skipped and why, what the tests themselves printed (counts of random cases, seeds), and, on
# a failure or crash, every failing expectation with its details, the tests that were still
# running, and the end of the log. The whole output is kept in .build/swift-test.log.
# Usage: scripts/swift-test.sh [swift test options, e.g. --filter Suite]
set -uo pipefail
log=.build/swift-test.log
mkdir -p .build
swift=${SWIFT:-swift}
"$swift" test --skip-build "$@" >"$log" 2>&1
status=$?
python3 - "$log" "$status" <<'PY'
import re, sys
log, status = sys.argv[1], int(sys.argv[2])
lines = open(log, encoding='utf-8', errors='replace').read().splitlines()
# Swift Testing's event lines: ◇ started, ✔ passed, ✘ failed, ➜ skipped, ↳ details, ⚠ warnings.
event = re.compile(r'^(◇|✔|✘|➜|↳|⚠|⎙|􀟈|􁁛|􀢄|􀙟|􀄵|􀇾|􀅴|􀈿) ')
xc_event = re.compile(r"^(Test Suite '|Test Case '|\t Executed )")
started, finished = {}, set()
out = []
for i, l in enumerate(lines):
    m = re.match(r"^◇ Test (.+?) started\.$", l)
    if m and m.group(1) != "run": started[m.group(1)] = i
    if m: continue
    m = re.match(r"^(✔|✘|➜) Test (.+?) (passed|failed|skipped)", l)
    if m: finished.add(m.group(2))
    m = re.match(r"^Test Case '(.+?)' (passed|failed|skipped)", l)
    if m: finished.add(m.group(1))
    m = re.match(r"^Test Case '(.+?)' started", l)
    if m: started[m.group(1)] = i
# Summaries.
xc = [l.strip() for l in lines if l.startswith("\t Executed ")]
if xc: out.append("XCTest: " + xc[-1].replace("Executed ", "", 1))
st = [l for l in lines if re.match(r"^(✔|✘) Test run with ", l)]
if st: out.append("Swift Testing: " + st[-1][2:])
# Skipped tests, with their reasons.
for l in lines:
    if re.match(r"^➜ Test .* skipped", l) or ": Test skipped - " in l:
        out.append("skipped: " + (l.split(": Test skipped - ", 1)[1] if ": Test skipped - " in l else l[2:]))
# What tests print themselves (not framework events, not SwiftPM's build lines). An event whose
# test arguments hold line breaks spans several lines: those end at a line that ends the event.
pending = []
ends_event = re.compile(r"(started\.|passed after .*|failed after .*|skipped\.?.*)$")
for l in lines:
    if event.match(l) or xc_event.match(l):
        out.extend(pending); pending = []
        continue
    if ends_event.search(l) and pending is not None and (" to " in l or l.rstrip().endswith("started.")):
        pending = []
        continue
    if not l.strip() or l.startswith("[") or l.startswith("Building for") or l.startswith("Build complete") \
       or ": Test skipped - " in l or l.startswith("error: ") or re.search(r": error: ", l):
        continue  # errors are shown below with the failures
    pending.append("  " + l)
out.extend(pending)
print("\n".join(out))
if status != 0:
    print("\nFAILED (swift test exit status %d); the failures:" % status)
    keep = False
    for l in lines:
        if l.startswith("✘ ") and " recorded an issue" in l or re.search(r": error: ", l) or l.startswith("error: "):
            keep = True; print(l); continue
        if keep and (l.startswith("↳ ") or l.startswith("  ")):
            print(l); continue
        keep = False
    running = [t for t, _ in sorted(started.items(), key=lambda kv: kv[1]) if t not in finished]
    if running:
        print("still running when the run ended: " + ", ".join(running))
    print("\nthe end of the log (%s):" % log)
    print("\n".join(lines[-30:]))
PY
exit $status
