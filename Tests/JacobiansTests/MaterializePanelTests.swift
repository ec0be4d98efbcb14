import Foundation
import MatrixCore
import TestSupport
import Testing

@testable import Jacobians

// Materialisation by column panels and threads (StructuredMatrix+Materialize, EntryGenerator):
// random structured operators, seeded, of odd sizes, written with panels of 1, 3 and 7 columns
// (which do not divide the sizes), of the default size and as one panel, on 1, 2 and 3 threads,
// into memory full of NaN (the panels zeroed by the writer) and into memory already zero (the
// fresh path, which relies on it), each compared with the operator's dense matrix built here by
// definition (Kronecker products and commutation matrices entry by entry, products as
// Σₖ A[i,k]·B[k,j]: `Reference`). Sums of terms may round differently from the reference's order
// of additions, hence a relative tolerance of 1e-14.

/// A random operator of the given size and its dense matrix by definition.
private struct RandomOperator {
  var op: StructuredMatrix.Storage
  var dense: Matrix
  var text: String
}

/// The ways to write `n` as a·b with a, b > 1.
private func splits(_ n: Int) -> [(Int, Int)] {
  (2..<max(2, n)).compactMap { a in n % a == 0 && n / a > 1 ? (a, n / a) : nil }
}

private func divisors(_ n: Int) -> [Int] { (1...max(1, n)).filter { n % $0 == 0 } }

private func randomOperator(_ rows: Int, _ cols: Int, depth: Int, _ g: inout SeededGenerator) -> RandomOperator {
  func pick<T>(_ xs: [T]) -> T { xs[Int(g.next() % UInt64(xs.count))] }
  func dense(_ r: Int, _ c: Int) -> RandomOperator {
    var m = Matrix.randomNormal(r, c, using: &g)
    // Some exact zeros, which the generator skips.
    for k in 0..<m.count where g.next() % 5 == 0 { m[linear: k] = 0 }
    return RandomOperator(op: .dense(m, label: nil), dense: m, text: "D\(r)x\(c)")
  }
  var kinds = ["dense", "zero"]
  if rows == cols { kinds += ["diagonal", "identity"] }
  if rows == cols && !splits(rows).isEmpty { kinds.append("commutation") }
  if depth > 0 {
    kinds += ["scaled", "sum", "sum", "product"]
    if divisors(rows).count > 2 || divisors(cols).count > 2 { kinds += ["kronecker", "kronecker"] }
    if !splits(rows).isEmpty { kinds.append("permutedRows") }
    if !splits(cols).isEmpty { kinds.append("permutedColumns") }
  }
  switch pick(kinds) {
  case "zero":
    return RandomOperator(op: .zero(rows: rows, cols: cols), dense: .zeros(rows, cols), text: "0")
  case "diagonal":
    let d = (0..<rows).map { _ in g.next() % 4 == 0 ? 0 : g.nextNormal() }
    var m = Matrix.zeros(rows, rows)
    for i in 0..<rows { m[i, i] = d[i] }
    return RandomOperator(op: .diagonal(d), dense: m, text: "diag\(rows)")
  case "identity":
    let s = pick([1.0, -2.5])
    var m = Matrix.zeros(rows, rows)
    for i in 0..<rows { m[i, i] = s }
    return RandomOperator(op: .identity(n: rows, scale: s), dense: m, text: "\(s)I\(rows)")
  case "commutation":
    let (m, n) = pick(splits(rows))
    return RandomOperator(op: .commutation(Commutation(m, n)), dense: Reference.commutation(m, n), text: "K(\(m),\(n))")
  case "scaled":
    let a = randomOperator(rows, cols, depth: depth - 1, &g)
    let s = pick([-0.5, 3.0])
    var m = a.dense
    for k in 0..<m.count { m[linear: k] *= s }
    return RandomOperator(op: .scaled(s, a.op), dense: m, text: "\(s)·\(a.text)")
  case "sum":
    let a = randomOperator(rows, cols, depth: depth - 1, &g)
    let b = randomOperator(rows, cols, depth: depth - 1, &g)
    return RandomOperator(op: .sum([a.op, b.op]), dense: Reference.sum(a.dense, b.dense), text: "(\(a.text) + \(b.text))")
  case "kronecker":
    // A p×q, B (rows/p)×(cols/q), not both 1×1 splits of nothing.
    var (p, q) = (1, 1)
    while (p == 1 && q == 1) || (p == rows && q == cols) {
      (p, q) = (pick(divisors(rows)), pick(divisors(cols)))
    }
    let a = randomOperator(p, q, depth: depth - 1, &g)
    let b = randomOperator(rows / p, cols / q, depth: depth - 1, &g)
    return RandomOperator(
      op: .kronecker(a.op, b.op), dense: Reference.kron(a.dense, b.dense), text: "(\(a.text) ⊗ \(b.text))")
  case "permutedRows":
    let (m, n) = pick(splits(rows))
    let b = randomOperator(rows, cols, depth: depth - 1, &g)
    return RandomOperator(
      op: .product([.commutation(Commutation(m, n)), b.op]), dense: Reference.product(Reference.commutation(m, n), b.dense),
      text: "K(\(m),\(n))·\(b.text)")
  case "permutedColumns":
    let (m, n) = pick(splits(cols))
    let a = randomOperator(rows, cols, depth: depth - 1, &g)
    return RandomOperator(
      op: .product([a.op, .commutation(Commutation(m, n))]), dense: Reference.product(a.dense, Reference.commutation(m, n)),
      text: "\(a.text)·K(\(m),\(n))")
  case "product":
    // Two dense factors: no commutation at either end, so the generator forms it densely.
    let k = pick([1, 2, 5])
    let (a, b) = (dense(rows, k), dense(k, cols))
    return RandomOperator(op: .product([a.op, b.op]), dense: Reference.product(a.dense, b.dense), text: "\(a.text)·\(b.text)")
  default:
    return dense(rows, cols)
  }
}

