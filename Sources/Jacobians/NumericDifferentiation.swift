import Foundation
import MatrixCore

/// Derivatives by central finite differences, the independent reference for every symbolic and
/// structured Jacobian.
///
/// Two kinds: the plain central difference at one step (`jacobian(of:at:step:)`, cheap, its
/// error unknown), and the extrapolated ones that estimate their own error
/// (`jacobianEstimate(of:at:)`, `directionalCheck`): Ridders' method, central differences at
/// steps h, h/1.4, h/1.4², … combined by Richardson extrapolation in h², stopping when the
/// extrapolated values stop improving. The estimate's error is the smallest difference between
/// neighbouring extrapolations; it covers both the truncation error and the rounding noise of F,
/// so that a right derivative is not rejected because of the finite differences themselves
/// (`Tolerance.finiteDifferences`).
public enum NumericDifferentiation {
  /// The step for entry x: `∛ε·max(1, |x|)` (≈ 6e-6), which balances the O(h²) truncation
  /// error of central differences against the O(ε/h) rounding error.
  public static func step(for x: Double) -> Double { 6.0554544523933395e-06 * max(1, abs(x)) }

  /// The dense numerator Jacobian (mn)×(ab) of `f` at `x` by central differences:
  /// column `i + j·a` is `vec(f(X + h·Eᵢⱼ) − f(X − h·Eᵢⱼ)) / 2h`. Costs 2ab evaluations of f.
  /// - Parameters:
  ///   - f: the function F of X.
  ///   - x: the point X.
  ///   - step: the step for each entry (default `step(for:)`).
  public static func jacobian(
    of f: (Matrix) throws -> Matrix, at x: Matrix, step: (Double) -> Double = step(for:)
  ) throws -> Matrix {
    let f0 = try f(x)
    var j = Matrix.zeros(f0.count, x.count)
    for c in 0..<x.count {
      try Cancellation.checkpoint()
      let h = step(x.storage[c])
      var plus = x
      var minus = x
      plus[linear: c] += h
      minus[linear: c] -= h
      // The actual difference of the representable arguments, not the nominal 2h.
      let width = plus.storage[c] - minus.storage[c]
      let fp = try f(plus)
      let fm = try f(minus)
      guard fp.shape == f0.shape, fm.shape == f0.shape else {
        throw JacobianError.shapeMismatch("the function changed its output shape near the point")
      }
      for r in 0..<f0.count { j[linear: r + c * f0.count] = (fp.storage[r] - fm.storage[r]) / width }
    }
    return j
  }

  /// The dense numerator Jacobian of `f` at `x` with its estimated error: column `i + j·a` by
  /// Ridders' extrapolation of central differences along `Eᵢⱼ`, starting from the step
  /// `0.05·max(|xᵢⱼ|, rms(X))` (0.05 at X = 0) and shrinking it where f is undefined.
  /// `estimatedError` is the largest column error (largest-entry norm). Costs about 10–30
  /// evaluations of f per entry of X.
  /// - Throws: when f fails at every step tried, or changes its output shape.
  public static func jacobianEstimate(of f: (Matrix) throws -> Matrix, at x: Matrix) throws -> FiniteDifferenceEstimate {
    let f0 = try f(x)
    var j = Matrix.zeros(f0.count, x.count)
    var worst = 0.0
    let rms = x.count == 0 ? 0 : x.frobeniusNorm / Double(x.count).squareRoot()
    for c in 0..<x.count {
      try Cancellation.checkpoint()
      let scale = max(abs(x.storage[c]), rms)
      let estimate = try ridders(initialStep: 0.05 * (scale > 0 ? scale : 1), norm: \.maxAbs) { h in
        var plus = x
        var minus = x
        plus[linear: c] += h
        minus[linear: c] -= h
        let width = plus.storage[c] - minus.storage[c]
        guard width > 0 else { return nil }
        guard let fp = try? f(plus), let fm = try? f(minus) else { return nil }
        guard fp.shape == f0.shape, fm.shape == f0.shape else {
          throw JacobianError.shapeMismatch("the function changed its output shape near the point")
        }
        return (fp - fm).scaled(by: 1 / width)
      }
      for r in 0..<f0.count { j[linear: r + c * f0.count] = estimate.value.storage[r] }
      worst = max(worst, estimate.estimatedError)
    }
    return FiniteDifferenceEstimate(value: j, estimatedError: worst)
  }

