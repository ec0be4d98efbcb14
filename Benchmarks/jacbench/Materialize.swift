import Dispatch
import Foundation
@_spi(Benchmarks) import Jacobians
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
/// doubles, all timed in alternation in the same run. Ours and the references are each timed on
/// one thread and on two (`materialized(threads:)`; the references split their writes the same
/// way). Two lines per n:
///
/// - `"memory":"fresh"`: `Jacobian.materialized`, a new matrix every call (what JAX does: its
///   jacfwd/jacrev return a new array every call). `threads`: what `materialized()` chooses
///   without being told (`StructuredMatrix.materializationThreads`, asked when the line's timing
///   starts: the active processors, at most 4; timed here on at most 2); `seconds` is ours on that
///   many threads and `referenceSeconds` the writing of n⁴ doubles into a new buffer with huge
///   pages advised (as `LargeBuffer` allocates: the least a new dense result costs here) on as
///   many, `ratio` the quotient. Beside them: `oneThreadSeconds`/`twoThreadSeconds` (ours),
///   `oneThreadReferenceSeconds`/`twoThreadReferenceSeconds`, `oneThreadRatio`/`twoThreadRatio`,
///   and `ratioToOneThreadReference` (ours on `threads` threads over the one-thread writes).
///   What the parts of the method gain, each on one thread: `zeroPassSeconds` (each panel
///   written to zero by us instead of relying on the kernel's zeroing of fresh pages) and
///   `onePanelSeconds` (the previous method: the whole buffer zeroed first, then every entry
///   added). Also: `plainSeconds`, the one-thread writes into a new plain `[Double]` (4 KiB pages);
///   `warmSeconds`, the same writes into a huge-page buffer already touched; and from these the
///   page-fault cost per 4 KiB page and per 2 MiB page; `hugePageOffsetBytes`, how far past a
///   2 MiB boundary five fresh outputs started (0–64: the padded block was mapped on a boundary).
/// - `"memory":"reused"`: `Jacobian.materialize(into:)` into one matrix reused every call (no
///   allocation, no page faults), on `threads` threads (what `materialize(into:)` chooses). `reference`: writing n⁴ doubles into an
///   equally warm buffer (huge pages) on as many threads; `oneThreadSeconds`,
///   `twoThreadSeconds`: ours.
///
/// The peer script Benchmarks/peers/materialize.py times jax.jacfwd/jax.jacrev on the same sizes.
let materializeCase = BenchmarkCase(name: "materialize") {
  for n in [48, 64] {
    let r = Matrix.randomNormal(n, n, seed: 7)
    let j = Jacobian.gram(r)
    let count = n * n * n * n
    let threads = StructuredMatrix.materializationThreads(rows: n * n, cols: n * n)
    var out = Matrix.zeros(n * n, n * n)
    var warm = LargeBuffer.zeros(count: count)
    func fresh(_ threads: Int) -> () -> Void {
      {
        let m = try! j.materialized(threads: threads)
        precondition(m.rows == n * n && m.storage[count - 1].isFinite)
      }
    }
    func reference(_ threads: Int) -> () -> Void {
      {
        let a = LargeBuffer.doubles(count: count) { fill($0, threads: threads) }
        precondition(a[count - 1] == 1)
      }
    }
    let t = interleavedMedians(rounds: 11, [
      fresh(1), fresh(2), reference(1), reference(2),
      {
        let m = try! j.matrix.materializedByStructure(panelBytes: 256 << 10, threads: 1, kernelZeroes: false)
        precondition(m.rows == n * n && m.storage[count - 1].isFinite)
      },
      {
        let m = try! j.matrix.materializedByStructure(panelBytes: .max, threads: 1, kernelZeroes: false)
        precondition(m.rows == n * n && m.storage[count - 1].isFinite)
      },
      {
        let a = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
          buffer.update(repeating: 1)
          initialized = count
        }
        precondition(a[count - 1] == 1)
      },
      {
        try! j.materialize(into: &out, threads: 1)
        precondition(out.storage[count - 1].isFinite)
      },
      {
        try! j.materialize(into: &out, threads: 2)
        precondition(out.storage[count - 1].isFinite)
      },
      {
        warm.withUnsafeMutableBufferPointer { fill($0, threads: 1) }
        precondition(warm[count - 1] == 1)
      },
      {
        warm.withUnsafeMutableBufferPointer { fill($0, threads: 2) }
        precondition(warm[count - 1] == 1)
      },
    ])
    let (fresh1, fresh2, ref1, ref2, zeroPass, onePanel, plainRef) = (t[0], t[1], t[2], t[3], t[4], t[5], t[6])
    let (reused1, reused2, warm1, warm2) = (t[7], t[8], t[9], t[10])
    let (ours, ref) = threads == 1 ? (fresh1, ref1) : (fresh2, ref2)
    let reusedThreads = StructuredMatrix.materializationThreads(rows: n * n, cols: n * n)
    let (oursReused, warmRef) = reusedThreads == 1 ? (reused1, warm1) : (reused2, warm2)
    // Where fresh outputs land: bytes past a 2 MiB boundary (0–64 when the allocator mapped the
    // padded block and the kernel put it on a boundary, so its end pages are huge too).
    let offsets = (0..<5).map { _ in
      (try! j.materialized()).storage.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) % LargeBuffer.hugePageBytes }
    }
    let bytes = Double(count * 8)
    emit([
      "case": "materialize", "n": n, "entries": count, "memory": "fresh", "threads": min(threads, 2), "seconds": ours,
      "reference": "writing n⁴ doubles into a new buffer, huge pages advised, on as many threads",
      "referenceSeconds": ref, "ratio": ours / ref,
      "oneThreadSeconds": fresh1, "twoThreadSeconds": fresh2,
      "oneThreadReferenceSeconds": ref1, "twoThreadReferenceSeconds": ref2,
      "oneThreadRatio": fresh1 / ref1, "twoThreadRatio": fresh2 / ref2, "ratioToOneThreadReference": ours / ref1,
      "zeroPassSeconds": zeroPass, "onePanelSeconds": onePanel,
      "plainSeconds": plainRef, "warmSeconds": warm1,
      "faultMicrosecondsPer4KiB": (plainRef - warm1) / (bytes / 4096) * 1e6,
      "faultMicrosecondsPer2MiB": (ref1 - warm1) / (bytes / 2_097_152) * 1e6,
      "referenceGBps": bytes / ref / 1e9, "plainGBps": bytes / plainRef / 1e9, "warmGBps": bytes / warm1 / 1e9,
      "hugePageOffsetBytes": offsets,
    ])
    emit([
      "case": "materialize", "n": n, "entries": count, "memory": "reused", "threads": min(reusedThreads, 2),
      "seconds": oursReused,
      "reference": "writing n⁴ doubles into a buffer already touched (huge pages), on as many threads",
      "referenceSeconds": warmRef, "ratio": oursReused / warmRef,
      "oneThreadSeconds": reused1, "twoThreadSeconds": reused2,
    ])
  }
}
