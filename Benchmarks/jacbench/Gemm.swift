import MatrixCore

/// `gemm`: C = A·B for n×n matrices through `Matrix * Matrix` (cblas_dgemm), 2n³ FLOPs.
let gemmCase = BenchmarkCase(name: "gemm") {
  for n in [256, 512, 1024, 2048] {
    let a = Matrix.randomNormal(n, n, seed: 1)
    let b = Matrix.randomNormal(n, n, seed: 2)
    var sink = 0.0
    let t = medianSeconds(repeats: n >= 2048 ? 3 : 7) { sink += (a * b).storage[0] }
    let flops = 2 * Double(n) * Double(n) * Double(n)
    emit(["case": "gemm", "n": n, "seconds": t, "gflops": flops / t / 1e9])
    precondition(sink.isFinite, "gemm produced a non-finite result")
  }
}

/// `gemm-orientation`: m×k·k×n products with few rows, handed to BLAS as they stand and the other
/// way round (`GemmOrientation`), alternating, minimum of 15 runs each; prints which one
/// `GemmOrientation.choose` picks and the chosen one's time over the faster one's (1 = the rule
/// picked the faster). The evidence for the rule's thresholds on the machine it runs on.
let gemmOrientationCase = BenchmarkCase(name: "gemm-orientation") {
  let threads = BLASThreads.current
  for m in [16, 32, 50, 64, 100, 128] {
    for k in [120, 400, 1000, 2000] {
      for n in Set([2 * m, 400, 1600]).sorted() {
        let a = Matrix.randomNormal(m, k, seed: 1)
        let b = Matrix.randomNormal(k, n, seed: 2)
        var best: [GemmOrientation: Double] = [:]
        var sink = 0.0
        for _ in 0..<16 {
          for way in GemmOrientation.allCases {
            let t0 = now()
            sink += (try? Matrix.product(a, .none, b, .none, orientation: way))?.storage[0] ?? .nan
            best[way] = min(best[way] ?? .infinity, now() - t0)
          }
        }
        precondition(sink.isFinite, "gemm-orientation produced a non-finite result")
        let direct = best[.direct]!
        let transposed = best[.transposed]!
        let chosen = GemmOrientation.choose(m: m, n: n, k: k, threads: threads)
        emit([
          "case": "gemm-orientation", "m": m, "k": k, "n": n, "blasThreads": threads,
          "directSeconds": direct, "transposedSeconds": transposed, "transposedOverDirect": transposed / direct,
          "chosen": chosen == .direct ? "direct" : "transposed",
          "chosenOverBest": (chosen == .direct ? direct : transposed) / min(direct, transposed),
        ])
      }
    }
  }
}
