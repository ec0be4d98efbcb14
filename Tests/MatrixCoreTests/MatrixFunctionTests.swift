import Foundation
import Testing

@testable import MatrixCore

/// `softmax()`, `logSumExp()`, `Matrix.broadcasting` and `power(_:)` against references written
/// here: the definitions entry by entry, closed forms, and products multiplied out one by one.
/// Tolerances are relative and stated at each comparison; random matrices are seeded (the seed is
/// in the failure message).
struct MatrixFunctionTests {
  /// `max |a − b| ≤ tolerance · max(1, max |b|)`.
  static func close(_ a: Matrix, _ b: Matrix, _ tolerance: Double) -> Bool {
    a.shape == b.shape && a.maxAbsDifference(b) <= tolerance * Swift.max(1, b.maxAbs)
  }

  // MARK: softmax and log-sum-exp

  @Test func softmaxIsTheDefinitionForModerateEntries() {
    for seed: UInt64 in 1...5 {
      let x = Matrix.randomNormal(3, 2, seed: seed).scaled(by: 3)
      // exp(x_k) / Σ_j exp(x_j), unshifted: fine for |x| of a few units.
      let total = x.storage.reduce(0) { $0 + exp($1) }
      let expected = Matrix(rows: 3, cols: 2, columnMajor: x.storage.map { exp($0) / total })
      #expect(Self.close(x.softmax(), expected, 1e-14), "seed \(seed)")
      #expect(abs(x.softmax().sum - 1) <= 1e-15 * 6, "seed \(seed)")
    }
  }

  @Test func softmaxIsStableForLargeAndVeryNegativeEntries() {
    let e = exp(1.0)
    // Closed forms: softmax([a, a+1]) = [1/(1+e), e/(1+e)] whatever a.
    for a in [-1000.0, 0, 1000] {
      let s = Matrix(column: [a, a + 1]).softmax()
      #expect(s.firstNonFinite == nil, "a = \(a)")
      #expect(abs(s.storage[0] - 1 / (1 + e)) <= 1e-15, "a = \(a)")
      #expect(abs(s.storage[1] - e / (1 + e)) <= 1e-15, "a = \(a)")
    }
    #expect(Matrix(column: [1000, 1000]).softmax().storage == [0.5, 0.5])
    #expect(Matrix.zeros(0, 1).softmax().count == 0)
  }

  @Test func logSumExpIsTheDefinitionAndStable() {
    for seed: UInt64 in 1...5 {
      let x = Matrix.randomNormal(2, 3, seed: seed).scaled(by: 3)
      let expected = log(x.storage.reduce(0) { $0 + exp($1) })
      #expect(abs(x.logSumExp() - expected) <= 1e-14 * Swift.max(1, abs(expected)), "seed \(seed)")
    }
    // Closed forms where the definition overflows or underflows: log(n·e^a) = a + log n.
    #expect(abs(Matrix(column: [1000, 1000]).logSumExp() - (1000 + log(2))) <= 1e-13)
    #expect(abs(Matrix(column: [-1000, -1000, -1000]).logSumExp() - (-1000 + log(3))) <= 1e-13)
    #expect(Matrix(column: [-800]).logSumExp() == -800)
    #expect(Matrix.zeros(0, 1).logSumExp() == -Double.infinity)
  }

  // MARK: Broadcasting

  /// The rule of docs/language.md written out: index 0 along a size of 1.
  static func byDefinition(_ a: Matrix, _ b: Matrix, rows: Int, cols: Int, _ f: (Double, Double) -> Double) -> Matrix {
    var out = Matrix.zeros(rows, cols)
    for i in 0..<rows {
      for j in 0..<cols {
        let x = a[a.rows == 1 ? 0 : i, a.cols == 1 ? 0 : j]
        let y = b[b.rows == 1 ? 0 : i, b.cols == 1 ? 0 : j]
        out[linear: i + j * rows] = f(x, y)
      }
    }
    return out
  }

