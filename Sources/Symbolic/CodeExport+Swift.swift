import Foundation
import MatrixCore

/// Prints an `ExportPlan` as Swift over this package's libraries: values are MatrixCore
/// `Matrix` (column-major, BLAS products), structured factors are Jacobians' `StructuredMatrix`
/// applied without materialising (`StructuredMatrix.kronecker(A, B).apply(M)`). The file calls
/// the library for everything the evaluator computes too (broadcasting `Matrix.broadcasting`,
/// `softmax()`, `logSumExp()`, `power(_:)`, `Matrix(blocks:)`, `ElementwiseFunction.apply`), so no
/// helper is re-emitted into each file; 1×1 scaling and equal-shape sums are chosen from the
/// shapes when the file is written.
struct SwiftExportPrinter {
  let plan: ExportPlan
  private var shapes: [Expression: Shape] = [:]

  init(plan: ExportPlan) { self.plan = plan }

  mutating func module(functionName: String) throws -> String {
    var body: [String] = []
    for a in plan.arguments {
      body.append("try \(a.name).requireShape(\(a.shape.rows), \(a.shape.cols), name: \"\(a.name)\")")
    }
    for b in plan.body {
      // One `try` for the line (Swift refuses one right of an operator such as `a * try f()`).
      let code = try code(b.expression)
      let bare = code.replacingOccurrences(of: "try ", with: "")
      body.append("let \(b.name) = " + (bare == code ? code : "try " + bare))
    }
    let results = plan.results.map { "\($0.name): \($0.name)" }
    body.append("return (" + results.joined(separator: ", ") + ")")
    let resultType = plan.results.map { "\($0.name): Matrix" }.joined(separator: ", ")
    var out: [String] = []
    out.append("// Exported by jac (JacobianKit) --emit swift; regenerate rather than edit.")
    out.append("import Jacobians")
    out.append("import MatrixCore")
    out.append("import Symbolic")
    out.append("")
    out.append("/// " + plan.title)
    out.append("///")
    switch plan.kind {
    case .gradient:
      out.append("/// Returns F and its gradients in the shape convention: dX[i, j] = ∂F/∂X[i, j], shaped like X.")
    case .jvp:
      out.append("/// Returns F and the Jacobian–vector product along the tangents (forward mode):")
      out.append("/// vec(dF) = Σ J_X·vec(dX) with J_X = ∂vec F/∂(vec X)ᵀ (numerator layout, vec stacks columns,")
      out.append("/// J[p + q·m, i + j·a] = ∂F[p, q]/∂X[i, j]); dF is shaped like F.")
    }
    out.append("/// Every value is a MatrixCore `Matrix` (column-major; a 1×1 value is a 1×1 matrix); Kronecker")
    out.append("/// factors and commutation matrices are applied as `StructuredMatrix` (the vec trick), never materialised.")
    for n in plan.notes { out.append("/// " + n) }
    out.append("/// - Parameters:")
    for a in plan.arguments { out.append("///   - \(a.name): \(a.shape.rows)×\(a.shape.cols), \(a.role)") }
    out.append("/// - Returns: (\(plan.results.map(\.name).joined(separator: ", "))):")
    for r in plan.results { out.append("///   \(r.name) \(r.shape.rows)×\(r.shape.cols), \(r.role)") }
    out.append("/// - Throws: `MatrixError.invalidArgument` for an argument of the wrong shape; MatrixCore's errors (a singular matrix).")
    let signature = plan.arguments.map { "\($0.name): Matrix" }.joined(separator: ", ")
    out.append("func \(functionName)(\(signature)) throws -> (\(resultType)) {")
    out += body.map { "  " + $0 }
    out.append("}")
    return out.joined(separator: "\n") + "\n"
  }

  // MARK: Expressions

  private mutating func shape(_ e: Expression) throws -> Shape {
    if let s = shapes[e] { return s }
    let s = try e.shape(in: plan.shapes, maximumEntries: .max)
    shapes[e] = s
    return s
  }

  private func literal(_ c: Double) -> String { "Matrix.scalar(\(c))" }

  /// `a op b` for an entrywise operation: the library's operator or method when the shapes are
  /// equal, `Matrix.broadcasting` otherwise.
  private mutating func entrywise(_ a: Expression, _ b: Expression, same: (String, String) -> String, op: String)
    throws -> String
  {
    let (x, y) = (try code(a), try code(b))
    if try shape(a) == shape(b) { return same(x, y) }
    return "try Matrix.broadcasting(\(x), \(y), \(op))"
  }

