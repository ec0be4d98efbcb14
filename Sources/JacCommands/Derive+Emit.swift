import Foundation
import MatrixCore
import Symbolic

/// `jac derive EXPR --wrt X --dims … --emit numpy|jax|torch|swift`: the derivative as a
/// self-contained function (docs/export.md) printed on stdout, instead of the report.
extension Derive {
  func runEmit(_ targetName: String) throws {
    guard let target = ExportTarget(rawValue: targetName) else {
      throw CLIError(
        "--emit \(targetName) is not a target jac exports to; choose one of \(ExportTarget.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    let clashes: [(Bool, String)] = [
      (order != 1, "--order \(order)"), (check, "--check"), (steps, "--steps"), (jacobianOut != nil, "--jacobian-out"),
      (format != .text, "--format \(format.rawValue)"), (layoutOption != nil, "--layout"),
      (!point.assume.isEmpty, "--assume"),
    ]
    if let clash = clashes.first(where: { $0.0 }) {
      throw CLIError(
        "--emit prints code only, so \(clash.1) cannot go with it; the exported function computes F and its gradients (or its JVP) as docs/export.md says")
    }
    let export: CodeExport
    if let prepared = try programOptions.resolve(argument: expression, output: programOutput.name, point: point) {
      let wrt = try prepared.wrtList(self.wrt)
      var inputShapes: [String: Shape] = [:]
      for i in prepared.program.inputs { inputShapes[i] = prepared.shapes[i] }
      export = try CodeExport(program: prepared.program, wrt: wrt, dims: inputShapes, target: target)
    } else {
      let f = try parseExpression(expression, role: "expression")
      // Sizes left out of --dims are inferred (docs/language.md) when they come out as numbers.
      var point = self.point
      switch try SizeResolution.resolve(f, point: point) {
      case .symbolic:
        throw CLIError("--emit needs numeric sizes in --dims (the exported code fixes every shape), not size symbols")
      case .completed(let dims, _): point = point.completing(dims: dims)
      case .concrete: break
      }
      let (dims, _, _, _) = try point.resolve(for: [f])
      let wrt = try parseVariableList(self.wrt)
      for v in wrt where dims[v] == nil {
        throw CLIError("--wrt \(v) names no variable with a shape: give it with --dims \(v)=RxC")
      }
      export = try CodeExport(expression: f, wrt: wrt, dims: dims, target: target, source: expression)
    }
    print(export.code, terminator: "")
  }
}
