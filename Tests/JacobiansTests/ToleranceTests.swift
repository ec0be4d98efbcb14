import Foundation
import MatrixCore
import TestSupport
import Testing

@testable import Jacobians

/// The one tolerance rule `‖E − A‖ ≤ rtol·‖E‖ + atol` and the finite differences that estimate
/// their own error, at scales from 10⁻¹² to 10¹² and at sizes up to X 2000×2000.
@Suite struct ToleranceTests {
  static let scales: [Double] = [1e-12, 1e-9, 1e-6, 1e-3, 1, 1e3, 1e6, 1e9, 1e12]

  /// ∂vec(XᵀX)/∂(vec X)ᵀ built entry by entry from the definition
  /// ∂(XᵀX)[p,q]/∂X[i,j] = δ(q,j)·X[i,p] + δ(p,j)·X[i,q] (no Kronecker product, no library).
  static func gramByDefinition(_ x: Matrix) -> Matrix {
    let (m, n) = (x.rows, x.cols)
    var j = Matrix.zeros(n * n, m * n)
    for p in 0..<n {
      for q in 0..<n {
        for i in 0..<m {
          for c in 0..<n {
            var d = 0.0
            if q == c { d += x[i, p] }
            if p == c { d += x[i, q] }
            j[p + q * n, i + c * m] = d
          }
        }
      }
    }
    return j
  }

  /// The first term only, (Iₙ⊗Xᵀ), by definition: δ(q,j)·X[i,p].
  static func firstTermByDefinition(_ x: Matrix) -> Matrix {
    let (m, n) = (x.rows, x.cols)
    var j = Matrix.zeros(n * n, m * n)
    for p in 0..<n { for q in 0..<n { for i in 0..<m { j[p + q * n, i + q * m] = x[i, p] } } }
    return j
  }

  @Test func theRuleOnNumbers() {
    let t = Tolerance(relative: 1e-8, absolute: 1e-20)
    #expect(t.bound(scale: 2) == 2e-8 + 1e-20)
    #expect(t.accepts(error: 1e-8, scale: 2))
    #expect(!t.accepts(error: 3e-8, scale: 2))
    #expect(!t.accepts(error: .nan, scale: 2))
    #expect(!t.accepts(error: 0, scale: .infinity))
    #expect(!t.accepts(error: .infinity, scale: 1))
    // atol from the magnitudes, never a fixed number.
    #expect(Tolerance.claims(magnitude: 1e-9).absolute == 1024 * Double.ulpOfOne * 1e-9)
    #expect(Tolerance.claims(magnitude: 0).absolute == 0)
    #expect(Tolerance.claims(magnitude: .nan).absolute == 0)
    let fd = Tolerance.finiteDifferences(relative: 1e-6, estimatedError: 1e-10, magnitude: 1)
    #expect(abs(fd.absolute - (4e-10 + 1024 * Double.ulpOfOne)) < 1e-25)
  }

  /// A right Jacobian holds and one wrong by a factor, a sign, a missing term or a single
  /// entry is rejected, at every scale from 10⁻¹² to 10¹²; the library's structured Jacobian is
  /// compared with the dense one built by definition.
  @Test(arguments: scales)
  func verdictsAtEveryScale(_ scale: Double) throws {
    let x = Matrix.randomNormal(4, 3, seed: 11).scaled(by: scale)
    let truth = Self.gramByDefinition(x)
    let computed = try Jacobian.gram(x).materialized()
    let (output, input) = (Shape(3, 3), Shape(4, 3))
    func verdict(_ actual: Matrix) -> JacobianComparison {
      JacobianComparison(expected: truth, actual: actual, output: output, input: input)
    }
    #expect(verdict(computed).holds, "scale \(scale): \(verdict(computed))")
    #expect(verdict(truth).worst.isEmpty)
    for (what, wrong) in [
      ("factor 2", truth.scaled(by: 2)), ("factor 1.001", truth.scaled(by: 1.001)), ("sign", truth.scaled(by: -1)),
      ("missing term", Self.firstTermByDefinition(x)), ("zero", Matrix.zeros(9, 12)),
      ("transpose-shaped mistake", truth.scaled(by: 1 + 1e-6)),
    ] {
      let c = verdict(wrong)
      #expect(!c.holds, "scale \(scale): \(what) holds: \(c)")
      #expect(!c.worst.isEmpty, "scale \(scale): \(what)")
      #expect(c.maxRelError > 1e-7, "scale \(scale): \(what)")
    }
    // One entry off by 1e-6 of the scale.
    var one = truth
    one[4, 7] += 1e-6 * truth.maxAbs
    let c = verdict(one)
    #expect(!c.holds)
    #expect(c.worst.count == 1 && c.worst[0].label == "∂F[1,1]/∂X[3,1]", "\(c.worst)")
  }

