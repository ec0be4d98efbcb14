import MatrixCore

/// Prints an `ExportPlan` as a Python module for NumPy, JAX or PyTorch: one function, private
/// helpers (`_input`, `_result`, `_sigmoid`, …) only when used, every value a 2-D float64 array.
struct PythonExportPrinter {
  let plan: ExportPlan
  let dialect: ExportTarget
  private var shapes: [Expression: Shape] = [:]
  private var lines: [String] = []
  private var counter = 0
  private var helpers: Set<String> = []
  /// For a size-generic export: the symbol of each prime of the generic instantiation.
  var sizeNames: [Int: String] = [:]

  init(plan: ExportPlan, dialect: ExportTarget) {
    self.plan = plan
    self.dialect = dialect
  }

  /// The module namespace: `np`, `jnp` or `torch`.
  private var m: String {
    switch dialect {
    case .jax: return "jnp"
    case .torch: return "torch"
    default: return "np"
    }
  }
  private var isTorch: Bool { dialect == .torch }
  private var dtype: String { isTorch ? ", dtype=torch.float64" : "" }

  /// A size in the code: its number, or under size symbols the symbols' expression (`m*n`, `n+1`).
  private func size(_ n: Int) -> String {
    guard !sizeNames.isEmpty else { return String(n) }
    return SizeSymbols.$names.withValue(sizeNames) { SizeSymbols.plainText(n) }.replacingOccurrences(of: "^", with: "**")
  }

  /// Under size symbols: lines that read each symbol off the first argument whose rows or
  /// columns it is (`m, n = _shape(W, "W")`).
  private func sizeBindings() throws -> [String] {
    var bound = Set<String>()
    var out: [String] = []
    for a in plan.arguments {
      let names = [a.shape.rows, a.shape.cols].map { sizeNames[$0].flatMap { bound.contains($0) ? nil : $0 } }
      if names[0] == nil && names[1] == nil { continue }
      if let r = names[0], let c = names[1], r != c {
        out.append("\(r), \(c) = _shape(\(a.name), \"\(a.name)\")")
      } else if let r = names[0] {
        out.append("\(r) = _shape(\(a.name), \"\(a.name)\")[0]")
      } else if let c = names[1] {
        out.append("\(c) = _shape(\(a.name), \"\(a.name)\")[1]")
      }
      bound.formUnion(names.compactMap { $0 })
    }
    if let missing = Set(sizeNames.values).subtracting(bound).sorted().first {
      throw ExportError(
        "the size symbol \(missing) is no argument's row or column count, so the exported code could not read it off the "
          + "arguments; give it a number in --dims")
    }
    return out
  }

  mutating func module(functionName: String) throws -> String {
    var body: [String] = sizeNames.isEmpty ? [] : try sizeBindings()
    for a in plan.arguments {
      body.append("\(a.name) = _input(\(a.name), \(size(a.shape.rows)), \(size(a.shape.cols)), \"\(a.name)\")")
    }
    for b in plan.body {
      lines = []
      let code = try self.code(b.expression)
      body += lines
      body.append("\(b.name) = \(code)")
    }
    let results = plan.results.map { "_result(\($0.name), \(size($0.shape.rows)), \(size($0.shape.cols)))" }
    body.append("return (" + results.joined(separator: ", ") + (results.count == 1 ? ",)" : ")"))
    var out: [String] = []
    out.append("# Exported by jac (JacobianKit) --emit \(dialect.rawValue); regenerate rather than edit.")
    switch dialect {
    case .jax:
      out.append("import jax")
      out.append("import jax.numpy as jnp")
      out.append("")
      out.append("jax.config.update(\"jax_enable_x64\", True)  # float64, as jac computes")
    case .torch:
      out.append("import torch")
    default:
      out.append("import numpy as np")
    }
    out.append("")
    out += helperDefinitions()
    out.append("")
    out.append("")
    let signature = plan.arguments.map(\.name).joined(separator: ", ")
    out.append("def \(functionName)(\(signature)):")
    out += docstring().map { $0.isEmpty ? "" : "    " + $0 }
    out += body.map { "    " + $0 }
    return out.joined(separator: "\n") + "\n"
  }

