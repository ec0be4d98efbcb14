import Foundation
import MatrixCore

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

/// A comparison of two dense numerator-layout Jacobians of F (m×n) w.r.t. X (a×b), under the
/// one rule of `Tolerance`: `max|E − A| ≤ rtol·max|E| + atol`.
///
/// - `maxAbsError` is `max|E − A|` (∞ when an entry is NaN or infinite in one matrix only);
/// - `maxRelError` is `maxAbsError / max|E|`, relative to the expected Jacobian's largest entry
///   (0 when both are exactly zero, ∞ when only E is);
/// - `worst` lists the entries whose error exceeds the bound `rtol·max|E| + atol`, largest first
///   (empty when the comparison holds); an entry that is NaN or infinite in either matrix is
///   always listed.
public struct JacobianComparison: Sendable, CustomStringConvertible {
  public let outputShape: Shape
  public let inputShape: Shape
  public let tolerance: Tolerance
  public let maxAbsError: Double
  public let maxRelError: Double
  /// The largest absolute entry of the expected Jacobian, the scale of the rule.
  public let scale: Double
  /// Whether every entry is finite and `maxAbsError ≤ tolerance.bound(scale:)`.
  public let holds: Bool
  /// The entries above the bound, largest error first, at most `worstCount`.
  public let worst: [EntryDiscrepancy]

  /// - Parameters:
  ///   - expected: E, the reference Jacobian (numerator layout, (mn)×(ab)).
  ///   - actual: A, the Jacobian compared with it, the same shape.
  ///   - output: the shape of F, m×n (labels the entries ∂F[p,q]/∂X[i,j]).
  ///   - input: the shape of X, a×b.
  ///   - tolerance: the rule's rtol and atol; by default `Tolerance.claims` with rtol
  ///     1e-8 and the magnitudes of E and A.
  ///   - worstCount: how many of the worst entries to keep.
  /// - Precondition: equal shapes, `output.count × input.count`.
  public init(
    expected: Matrix, actual: Matrix, output: Shape, input: Shape, tolerance: Tolerance? = nil, worstCount: Int = 5
  ) {
    precondition(expected.shape == actual.shape, "cannot compare \(expected.shape) with \(actual.shape)")
    precondition(expected.rows == output.count && expected.cols == input.count, "shapes do not match the Jacobian")
    outputShape = output
    inputShape = input
    var maxAbs = 0.0
    var scale = 0.0
    var nonFinite = false
    for k in 0..<expected.count {
      let (e, a) = (expected.storage[k], actual.storage[k])
      if !e.isFinite || !a.isFinite {
        nonFinite = true
        continue
      }
      scale = max(scale, abs(e))
      maxAbs = max(maxAbs, abs(e - a))
    }
    let rule = tolerance ?? .claims(relative: 1e-8, magnitude: max(expected.maxAbs, actual.maxAbs))
    self.tolerance = rule
    self.scale = scale
    if nonFinite { maxAbs = .infinity }
    maxAbsError = maxAbs
    maxRelError = maxAbs == 0 ? 0 : (scale > 0 ? maxAbs / scale : .infinity)
    holds = !nonFinite && rule.accepts(error: maxAbs, scale: scale)
    let bound = rule.bound(scale: scale)
    var above: [(Double, Int)] = []
    for k in 0..<expected.count {
      let (e, a) = (expected.storage[k], actual.storage[k])
      if !e.isFinite || !a.isFinite {
        above.append((.infinity, k))
      } else if abs(e - a) > bound {
        above.append((abs(e - a), k))
      }
    }
    above.sort { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
    let m = output.rows
    let a = input.rows
    let rows = expected.rows
    worst = above.prefix(worstCount).map { _, k in
      let r = k % rows
      let c = k / rows
      return EntryDiscrepancy(
        p: r % m, q: r / m, i: c % a, j: c / a, expected: expected.storage[k], actual: actual.storage[k])
    }
  }

  /// The rule with another rtol (the same atol): `maxAbsError ≤ relativeTolerance·scale + atol`.
  public func passes(relativeTolerance: Double) -> Bool {
    maxAbsError.isFinite
      && Tolerance(relative: relativeTolerance, absolute: tolerance.absolute).accepts(error: maxAbsError, scale: scale)
  }

  public var description: String {
    var s =
      String(format: "largest absolute error %.2e, relative %.2e", maxAbsError, maxRelError)
      + " (\(tolerance)): " + (holds ? "holds" : "does not hold")
    for w in worst { s += "\n  " + w.description }
    return s
  }

  static func format(_ x: Double) -> String {
    if x == 0 { return "0" }
    return String(format: "%.6g", x)
  }
}
