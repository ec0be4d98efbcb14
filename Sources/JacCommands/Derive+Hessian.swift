import Foundation
import Jacobians
import MatrixCore
import Symbolic

/// `jac derive EXPR --wrt X --order 2` (docs/hessians.md): the Hessian of a 1×1 F in Kronecker
/// form (numerator layout over column-major vec, symmetric) and in matrix form H[V]; with
/// `--wrt X,Y` the blocks of mixed second derivatives (Derive+MixedHessian.swift).
extension Derive {
  /// Rejects what `--order` cannot do, one sentence each; returns whether the run is a Hessian.
  func validateOrder() throws -> Bool {
    switch order {
    case 1: return false
    case 2: break
    default:
      throw CLIError(
        "--order \(order) is not available: jac derives first derivatives (--order 1) and Hessians of a 1×1 expression (--order 2)")
    }
    if layoutOption == .shape {
      throw CLIError("--layout shape has no meaning for a Hessian, which is (ab)×(ab) and symmetric: drop --layout")
    }
    return true
  }

  /// Why `--order 2` cannot run at these sizes: every variable whose size is a symbol, with its
  /// shape, and a `--dims` in numbers that fits (the symbols in order 3, 4, 5, …, those fixed by
  /// `--values` at their values).
  func hessianNeedsNumericSizes(_ sizes: SymbolicSizes) -> String {
    var example = sizes.fixed
    for symbol in sizes.symbols where example[symbol] == nil { example[symbol] = 3 + example.count }
    let unvalued = sizes.shapes.keys.sorted().filter { v in
      let s = sizes.shapes[v]!
      return !(s.rows.symbols.isEmpty && s.cols.symbols.isEmpty) && sizes.values[v] == nil
    }
    let symbolic = unvalued.isEmpty ? sizes.shapes.keys.sorted() : unvalued
    let dims = sizes.shapes.keys.sorted().filter { sizes.values[$0] == nil }.map { v in
      "\(v)=\(sizes.shapes[v]!.rows.value(example))x\(sizes.shapes[v]!.cols.value(example))"
    }
    let names = symbolic.count == 1 ? symbolic[0] : symbolic.dropLast().joined(separator: ", ") + " and " + symbolic.last!
    return "--order 2 needs every size in numbers, but \(names) \(symbolic.count == 1 ? "has" : "have") none (known only "
      + "as \(sizes.describeShapes(symbolic)); size symbols are for first derivatives): give "
      + (symbolic.count == 1 ? "it" : "them") + " with --dims, e.g. --dims \(dims.joined(separator: ","))"
  }

  /// The point, the parsed expression and the variables of a Hessian run, after the checks
  /// that every `--order 2` run shares.
  func prepareHessian() throws -> (
    f: MatrixExpression, variables: [String], dims: [String: Shape], values: [String: Matrix], pointDescription: String
  ) {
    if try SymbolicSizes(point.dims) != nil {
      throw CLIError("--order 2 needs concrete sizes in --dims; size symbols are supported for first derivatives only")
    }
    let variables = try parseVariableList(wrt)
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
    return (f, variables, dims, values, pointDescription)
  }

