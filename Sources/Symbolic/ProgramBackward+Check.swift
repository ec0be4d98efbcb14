import Foundation
import Jacobians
import MatrixCore

extension ProgramBackward {
  /// One requested input's gradient compared with central finite differences of the program.
  public struct GradientCheck: Sendable {
    public let input: String
    /// Numerator layout, (mn)×(count of the input).
    public let comparison: JacobianComparison
    /// The finite differences' own estimated error (Ridders), the atol of the comparison (×4).
    public let estimatedFiniteDifferenceError: Double
    public let verdict: CheckVerdict
    public var passed: Bool { verdict == .passed }
  }

  /// The Jacobian `∂vec F/∂(vec w)ᵀ` of each requested input w from its adjoint at the point
  /// (numerator layout: `vec(dw)ᵀ` in the shape layout), compared with Richardson-extrapolated
  /// central finite differences of the forward program that estimate their own error
  /// (`NumericDifferentiation.jacobianEstimate`, some 10–30 evaluations per entry of w), under
  /// the one rule `Tolerance.finiteDifferences`; inconclusive where the finite differences are
  /// too noisy to decide (as `DerivativeCheck`).
  /// - Parameters:
  ///   - inputs: the point, a value for every input of the program.
  ///   - relativeTolerance: rtol of the rule.
  public func checkGradients(at inputs: [String: Matrix], relativeTolerance: Double = 1e-6) throws -> [GradientCheck] {
    let forward = try program.evaluate(inputs)
    let adjoints = try values(forward: forward)
    let outputShape = forward[program.output]!.shape
    return try gradients.map { stage in
      let x = inputs[stage.name]!
      let fd = try NumericDifferentiation.jacobianEstimate(
        of: { xv in
          var v = inputs
          v[stage.name] = xv
          return try program.value(at: v)
        }, at: x)
      let value = adjoints[stage.adjointName]!
      let actual: Matrix
      switch layout {
      case .shape: actual = Matrix(rows: 1, cols: value.count, columnMajor: value.storage)
      case .numerator: actual = value
      case .denominator: actual = value.transposed
      }
      let rule = Tolerance.finiteDifferences(
        relative: relativeTolerance, estimatedError: fd.estimatedError, magnitude: max(fd.value.maxAbs, actual.maxAbs))
      let c = JacobianComparison(expected: fd.value, actual: actual, output: outputShape, input: x.shape, tolerance: rule)
      let verdict: CheckVerdict =
        !c.holds ? .failed : (FiniteDifferenceEstimate.isTooNoisy(fd.estimatedError, scale: c.scale) ? .inconclusive : .passed)
      return GradientCheck(
        input: stage.name, comparison: c, estimatedFiniteDifferenceError: fd.estimatedError, verdict: verdict)
    }
  }

  /// The stage's equation in text: `dh1 = W2ᵀdh2 ⊙ (1 − z1²)`.
  public func text(_ stage: Stage) -> String { "\(stage.adjointName) = \(stage.expression.unicodeText)" }

  /// The stage's equation in plain ASCII text, which parses: `dh1 = (W2'*dh2).*(ones(5,1)-z1.^2)`.
  /// In the numerator layout the adjoint names are `∂F/∂v` and do not parse.
  public func plainText(_ stage: Stage) -> String { "\(stage.adjointName) = \(stage.expression.plainText)" }

  /// The stage's equation in LaTeX, the adjoint of v written `\delta_{v}` (shape layout),
  /// `\frac{\partial F}{\partial v}` (numerator layout) or
  /// `\left(\frac{\partial F}{\partial v}\right)^{\top}` (denominator layout).
  public func latex(_ stage: Stage) -> String {
    "\(latexAdjoint(stage.name)) = \(latex(stage.expression))"
  }