  /// The directional derivative `vec(F(X+tV) − F(X−tV))/2t → J·vec V` along V, by Ridders'
  /// extrapolation starting from `t = 0.05·max(‖X‖_F, ‖V‖_F)/‖V‖_F` (shrunk where f is
  /// undefined); the estimated error is in the Frobenius norm.
  public static func directionalEstimate(
    of f: (Matrix) throws -> Matrix, at x: Matrix, along v: Matrix
  ) throws -> FiniteDifferenceEstimate {
    guard x.shape == v.shape else {
      throw JacobianError.shapeMismatch("the direction is \(v.shape) but the point is \(x.shape)")
    }
    let vNorm = v.frobeniusNorm
    guard vNorm > 0, vNorm.isFinite else {
      throw JacobianError.finiteDifferences("the direction of a directional derivative must be nonzero and finite")
    }
    let xNorm = x.frobeniusNorm
    let t0 = 0.05 * (xNorm > 0 && xNorm.isFinite ? max(xNorm, vNorm) : vNorm) / vNorm
    var outputShape: Shape?
    return try ridders(initialStep: t0, norm: \.frobeniusNorm) { t in
      guard let fp = try? f(x + v.scaled(by: t)), let fm = try? f(x - v.scaled(by: t)) else { return nil }
      if outputShape == nil { outputShape = fp.shape }
      guard fp.shape == outputShape, fm.shape == outputShape else {
        throw JacobianError.shapeMismatch("the function changed its output shape near the point")
      }
      return (fp - fm).scaled(by: 1 / (2 * t))
    }
  }

  /// Ridders' method on matrices, restarted from smaller steps when it has not converged.
  ///
  /// One tableau (`riddersTableau`) spans steps from h down to h/1.4¹⁵ ≈ h/155. When F is far
  /// more curved than the starting step assumes (`tanh(X*X)` at a 200×200 X: each entry of X
  /// moves every entry of X·X), no step of that span is in the asymptotic regime and the
  /// extrapolation, and its error estimate, are wrong. So while the estimated error is above
  /// `convergedRelativeError` of the value, a new tableau starts 100× smaller (at most
  /// `maximumRestarts` times, down to h·10⁻⁶), and the estimate with the smallest estimated error
  /// is kept. A smooth, well-scaled F converges in the first tableau and costs nothing more.
  static func ridders(
    initialStep: Double, norm: (Matrix) -> Double, difference: (Double) throws -> Matrix?
  ) throws -> FiniteDifferenceEstimate {
    var best = try riddersTableau(initialStep: initialStep, norm: norm, difference: difference)
    var step = initialStep
    for _ in 0..<maximumRestarts {
      if best.estimatedError <= convergedRelativeError * norm(best.value) { break }
      step /= 100
      let next: FiniteDifferenceEstimate
      do {
        next = try riddersTableau(initialStep: step, norm: norm, difference: difference)
      } catch JacobianError.finiteDifferences {
        break  // undefined at every smaller step: keep the best so far
      }
      if next.estimatedError < best.estimatedError { best = next }
    }
    return best
  }

  /// Below this estimated error relative to the value, a Ridders tableau counts as converged.
  static let convergedRelativeError = 1e-8
  /// How many times Ridders' method restarts from a 100× smaller step.
  static let maximumRestarts = 3

  /// One Ridders tableau: `difference(h)` is a central difference at step h, or nil
  /// where f is undefined or not finite (the step is then divided by 10, at most 15 times, before
  /// the tableau starts; a failure later ends it). Steps shrink by 1.4 (at most 16 of them);
  /// each new difference is extrapolated in h² against the previous column of the tableau; the
  /// answer is the extrapolation with the smallest difference to its neighbours, and that
  /// difference is its estimated error. The tableau stops when the error grows by 2×.
  static func riddersTableau(
    initialStep: Double, norm: (Matrix) -> Double, difference differenceAt: (Double) throws -> Matrix?
  ) throws -> FiniteDifferenceEstimate {
    let (shrink, tableauSize, safety) = (1.4, 16, 2.0)
    var h = initialStep
    // Each difference is a checkpoint: `difference` may turn a cancelled evaluation into nil.
    func finite(_ d: Matrix?) -> Matrix? { d.flatMap { $0.firstNonFinite == nil ? $0 : nil } }
    func difference(_ h: Double) throws -> Matrix? {
      try Cancellation.checkpoint()
      return try finite(differenceAt(h))
    }
    var first = try difference(h)
    var attempts = 0
    while first == nil, attempts < 15 {
      h /= 10
      attempts += 1
      first = try difference(h)
    }
    guard let start = first else {
      throw JacobianError.finiteDifferences(
        "finite differences cannot be taken: the function is undefined or not finite at every step tried near the point")
    }
    var previous = [start]
    var best = start
    var error = Double.infinity
    for i in 1..<tableauSize {
      h /= shrink
      guard let d = try difference(h) else { break }
      var current = [d]
      var factor = shrink * shrink
      for k in 1...i {
        let extrapolated = (current[k - 1].scaled(by: factor) - previous[k - 1]).scaled(by: 1 / (factor - 1))
        current.append(extrapolated)
        factor *= shrink * shrink
        let e = max(norm(extrapolated - current[k - 1]), norm(extrapolated - previous[k - 1]))
        if e <= error {
          error = e
          best = extrapolated
        }
      }
      // NR's early stop, once three extrapolations deep: a start that is not yet in the
      // asymptotic regime (a step too large for F's curvature) must not stop the tableau.
      if i >= 3, norm(current[i] - previous[i - 1]) >= safety * error { break }
      previous = current
    }
    if !error.isFinite {
      // A single step: no estimate of the error is possible; say so with an infinite error.
      return FiniteDifferenceEstimate(value: best, estimatedError: .infinity)
    }
    return FiniteDifferenceEstimate(value: best, estimatedError: error)
  }