  /// The Hessian run (symmetry and, with --check, central differences of the gradient): prints
  /// text, LaTeX or MathML, or returns the JSON record; and whether H is symmetric and the check
  /// passed.
  func runHessian() throws -> (DeriveOutput?, Bool) {
    let (f, variables, dims, values, pointDescription) = try prepareHessian()
    if variables.count > 1 {
      let (record, passed) = try runMixedHessian(
        f, variables: variables, dims: dims, values: values, pointDescription: pointDescription)
      return (record.map(DeriveOutput.mixedHessian), passed)
    }
    let v = variables[0]
    let h = try SymbolicHessian(of: f, wrt: v, dims: dims)
    let n = h.inputShape.count
    let operatorH = try h.hessian(at: values)
    let symmetry = try HessianSymmetry(
      size: n, dense: { try operatorH.materialized() }, apply: { operatorH.matrix.apply($0) }, seed: point.seed)
    let dependsOnX = h.gradient.variables.contains(v)
    let checked =
      (check && dependsOnX)
      ? HessianCheck([try DerivativeCheck(h.gradientDerivative, at: values, seed: point.seed)]) : nil
    let derivation: [HessianSteps.Stage] = steps ? try HessianSteps.stages(first: [h.firstDerivative], second: [h.gradientDerivative]) : []
    if let path = jacobianOut { try CommandFiles.write(NPYArray(matrix: operatorH.materialized()), to: path) }
    let checkPassed = checked?.passed ?? true
    switch format {
    case .latex, .mathml:
      let markup = HessianMarkup(
        expression: f, variables: [(v, h.inputShape)],
        blocks: [
          .init(
            row: v, column: v, rows: n, cols: n, hessian: h.hessian, directional: h.directional, direction: h.direction)
        ],
        rowDirectional: [], gradients: [h.gradient], symmetry: symmetry, check: checked,
        noCheckReason: check && !dependsOnX ? "the gradient does not depend on \(v), so H = 0 exactly" : nil,
        jacobianOut: jacobianOut, steps: derivation)
      print(format == .latex ? markup.latex : markup.mathML)
    case .text:
      print("F = \(expression)   (1×1),  \(v) \(h.inputShape)")
      print("Hessian ∂vec(∇F)/∂(vec \(v))ᵀ [numerator layout over column-major vec, \(n)×\(n)]:")
      print("  " + h.hessian.unicodeText)
      print("H[\(h.direction)], the derivative of the gradient along \(h.direction) (shaped like \(v), \(h.inputShape)):")
      print("  " + h.directional.unicodeText)
      print("gradient (shape convention, \(h.inputShape)):")
      print("  " + h.gradient.unicodeText)
      print("structure \(pointDescription): \(operatorH.matrix)")
      for stage in derivation { print(stage.textLines.joined(separator: "\n")) }
      print(symmetry.textLine)
      if check && !dependsOnX {
        print("check: the gradient does not depend on \(v), so H = 0 exactly: nothing to compare")
      }
      if let c = checked { print(c.textLine(of: "the gradient")) }
      if let path = jacobianOut { print("wrote \(path)") }
    case .json:
      let record = HessianRecord(
        expression: expression, wrt: v, order: 2, outputShape: [1, 1], inputShape: .init(h.inputShape),
        gradient: HessianMarkup.forms(h.gradient),
        hessian: .init(
          text: h.hessian.unicodeText, latex: h.hessian.latex, plain: h.hessian.plainText, rows: n, cols: n,
          layout: "numerator", structure: operatorH.matrix.structure.text,
          directional: .init(
            text: h.directional.unicodeText, latex: h.directional.latex, plain: h.directional.plainText,
            direction: h.direction),
          symmetry: symmetry.record),
        check: !check
          ? nil
          : checked?.record(of: "the gradient")
            ?? DerivativeCheckRecord(method: "none: the gradient does not depend on \(v), H = 0 exactly", passed: true),
        steps: derivation.isEmpty ? nil : derivation.map(\.record),
        jacobianOut: jacobianOut)
      return (.hessian(record), record.passed)
    }
    return (nil, checkPassed && symmetry.symmetric)
  }
}

/// The check of a Hessian against central differences of the gradient, one `DerivativeCheck`
/// per block (one for a single variable): the largest errors over the blocks, failed when one
/// block failed, inconclusive when one could not tell.
struct HessianCheck {
  let method: String
  let maxAbsError: Double
  let maxRelError: Double
  let estimatedFiniteDifferenceError: Double
  let relativeTolerance: Double
  let verdict: CheckVerdict
  var passed: Bool { verdict == .passed }