  @Test func broadcastingFollowsTheLanguageRules() throws {
    let cases: [((Int, Int), (Int, Int), (Int, Int))] = [
      ((3, 4), (3, 4), (3, 4)), ((3, 4), (3, 1), (3, 4)), ((3, 4), (1, 4), (3, 4)), ((3, 1), (1, 4), (3, 4)),
      ((1, 1), (2, 3), (2, 3)), ((2, 3), (1, 1), (2, 3)), ((1, 4), (3, 1), (3, 4)),
    ]
    for (k, (sa, sb, s)) in cases.enumerated() {
      let seed = UInt64(10 + k)
      let a = Matrix.randomNormal(sa.0, sa.1, seed: seed)
      let b = Matrix.randomNormal(sb.0, sb.1, seed: seed + 100)
      for (name, f) in [("+", (+) as (Double, Double) -> Double), ("-", (-)), ("*", (*)), ("max", Swift.max)] {
        let r = try Matrix.broadcasting(a, b, f)
        // Exactly equal: the same operation on the same entries.
        #expect(r == Self.byDefinition(a, b, rows: s.0, cols: s.1, f), "\(sa) \(name) \(sb), seed \(seed)")
      }
    }
  }

  @Test func broadcastingRefusesSizesThatDoNotFit() {
    #expect(throws: MatrixError.self) { try Matrix.broadcasting(.zeros(3, 4), .zeros(2, 1), +) }
    #expect(throws: MatrixError.self) { try Matrix.broadcasting(.zeros(3, 4), .zeros(3, 2), +) }
  }

  // MARK: Matrix powers

  @Test func powerIsTheProductMultipliedOut() throws {
    for seed: UInt64 in 1...3 {
      let a = Matrix.randomNormal(4, 4, seed: seed).scaled(by: 0.5)
      var expected = Matrix.identity(4)
      for k in 0...13 {
        // A^k as k products, one by one.
        #expect(Self.close(try a.power(k), expected, 1e-12), "k = \(k), seed \(seed)")
        expected = expected * a
      }
    }
  }

  @Test func powerClosedFormsAndNegativeExponents() throws {
    // [1 1; 0 1]^k = [1 k; 0 1], exactly.
    let shear = try Matrix([[1, 1], [0, 1]])
    for k in [0, 1, 2, 7, 64, 1000] { #expect(try shear.power(k) == Matrix([[1, Double(k)], [0, 1]]), "k = \(k)") }
    for k in [-1, -5] { #expect(try shear.power(k) == Matrix([[1, Double(k)], [0, 1]]), "k = \(k)") }
    // diag(2, 3)^-3 = diag(1/8, 1/27).
    #expect(Self.close(try Matrix.diagonal([2, 3]).power(-3), .diagonal([1.0 / 8, 1.0 / 27]), 1e-15))
  }

  @Test func powerTakesLogarithmicallyManyProducts() throws {
    guard WorkCount.isAvailable else { return }
    let a = Matrix.randomNormal(5, 5, seed: 3).scaled(by: 0.2)
    // k = 64: six squarings; k = 63 = 0b111111: five squarings and five products. Each product is
    // 5³ multiply-adds; |k| − 1 products one by one would be 63 and 62.
    let (_, work64) = try WorkCount.counting { try a.power(64) }
    let (_, work63) = try WorkCount.counting { try a.power(63) }
    #expect(work64 == 6 * 125)
    #expect(work63 == 10 * 125)
  }

  @Test func powerRefusesNonSquareAndStopsAtOverflow() {
    #expect(throws: MatrixError.notSquare(operation: "a matrix power", shape: Shape(2, 3))) {
      try Matrix.zeros(2, 3).power(2)
    }
    #expect(throws: MatrixError.self) { try Matrix.zeros(2, 2).power(-1) }
    do {
      _ = try Matrix.diagonal([1e200, 1]).power(8)
      Issue.record("1e200^8 should overflow")
    } catch MatrixError.nonFinite(_, let row, let col, let value) {
      #expect(row == 0 && col == 0 && value == .infinity)
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test func diagonalColumnAndRequireShape() throws {
    let a = Matrix(rows: 2, cols: 3, rowMajor: [1, 2, 3, 4, 5, 6])
    #expect(a.diagonalColumn == Matrix(column: [1, 5]))
    #expect(a.transposed.diagonalColumn == Matrix(column: [1, 5]))
    try a.requireShape(2, 3, name: "A")
    #expect(throws: MatrixError.invalidArgument("A must be 3×2, not 2×3")) { try a.requireShape(3, 2, name: "A") }
  }
}