  /// The worst list holds only entries above the bound, largest first.
  @Test func worstListsOnlyEntriesAboveTheTolerance() {
    let truth = Matrix(rows: 2, cols: 2, columnMajor: [1, 2, 3, 4])
    var actual = truth
    actual[0, 0] += 1e-12  // below rtol·4 = 4e-8
    actual[1, 0] += 0.5
    actual[0, 1] -= 0.25
    let c = JacobianComparison(expected: truth, actual: actual, output: Shape(2, 1), input: Shape(2, 1))
    #expect(!c.holds)
    #expect(c.worst.map(\.actual) == [2.5, 2.75])
    let fine = JacobianComparison(
      expected: truth, actual: truth.map { $0 * (1 + 1e-12) }, output: Shape(2, 1), input: Shape(2, 1))
    #expect(fine.holds && fine.worst.isEmpty && fine.maxAbsError > 0)
  }

  /// An exactly-zero Jacobian: zero against zero holds (relative error 0); anything nonzero is
  /// rejected, however small, unless it is within the rounding floor of the magnitudes.
  @Test func exactlyZeroJacobians() {
    let zero = Matrix.zeros(3, 2)
    let same = JacobianComparison(expected: zero, actual: zero, output: Shape(3, 1), input: Shape(2, 1))
    #expect(same.holds && same.maxRelError == 0)
    let tiny = Matrix(rows: 3, cols: 2, columnMajor: [0, 0, 1e-30, 0, 0, 0])
    let c = JacobianComparison(expected: zero, actual: tiny, output: Shape(3, 1), input: Shape(2, 1))
    #expect(!c.holds && c.maxRelError == .infinity && c.worst.count == 1)
    // Terms of size 1 that cancelled to 1e-17 are within 1024·ε·1.
    let cancelled = JacobianComparison(
      expected: zero, actual: tiny.map { $0 * 1e13 }, output: Shape(3, 1), input: Shape(2, 1),
      tolerance: .claims(magnitude: 1))
    #expect(cancelled.holds)
  }

  /// NaN and infinities never hold, and are listed first.
  @Test func nonFiniteEntriesNeverHold() {
    let truth = Matrix(rows: 2, cols: 2, columnMajor: [1, 2, 3, 4])
    for bad in [Double.nan, .infinity, -.infinity] {
      var actual = truth
      actual[1, 1] = bad
      let c = JacobianComparison(expected: truth, actual: actual, output: Shape(2, 1), input: Shape(2, 1))
      #expect(!c.holds && c.maxAbsError == .infinity)
      #expect(c.worst.first?.label == "∂F[1,0]/∂X[1,0]")
      let reversed = JacobianComparison(expected: actual, actual: actual, output: Shape(2, 1), input: Shape(2, 1))
      #expect(!reversed.holds)
      #expect(!Tolerance.claims(magnitude: 4).accepts(expected: truth, actual: actual))
    }
    let allNaN = Matrix(rows: 2, cols: 2, columnMajor: [.nan, .nan, .nan, .nan])
    #expect(!JacobianComparison(expected: allNaN, actual: allNaN, output: Shape(2, 1), input: Shape(2, 1)).holds)
  }

  /// Ridders' extrapolated finite differences against the closed form written here, at every
  /// scale: the actual error is within the estimated error (×4) and tiny relative to the scale.
  @Test(arguments: scales)
  func extrapolatedDifferencesEstimateTheirError(_ scale: Double) throws {
    let x = Matrix.randomNormal(4, 3, seed: 12).scaled(by: scale)
    let gram = { (x: Matrix) -> Matrix in Reference.product(Reference.transpose(x), x) }
    let e = try NumericDifferentiation.jacobianEstimate(of: gram, at: x)
    let truth = Self.gramByDefinition(x)
    let error = e.value.maxAbsDifference(truth)
    #expect(error <= 4 * e.estimatedError + Tolerance.roundingFloor(truth.maxAbs), "scale \(scale)")
    #expect(error <= 1e-9 * truth.maxAbs, "scale \(scale): error \(error)")
    #expect(e.estimatedError <= 1e-8 * truth.maxAbs, "scale \(scale): estimate \(e.estimatedError)")
    // A transcendental function: d exp(s·x)/dx = s·exp(s·x), entrywise (diagonal Jacobian).
    let y = Matrix.randomNormal(3, 2, seed: 13).scaled(by: 1 / max(scale, 1e-300))
    let s = scale
    let f = { (y: Matrix) -> Matrix in y.map { Foundation.exp(s * $0) } }
    let ey = try NumericDifferentiation.jacobianEstimate(of: f, at: y)
    var exact = Matrix.zeros(6, 6)
    for k in 0..<6 { exact[k, k] = s * Foundation.exp(s * y.storage[k]) }
    #expect(ey.value.maxAbsDifference(exact) <= 1e-8 * exact.maxAbs, "scale \(scale)")
    #expect(ey.value.maxAbsDifference(exact) <= 4 * ey.estimatedError + Tolerance.roundingFloor(exact.maxAbs))
  }

