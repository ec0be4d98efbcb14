import Foundation

/// A named benchmark case; `run` prints its JSON lines.
struct BenchmarkCase: Sendable {
  let name: String
  let run: @Sendable () -> Void

  static let all: [BenchmarkCase] = [
    gemmCase, gemmOrientationCase, kronApplyCase, rtrJvpCase, commutationApplyCase, chainPlanCase, chainEvalCase, deriveCase,
    programBackpropCase, nestedDeriveCase, longSumDeriveCase, sharedEvaluateCase, checkCase, hvpCase, exportNumpyCase, materializeCase,
  ]
}

/// Monotonic seconds.
func now() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_MONOTONIC, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// Seconds of CPU time of the calling thread (steadier than wall time on a shared machine).
func threadCPUSeconds() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// The exponent p of growth like nᵖ: log(ratio)/log(sizeRatio).
func growthExponent(_ ratio: Double, _ sizeRatio: Double) -> Double { log(ratio) / log(sizeRatio) }

/// Median wall time of `body` over `repeats` runs after `warmup` runs, with the total time
/// bounded so that large sizes do not take minutes.
func medianSeconds(warmup: Int = 1, repeats: Int = 7, maxTotal: Double = 3, _ body: () -> Void) -> Double {
  minMedianSeconds(warmup: warmup, repeats: repeats, maxTotal: maxTotal, body).median
}

/// `medianSeconds`'s rule, returning the fastest run as well (the same as the peers'
/// `min_median_seconds` in Benchmarks/peers/timing.py).
func minMedianSeconds(warmup: Int = 1, repeats: Int = 7, maxTotal: Double = 3, _ body: () -> Void) -> (
  min: Double, median: Double
) {
  for _ in 0..<warmup { body() }
  var times: [Double] = []
  let start = now()
  for _ in 0..<repeats {
    let t0 = now()
    body()
    times.append(now() - t0)
    if now() - start > maxTotal && times.count >= 3 { break }
  }
  times.sort()
  return (times[0], times[times.count / 2])
}

/// Prints one JSON object on one line with the keys in the given order.
func emit(_ fields: KeyValuePairs<String, Any>) {
  let parts = fields.map { key, value -> String in
    let v: String
    switch value {
    case let s as String: v = "\"\(s)\""
    case let d as Double: v = d.isFinite ? String(format: "%.6g", d) : "null"
    case let i as Int: v = String(i)
    case let a as [Int]: v = "[" + a.map(String.init).joined(separator: ",") + "]"
    default: v = "\"\(value)\""
    }
    return "\"\(key)\":\(v)"
  }
  print("{" + parts.joined(separator: ",") + "}")
  fflush(nil)
}
