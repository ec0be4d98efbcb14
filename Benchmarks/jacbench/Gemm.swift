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
