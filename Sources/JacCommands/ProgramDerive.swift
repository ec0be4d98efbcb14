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
    // like their names unless --layout numerator is given explicitly.
    let backward = try program.backward(wrt: wrt, dims: prepared.shapes, layout: backwardLayout)
    var checks: [ProgramBackward.GradientCheck] = []
    if check {
      for w in wrt where prepared.shapes[w]!.count > 1024 {
        throw CLIError("--check on a program differentiates \(w) (\(prepared.shapes[w]!)) by finite differences: at most 1024 entries")
      }
      checks = try backward.checkGradients(at: prepared.inputs)
    } else {
      // The adjoints are evaluated at the point, so that a program undefined there is reported.
      _ = try backward.values(forward: try program.evaluate(prepared.inputs))
    }
    switch format {
    case .latex:
      print(ProgramDeriveMarkup(prepared: prepared, backward: backward, layout: backwardLayout, checks: checks).latex)
    case .mathml:
      print(ProgramDeriveMarkup(prepared: prepared, backward: backward, layout: backwardLayout, checks: checks).mathML)
    case .text:
      let latex = false
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
      for stage in intermediates { print("  " + line(stage, backward, latex: latex)) }
      print(backwardLayout == .shape ? "gradients (shape convention):" : "Jacobians (\(backwardLayout.rawValue) layout):")
      for stage in backward.gradients { print("  " + line(stage, backward, latex: latex)) }
      for c in checks {
        print(
          "check \(backward.gradients.first { $0.name == c.input }!.adjointName) against central finite differences "
            + "(Richardson-extrapolated) \(prepared.pointDescription): largest absolute error "
            + "\(sci(c.comparison.maxAbsError)), relative \(sci(c.comparison.maxRelError)), finite differences' estimated "
            + "error \(sci(c.estimatedFiniteDifferenceError)): " + Derive.verdictText(c.verdict))
      }
    case .json:
      return (record(backward, wrt: wrt, layout: backwardLayout, checks: checks), !checks.contains { !$0.passed })
    }
    return (nil, !checks.contains { !$0.passed })
  }

  /// The JSON record: the program, every stage of the backward pass, the gradients, the checks.
  private func record(
    _ backward: ProgramBackward, wrt: [String], layout: ProgramBackward.Layout, checks: [ProgramBackward.GradientCheck]
  ) -> ProgramDeriveRecord {
    let program = prepared.program
    let shapes = prepared.shapes
    func stage(_ s: ProgramBackward.Stage) -> ProgramDeriveRecord.Stage {
      .init(
        name: s.name, adjoint: s.adjointName, shape: .init(s.shape), text: s.expression.unicodeText,
        latex: backward.latex(s.expression), plain: s.expression.plainText,
        contributions: s.contributions.map { .init(from: $0.from, line: $0.line, text: $0.expression.unicodeText) })
    }
    return ProgramDeriveRecord(
      program: .init(
        origin: prepared.origin, output: program.output, outputShape: .init(shapes[program.output]!),
        statements: program.statements.map {
          .init(line: $0.line, name: $0.name, expression: $0.expression.plainText, shape: .init(shapes[$0.name]!))
        },
        inputs: program.inputs.map { .init(name: $0, shape: .init(shapes[$0]!), const: program.constants.contains($0)) },
        warnings: program.warnings),
      wrt: wrt, layout: layout.rawValue, stages: backward.stages.map(stage), gradients: backward.gradients.map(stage),
      check: check
        ? checks.map {
          .init(
            wrt: $0.input, maxAbsError: $0.comparison.maxAbsError, maxRelError: $0.comparison.maxRelError,
            estimatedFiniteDifferenceError: $0.estimatedFiniteDifferenceError, verdict: $0.verdict.rawValue,
            passed: $0.passed)
        } : nil)
  }

  private func line(_ stage: ProgramBackward.Stage, _ backward: ProgramBackward, latex: Bool) -> String {
    if latex { return backward.latex(stage) }
    let equation = backward.text(stage)
    let pad = String(repeating: " ", count: max(1, 44 - equation.count))
    return equation + pad + "(\(stage.shape))"
  }
}