  private func docstring() -> [String] {
    let array = isTorch ? "torch.float64 tensor" : (dialect == .jax ? "float64 jax array" : "float64 NumPy array")
    var d: [String] = []
    d.append("\"\"\"" + plan.title)
    d.append("")
    switch plan.kind {
    case .gradient:
      d.append("Returns F and its gradients in the shape convention: dX[i, j] = ∂F/∂X[i, j], shaped like X.")
    case .jvp:
      d.append("Returns F and the Jacobian–vector product along the tangents (forward mode):")
      d.append("vec(dF) = Σ J_X · vec(dX) with J_X = ∂vec F/∂(vec X)ᵀ (numerator layout, vec stacks")
      d.append("columns, J[p + q·m, i + j·a] = ∂F[p, q]/∂X[i, j]); dF is shaped like F.")
    }
    d.append("Every value is a 2-D \(array) (a 1×1 value has shape (1, 1)); products with")
    d.append("Kronecker factors and commutation matrices use the vec trick, never a dense Kronecker product.")
    d += plan.notes
    if !sizeNames.isEmpty {
      d.append("Size-generic: the sizes \(Set(sizeNames.values).sorted().joined(separator: ", ")) are read off the arguments' shapes.")
    }
    d.append("")
    d.append("Arguments:")
    for a in plan.arguments { d.append("    \(a.name): (\(size(a.shape.rows)), \(size(a.shape.cols))), \(a.role)") }
    d.append("Returns (\(plan.results.map(\.name).joined(separator: ", "))):")
    for r in plan.results { d.append("    \(r.name): (\(size(r.shape.rows)), \(size(r.shape.cols))), \(r.role)") }
    d.append("\"\"\"")
    return d
  }

  private func helperDefinitions() -> [String] {
    var out: [String] = []
    let asArray = isTorch ? "torch.as_tensor(x, dtype=torch.float64)" : "\(m).asarray(x, dtype=\(m).float64)"
    out += [
      "",
      "def _input(x, rows, cols, name):",
      "    x = \(asArray)",
      "    if tuple(x.shape) != (rows, cols):",
      "        raise ValueError(f\"{name} must have shape ({rows}, {cols}), not {tuple(x.shape)}\")",
      "    return x",
      "",
      "",
      "def _result(x, rows, cols):",
      "    return \(asArray).reshape(rows, cols)",
    ]
    if !sizeNames.isEmpty {
      out += [
        "", "", "def _shape(x, name):", "    s = tuple(\(asArray).shape)", "    if len(s) != 2:",
        "        raise ValueError(f\"{name} must be a 2-D array, not of shape {s}\")", "    return s",
      ]
    }
    if helpers.contains("sigmoid") {
      out += [
        "", "", "def _sigmoid(x):", "    e = \(m).exp(-\(m).abs(x))", "    return \(m).where(x >= 0, 1 / (1 + e), e / (1 + e))",
      ]
    }
    if helpers.contains("softmax") {
      out += ["", "", "def _softmax(x):", "    e = \(m).exp(x - x.max())", "    return e / e.sum()"]
    }
    if helpers.contains("logsumexp") {
      out += [
        "", "", "def _logsumexp(x):", "    s = x.max()", "    return (s + \(m).log(\(m).exp(x - s).sum())).reshape(1, 1)",
      ]
    }
    return out
  }

  // MARK: Expressions

  private mutating func shape(_ e: Expression) throws -> Shape {
    if let s = shapes[e] { return s }
    let s = try e.shape(in: plan.shapes, maximumEntries: .max)
    shapes[e] = s
    return s
  }

