import MatrixCore

/// Prints an `ExportPlan` as Swift over this package's libraries: values are MatrixCore
/// `Matrix` (column-major, BLAS products), structured factors are Jacobians' `StructuredMatrix`
/// applied without materialising (`StructuredMatrix.kronecker(A, B).apply(M)`), and the
/// file-private helpers `_add`, `_mul`, … give the language's broadcasting and 1×1 scaling.
struct SwiftExportPrinter {
  let plan: ExportPlan
  private var shapes: [Expression: Shape] = [:]
  private var lines: [String] = []
  private var counter = 0

  init(plan: ExportPlan) { self.plan = plan }

  mutating func module(functionName: String) throws -> String {
    var body: [String] = []
    for a in plan.arguments {
      body.append("try _input(\(a.name), \(a.shape.rows), \(a.shape.cols), \"\(a.name)\")")
    }
    for b in plan.body {
      lines = []
      let code = try self.code(b.expression)
      body += lines
      body.append("let \(b.name) = \(code)")
    }
    let results = plan.results.map { "\($0.name): \($0.name)" }
    body.append("return (" + results.joined(separator: ", ") + ")")
    let resultType = plan.results.map { "\($0.name): Matrix" }.joined(separator: ", ")
    var out: [String] = []
    out.append("// Exported by jac (JacobianKit) --emit swift; regenerate rather than edit.")
    out.append("import Foundation")
    out.append("import Jacobians")
    out.append("import MatrixCore")
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
    out.append("/// - Throws: `ExportedFunctionError` for an argument of the wrong shape; MatrixCore's errors (a singular matrix).")
    let signature = plan.arguments.map { "\($0.name): Matrix" }.joined(separator: ", ")
    out.append("func \(functionName)(\(signature)) throws -> (\(resultType)) {")
    out += body.map { "  " + $0 }
    out.append("}")
    out.append("")
    out += SwiftExportPrinter.helpers
    return out.joined(separator: "\n") + "\n"
  }

  // MARK: Expressions

  private mutating func shape(_ e: Expression) throws -> Shape {
    if let s = shapes[e] { return s }
    let s = try e.shape(in: plan.shapes, maximumEntries: .max)
    shapes[e] = s
    return s
  }

