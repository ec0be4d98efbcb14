import ArgumentParser
import Foundation
import Jacobians
import MatrixCore
import Symbolic

struct Spy: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Draw the Jacobian at a point as an SVG picture of its entries.",
    discussion: """
      Each entry of the numerator-layout Jacobian (rows p + q·m, columns i + j·a) is a cell, \
      blue for positive and red for negative, darker for larger magnitude, blank when exactly \
      zero; heavy grid lines separate the output columns q and the input columns j, so that the \
      block structure of (I ⊗ Rᵀ) + (Rᵀ ⊗ I)K shows. The file is written whole or not at all.
      Example: jac spy "R'*R" --wrt R --dims R=3x3 -o rtr.svg
      With --order 2 it draws the Hessian ∂vec(∇F)/∂(vec X)ᵀ of a 1×1 F (docs/hessians.md), or with \
      --wrt X,Y the block of mixed second derivatives ∂vec(∇_X F)/∂(vec Y)ᵀ.
      """)

  @Argument(help: "The expression F, or a program (its last statement is F).") var expression: String = ""
  @OptionGroup var programOptions: ProgramOptions
  @Option(help: "The variable X.") var wrt: String
  @OptionGroup var point: PointOptions
  @Option(name: .shortAndLong, help: "The .svg file to write.") var output: String
  @Option(help: "1 (the Jacobian) or 2 (the Hessian of a 1×1 F; with --wrt X,Y the block ∂vec(∇_X F)/∂(vec Y)ᵀ).")
  var order: Int = 1

  func run() throws {
    guard order == 1 || order == 2 else {
      throw CLIError("--order \(order) is not available: spy draws a Jacobian (--order 1) or a Hessian of a 1×1 expression (--order 2)")
    }
    if let program = try programOptions.resolve(argument: expression, output: nil, point: point) {
      var single = self
      single.expression = try program.inlinedText().expression
      single.programOptions.file = nil
      return try single.run()
    }
    if order == 2 { return try drawHessian() }
    let d: SymbolicDerivative
    let values: [String: Matrix]
    let pointDescription: String
    let resolution = try SizeResolution.resolve(parseExpression(expression, role: "expression"), point: point)
    if case .completed(let dims, let inferred) = resolution {
      var completed = self
      completed.point = point.completing(dims: dims)
      return try InferredSizesNote.$shapes.withValue(inferred) { try completed.run() }
    }
    if case .symbolic(let sizes) = resolution {
      // Size symbols: drawn at the first small instantiation (docs/language.md).
      let run = try SymbolicRun(sizes, text: expression, wrt: wrt, point: point)
      guard run.variables.count == 1 else { throw CLIError("spy draws one Jacobian: give one variable with --wrt, not \(wrt)") }
      (d, values) = try run.numeric(wrt, at: run.instantiations[0])
      pointDescription = run.pointDescription(run.instantiations[0])
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
    try CommandFiles.write(picture.svg, to: output)
    let nonzero = j.storage.filter { $0 != 0 }.count
    print("wrote \(output): the \(rows)×\(cols) Jacobian \(d.jacobian.unicodeText) \(pointDescription), \(nonzero) nonzero entries")
  }

  /// `--order 2`: H (one variable) or the block ∂vec(∇_X F)/∂(vec Y)ᵀ (two), at the point.
  private func drawHessian() throws {
    if try SymbolicSizes(point.dims) != nil {
      throw CLIError("--order 2 needs concrete sizes in --dims; size symbols are supported for first derivatives only")
    }
    let variables = try parseVariableList(wrt)
    guard variables.count <= 2 else {
      throw CLIError("spy --order 2 draws one Hessian block: give one variable or two (X,Y) with --wrt, not \(wrt)")
    }
    let f = try parseExpression(expression, role: "expression")
    let (dims, values, pointDescription, assumptions) = try point.resolve(for: [f])
    guard assumptions.isEmpty else {
      throw CLIError("--assume is for first derivatives: --order 2 differentiates without assumptions, drop --assume")
    }
    for v in variables where dims[v] == nil {
      throw CLIError("--wrt \(v) names no variable with a shape: give it with --dims \(v)=RxC")
    }
    let outputShape = try f.shape(in: dims)
    guard outputShape.isScalar else {
      throw CLIError(
        "--order 2 needs a 1×1 expression, but \(expression) is \(outputShape): a Hessian is the derivative of a gradient, "
          + "which only a scalar function has")
    }
    let (x, y) = (variables[0], variables.last!)
    let h = try SymbolicHessianBlocks(of: f, wrt: variables, dims: dims)
    let j = variables.count == 1 ? 0 : 1
    let block = h.block(0, j)
    let (rows, cols) = (h.shapes[0].count, h.shapes[j].count)
    guard rows <= JacobianPicture.maximumSide, cols <= JacobianPicture.maximumSide else {
      throw CLIError(
        "the Hessian block is \(rows)×\(cols), too large to draw legibly (at most \(JacobianPicture.maximumSide) rows and "
          + "columns): use smaller --dims")
    }
    let m = try h.block(0, j, at: values).materialized()
    let picture = try JacobianPicture(
      jacobian: m, output: h.shapes[0], input: h.shapes[j], title: "∂²(\(expression))/∂\(x)∂\(y)",
      outputName: "∇_\(x) F", inputName: y)
    try CommandFiles.write(picture.svg, to: output)
    let nonzero = m.storage.filter { $0 != 0 }.count
    print(
      "wrote \(output): the \(rows)×\(cols) Hessian block ∂vec(∇_\(x) F)/∂(vec \(y))ᵀ = \(block.hessian.unicodeText) "
        + "\(pointDescription), \(nonzero) nonzero entries")
  }
}