  /// An expression of forward names and adjoints in LaTeX.
  public func latex(_ e: Expression) -> String {
    // Adjoint variables are renamed to placeholders that `latex` prints as `δ_{k}`, then the
    // placeholders are replaced by the notation.
    var renames: [String: Expression] = [:]
    var placeholders: [(String, String)] = []
    for (k, stage) in allStages.enumerated() {
      renames[stage.adjointName] = .variable("δ\(k)")
      placeholders.append(("δ_{\(k)}", latexAdjoint(stage.name)))
    }
    var text = e.substituting(renames).latex
    for (placeholder, notation) in placeholders.reversed() {
      text = text.replacingOccurrences(of: placeholder, with: notation)
    }
    return text
  }

  /// The stage's equation as rows of an `align*` (`\delta_{h} &= …`), broken where it is long.
  public func latexRows(_ stage: Stage) -> [String] {
    latexRows(lhs: latexAdjoint(stage.name), stage.expression)
  }

  /// `lhs = e` as rows of an `align*`, e an expression of forward names and adjoints (as
  /// `latex(_:)` prints them), broken where it is long.
  public func latexRows(lhs: String, _ e: Expression) -> [String] {
    var renames: [String: Expression] = [:]
    var placeholders: [(String, String)] = []
    for (k, stage) in allStages.enumerated() {
      renames[stage.adjointName] = .variable("δ\(k)")
      placeholders.append(("δ_{\(k)}", latexAdjoint(stage.name)))
    }
    return Expression.latexRows(lhs: lhs, rhs: e.substituting(renames)).map { row in
      var text = row
      for (placeholder, notation) in placeholders.reversed() {
        text = text.replacingOccurrences(of: placeholder, with: notation)
      }
      return text
    }
  }

  /// The LaTeX of the adjoint of a forward name, `\delta_{h}` or `\frac{\partial F}{\partial h}`.
  public func latexAdjointName(_ name: String) -> String { latexAdjoint(name) }

  /// The stage's equation as one MathML `<math>` element; adjoints written `δ` with the name as
  /// subscript (shape layout) or `∂F/∂v` (numerator layout).
  public func mathMLEquation(_ stage: Stage) -> String {
    mathMLEquation(lhs: mathMLAdjoint(stage.name), stage.expression)
  }

  /// `lhs = e` as one MathML `<math>` element, adjoints in `e` written as in `mathMLEquation(_:)`.
  public func mathMLEquation(lhs: String, _ e: Expression) -> String {
    var renames: [String: Expression] = [:]
    var placeholders: [(String, String)] = []
    for (k, stage) in allStages.enumerated() {
      let placeholder = "jacadjoint\(k)x"
      renames[stage.adjointName] = .variable(placeholder)
      placeholders.append((MathML.name(placeholder), mathMLAdjoint(stage.name)))
    }
    var text = Expression.mathMLEquation(lhs: lhs, rhs: e.substituting(renames))
    for (placeholder, notation) in placeholders.reversed() {
      text = text.replacingOccurrences(of: placeholder, with: notation)
    }
    return text
  }

  /// The MathML of the adjoint of a forward name.
  public func mathMLAdjoint(_ name: String) -> String {
    let n = MathML.name(name)
    let fraction = "<mfrac><mrow><mo>∂</mo><mi>F</mi></mrow><mrow><mo>∂</mo>\(n)</mrow></mfrac>"
    switch layout {
    case .shape: return "<msub><mi>δ</mi>\(n)</msub>"
    case .numerator: return fraction
    case .denominator: return "<msup><mrow><mo>(</mo>\(fraction)<mo>)</mo></mrow><mo>⊤</mo></msup>"
    }
  }

  private func latexAdjoint(_ name: String) -> String {
    let n = Expression.variable(name).latex
    switch layout {
    case .shape: return "\\delta_{\(n)}"
    case .numerator: return "\\frac{\\partial F}{\\partial \(n)}"
    case .denominator: return "\\left(\\frac{\\partial F}{\\partial \(n)}\\right)^{\\top}"
    }
  }
}