  /// The directional check: the right Jacobian of F(X) = Σ exp(X) and of Σ X² passes and wrong
  /// ones (a factor, a sign, one entry) fail, for X up to 2000×2000, at scales 10⁻⁶…10⁶ of Σ X².
  /// F is written here with plain loops, the Jacobian is the closed form as a dense row.
  @Test(arguments: [(40, 40), (200, 200), (2000, 2000)])
  func directionalChecksAtLargeSizes(_ size: (Int, Int)) throws {
    let start = Date()
    let x = Matrix.randomNormal(size.0, size.1, seed: 14)
    let n = x.count
    let sumExp = { (x: Matrix) -> Matrix in
      var s = 0.0
      x.storage.withUnsafeBufferPointer { for v in $0 { s += Foundation.exp(v) } }
      return Matrix(rows: 1, cols: 1, columnMajor: [s])
    }
    let gradient = x.map { Foundation.exp($0) }
    func row(_ g: Matrix) -> Jacobian {
      Jacobian(output: Shape(1, 1), input: x.shape, dense: Matrix(rows: 1, cols: n, columnMajor: g.storage))
    }
    let directions = n > 1_000_000 ? 2 : 4
    let right = try NumericDifferentiation.directionalCheck(row(gradient), of: sumExp, at: x, directions: directions)
    #expect(right.passed, "\(size): \(right)")
    // One direction suffices to reject (and keeps X 2000×2000 fast).
    let doubled = try NumericDifferentiation.directionalCheck(
      row(gradient.scaled(by: 2)), of: sumExp, at: x, directions: 1)
    #expect(doubled.verdict == .failed, "\(size): \(doubled)")
    var oneEntry = gradient
    oneEntry[linear: n / 2] += 10 * max(1, gradient.maxAbs)
    let single = try NumericDifferentiation.directionalCheck(row(oneEntry), of: sumExp, at: x, directions: 1)
    #expect(single.verdict == .failed, "\(size): \(single)")
    if n <= 40_000 {
      for scale in [1e-6, 1.0, 1e6] {
        let xs = x.scaled(by: scale)
        let sumSquares = { (x: Matrix) -> Matrix in
          var s = 0.0
          x.storage.withUnsafeBufferPointer { for v in $0 { s += v * v } }
          return Matrix(rows: 1, cols: 1, columnMajor: [s])
        }
        let twoX = Jacobian(
          output: Shape(1, 1), input: xs.shape, dense: Matrix(rows: 1, cols: n, columnMajor: xs.storage.map { 2 * $0 }))
        let ok = try NumericDifferentiation.directionalCheck(twoX, of: sumSquares, at: xs, directions: 4)
        #expect(ok.passed, "\(size) scale \(scale): \(ok)")
        let negated = Jacobian(
          output: Shape(1, 1), input: xs.shape, dense: Matrix(rows: 1, cols: n, columnMajor: xs.storage.map { -2 * $0 }))
        let wrong = try NumericDifferentiation.directionalCheck(negated, of: sumSquares, at: xs, directions: 4)
        #expect(wrong.verdict == .failed, "\(size) scale \(scale): \(wrong)")
      }
    }
    print("ToleranceTests: directional checks at X \(size.0)×\(size.1) took \(Date().timeIntervalSince(start)) s")
  }

  /// A check that would pass only thanks to finite differences noisier than 10⁻³ of the scale
  /// decides nothing (inconclusive); an infinite estimate (a single usable step) never decides.
  @Test func tooNoisyFiniteDifferencesDecideNothing() {
    #expect(!FiniteDifferenceEstimate.isTooNoisy(1e-12, scale: 1))
    #expect(!FiniteDifferenceEstimate.isTooNoisy(2e-4, scale: 1))
    #expect(FiniteDifferenceEstimate.isTooNoisy(3e-4, scale: 1))
    #expect(FiniteDifferenceEstimate.isTooNoisy(.infinity, scale: 1))
    #expect(FiniteDifferenceEstimate.isTooNoisy(.nan, scale: 1))
    #expect(!FiniteDifferenceEstimate.isTooNoisy(0, scale: 0))
    #expect(FiniteDifferenceEstimate.isTooNoisy(2e-16, scale: 1e-14))
    // Scale-free: the same verdict at 10⁻¹² and 10¹².
    for s in [1e-12, 1.0, 1e12] {
      #expect(!FiniteDifferenceEstimate.isTooNoisy(1e-9 * s, scale: s))
      #expect(FiniteDifferenceEstimate.isTooNoisy(1e-3 * s, scale: s))
    }
  }

  /// Where F is undefined a step away (sqrt near 0), the step shrinks until it is defined.
  @Test func stepsShrinkWhereTheFunctionIsUndefined() throws {
    let x = Matrix(column: [1e-3, 2, 3])
    let f = { (x: Matrix) throws -> Matrix in
      guard x.storage.allSatisfy({ $0 >= 0 }) else { throw JacobianError.shapeMismatch("outside the domain") }
      return x.map { $0.squareRoot() }
    }
    let e = try NumericDifferentiation.jacobianEstimate(of: f, at: x)
    for k in 0..<3 {
      let exact = 0.5 / x.storage[k].squareRoot()
      #expect(abs(e.value[k, k] - exact) <= 1e-7 * exact, "\(k): \(e.value[k, k]) vs \(exact)")
    }
    #expect(throws: JacobianError.self) {
      try NumericDifferentiation.jacobianEstimate(of: { _ in throw JacobianError.shapeMismatch("never") }, at: x)
    }
  }
}
