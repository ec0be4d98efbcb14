import Foundation
import MatrixCore

/// The one rule by which JacobianKit decides that an actual Jacobian A agrees with an expected
/// one E (`jac check`, `jac derive --check`, `JacobianComparison`, `DerivativeCheck`):
///
/// ```
/// ‖E − A‖ ≤ rtol·‖E‖ + atol
/// ```
///
/// The norm is the largest absolute entry for dense Jacobians (so that the entries above the
/// bound can be listed) and the Frobenius norm of `J·vec V` for a directional check. The scale
/// is the expected Jacobian's alone: a claim 10⁶ times too large is not excused by its own size.
///
/// `atol` is never a fixed number, so that the rule means the same at every scale (10⁻¹² or
/// 10¹²). It is one of:
/// - `claims(relative:magnitude:)`: the rounding noise of the magnitudes involved,
///   `1024·ε·magnitude`, where `magnitude` is the largest of the terms that were added to form
///   E and A (so that a Jacobian that is exactly zero, or whose terms cancel, is judged against
///   the size of what cancelled, not against 1);
/// - `finiteDifferences(relative:estimatedError:magnitude:)`: four times the finite-difference
///   estimate's own estimated error (Richardson extrapolation, see `NumericDifferentiation`),
///   plus the rounding floor of the magnitudes.
///
/// A comparison with a NaN or an infinity never passes.
///
/// ```swift
/// let t = Tolerance.claims(relative: 1e-8, magnitude: 2.0)
/// t.bound(scale: 2.0)                  // 2e-8 + 4.5e-13
/// t.accepts(error: 1e-9, scale: 2.0)   // true
/// ```
public struct Tolerance: Sendable, Equatable, CustomStringConvertible {
  /// rtol: the error allowed per unit of the expected Jacobian's norm.
  public let relative: Double
  /// atol: the absolute floor, from rounding or finite-difference noise.
  public let absolute: Double

  /// The factor on `ε·magnitude` in the rounding floor of `claims` and `finiteDifferences`.
  public static let roundingFactor = 1024.0
  /// The factor on a finite-difference estimate's estimated error.
  public static let finiteDifferenceSafety = 4.0

  /// - Precondition: both are finite and non-negative.
  public init(relative: Double, absolute: Double) {
    precondition(relative.isFinite && relative >= 0, "rtol must be finite and non-negative, not \(relative)")
    precondition(absolute.isFinite && absolute >= 0, "atol must be finite and non-negative, not \(absolute)")
    self.relative = relative
    self.absolute = absolute
  }

  /// The tolerance for comparing two evaluated closed forms (a claim with the truth):
  /// `atol = 1024·ε·magnitude`.
  /// - Parameters:
  ///   - relative: rtol.
  ///   - magnitude: the largest absolute entry among the terms summed to form either
  ///     Jacobian (at least the larger of ‖E‖ and ‖A‖); a non-finite magnitude counts as 0.
  public static func claims(relative: Double = 1e-8, magnitude: Double) -> Tolerance {
    Tolerance(relative: relative, absolute: roundingFloor(magnitude))
  }

  /// The tolerance for comparing a Jacobian with a finite-difference estimate whose own error
  /// was estimated as `estimatedError` (same norm as the comparison):
  /// `atol = 4·estimatedError + 1024·ε·magnitude`.
  public static func finiteDifferences(
    relative: Double = 1e-6, estimatedError: Double, magnitude: Double
  ) -> Tolerance {
    let e = estimatedError.isFinite ? max(estimatedError, 0) : 0
    return Tolerance(relative: relative, absolute: finiteDifferenceSafety * e + roundingFloor(magnitude))
  }

  /// `1024·ε·magnitude` (0 for a non-finite or negative magnitude).
  public static func roundingFloor(_ magnitude: Double) -> Double {
    guard magnitude.isFinite, magnitude > 0 else { return 0 }
    return roundingFactor * Double.ulpOfOne * magnitude
  }

  /// `rtol·scale + atol`, the largest error allowed for an expected Jacobian of norm `scale`.
  public func bound(scale: Double) -> Double { relative * abs(scale) + absolute }

  /// Whether `error ≤ rtol·scale + atol`; false for a NaN or infinite error or scale.
  public func accepts(error: Double, scale: Double) -> Bool {
    error.isFinite && scale.isFinite && error <= bound(scale: scale)
  }

  /// The rule on dense matrices in the largest-entry norm: `max|E − A| ≤ rtol·max|E| + atol`;
  /// false when the shapes differ or an entry is NaN or infinite.
  public func accepts(expected: Matrix, actual: Matrix) -> Bool {
    guard expected.shape == actual.shape else { return false }
    guard expected.firstNonFinite == nil, actual.firstNonFinite == nil else { return false }
    return accepts(error: expected.maxAbsDifference(actual), scale: expected.maxAbs)
  }

  public var description: String {
    "rtol \(Tolerance.format(relative)), atol \(Tolerance.format(absolute))"
  }

  static func format(_ x: Double) -> String {
    x == 0 ? "0" : String(format: "%.2e", x)
  }
}
