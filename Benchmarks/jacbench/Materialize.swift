import Dispatch
import Jacobians
import MatrixCore

/// Medians of several bodies timed in alternation (one run of each per round, after one warm-up
/// round), so that every figure of a line saw the same machine load.
private func interleavedMedians(rounds: Int, _ bodies: [() -> Void]) -> [Double] {
  for b in bodies { b() }
  var times = [[Double]](repeating: [], count: bodies.count)
  for _ in 0..<rounds {
    for (k, b) in bodies.enumerated() {
      let t0 = now()
      b()
      times[k].append(now() - t0)
    }
  }
  return times.map { $0.sorted()[$0.count / 2] }
}

/// Writes 1 into every place of `p`, split between `threads` threads.
private func fill(_ p: UnsafeMutableBufferPointer<Double>, threads: Int) {
  if threads == 1 {
    p.update(repeating: 1)
    return
  }
  let n = p.count
  let base = Int(bitPattern: p.baseAddress)  // an address is Sendable, a pointer is not
  DispatchQueue.concurrentPerform(iterations: threads) { t in
    let (lo, hi) = (t * n / threads, (t + 1) * n / threads)
    UnsafeMutablePointer<Double>(bitPattern: base)!.advanced(by: lo).update(repeating: 1, count: hi - lo)
  }
}

/// `materialize`: the dense ∂vec(RᵀR)/∂(vec R)ᵀ = (Iₙ⊗Rᵀ) + (Rᵀ⊗Iₙ)K(n,n), n²×n² (2304² entries at
/// n = 48, 4096² at n = 64), built from its structure, beside references that write as many
/// doubles, all timed in alternation in the same run. Two lines per n:
///
/// - `"memory":"fresh"`: `Jacobian.materialized()`, a new matrix every call (what JAX does: its
///   jacfwd/jacrev return a new array every call). `reference`: writing n⁴ doubles into a new
///   buffer with huge pages advised, as `LargeBuffer` allocates (the least a new dense result costs
///   here). Also: `plainSeconds`, the same writes into a new plain `[Double]` (4 KiB pages, the
///   reference of the last session); `twoThreadSeconds`, the huge-page writes split over two
///   threads; `warmSeconds`, the same writes into memory already touched; and from these the
///   page-fault cost per 4 KiB page and per 2 MiB page.
/// - `"memory":"reused"`: `Jacobian.materialize(into:)` into one matrix reused every call (no
///   allocation, no page faults). `reference`: writing n⁴ doubles into an equally warm buffer.
///
/// The peer script Benchmarks/peers/materialize.py times jax.jacfwd/jax.jacrev on the same sizes.
let materializeCase = BenchmarkCase(name: "materialize") {
  for n in [48, 64] {
    let r = Matrix.randomNormal(n, n, seed: 7)
    let j = Jacobian.gram(r)
    let count = n * n * n * n
    var out = Matrix.zeros(n * n, n * n)
    var warm = [Double](repeating: 0, count: count)
    let t = interleavedMedians(rounds: 11, [
      {
        let m = try! j.materialized()
        precondition(m.rows == n * n && m.storage[count - 1].isFinite)
      },
      {
        let a = LargeBuffer.doubles(count: count) { fill($0, threads: 1) }
        precondition(a[count - 1] == 1)
      },
      {
        let a = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
          buffer.update(repeating: 1)
          initialized = count
        }
        precondition(a[count - 1] == 1)
      },
      {
        let a = LargeBuffer.doubles(count: count) { fill($0, threads: 2) }
        precondition(a[count - 1] == 1)
      },
      {
        try! j.materialize(into: &out)
        precondition(out.storage[count - 1].isFinite)
      },
      {
        warm.withUnsafeMutableBufferPointer { fill($0, threads: 1) }
        precondition(warm[count - 1] == 1)
      },
    ])
    let (fresh, hugeRef, plainRef, twoThreads, reused, warmRef) = (t[0], t[1], t[2], t[3], t[4], t[5])
    let bytes = Double(count * 8)
    emit([
      "case": "materialize", "n": n, "entries": count, "memory": "fresh", "seconds": fresh,
      "reference": "writing n⁴ doubles into a new buffer, huge pages advised", "referenceSeconds": hugeRef,
      "ratio": fresh / hugeRef, "plainSeconds": plainRef, "plainRatio": fresh / plainRef,
      "twoThreadSeconds": twoThreads, "warmSeconds": warmRef,
      "faultMicrosecondsPer4KiB": (plainRef - warmRef) / (bytes / 4096) * 1e6,
      "faultMicrosecondsPer2MiB": (hugeRef - warmRef) / (bytes / 2_097_152) * 1e6,
      "referenceGBps": bytes / hugeRef / 1e9, "plainGBps": bytes / plainRef / 1e9, "warmGBps": bytes / warmRef / 1e9,
    ])
    emit([
      "case": "materialize", "n": n, "entries": count, "memory": "reused", "seconds": reused,
      "reference": "writing n⁴ doubles into a buffer already touched", "referenceSeconds": warmRef,
      "ratio": reused / warmRef,
    ])
  }
}
