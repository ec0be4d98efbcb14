import Foundation
import MatrixCore

/// Derivatives by central finite differences, the independent reference for every symbolic and
/// structured Jacobian.
public enum NumericDifferentiation {
  /// The step for entry x: `∛ε·max(1, |x|)` (≈ 6e-6), which balances the O(h²) truncation
  /// error of central differences against the O(ε/h) rounding error.
  public static func step(for x: Double) -> Double { 6.0554544523933395e-06 * max(1, abs(x)) }

  /// The dense numerator Jacobian (mn)×(ab) of `f` at `x` by central differences:
  /// column `i + j·a` is `vec(f(X + h·Eᵢⱼ) − f(X − h·Eᵢⱼ)) / 2h`. Costs 2ab evaluations of f.
  /// - Parameter step: the step for each entry (default `step(for:)`).
  public static func jacobian(
    of f: (Matrix) throws -> Matrix, at x: Matrix, step: (Double) -> Double = step(for:)
  ) throws -> Matrix {
    let f0 = try f(x)
    var j = Matrix.zeros(f0.count, x.count)
    for c in 0..<x.count {
      let h = step(x.storage[c])
      var plus = x
      var minus = x
      plus.storage[c] += h
      minus.storage[c] -= h
      // The actual difference of the representable arguments, not the nominal 2h.
      let width = plus.storage[c] - minus.storage[c]
      let fp = try f(plus)
      let fm = try f(minus)
      guard fp.shape == f0.shape, fm.shape == f0.shape else {
        throw JacobianError.shapeMismatch("the function changed its output shape near the point")
      }
      for r in 0..<f0.count { j.storage[r + c * f0.count] = (fp.storage[r] - fm.storage[r]) / width }
    }
    return j
  }

  /// The directional check `J·vec V ≈ vec(F(X+tV) − F(X−tV))/2t` over `directions` random unit
  /// directions V, at two evaluations of F per direction: for sizes where the full finite-difference
  /// Jacobian costs too much.
  public static func directionalCheck(
    _ jacobian: Jacobian, of f: (Matrix) throws -> Matrix, at x: Matrix, directions: Int = 3, seed: UInt64 = 1
  ) throws -> DirectionalCheck {
    guard x.shape == jacobian.inputShape else {
      throw JacobianError.shapeMismatch("the point is \(x.shape) but the Jacobian's input is \(jacobian.inputShape)")
    }
    var g = SeededGenerator(seed: seed)
    var worstAbs = 0.0
    var worstRel = 0.0
    let t = 6.0554544523933395e-06 * max(1, x.maxAbs)
    for _ in 0..<directions {
      var v = Matrix.randomNormal(x.rows, x.cols, using: &g)
      v = v.scaled(by: 1 / max(v.frobeniusNorm, .leastNormalMagnitude))
      let predicted = try jacobian.pushforward(v)
      let fp = try f(x + v.scaled(by: t))
      let fm = try f(x - v.scaled(by: t))
      let measured = (fp - fm).scaled(by: 1 / (2 * t))
      let err = (predicted - measured).frobeniusNorm
      worstAbs = max(worstAbs, err)
      worstRel = max(worstRel, err / max(predicted.frobeniusNorm, measured.frobeniusNorm, 1e-300))
    }
    return DirectionalCheck(directions: directions, maxAbsError: worstAbs, maxRelError: worstRel)
  }
}

/// The outcome of a directional derivative check (errors in the Frobenius norm of `J·vec V`).
public struct DirectionalCheck: Sendable, CustomStringConvertible {
  public let directions: Int
  public let maxAbsError: Double
  public let maxRelError: Double

  public func passes(relativeTolerance: Double = 1e-6) -> Bool { maxRelError <= relativeTolerance }

  public var description: String {
    String(
      format: "directional check over %d random directions: largest absolute error %.2e, relative %.2e",
      directions, maxAbsError, maxRelError)
  }
}

/// One disagreeing entry of two Jacobians, labelled `∂F[p,q]/∂X[i,j]`.
public struct EntryDiscrepancy: Sendable, Equatable, CustomStringConvertible {
  public let p: Int, q: Int, i: Int, j: Int
  public let expected: Double
  public let actual: Double

  public var label: String { "∂F[\(p),\(q)]/∂X[\(i),\(j)]" }
  public var description: String {
    "\(label): expected \(JacobianComparison.format(expected)), got \(JacobianComparison.format(actual))"
  }
}

/// A comparison of two dense numerator-layout Jacobians of F (m×n) w.r.t. X (a×b).
///
/// `maxRelError` is norm-wise: the largest absolute entry error divided by the largest entry
/// magnitude of either matrix, so that entries that should be zero do not blow it up.
public struct JacobianComparison: Sendable, CustomStringConvertible {
  public let outputShape: Shape
  public let inputShape: Shape
  public let maxAbsError: Double
  public let maxRelError: Double
  /// The worst entries, largest error first.
  public let worst: [EntryDiscrepancy]

  public init(expected: Matrix, actual: Matrix, output: Shape, input: Shape, worstCount: Int = 5) {
    precondition(expected.shape == actual.shape, "cannot compare \(expected.shape) with \(actual.shape)")
    precondition(expected.rows == output.count && expected.cols == input.count, "shapes do not match the Jacobian")
    outputShape = output
    inputShape = input
    var errs: [(Double, Int)] = []
    errs.reserveCapacity(expected.count)
    var maxAbs = 0.0
    var nonFinite = false
    for k in 0..<expected.count {
      let e = abs(expected.storage[k] - actual.storage[k])
      if !e.isFinite && expected.storage[k] != actual.storage[k] { nonFinite = true }
      maxAbs = max(maxAbs, e.isFinite ? e : .infinity)
      if e > 0 || e.isNaN { errs.append((e.isNaN ? .infinity : e, k)) }
    }
    if nonFinite { maxAbs = .infinity }
    errs.sort { $0.0 > $1.0 }
    let scale = max(expected.maxAbs, actual.maxAbs, 1e-300)
    maxAbsError = maxAbs
    maxRelError = maxAbs / scale
    let m = output.rows
    let a = input.rows
    let rows = expected.rows
    worst = errs.prefix(worstCount).map { _, k in
      let r = k % rows
      let c = k / rows
      return EntryDiscrepancy(
        p: r % m, q: r / m, i: c % a, j: c / a, expected: expected.storage[k], actual: actual.storage[k])
    }
  }

  public func passes(relativeTolerance: Double = 1e-6) -> Bool { maxRelError <= relativeTolerance }

  public var description: String {
    var s = String(format: "largest absolute error %.2e, relative %.2e", maxAbsError, maxRelError)
    for w in worst { s += "\n  " + w.description }
    return s
  }

  static func format(_ x: Double) -> String {
    if x == 0 { return "0" }
    return String(format: "%.6g", x)
  }
}
