import ArgumentParser
import Foundation
import Jacobians
import MatrixCore
import Symbolic

struct Spy: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Draw the Jacobian at a point as an SVG picture of its entries.",
    discussion: """
      Each entry of the numerator-layout Jacobian (rows p + q·m, columns i + j·a) is a cell,
      blue for positive and red for negative, darker for larger magnitude, blank when exactly
      zero; heavy grid lines separate the output columns q and the input columns j, so that the
      block structure of (I ⊗ Rᵀ) + (Rᵀ ⊗ I)K shows. The file is written whole or not at all.
      Example: jac spy "R'*R" --wrt R --dims R=3x3 -o rtr.svg
      """)

  @Argument(help: "The expression F, or a program (its last statement is F).") var expression: String = ""
  @OptionGroup var programOptions: ProgramOptions
  @Option(help: "The variable X.") var wrt: String
  @OptionGroup var point: PointOptions
  @Option(name: .shortAndLong, help: "The .svg file to write.") var output: String

  func run() throws {
    if let program = try programOptions.resolve(argument: expression, output: nil, point: point) {
      var single = self
      single.expression = try program.inlinedText().expression
      single.programOptions.file = nil
      return try single.run()
    }
    let d: SymbolicDerivative
    let values: [String: Matrix]
    let pointDescription: String
    if let sizes = try SymbolicSizes(point.dims) {
      // Size symbols: drawn at the first small instantiation (docs/language.md).
      let run = try SymbolicRun(sizes, text: expression, wrt: wrt, point: point)
      guard run.variables.count == 1 else { throw CLIError("spy draws one Jacobian: give one variable with --wrt, not \(wrt)") }
      (d, values) = try run.numeric(wrt, at: run.instantiations[0])
      pointDescription = "at \(SymbolicSizes.describe(run.instantiations[0])), a random point (seed \(point.seed))"
    } else {
      let prepared = try PreparedDerivative(expression, wrt: wrt, point: point)
      if prepared.derivatives.count > 1 {
        throw CLIError("spy draws one Jacobian: give one variable with --wrt, not \(wrt)")
      }
      (d, values, pointDescription) = (prepared.derivative, prepared.values, prepared.pointDescription)
    }
    let rows = d.outputShape.count
    let cols = d.inputShape.count
    guard rows <= JacobianPicture.maximumSide, cols <= JacobianPicture.maximumSide else {
      throw CLIError(
        "the Jacobian is \(rows)×\(cols), too large to draw legibly (at most \(JacobianPicture.maximumSide) rows and "
          + "columns): use smaller --dims")
    }
    let j = try d.jacobian(at: values).materialized()
    let picture = try JacobianPicture(
      jacobian: j, output: d.outputShape, input: d.inputShape, title: "∂(\(expression))/∂\(wrt)",
      outputName: "F", inputName: wrt)
    try picture.svg.writeAtomically(to: output)
    let nonzero = j.storage.filter { $0 != 0 }.count
    print("wrote \(output): the \(rows)×\(cols) Jacobian \(d.jacobian.unicodeText) \(pointDescription), \(nonzero) nonzero entries")
  }
}