@Suite struct MaterializePanelTests {
  /// Odd sizes with several factorisations (15 = 3·5, 21, 35, 9, 45), primes (7, 11) and sizes
  /// with many factors (12, 24, 36: Kronecker products nested two deep).
  private let sizes = [(15, 15), (21, 35), (35, 21), (9, 12), (12, 9), (7, 15), (11, 7), (45, 45), (36, 24), (24, 36), (12, 12)]

  @Test func panelsAndThreadsWriteTheDenseMatrixByDefinition() throws {
    let seed = UInt64(ProcessInfo.processInfo.environment["JAC_TEST_SEED"] ?? "") ?? 20_261_130
    var g = SeededGenerator(seed: seed)
    var cases = 0
    for trial in 0..<88 {
      let (rows, cols) = sizes[trial % sizes.count]
      let r = randomOperator(rows, cols, depth: 3, &g)
      let generator = try EntryGenerator(r.op, limitBytes: 1 << 30)
      let note = "seed \(seed) (JAC_TEST_SEED), trial \(trial), \(rows)×\(cols): \(r.text)"
      // Units of memory handed to threads: 2 MiB (one unit at these sizes), 1,000 bytes (not a
      // power of two, and columns cross unit boundaries) and 64 bytes (a unit per column or
      // less).
      let unitBytes = [LargeBuffer.hugePageBytes, 1000, 64][trial % 3]
      for panelColumns in [1, 3, 7, 0] {
        let panelBytes = panelColumns == 0 ? Int.max : panelColumns * rows * 8
        for threads in [1, 2, 3] {
          for alreadyZero in [false, true] {
            var out = [Double](repeating: alreadyZero ? 0 : .nan, count: rows * cols)
            out.withUnsafeMutableBufferPointer { p in
              StructuredMatrix.Storage.write(
                generator, rows: rows, cols: cols, into: p, threads: threads, panelBytes: panelBytes, alreadyZero: alreadyZero,
                unitBytes: unitBytes)
            }
            let got = Matrix(rows: rows, cols: cols, columnMajor: out)
            #expect(
              Reference.relativeError(got, r.dense) <= 1e-14,
              "\(note); panels of \(panelColumns == 0 ? "all" : String(panelColumns)) columns, units of \(unitBytes) bytes, \(threads) threads, zero first: \(alreadyZero)"
            )
            cases += 1
          }
        }
      }
      // Through the public entry points, with the default panels.
      for threads in [nil, 1, 2] {
        let fresh = try StructuredMatrix(r.op).materialized(threads: threads)
        #expect(fresh.shape == r.dense.shape && Reference.relativeError(fresh, r.dense) <= 1e-14, "\(note), fresh, \(threads ?? 0) threads")
        var reused = Matrix(rows: rows, cols: cols, repeating: .nan)
        try StructuredMatrix(r.op).materialize(into: &reused, threads: threads)
        #expect(Reference.relativeError(reused, r.dense) <= 1e-14, "\(note), into, \(threads ?? 0) threads")
      }
    }
    #expect(cases == 88 * 4 * 3 * 2)
  }

  /// Kronecker products nested so that a diagonal or identity factor places a part whose rows
  /// are already spread (row stride above 1), with commutations around them, on panels of 1, 3
  /// and 7 columns: against the matrices by definition.
  @Test func nestedKroneckerPlacementsEqualTheDefinition() throws {
    let d = (Matrix.randomNormal(3, 2, seed: 21), Matrix.randomNormal(2, 3, seed: 22))
    let e = [1.5, -2.0, 0.5]
    var diagE = Matrix.zeros(3, 3)
    for i in 0..<3 { diagE[i, i] = e[i] }
    typealias S = StructuredMatrix.Storage
    let (a, b) = (S.dense(d.0, label: nil), S.dense(d.1, label: nil))
    let k = Commutation(3, 2)
    let cases: [(String, S, Matrix)] = [
      ("(A⊗diag)⊗I2", .kronecker(.kronecker(a, .diagonal(e)), .identity(n: 2, scale: 1)),
       Reference.kron(Reference.kron(d.0, diagE), Reference.identity(2))),
      ("I2⊗(A⊗diag)", .kronecker(.identity(n: 2, scale: -1), .kronecker(a, .diagonal(e))),
       Reference.kron(Matrix.identity(2).scaled(by: -1), Reference.kron(d.0, diagE))),
      ("((A⊗I3)⊗diag)", .kronecker(.kronecker(a, .identity(n: 3, scale: 1)), .diagonal(e)),
       Reference.kron(Reference.kron(d.0, Reference.identity(3)), diagE)),
      ("(A⊗B)⊗(diag⊗B)", .kronecker(.kronecker(a, b), .kronecker(.diagonal(e), b)),
       Reference.kron(Reference.kron(d.0, d.1), Reference.kron(diagE, d.1))),
      ("((A⊗diag)·K(3,2))⊗diag", .kronecker(.product([.kronecker(a, .diagonal(e)), .commutation(k)]), .diagonal(e)),
       Reference.kron(Reference.product(Reference.kron(d.0, diagE), Reference.commutation(3, 2)), diagE)),
      ("K(3,2)·(B⊗diag)·K... ⊗ I2", .kronecker(.product([.commutation(Commutation(2, 3)), .kronecker(b, .identity(n: 3, scale: 2))]), .identity(n: 2, scale: 1)),
       Reference.kron(Reference.product(Reference.commutation(2, 3), Reference.kron(d.1, Matrix.identity(3).scaled(by: 2))), Reference.identity(2))),
    ]
    for (name, op, expected) in cases {
      let g = try EntryGenerator(op, limitBytes: 1 << 30)
      let (rows, cols) = (expected.rows, expected.cols)
      #expect(op.rows == rows && op.cols == cols, "\(name): size")
      for panelColumns in [1, 3, 7] {
        var out = [Double](repeating: .nan, count: rows * cols)
        out.withUnsafeMutableBufferPointer { p in
          S.write(g, rows: rows, cols: cols, into: p, threads: 2, panelBytes: panelColumns * rows * 8)
        }
        #expect(Reference.relativeError(Matrix(rows: rows, cols: cols, columnMajor: out), expected) <= 1e-15, "\(name), panels of \(panelColumns)")
      }
    }
  }

  /// ∂(RᵀR)/∂R for R 45×47 (2209×2115, 37 MB: huge pages, panels of 14 columns that do not
  /// divide 2115, runs of panels handed to threads): fresh and reused, 1, 2 and 3 threads,
  /// against the entry rule δ(j,p)·R[i,q] + δ(j,q)·R[i,p] at row p + q·n, column i + j·m.
  @Test func aLargeGramJacobianOnSeveralThreadsEqualsTheEntryRule() throws {
    let (m, n) = (45, 47)
    let r = Matrix.randomNormal(m, n, seed: 11)
    let j = Jacobian.gram(r)
    var reused = Matrix(rows: n * n, cols: m * n, repeating: .nan)
    for threads in [1, 2, 3] {
      let fresh = try j.materialized(threads: threads)
      try j.materialize(into: &reused, threads: threads)
      var wrong = (fresh: 0, reused: 0)
      fresh.storage.withUnsafeBufferPointer { f in
        reused.storage.withUnsafeBufferPointer { u in
          r.storage.withUnsafeBufferPointer { x in
            for q in 0..<n {
              for p in 0..<n {
                let row = p + q * n
                for c in 0..<n {
                  for i in 0..<m {
                    let expected = (c == p ? x[i + q * m] : 0) + (c == q ? x[i + p * m] : 0)
                    let k = row + (i + c * m) * (n * n)
                    if f[k] != expected { wrong.fresh += 1 }
                    if u[k] != expected { wrong.reused += 1 }
                  }
                }
              }
            }
          }
        }
      }
      #expect(wrong.fresh == 0 && wrong.reused == 0, "\(threads) threads: \(wrong.fresh) fresh, \(wrong.reused) reused entries wrong")
    }
  }

  @Test func theDefaultThreadCountIsOneForSmallOutputsAndBounded() {
    #expect(StructuredMatrix.materializationThreads(rows: 100, cols: 100) == 1)
    #expect(StructuredMatrix.materializationThreads(rows: Int.max, cols: 3) == 1)
    #expect(StructuredMatrix.materializationThreads(rows: 4096, cols: 4096) == min(4, ProcessInfo.processInfo.activeProcessorCount))
  }

  /// The units: column c belongs to the unit ⌊(address + 8·rows·c)/unitBytes⌋ of its first
  /// entry, counted here column by column; every unit holds at least one column, in order, and
  /// the units cover the columns once.
  @Test func unitsFollowTheUnitOfEachColumnsFirstEntry() {
    var g = SeededGenerator(seed: 20_261_201)
    for trial in 0..<300 {
      let rows = Int.random(in: 1...40, using: &g)
      let cols = Int.random(in: 0...60, using: &g)
      let unitBytes = [64, 100, 1000, 4096, 2 << 20][trial % 5]
      let address = 8 * Int.random(in: 1...(1 << 24), using: &g)
      let starts = StructuredMatrix.Storage.unitStarts(rows: rows, cols: cols, address: address, unitBytes: unitBytes)
      let note = "trial \(trial): \(rows)×\(cols) at \(address), units of \(unitBytes): \(starts)"
      let unitOf = { (c: Int) in (address + 8 * rows * c) / unitBytes }
      #expect(starts.first == 0 && starts.last == cols, "\(note)")
      if cols == 0 {
        #expect(starts == [0], "\(note)")
        continue
      }
      for k in 0..<(starts.count - 1) {
        let (lo, hi) = (starts[k], starts[k + 1])
        #expect(lo < hi, "\(note): unit \(k) is empty")
        guard lo < hi else { continue }
        #expect((lo..<hi).allSatisfy { unitOf($0) == unitOf(lo) }, "\(note): unit \(k) mixes units")
        if hi < cols { #expect(unitOf(hi) != unitOf(lo), "\(note): unit \(k) ends early") }
      }
    }
  }
}