  private mutating func bind(_ code: String) -> String {
    if code.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) { return code }
    counter += 1
    let name = "_v\(counter)"
    lines.append("let \(name) = \(code)")
    return name
  }

  private func literal(_ c: Double) -> String { "_c(\(c))" }

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
    case .add(let a, let b): return "_add(\(try code(a)), \(try code(b)))"
    case .subtract(let a, let b): return "_sub(\(try code(a)), \(try code(b)))"
    case .hadamard(let a, let b): return "_had(\(try code(a)), \(try code(b)))"
    case .hadamardQuotient(let a, let b), .divide(let a, let b): return "_quot(\(try code(a)), \(try code(b)))"
    case .product(let a, let b): return try product(a, b)
    case .power(let a, let k):
      if try shape(a).isScalar { return "_pow(\(try code(a)), \(try code(k)))" }
      guard let n = k.integerConstant else { throw ExportError("the matrix power \(e.plainText) needs an integer exponent") }
      return "try _matrixPower(\(try code(a)), \(n))"
    case .elementwisePower(let a, let p): return "_pow(\(try code(a)), \(try code(p)))"
    case .inverse(let a): return "try \(try code(a)).inverse()"
    case .determinant(let a): return "_c(try \(try code(a)).determinant())"
    case .logDeterminant(let a): return "_c(try \(try code(a)).logAbsDeterminant().logAbs)"
    case .trace(let a): return "_c(try \(try code(a)).trace())"
    case .sum(let a): return "_c(\(try code(a)).sum)"
    case .norm(let a): return "_c(\(try code(a)).frobeniusNorm)"
    case .norm1(let a): return "_c(\(try code(a)).storage.reduce(0) { $0 + abs($1) })"
    case .kronecker(let a, let b): return "Matrix.kronecker(\(try code(a)), \(try code(b)))"
    case .vec(let a): return "\(try code(a)).vec"
    case .reshape(let a, let r, let c): return "Matrix(rows: \(r), cols: \(c), columnMajor: \(try code(a)).storage)"
    case .diag(let v): return "Matrix.diagonal(\(try code(v)).storage)"
    case .diagonal(let a): return "_diagonal(\(try code(a)))"
    case .elementwise(let f, let a): return "\(try code(a)).map(\(SwiftExportPrinter.function(f)))"
    case .softmax(let a): return "_softmax(\(try code(a)))"
    case .logSumExp(let a): return "_logsumexp(\(try code(a)))"
    case .maximum(let a, let b): return "_zip(\(try code(a)), \(try code(b)), Swift.max)"
    case .minimum(let a, let b): return "_zip(\(try code(a)), \(try code(b)), Swift.min)"
    case .concatenation(let rows):
      var printed: [String] = []
      for row in rows { printed.append("[" + (try row.map { try code($0) }).joined(separator: ", ") + "]") }
      return "try Matrix(blocks: [" + printed.joined(separator: ", ") + "])"
    }
  }

  static func function(_ f: ElementwiseFunction) -> String {
    switch f {
    case .exp: return "{ Foundation.exp($0) }"
    case .log: return "{ Foundation.log($0) }"
    case .sin: return "{ Foundation.sin($0) }"
    case .cos: return "{ Foundation.cos($0) }"
    case .tanh: return "{ Foundation.tanh($0) }"
    case .tan: return "{ Foundation.tan($0) }"
    case .arcsin: return "{ Foundation.asin($0) }"
    case .arccos: return "{ Foundation.acos($0) }"
    case .arctan: return "{ Foundation.atan($0) }"
    case .sqrt: return "{ $0.squareRoot() }"
    case .abs: return "{ Swift.abs($0) }"
    case .sigmoid: return "_sigmoid"
    case .relu: return "{ $0 > 0 ? $0 : 0 }"
    case .softplus: return "{ Swift.max($0, 0) + Foundation.log1p(Foundation.exp(-Swift.abs($0))) }"
    case .heaviside: return "{ $0 > 0 ? 1 : 0 }"
    case .sign: return "{ $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }"
    }
  }

  private mutating func product(_ a: Expression, _ b: Expression) throws -> String {
    let (sa, sb) = (try shape(a), try shape(b))
    if sa.isScalar || sb.isScalar { return "_mul(\(try code(a)), \(try code(b)))" }
    if a.isStructuredOperator { return "\(try structured(a)).apply(\(try code(b)))" }
    if b.isStructuredOperator {
      // M·S = (Sᵀ·Mᵀ)ᵀ
      return "\(try structured(b)).applyTransposed(\(try code(a)).transposed).transposed"
    }
    return "_mul(\(try code(a)), \(try code(b)))"
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
      if try shape(a).isScalar { return "(\(try code(a)).storage[0] * \(try structured(b)))" }
      if try shape(b).isScalar { return "(\(try code(b)).storage[0] * \(try structured(a)))" }
      return "(\(try structured(a)) * \(try structured(b)))"
    case .add(let a, let b): return "(\(try structured(a)) + \(try structured(b)))"
    case .subtract(let a, let b): return "(\(try structured(a)) - \(try structured(b)))"
    default: return "StructuredMatrix.dense(\(try code(op)))"
    }
  }

  static let helpers: [String] = [
    "/// The wrong shape for an argument of an exported function.",
    "fileprivate struct ExportedFunctionError: Error, CustomStringConvertible {",
    "  let description: String",
    "}",
    "",
    "fileprivate func _input(_ x: Matrix, _ rows: Int, _ cols: Int, _ name: String) throws {",
    "  guard x.rows == rows && x.cols == cols else {",
    "    throw ExportedFunctionError(description: \"\\(name) must be \\(rows)×\\(cols), not \\(x.rows)×\\(x.cols)\")",
    "  }",
    "}",
    "",
    "fileprivate func _c(_ x: Double) -> Matrix { Matrix(rows: 1, cols: 1, columnMajor: [x]) }",
    "",
    "/// Both operands broadcast to one shape (a size-1 row or column repeated), entry by entry.",
    "fileprivate func _zip(_ a: Matrix, _ b: Matrix, _ f: (Double, Double) -> Double) -> Matrix {",
    "  let shape = Shape(Swift.max(a.rows, b.rows), Swift.max(a.cols, b.cols))",
    "  let (x, y) = (a.broadcast(to: shape), b.broadcast(to: shape))",
    "  return Matrix(rows: shape.rows, cols: shape.cols, columnMajor: zip(x.storage, y.storage).map { f($0, $1) })",
    "}",
    "",
    "fileprivate func _add(_ a: Matrix, _ b: Matrix) -> Matrix { a.shape == b.shape ? a + b : _zip(a, b, +) }",
    "fileprivate func _sub(_ a: Matrix, _ b: Matrix) -> Matrix { a.shape == b.shape ? a - b : _zip(a, b, -) }",
    "fileprivate func _had(_ a: Matrix, _ b: Matrix) -> Matrix { _zip(a, b, *) }",
    "fileprivate func _quot(_ a: Matrix, _ b: Matrix) -> Matrix { _zip(a, b, /) }",
    "",
    "/// The matrix product, or scaling when a side is 1×1 (BLAS through MatrixCore).",
    "fileprivate func _mul(_ a: Matrix, _ b: Matrix) -> Matrix {",
    "  if a.count == 1 { return b.scaled(by: a.storage[0]) }",
    "  if b.count == 1 { return a.scaled(by: b.storage[0]) }",
    "  return a * b",
    "}",
    "",
    "fileprivate func _pow(_ a: Matrix, _ p: Matrix) -> Matrix {",
    "  let q = p.storage[0]",
    "  return q == 2 ? a.map { $0 * $0 } : a.map { Foundation.pow($0, q) }",
    "}",
    "",
    "fileprivate func _matrixPower(_ a: Matrix, _ k: Int) throws -> Matrix {",
    "  let base = k < 0 ? try a.inverse() : a",
    "  var result = Matrix.identity(a.rows)",
    "  for _ in 0..<k.magnitude { result = result * base }",
    "  return result",
    "}",
    "",
    "fileprivate func _sigmoid(_ x: Double) -> Double {",
    "  if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }",
    "  let e = Foundation.exp(x)",
    "  return e / (1 + e)",
    "}",
    "",
    "fileprivate func _softmax(_ x: Matrix) -> Matrix {",
    "  let shift = x.storage.max() ?? 0",
    "  let e = x.map { Foundation.exp($0 - shift) }",
    "  let total = e.sum",
    "  return e.map { $0 / total }",
    "}",
    "",
    "fileprivate func _logsumexp(_ x: Matrix) -> Matrix {",
    "  let shift = x.storage.max() ?? 0",
    "  return _c(shift + Foundation.log(x.storage.reduce(0) { $0 + Foundation.exp($1 - shift) }))",
    "}",
    "",
    "fileprivate func _diagonal(_ a: Matrix) -> Matrix {",
    "  Matrix(column: (0..<Swift.min(a.rows, a.cols)).map { a[$0, $0] })",
    "}",
  ]
}