  /// The directional check `J·vec V ≈ D_V F(X)` over `directions` random directions V (standard
  /// normal entries from `seed`, scaled to unit Frobenius norm), each by `directionalEstimate`:
  /// for sizes where the full finite-difference Jacobian costs too much. Each direction passes
  /// under `Tolerance.finiteDifferences(relative:estimatedError:magnitude:)` in the Frobenius
  /// norm, with the finite-difference value as the expected one.
  public static func directionalCheck(
    _ jacobian: Jacobian, of f: (Matrix) throws -> Matrix, at x: Matrix, directions: Int = 3, seed: UInt64 = 1,
    relativeTolerance: Double = 1e-6
  ) throws -> DirectionalCheck {
    guard x.shape == jacobian.inputShape else {
      throw JacobianError.shapeMismatch("the point is \(x.shape) but the Jacobian's input is \(jacobian.inputShape)")
    }
    var g = SeededGenerator(seed: seed)
    var worstAbs = 0.0
    var worstRel = 0.0
    var worstEstimate = 0.0
    var passed = true
    var noisy = false
    for _ in 0..<max(directions, 1) {
      try Cancellation.checkpoint()
      var v = Matrix.randomNormal(x.rows, x.cols, using: &g)
      v = v.scaled(by: 1 / max(v.frobeniusNorm, .leastNormalMagnitude))
      let predicted = try jacobian.pushforward(v)
      let measured = try directionalEstimate(of: f, at: x, along: v)
      guard measured.value.shape == predicted.shape else {
        throw JacobianError.shapeMismatch(
          "the function's output is \(measured.value.shape) but the Jacobian's output is \(predicted.shape)")
      }
      let scale = measured.value.frobeniusNorm
      let err = (predicted - measured.value).frobeniusNorm
      let rule = Tolerance.finiteDifferences(
        relative: relativeTolerance, estimatedError: measured.estimatedError,
        magnitude: max(scale, predicted.frobeniusNorm))
      if !rule.accepts(error: err, scale: scale) || predicted.firstNonFinite != nil { passed = false }
      if FiniteDifferenceEstimate.isTooNoisy(measured.estimatedError, scale: scale) { noisy = true }
      worstAbs = max(worstAbs, err.isNaN ? .infinity : err)
      worstRel = max(worstRel, err == 0 ? 0 : (scale > 0 ? err / scale : .infinity))
      worstEstimate = max(worstEstimate, measured.estimatedError)
    }
    return DirectionalCheck(
      directions: max(directions, 1), maxAbsError: worstAbs, maxRelError: worstRel,
      estimatedFiniteDifferenceError: worstEstimate, relativeTolerance: relativeTolerance,
      verdict: !passed ? .failed : (noisy ? .inconclusive : .passed))
  }
}

/// A finite-difference value with its estimated error (in the norm of the method that made it).
public struct FiniteDifferenceEstimate: Sendable {
  public let value: Matrix
  public let estimatedError: Double

  /// A check that passes only thanks to a finite-difference error estimate above 10⁻³ of the
  /// scale decides nothing: the point is too close to a kink or a singularity.
  public static func isTooNoisy(_ estimatedError: Double, scale: Double) -> Bool {
    !estimatedError.isFinite
      || Tolerance.finiteDifferenceSafety * estimatedError > 1e-3 * scale + Tolerance.roundingFloor(scale)
  }
}

/// The verdict of a derivative check against finite differences.
public enum CheckVerdict: String, Sendable, Equatable {
  /// Within `Tolerance.finiteDifferences`, with finite differences accurate enough to tell.
  case passed
  /// Outside the tolerance.
  case failed
  /// Within the tolerance only because the finite differences are too noisy at the point
  /// (estimated error above 10⁻³ of the scale): no verdict; try another point.
  case inconclusive
}

/// The outcome of a directional derivative check (errors in the Frobenius norm of `J·vec V`).
public struct DirectionalCheck: Sendable, CustomStringConvertible {
  public let directions: Int
  public let maxAbsError: Double
  /// Largest `‖J·vec V − D_V F‖ / ‖D_V F‖` over the directions.
  public let maxRelError: Double
  /// Largest estimated error of the finite-difference values (Ridders).
  public let estimatedFiniteDifferenceError: Double
  public let relativeTolerance: Double
  public let verdict: CheckVerdict

  public var passed: Bool { verdict == .passed }

  public var description: String {
    String(
      format: "directional check over %d random directions: largest absolute error %.2e, relative %.2e "
        + "(finite differences' estimated error %.2e): ",
      directions, maxAbsError, maxRelError, estimatedFiniteDifferenceError) + verdict.rawValue
  }
}