  /// A name for `code` (a new line `_vN = code`), unless it is already a name.
  private mutating func bind(_ code: String) -> String {
    if code.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) { return code }
    counter += 1
    let name = "_v\(counter)"
    lines.append("\(name) = \(code)")
    return name
  }

  private func literal(_ c: Double) -> String {
    let s = "\(c)"
    return c < 0 ? "(\(s))" : s
  }

  /// Code for `e` that is an array even when e is a constant (PyTorch functions need tensors).
  private mutating func tensor(_ e: Expression) throws -> String {
    if case .constant(let c) = e { return "\(m).full((1, 1), \(literal(c))\(dtype))" }
    if let c = e.scalarConstant { return "\(m).full((1, 1), \(literal(c))\(dtype))" }
    return try code(e)
  }

  private mutating func call(_ f: String, _ a: Expression) throws -> String {
    "\(f)(\(try isTorch ? tensor(a) : code(a)))"
  }

  private func sumAxis(_ x: String, _ axis: Int) -> String {
    isTorch ? "\(x).sum(dim=\(axis), keepdim=True)" : "\(x).sum(axis=\(axis), keepdims=True)"
  }

  mutating func code(_ e: Expression) throws -> String {
    switch e {
    case .variable(let n): return n
    case .constant(let c): return literal(c)
    case .identity(let n): return "\(m).eye(\(size(n))\(dtype))"
    case .commutation(let a, let b):
      return try apply(.commutation(a, b), "\(m).eye(\(size(a * b))\(dtype))", Shape(a * b, a * b))
    case .zeros(let r, let c): return "\(m).zeros((\(size(r)), \(size(c)))\(dtype))"
    case .ones(let r, let c): return "\(m).ones((\(size(r)), \(size(c)))\(dtype))"
    case .transpose(let a):
      if try shape(a).isScalar { return try code(a) }
      if a.isStructuredOperator { return try code(a.operatorTransposed) }
      return "\(try code(a)).T"
    case .negate(let a): return "(-\(try code(a)))"
    case .add(let a, let b): return "(\(try code(a)) + \(try code(b)))"
    case .subtract(let a, let b): return "(\(try code(a)) - \(try code(b)))"
    case .hadamard(let a, let b): return "(\(try code(a)) * \(try code(b)))"
    case .hadamardQuotient(let a, let b), .divide(let a, let b): return "(\(try code(a)) / \(try code(b)))"
    case .product(let a, let b): return try product(a, b)
    case .power(let a, let k):
      if try shape(a).isScalar { return "(\(try code(a)) ** \(try code(k)))" }
      guard let n = k.integerConstant else { throw ExportError("the matrix power \(e.plainText) needs an integer exponent") }
      return "\(m).linalg.matrix_power(\(try code(a)), \(n))"
    case .elementwisePower(let a, let p): return "(\(try code(a)) ** \(try code(p)))"
    case .inverse(let a):
      if try shape(a).isScalar { return "(1.0 / \(try code(a)))" }
      return "\(m).linalg.inv(\(try code(a)))"
    case .determinant(let a):
      if try shape(a).isScalar { return try code(a) }
      return "\(m).linalg.det(\(try code(a))).reshape(1, 1)"
    case .logDeterminant(let a):
      if try shape(a).isScalar { return "\(m).log(\(m).abs(\(try tensor(a))))" }
      return "\(m).linalg.slogdet(\(try code(a)))[1].reshape(1, 1)"
    case .trace(let a):
      if try shape(a).isScalar { return try code(a) }
      return "\(m).trace(\(try code(a))).reshape(1, 1)"
    case .sum(let a):
      if try shape(a).isScalar { return try code(a) }
      return "\(try code(a)).sum().reshape(1, 1)"
    case .norm(let a): return "\(m).linalg.norm(\(try tensor(a))).reshape(1, 1)"
    case .norm1(let a): return "\(m).abs(\(try tensor(a))).sum().reshape(1, 1)"
    case .kronecker(let a, let b): return "\(m).kron(\(try tensor(a)), \(try tensor(b)))"
    case .vec(let a):
      let s = try shape(a)
      if s.cols == 1 { return try code(a) }
      return "\(try code(a)).T.reshape(-1, 1)"
    case .reshape(let a, let r, let c):
      let s = try shape(a)
      if s.rows == r && s.cols == c { return try code(a) }
      if c == 1 && s.cols == 1 { return try code(a) }
      return "\(try tensor(a)).T.reshape(\(size(c)), \(size(r))).T"
    case .diag(let v): return "\(m).diagflat(\(try tensor(v)))"
    case .diagonal(let a): return "\(m).diagonal(\(try tensor(a))).reshape(-1, 1)"
    case .elementwise(let f, let a): return try elementwise(f, a)
    case .softmax(let a):
      helpers.insert("softmax")
      return try call("_softmax", a)
    case .logSumExp(let a):
      helpers.insert("logsumexp")
      return try call("_logsumexp", a)
    case .maximum(let a, let b): return "\(m).maximum(\(try tensor(a)), \(try tensor(b)))"
    case .minimum(let a, let b): return "\(m).minimum(\(try tensor(a)), \(try tensor(b)))"
    case .concatenation(let rows):
      var printed: [[String]] = []
      for row in rows { printed.append(try row.map { try tensor($0) }) }
      if isTorch {
        let r = printed.map { "torch.cat([\($0.joined(separator: ", "))], dim=1)" }
        return "torch.cat([\(r.joined(separator: ", "))], dim=0)"
      }
      return "\(m).block([" + printed.map { "[\($0.joined(separator: ", "))]" }.joined(separator: ", ") + "])"
    }
  }

  private mutating func elementwise(_ f: ElementwiseFunction, _ a: Expression) throws -> String {
    switch f {
    case .exp, .log, .sin, .cos, .tanh, .sqrt, .abs, .tan, .arcsin, .arccos, .arctan, .sign:
      return try call("\(m).\(f.rawValue)", a)
    case .sigmoid:
      if isTorch { return try call("torch.sigmoid", a) }
      helpers.insert("sigmoid")
      return try call("_sigmoid", a)
    case .relu:
      if isTorch { return "torch.clamp(\(try tensor(a)), min=0.0)" }
      return "\(m).maximum(\(try code(a)), 0.0)"
    case .softplus:
      let x = bind(try tensor(a))
      let positive = isTorch ? "torch.clamp(\(x), min=0.0)" : "\(m).maximum(\(x), 0.0)"
      return "(\(positive) + \(m).log1p(\(m).exp(-\(m).abs(\(x)))))"
    case .heaviside:
      if isTorch { return "(\(try tensor(a)) > 0).to(torch.float64)" }
      return "\(m).where(\(try code(a)) > 0, 1.0, 0.0)"
    }
  }

  private mutating func product(_ a: Expression, _ b: Expression) throws -> String {
    let (sa, sb) = (try shape(a), try shape(b))
    if sa.isScalar || sb.isScalar { return "(\(try code(a)) * \(try code(b)))" }
    // Sums over rows or columns rather than products with ones.
    if case .ones(1, _) = a, !b.isStructuredOperator { return sumAxis(try code(b), 0) }
    if case .ones(_, 1) = b, !a.isStructuredOperator { return sumAxis(try code(a), 1) }
    if a.isStructuredOperator {
      return try apply(a, try code(b), sb)
    }
    if b.isStructuredOperator {
      // M·S = (Sᵀ·Mᵀ)ᵀ
      let mt = "\(try code(a)).T"
      return "\(try apply(b.operatorTransposed, mt, Shape(sa.cols, sa.rows))).T"
    }
    return "(\(try code(a)) @ \(try code(b)))"
  }

  /// Code for `op·M`, where `x` is the code of M (shaped `xs`), without materialising op.
  private mutating func apply(_ op: Expression, _ x: String, _ xs: Shape) throws -> String {
    let k = xs.cols
    switch op {
    case .identity: return x
    case .zeros(let r, _): return "\(m).zeros((\(size(r)), \(size(k)))\(dtype))"
    case .commutation(let a, let b):
      // column c of M is vec A (A a×b); vec Aᵀ
      if a == 1 || b == 1 { return x }
      return "\(x).reshape(\(size(b)), \(size(a)), \(size(k))).swapaxes(0, 1).reshape(\(size(a * b)), \(size(k)))"
    case .diag(let d):
      return "(\(try tensor(d)).reshape(-1, 1) * \(x))"
    case .kronecker(let a, let b):
      let (sa, sb) = (try shape(a), try shape(b))
      let (ra, ca, p, q) = (sa.rows, sa.cols, sb.rows, sb.cols)
      let aIsIdentity = a.isIdentity
      let bIsIdentity = b.isIdentity
      if aIsIdentity && bIsIdentity { return x }
      if sa.isScalar { return "(\(try code(a)) * \(try apply(b, x, xs)))" }
      if sb.isScalar { return "(\(try code(b)) * \(try apply(a, x, xs)))" }
      let xx = bind(x)
      if aIsIdentity {
        // B along the second axis: rows of M are b + q·a
        let t = bind("\(xx).reshape(\(size(ca)), \(size(q)), \(size(k))).swapaxes(0, 1).reshape(\(size(q)), \(size(ca * k)))")
        let y = bind(try apply(b, t, Shape(q, ca * k)))
        return "\(y).reshape(\(size(p)), \(size(ca)), \(size(k))).swapaxes(0, 1).reshape(\(size(ca * p)), \(size(k)))"
      }
      let t0 = bind("\(xx).reshape(\(size(ca)), \(size(q * k)))")
      let u = bind(try apply(a, t0, Shape(ca, q * k)))
      if bIsIdentity { return "\(u).reshape(\(size(ra * q)), \(size(k)))" }
      let w = bind("\(u).reshape(\(size(ra)), \(size(q)), \(size(k))).swapaxes(0, 1).reshape(\(size(q)), \(size(ra * k)))")
      let y = bind(try apply(b, w, Shape(q, ra * k)))
      return "\(y).reshape(\(size(p)), \(size(ra)), \(size(k))).swapaxes(0, 1).reshape(\(size(ra * p)), \(size(k)))"
    case .transpose(let a) where a.isStructuredOperator:
      return try apply(a.operatorTransposed, x, xs)
    case .negate(let a):
      return "(-\(try apply(a, x, xs)))"
    case .product(let a, let b):
      let (sa, sb) = (try shape(a), try shape(b))
      if sa.isScalar { return "(\(try code(a)) * \(try apply(b, x, xs)))" }
      if sb.isScalar { return "(\(try code(b)) * \(try apply(a, x, xs)))" }
      let inner = bind(try apply(b, x, xs))
      return try apply(a, inner, Shape(sb.rows, k))
    case .add(let a, let b), .subtract(let a, let b):
      let xx = bind(x)
      let sign: String
      if case .add = op { sign = "+" } else { sign = "-" }
      return "(\(try apply(a, xx, xs)) \(sign) \(try apply(b, xx, xs)))"
    default:
      if try shape(op).isScalar { return "(\(try code(op)) * \(x))" }
      return "(\(try code(op)) @ \(x))"
    }
  }
}

extension Expression {
  /// `I(n)` (any n).
  var isIdentity: Bool {
    if case .identity = self { return true }
    return false
  }
}
