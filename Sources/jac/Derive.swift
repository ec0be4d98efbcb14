import ArgumentParser
import Foundation
import Jacobians
import MatrixCore
import Symbolic

struct Derive: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Differentiate an expression symbolically and print the closed form.",
    discussion: """
      The Jacobian of F (m×n) with respect to X (a×b) is printed in numerator layout over
      column-major vec, ∂vec F/∂(vec X)ᵀ, (mn)×(ab), with J[p + q·m, i + j·a] = ∂F[p,q]/∂X[i,j];
      for a 1×1 F also the gradient shaped like X. Example:
        jac derive "R'*R" --wrt R --dims R=3x3 --check
      An expression or option value may start with '-': jac derive "-x'*x" --wrt x --dims x=3x1
      """)

  @Argument(help: "The expression F, or a program (statements name = expr separated by ';' or newlines).")
  var expression: String = ""
  @Option(help: "The variable X to differentiate with respect to (for a program: inputs W1,W2,… or all).") var wrt: String
  @OptionGroup var programOptions: ProgramOptions
  @OptionGroup var programOutput: ProgramOutputOption
  @OptionGroup var point: PointOptions
  @Option(name: .customLong("layout"), help: "numerator, denominator, or shape (1×1 F only; for programs the default).")
  var layoutOption: DeriveLayout?
  var layout: DeriveLayout { layoutOption ?? .numerator }
  @Option(name: .customLong("jacobian-out"), help: "Write the dense Jacobian at the point in the chosen layout (.npy).")
  var jacobianOut: String?
  @Flag(help: "Compare with central finite differences at the point; exit 1 if they disagree.") var check = false
  @Option(help: "text, latex, or json.") var format: OutputFormat = .text

  func run() throws {
    if let program = try programOptions.resolve(argument: expression, output: programOutput.name, point: point) {
      if jacobianOut != nil { throw CLIError("--jacobian-out is for a single expression, not for a program") }
      try ProgramDerive(prepared: program, wrt: wrt, layout: layoutOption ?? .shape, check: check, format: format).run()
      return
    }
    let prepared = try PreparedDerivative(expression, wrt: wrt, point: point)
    let (f, d, values) = (prepared.expression, prepared.derivative, prepared.values)
    if layout == .shape && !d.outputShape.isScalar {
      throw CLIError(
        "--layout shape needs a 1×1 expression, but \(expression) is \(d.outputShape); use numerator or denominator")
    }
    let jacobian = try d.jacobian(at: values)
    let shown = try d.display(in: layout.layout)
    var checkReport: (abs: Double, rel: Double, passed: Bool, method: String)? = nil
    if check {
      let x = values[wrt]!
      let evaluate = { (xv: Matrix) throws -> Matrix in
        var v = values
        v[wrt] = xv
        return try f.evaluate(v)
      }
      // The full finite-difference Jacobian costs 2ab evaluations of F; beyond a small X or a
      // large Jacobian the directional check (two evaluations per direction) is used instead.
      if d.inputShape.count <= 1024 && d.outputShape.count * d.inputShape.count <= 4_000_000 {
        let fd = try NumericDifferentiation.jacobian(of: evaluate, at: x)
        let c = JacobianComparison(
          expected: fd, actual: try jacobian.materialized(), output: d.outputShape, input: d.inputShape)
        checkReport = (c.maxAbsError, c.maxRelError, c.passes(relativeTolerance: 1e-6), "central finite differences")
      } else {
        let c = try NumericDifferentiation.directionalCheck(jacobian, of: evaluate, at: x, directions: 4, seed: point.seed)
        checkReport = (
          c.maxAbsError, c.maxRelError, c.passes(relativeTolerance: 1e-6), "central differences along 4 random directions"
        )
      }
    }
    if let path = jacobianOut {
      let dense: Matrix
      switch layout {
      case .numerator: dense = try jacobian.materialized()
      case .denominator: dense = try jacobian.matrix(in: .denominator).materialized()
      case .shape: dense = try d.gradient(at: values)
      }
      try dense.writeNPY(to: path)
    }
    switch format {
    case .text, .latex:
      let latex = format == .latex
      print("F = \(expression)   (\(d.outputShape)),  \(wrt) \(d.inputShape)")
      print("\(shown.title) [\(layout.layout.rawValue) layout, \(shown.rows)×\(shown.cols)]:")
      print("  " + (latex ? shown.expression.latex : shown.expression.unicodeText))
      if layout != .shape, let g = d.gradient {
        print("gradient (shape convention, \(d.inputShape)):")
        print("  " + (latex ? g.latex : g.unicodeText))
      }
      if !latex {
        print("structure \(prepared.pointDescription): \(jacobian.matrix)")
      }
      if let c = checkReport {
        print(
          "check against \(c.method): largest absolute error \(sci(c.abs)), relative \(sci(c.rel)): "
            + (c.passed ? "passed" : "FAILED"))
      }
      if let path = jacobianOut { print("wrote \(path)") }
    case .json:
      var fields: [(String, JSON)] = [
        ("expression", .string(expression)), ("wrt", .string(wrt)),
        ("outputShape", .ints([d.outputShape.rows, d.outputShape.cols])),
        ("inputShape", .ints([d.inputShape.rows, d.inputShape.cols])), ("layout", .string(layout.layout.rawValue)),
        (
          "jacobian",
          .object([
            ("text", .string(shown.expression.unicodeText)), ("latex", .string(shown.expression.latex)),
            ("plain", .string(shown.expression.plainText)), ("rows", .int(shown.rows)), ("cols", .int(shown.cols)),
            ("structure", .string(jacobian.matrix.structure.text)),
          ])
        ),
      ]
      if let g = d.gradient {
        fields.append(
          ("gradient", .object([("text", .string(g.unicodeText)), ("latex", .string(g.latex)), ("plain", .string(g.plainText))])))
      }
      if let c = checkReport {
        fields.append(
          ("check", .object([("maxAbsError", .number(c.abs)), ("maxRelError", .number(c.rel)), ("passed", .bool(c.passed))])))
      }
      if let path = jacobianOut { fields.append(("jacobianOut", .string(path))) }
      print(JSON.object(fields).rendered)
    }
    if let c = checkReport, !c.passed { throw CheckFailed() }
  }
}

enum DeriveLayout: String, ExpressibleByArgument, CaseIterable {
  case numerator, denominator, shape
  var layout: JacobianLayout {
    switch self {
    case .numerator: return .numerator
    case .denominator: return .denominator
    case .shape: return .shape
    }
  }
}
