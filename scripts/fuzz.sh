#!/bin/sh
# Builds the libFuzzer harnesses in Fuzz/ (swiftc -sanitize=fuzzer,address, modules compiled from
# Sources/ into .build-fuzz/) and runs each for FUZZ_SECONDS (default 60) on its seed corpus.
# Usage: scripts/fuzz.sh [npy|expression ...]      (make fuzz FUZZ_SECONDS=600)
# A crash, a leak-free hang past 30 s, or an out-of-memory stops that harness with exit 1 and
# leaves the input in .build-fuzz/artifacts/. The last line of each run gives the executions.
set -eu
SECONDS_EACH="${FUZZ_SECONDS:-60}"
OUT=.build-fuzz
FLAGS="-sanitize=fuzzer,address -parse-as-library -g -O -I $OUT -I Sources/CLapack -L $OUT"
mkdir -p "$OUT/artifacts"
module() {  # module NAME: rebuilt when a source is newer than the library
  name=$1
  if [ -f "$OUT/lib$name.a" ] && [ -z "$(find Sources/"$name" -newer "$OUT/lib$name.a" -name '*.swift')" ]; then return; fi
  echo "building $name for fuzzing"
  swiftc $FLAGS -module-name "$name" -emit-module -emit-module-path "$OUT/$name.swiftmodule" \
    -emit-library -static -o "$OUT/lib$name.a" Sources/"$name"/*.swift 2>"$OUT/build-$name.log" || { cat "$OUT/build-$name.log"; exit 1; }
}
module MatrixCore
module Jacobians
module Symbolic
# (ld.gold warns about ASan's local symbols; the warnings go to the log.)
swiftc $FLAGS Fuzz/npy/main.swift -lMatrixCore -llapacke -lblas -o "$OUT/fuzz-npy" 2>"$OUT/link-npy.log" \
  || { grep -v "warning:" "$OUT/link-npy.log"; exit 1; }
swiftc $FLAGS Fuzz/expression/main.swift -lSymbolic -lJacobians -lMatrixCore -llapacke -lblas \
  -o "$OUT/fuzz-expression" 2>"$OUT/link-expression.log" || { grep -v "warning:" "$OUT/link-expression.log"; exit 1; }
status=0
ulimit -s 1048576 2>/dev/null || ulimit -s unlimited  # 1 GiB main-thread stack, as jac's LargeStack
for harness in ${*:-npy expression}; do
  mkdir -p "$OUT/corpus-$harness"
  case $harness in
    npy) len=4096 ;;
    *) len=512 ;;
  esac
  echo "fuzzing $harness for $SECONDS_EACH s (seed corpus Fuzz/corpus/$harness)"
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$OUT/fuzz-$harness" \
    -max_total_time="$SECONDS_EACH" -timeout=30 -rss_limit_mb=4096 -max_len=$len -print_final_stats=1 \
    -artifact_prefix="$OUT/artifacts/$harness-" "$OUT/corpus-$harness" "Fuzz/corpus/$harness" 2>"$OUT/fuzz-$harness.log" \
    || status=1
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|ERROR|SUMMARY" "$OUT/fuzz-$harness.log" || true
done
exit $status
