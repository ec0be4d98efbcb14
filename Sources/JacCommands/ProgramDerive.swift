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

  func run() throws {
    if format == .mathml {
      throw CLIError("--format mathml is not available for programs yet; use --format text, latex or json")
    }
    let program = prepared.program
    let wrt = try prepared.wrtList(self.wrt)
    let backwardLayout: ProgramBackward.Layout
    switch layout {
    case .shape: backwardLayout = .shape
    case .numerator: backwardLayout = .numerator
    case .denominator:
      throw CLIError("--layout denominator is not available for programs: use shape (dv shaped like v) or numerator")
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
    case .text, .latex, .mathml:
      let latex = format == .latex
      print(prepared.summary)
      let notation =
        backwardLayout == .shape
        ? "d\(program.output) = 1; dv = ∂F/∂v shaped like v (δ in LaTeX); branches sum"
        : "∂F/∂v = ∂vec F/∂(vec v)ᵀ, numerator layout; ∂F/∂\(program.output) = I; branches sum"
      let intermediates = backward.stages.filter { $0.name != program.output }
      print("backward pass, \(intermediates.count) stages (\(notation)):")
      for stage in intermediates { print("  " + line(stage, backward, latex: latex)) }
      print(backwardLayout == .shape ? "gradients (shape convention):" : "Jacobians (numerator layout):")
      for stage in backward.gradients { print("  " + line(stage, backward, latex: latex)) }
      for c in checks {
        print(
          "check \(backward.gradients.first { $0.name == c.input }!.adjointName) against central finite differences "
            + "(Richardson-extrapolated) \(prepared.pointDescription): largest absolute error "
            + "\(sci(c.comparison.maxAbsError)), relative \(sci(c.comparison.maxRelError)), finite differences' estimated "
            + "error \(sci(c.estimatedFiniteDifferenceError)): " + Derive.verdictText(c.verdict))
      }
    case .json:
      func stageJSON(_ s: ProgramBackward.Stage) -> JSON {
        .object([
          ("name", .string(s.name)), ("adjoint", .string(s.adjointName)), ("shape", .ints([s.shape.rows, s.shape.cols])),
          ("text", .string(s.expression.unicodeText)), ("latex", .string(backward.latex(s.expression))),
          ("plain", .string(s.expression.plainText)),
          (
            "contributions",
            .array(
              s.contributions.map {
                .object([("from", .string($0.from)), ("line", .int($0.line)), ("text", .string($0.expression.unicodeText))])
              })
          ),
        ])
      }
      var fields: [(String, JSON)] = [
        (
          "program",
          .object([
            ("origin", .string(prepared.origin)), ("output", .string(program.output)),
            ("outputShape", .ints([prepared.shapes[program.output]!.rows, prepared.shapes[program.output]!.cols])),
            (
              "statements",
              .array(
                program.statements.map {
                  .object([
                    ("line", .int($0.line)), ("name", .string($0.name)), ("expression", .string($0.expression.plainText)),
                    ("shape", .ints([prepared.shapes[$0.name]!.rows, prepared.shapes[$0.name]!.cols])),
                  ])
                })
            ),
            (
              "inputs",
              .array(
                program.inputs.map {
                  .object([
                    ("name", .string($0)), ("shape", .ints([prepared.shapes[$0]!.rows, prepared.shapes[$0]!.cols])),
                    ("const", .bool(program.constants.contains($0))),
                  ])
                })
            ),
            ("warnings", .array(program.warnings.map { .string($0) })),
          ])
        ),
        ("wrt", .array(wrt.map { .string($0) })), ("layout", .string(backwardLayout.rawValue)),
        ("stages", .array(backward.stages.map(stageJSON))), ("gradients", .array(backward.gradients.map(stageJSON))),
      ]
      if check {
        fields.append(
          (
            "check",
            .array(
              checks.map {
                .object([
                  ("wrt", .string($0.input)), ("maxAbsError", .number($0.comparison.maxAbsError)),
                  ("maxRelError", .number($0.comparison.maxRelError)),
                  ("estimatedFiniteDifferenceError", .number($0.estimatedFiniteDifferenceError)),
                  ("verdict", .string($0.verdict.rawValue)), ("passed", .bool($0.passed)),
                ])
              })
          ))
      }
      print(JSON.object(fields).rendered)
    }
    if checks.contains(where: { !$0.passed }) { throw CheckFailed() }
  }

  private func line(_ stage: ProgramBackward.Stage, _ backward: ProgramBackward, latex: Bool) -> String {
    if latex { return backward.latex(stage) }
    let equation = backward.text(stage)
    let pad = String(repeating: " ", count: max(1, 44 - equation.count))
    return equation + pad + "(\(stage.shape))"
  }
}