  init(_ checks: [DerivativeCheck]) {
    method = checks.map(\.method.description).first ?? "none"
    maxAbsError = checks.map(\.maxAbsError).max() ?? 0
    maxRelError = checks.map(\.maxRelError).max() ?? 0
    estimatedFiniteDifferenceError = checks.map(\.estimatedFiniteDifferenceError).max() ?? 0
    relativeTolerance = checks.map(\.relativeTolerance).max() ?? 0
    if checks.contains(where: { $0.verdict == .failed }) {
      verdict = .failed
    } else if checks.contains(where: { $0.verdict == .inconclusive }) {
      verdict = .inconclusive
    } else {
      verdict = .passed
    }
  }

  func textLine(of what: String) -> String {
    "check against \(method) of \(what): largest absolute error \(sci(maxAbsError)), relative "
      + "\(sci(maxRelError)), finite differences' estimated error \(sci(estimatedFiniteDifferenceError)): "
      + Derive.verdictText(verdict)
  }

  func record(of what: String) -> DerivativeCheckRecord {
    DerivativeCheckRecord(
      method: method + " of " + what, maxAbsError: maxAbsError, maxRelError: maxRelError,
      estimatedFiniteDifferenceError: estimatedFiniteDifferenceError, relativeTolerance: relativeTolerance,
      verdict: verdict.rawValue, passed: passed)
  }
}

/// Symmetry of a Hessian at a point, to 1e-10 relative: entry by entry when H has at most
/// 2048 columns (`max|H − Hᵀ| ≤ 1e-10·max|H|`), otherwise along 4 seeded random pairs of
/// directions (`|uᵀHv − vᵀHu| ≤ 1e-10·‖u‖‖Hv‖`, applied structured).
struct HessianSymmetry {
  let method: String
  let maxAbs: Double
  let relative: Double
  var symmetric: Bool { relative <= 1e-10 }

  /// - Parameters: `dense` builds H (size×size), `apply` multiplies H by a column.
  init(size: Int, dense: () throws -> Matrix, apply: (Matrix) throws -> Matrix, seed: UInt64) throws {
    if size <= 2048 {
      let m = try dense()
      let t = m.transposed
      var (worst, scale) = (0.0, 0.0)
      for k in 0..<m.storage.count {
        worst = max(worst, abs(m.storage[k] - t.storage[k]))
        scale = max(scale, abs(m.storage[k]))
      }
      method = "entrywise"
      maxAbs = worst
      relative = scale > 0 ? worst / scale : worst
    } else {
      var generator = SeededGenerator(seed: seed)
      var (worst, rel) = (0.0, 0.0)
      for _ in 0..<4 {
        let u = Matrix.randomNormal(size, 1, using: &generator)
        let v = Matrix.randomNormal(size, 1, using: &generator)
        let (hu, hv) = (try apply(u), try apply(v))
        let a = zip(u.storage, hv.storage).reduce(0) { $0 + $1.0 * $1.1 }
        let b = zip(v.storage, hu.storage).reduce(0) { $0 + $1.0 * $1.1 }
        let scale = max(u.frobeniusNorm * hv.frobeniusNorm, v.frobeniusNorm * hu.frobeniusNorm)
        worst = max(worst, abs(a - b))
        rel = max(rel, scale > 0 ? abs(a - b) / scale : abs(a - b))
      }
      method = "along 4 random pairs of directions"
      maxAbs = worst
      relative = rel
    }
  }

  var verdictText: String { symmetric ? "symmetric to 1e-10" : "NOT SYMMETRIC" }

  var textLine: String {
    "symmetry (\(method)): largest |H − Hᵀ| \(sci(maxAbs)), relative \(sci(relative)): \(verdictText)"
  }

  var record: HessianRecord.Symmetry {
    .init(method: method, maxAbsAsymmetry: maxAbs, relativeAsymmetry: relative, symmetric: symmetric)
  }
}