  mutating func code(_ e: Expression) throws -> String {
    switch e {
    case .variable(let n): return n
    case .constant(let c): return literal(c)
    case .identity(let n): return "Matrix.identity(\(n))"
    case .commutation(let a, let b): return "Commutation(\(a), \(b)).dense()"
    case .zeros(let r, let c): return "Matrix.zeros(\(r), \(c))"
    case .ones(let r, let c): return "Matrix.ones(\(r), \(c))"
    case .transpose(let a):
      if a.isStructuredOperator { return try code(a.operatorTransposed) }
      return "\(try code(a)).transposed"
    case .negate(let a): return "\(try code(a)).scaled(by: -1)"
    case .add(let a, let b): return try entrywise(a, b, same: { "(\($0) + \($1))" }, op: "+")
    case .subtract(let a, let b): return try entrywise(a, b, same: { "(\($0) - \($1))" }, op: "-")
    case .hadamard(let a, let b): return try entrywise(a, b, same: { "try \($0).hadamard(\($1))" }, op: "*")
    case .hadamardQuotient(let a, let b), .divide(let a, let b):
      return try entrywise(a, b, same: { "try \($0).hadamardQuotient(\($1))" }, op: "/")
    case .product(let a, let b): return try product(a, b)
    case .power(let a, let k):
      if try shape(a).isScalar { return try elementwisePower(a, k) }
      guard let n = k.integerConstant else { throw ExportError("the matrix power \(e.plainText) needs an integer exponent") }
      return "try \(try code(a)).power(\(n))"
    case .elementwisePower(let a, let p): return try elementwisePower(a, p)
    case .inverse(let a): return "try \(try code(a)).inverse()"
    case .determinant(let a): return "Matrix.scalar(try \(try code(a)).determinant())"
    case .logDeterminant(let a): return "Matrix.scalar(try \(try code(a)).logAbsDeterminant().logAbs)"
    case .trace(let a): return "Matrix.scalar(try \(try code(a)).trace())"
    case .sum(let a): return "Matrix.scalar(\(try code(a)).sum)"
    case .norm(let a): return "Matrix.scalar(\(try code(a)).frobeniusNorm)"
    case .norm1(let a): return "Matrix.scalar(\(try code(a)).storage.reduce(0) { $0 + abs($1) })"
    case .kronecker(let a, let b): return "Matrix.kronecker(\(try code(a)), \(try code(b)))"
    case .vec(let a): return "\(try code(a)).vec"
    case .reshape(let a, let r, let c): return "Matrix(rows: \(r), cols: \(c), columnMajor: \(try code(a)).storage)"
    case .diag(let v): return "Matrix.diagonal(\(try code(v)).storage)"
    case .diagonal(let a): return "\(try code(a)).diagonalColumn"
    case .elementwise(let f, let a): return "\(try code(a)).map(ElementwiseFunction.\(f.rawValue).apply)"
    case .softmax(let a): return "\(try code(a)).softmax()"
    case .logSumExp(let a): return "Matrix.scalar(\(try code(a)).logSumExp())"
    case .maximum(let a, let b): return "try Matrix.broadcasting(\(try code(a)), \(try code(b)), Swift.max)"
    case .minimum(let a, let b): return "try Matrix.broadcasting(\(try code(a)), \(try code(b)), Swift.min)"
    case .concatenation(let rows):
      var printed: [String] = []
      for row in rows { printed.append("[" + (try row.map { try code($0) }).joined(separator: ", ") + "]") }
      return "try Matrix(blocks: [" + printed.joined(separator: ", ") + "])"
    }
  }

  /// `a.^p` (and a 1×1 `a^p`): the exponent inline when it is a number.
  private mutating func elementwisePower(_ a: Expression, _ p: Expression) throws -> String {
    let exponent = try p.scalarConstant.map { "\($0)" } ?? "\(try code(p)).storage[0]"
    return "\(try code(a)).elementwisePower(\(exponent))"
  }

  private mutating func product(_ a: Expression, _ b: Expression) throws -> String {
    let (sa, sb) = (try shape(a), try shape(b))
    if sa.isScalar { return "\(try code(b)).scaled(by: \(try scalar(a)))" }
    if sb.isScalar { return "\(try code(a)).scaled(by: \(try scalar(b)))" }
    if a.isStructuredOperator { return "\(try structured(a)).apply(\(try code(b)))" }
    if b.isStructuredOperator {
      // M·S = (Sᵀ·Mᵀ)ᵀ
      return "\(try structured(b)).applyTransposed(\(try code(a)).transposed).transposed"
    }
    return "(\(try code(a)) * \(try code(b)))"
  }

  /// The number of a 1×1 expression: a literal, or `x.storage[0]`.
  private mutating func scalar(_ e: Expression) throws -> String {
    if let c = e.scalarConstant { return "\(c)" }
    return "\(try code(e)).storage[0]"
  }

  /// A `StructuredMatrix` for an operator expression (dense parts as `.dense`).
  private mutating func structured(_ op: Expression) throws -> String {
    switch op {
    case .identity(let n): return "StructuredMatrix.identity(\(n))"
    case .commutation(let a, let b): return "StructuredMatrix.commutation(\(a), \(b))"
    case .zeros(let r, let c): return "StructuredMatrix.zero(\(r), \(c))"
    case .kronecker(let a, let b): return "StructuredMatrix.kronecker(\(try structured(a)), \(try structured(b)))"
    case .diag(let d): return "StructuredMatrix.diagonal(\(try code(d)).storage)"
    case .transpose(let a) where a.isStructuredOperator: return "\(try structured(a)).transposed"
    case .negate(let a): return "(-\(try structured(a)))"
    case .product(let a, let b):
      if try shape(a).isScalar { return "(\(try scalar(a)) * \(try structured(b)))" }
      if try shape(b).isScalar { return "(\(try scalar(b)) * \(try structured(a)))" }
      return "(\(try structured(a)) * \(try structured(b)))"
    case .add(let a, let b): return "(\(try structured(a)) + \(try structured(b)))"
    case .subtract(let a, let b): return "(\(try structured(a)) - \(try structured(b)))"
    default: return "StructuredMatrix.dense(\(try code(op)))"
    }
  }
}
