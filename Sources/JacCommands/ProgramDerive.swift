import Foundation
import Jacobians
import MatrixCore
import Symbolic

/// `jac derive PROGRAM --wrt W1,W2|all`: the backward pass stage by stage, then the gradients.
struct ProgramDerive {
  let prepared: PreparedProgram
  let wrt: String
  let layout: DeriveLayout
  let check: Bool
  let format: OutputFormat

  /// One gradient's comparison with finite differences, and where it was made (under size
  /// symbols: at which instantiation).
  struct Checked {
    let check: ProgramBackward.GradientCheck
    /// `at a random point (seed 1)`, or `at m=2, n=3, at a random point (seed 1)`.
    let pointDescription: String
    let instantiation: [String: Int]?
  }

  /// Prints text, LaTeX or MathML, or returns the JSON record; and whether every check passed.
  func run() throws -> (ProgramDeriveRecord?, Bool) {
    let program = prepared.program
    let wrt = try prepared.wrtList(self.wrt)
    let backwardLayout: ProgramBackward.Layout
    switch layout {
    case .shape: backwardLayout = .shape
    case .numerator: backwardLayout = .numerator
    case .denominator: backwardLayout = .denominator
    }
    // The default layout of derive is numerator; for a 1×1 F a program prints adjoints shaped
    // like their names unless --layout numerator is given explicitly. Under size symbols the pass
    // is derived once at the generic instantiation and printed with the symbols.
    let backward = try prepared.named { try program.backward(wrt: wrt, dims: prepared.shapes, layout: backwardLayout) }
    // Numbers: at the point, or under size symbols at each small instantiation (its own pass).
    let numeric = prepared.symbolic?.instances ?? [prepared]
    var checks: [Checked] = []
    for (k, p) in numeric.enumerated() {
      let pass = prepared.symbolic == nil ? backward : try program.backward(wrt: wrt, dims: p.shapes, layout: backwardLayout)
      if check {
        for w in wrt where p.shapes[w]!.count > 1024 {
          throw CLIError(
            "--check on a program differentiates \(w) (\(p.shapes[w]!)) by finite differences: at most 1024 entries")
        }
        let at = prepared.symbolic?.at[k]
        checks += try pass.checkGradients(at: p.inputs).map {
          Checked(check: $0, pointDescription: p.pointDescription, instantiation: at)
        }
      } else if k == 0 {
        // The adjoints are evaluated at the point, so that a program undefined there is reported.
        _ = try pass.values(forward: try program.evaluate(p.inputs))
      }
    }
    let passed = !checks.contains { !$0.check.passed }
    return try prepared.named {
      switch format {
      case .latex:
        print(ProgramDeriveMarkup(prepared: prepared, backward: backward, layout: backwardLayout, checks: checks).latex)
      case .mathml:
        print(ProgramDeriveMarkup(prepared: prepared, backward: backward, layout: backwardLayout, checks: checks).mathML)
      case .text:
        printText(backward, layout: backwardLayout, checks: checks)
      case .json:
        return (record(backward, wrt: wrt, layout: backwardLayout, checks: checks), passed)
      }
      return (nil, passed)
    }
  }

  private func printText(_ backward: ProgramBackward, layout backwardLayout: ProgramBackward.Layout, checks: [Checked]) {
    let program = prepared.program
    print(prepared.summary)
    let notation: String
    switch backwardLayout {
    case .shape: notation = "d\(program.output) = 1; dv = ∂F/∂v shaped like v (δ in LaTeX); branches sum"
    case .numerator:
      notation = "∂F/∂v = ∂vec F/∂(vec v)ᵀ, numerator layout; ∂F/∂\(program.output) = I; branches sum"
    case .denominator:
      notation =
        "(∂F/∂v)ᵀ = ∂(vec F)ᵀ/∂vec v, denominator layout (the transpose of numerator); (∂F/∂\(program.output))ᵀ = I; branches sum"
    }
    let intermediates = backward.stages.filter { $0.name != program.output }
    print("backward pass, \(intermediates.count) stages (\(notation)):")
    for stage in intermediates { print("  " + line(stage, backward)) }
    print(backwardLayout == .shape ? "gradients (shape convention):" : "Jacobians (\(backwardLayout.rawValue) layout):")
    for stage in backward.gradients { print("  " + line(stage, backward)) }
    for checked in checks {
      let c = checked.check
      print(
        "check \(backward.gradients.first { $0.name == c.input }!.adjointName) against central finite differences "
          + "(Richardson-extrapolated) \(checked.pointDescription): largest absolute error "
          + "\(sci(c.comparison.maxAbsError)), relative \(sci(c.comparison.maxRelError)), finite differences' estimated "
          + "error \(sci(c.estimatedFiniteDifferenceError)): " + Derive.verdictText(c.verdict))
    }
  }

  /// The JSON record: the program, every stage of the backward pass, the gradients, the checks.
  /// Under size symbols shapes are strings (`["m","n"]`), as for a single expression.
  private func record(_ backward: ProgramBackward, wrt: [String], layout: ProgramBackward.Layout, checks: [Checked])
    -> ProgramDeriveRecord
  {
    let program = prepared.program
    let symbolic = prepared.symbolic
    func shape(_ s: Shape) -> [JSONSize] { symbolic == nil ? .init(s.rows, s.cols) : SizeSymbols.jsonShape(s) }
    func shape(_ name: String) -> [JSONSize] { shape(prepared.shapes[name]!) }
    func stage(_ s: ProgramBackward.Stage) -> ProgramDeriveRecord.Stage {
      .init(
        name: s.name, adjoint: s.adjointName, shape: shape(s.shape), text: s.expression.unicodeText,
        latex: backward.latex(s.expression), plain: s.expression.plainText,
        contributions: s.contributions.map { .init(from: $0.from, line: $0.line, text: $0.expression.unicodeText) })
    }
    return ProgramDeriveRecord(
      program: .init(
        origin: prepared.origin, output: program.output, outputShape: shape(program.output),
        statements: program.statements.map {
          .init(line: $0.line, name: $0.name, expression: $0.expression.plainText, shape: shape($0.name))
        },
        inputs: program.inputs.map { .init(name: $0, shape: shape($0), const: program.constants.contains($0)) },
        warnings: program.warnings),
      wrt: wrt, layout: layout.rawValue, sizeSymbols: symbolic?.sizes.symbols, instantiations: symbolic?.at,
      inferredShapes: symbolic?.sizes.inferredJSON,
      fixedByValues: symbolic.flatMap { $0.sizes.fixed.isEmpty ? nil : $0.sizes.fixed },
      stages: backward.stages.map(stage), gradients: backward.gradients.map(stage),
      check: check
        ? checks.map {
          .init(
            wrt: $0.check.input, instantiation: $0.instantiation, maxAbsError: $0.check.comparison.maxAbsError,
            maxRelError: $0.check.comparison.maxRelError,
            estimatedFiniteDifferenceError: $0.check.estimatedFiniteDifferenceError, verdict: $0.check.verdict.rawValue,
            passed: $0.check.passed)
        } : nil)
  }

  private func line(_ stage: ProgramBackward.Stage, _ backward: ProgramBackward) -> String {
    let equation = backward.text(stage)
    let pad = String(repeating: " ", count: max(1, 44 - equation.count))
    return equation + pad + "(\(stage.shape))"
  }
}
