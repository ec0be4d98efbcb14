import Foundation
import Jacobians
import MatrixCore
import Symbolic

/// `jac derive EXPR --wrt X --order 2` (docs/hessians.md): the Hessian of a 1×1 F in Kronecker
/// form (numerator layout over column-major vec, symmetric) and in matrix form H[V].
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
    if steps { throw CLIError("--steps prints the derivation of a first derivative: drop --steps with --order 2") }
    if format == .mathml {
      throw CLIError("--format mathml is not available for a Hessian (--order 2) yet; use --format text, latex or json")
    }
    return true
  }

  /// The Hessian run (one variable; symmetry and, with --check, central differences of the
  /// gradient): prints text or LaTeX, or returns the JSON record; and whether H is symmetric and
  /// the check passed.
  func runHessian() throws -> (HessianRecord?, Bool) {
    if try SymbolicSizes(point.dims) != nil {
      throw CLIError("--order 2 needs concrete sizes in --dims; size symbols are supported for first derivatives only")
    }
    let variables = try parseVariableList(wrt)
    guard variables.count == 1 else {
      throw CLIError("--order 2 differentiates with respect to one variable: give one name with --wrt, not \(wrt)")
    }
    let v = variables[0]
    let f = try parseExpression(expression, role: "expression")
    let (dims, values, pointDescription, assumptions) = try point.resolve(for: [f])
    guard assumptions.isEmpty else {
      throw CLIError("--assume is for first derivatives: --order 2 differentiates without assumptions, drop --assume")
    }
    guard dims[v] != nil else { throw CLIError("--wrt \(v) names no variable with a shape: give it with --dims \(v)=RxC") }
    let outputShape = try f.shape(in: dims)
    guard outputShape.isScalar else {
      throw CLIError(
        "--order 2 needs a 1×1 expression, but \(expression) is \(outputShape): a Hessian is the derivative of a gradient, "
          + "which only a scalar function has")
    }
    let h = try SymbolicHessian(of: f, wrt: v, dims: dims)
    let n = h.inputShape.count
    let operatorH = try h.hessian(at: values)
    let symmetry = try HessianSymmetry(operatorH.matrix, seed: point.seed)
    let dependsOnX = h.gradient.variables.contains(v)
    let checked = (check && dependsOnX) ? try DerivativeCheck(h.gradientDerivative, at: values, seed: point.seed) : nil
    if let path = jacobianOut { try operatorH.materialized().writeNPY(to: path) }
    let checkPassed = checked?.passed ?? true
    switch format {
    case .mathml: break  // refused in validateOrder
    case .text, .latex:
      let latex = format == .latex
      func show(_ e: MatrixExpression) -> String { latex ? e.latex : e.unicodeText }
      print("F = \(expression)   (1×1),  \(v) \(h.inputShape)")
      print("Hessian ∂vec(∇F)/∂(vec \(v))ᵀ [numerator layout over column-major vec, \(n)×\(n)]:")
      print("  " + show(h.hessian))
      print("H[\(h.direction)], the derivative of the gradient along \(h.direction) (shaped like \(v), \(h.inputShape)):")
      print("  " + show(h.directional))
      print("gradient (shape convention, \(h.inputShape)):")
      print("  " + show(h.gradient))
      if !latex {
        print("structure \(pointDescription): \(operatorH.matrix)")
        print(
          "symmetry (\(symmetry.method)): largest |H − Hᵀ| \(sci(symmetry.maxAbs)), relative \(sci(symmetry.relative)): "
            + (symmetry.symmetric ? "symmetric to 1e-10" : "NOT SYMMETRIC"))
        if check && !dependsOnX {
          print("check: the gradient does not depend on \(v), so H = 0 exactly: nothing to compare")
        }
        if let c = checked {
          print(
            "check against \(c.method.description) of the gradient: largest absolute error \(sci(c.maxAbsError)), relative "
              + "\(sci(c.maxRelError)), finite differences' estimated error \(sci(c.estimatedFiniteDifferenceError)): "
              + Derive.verdictText(c.verdict))
        }
        if let path = jacobianOut { print("wrote \(path)") }
      }
    case .json:
      func forms(_ e: MatrixExpression) -> DeriveRecord.Forms {
        .init(text: e.unicodeText, latex: e.latex, plain: e.plainText)
      }
      let record = HessianRecord(
        expression: expression, wrt: v, order: 2, outputShape: [1, 1], inputShape: .init(h.inputShape),
        gradient: forms(h.gradient),
        hessian: .init(
          text: h.hessian.unicodeText, latex: h.hessian.latex, plain: h.hessian.plainText, rows: n, cols: n,
          layout: "numerator", structure: operatorH.matrix.structure.text,
          directional: .init(
            text: h.directional.unicodeText, latex: h.directional.latex, plain: h.directional.plainText,
            direction: h.direction),
          symmetry: .init(
            method: symmetry.method, maxAbsAsymmetry: symmetry.maxAbs, relativeAsymmetry: symmetry.relative,
            symmetric: symmetry.symmetric)),
        check: !check
          ? nil
          : checked.map { DerivativeCheckRecord($0, methodSuffix: " of the gradient") }
            ?? DerivativeCheckRecord(method: "none: the gradient does not depend on \(v), H = 0 exactly", passed: true),
        jacobianOut: jacobianOut)
      return (record, record.passed)
    }
    return (nil, checkPassed && symmetry.symmetric)
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

  init(_ h: StructuredMatrix, seed: UInt64) throws {
    if h.cols <= 2048 {
      let m = try h.materialized()
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
        let u = Matrix.randomNormal(h.cols, 1, using: &generator)
        let v = Matrix.randomNormal(h.cols, 1, using: &generator)
        let (hu, hv) = (h.apply(u), h.apply(v))
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
}
