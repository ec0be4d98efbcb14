import MatrixCore

// What an export computes, in order: the statements, shared subexpressions and names that
// `CodeExport` then writes in each language.

/// The exported function before it is printed: straight-line code over the expression language.
///
/// `body` assigns names in order; each right-hand side uses arguments and earlier names only.
/// Names of the user's variables that are reserved in Python or Swift (`lambda`, `np`, `in`, …)
/// are renamed with a trailing `_`.
struct ExportPlan {
  struct Binding {
    let name: String
    let expression: Expression
  }

  var kind: CodeExport.Kind
  /// The source as the user wrote it (for the docstring).
  var source: String
  /// The first line of the docstring: `F = x'*A*x`, or `Program: h = W*x; f = sum(h) (F = f)`.
  var title: String
  var arguments: [CodeExport.Value]
  var results: [CodeExport.Value]
  var body: [Binding]
  /// Shapes of arguments and every bound name.
  var shapes: [String: Shape]
  /// Sentences for the docstring after the standard layout lines.
  var notes: [String]

  static let reserved: Set<String> = [
    // Python keywords and the module names the exports use
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "np", "jnp", "jax", "torch", "math",
    // Swift keywords and the names the Swift export uses
    "associatedtype", "case", "catch", "default", "defer", "deinit", "do", "enum", "extension", "fallthrough",
    "fileprivate", "func", "guard", "init", "inout", "internal", "let", "open", "operator", "private", "protocol",
    "public", "repeat", "rethrows", "self", "Self", "static", "struct", "subscript", "super", "switch", "throw",
    "throws", "typealias", "var", "where", "Any", "Matrix", "Shape", "StructuredMatrix", "Double", "Int",
    "Foundation", "MatrixCore", "Jacobians", "Symbolic", "ElementwiseFunction", "Commutation",
  ]

  static func isIdentifier(_ name: String) -> Bool { Program.isIdentifier(name) }

  /// `name`, or `name_` (`name__`, …) when it is reserved or already taken.
  static func safeName(_ name: String, taken: Set<String>) -> String {
    // Names that start with `_` belong to the exports' helpers and temporaries.
    var n = name.hasPrefix("_") ? "u" + name : name
    while reserved.contains(n) || taken.contains(n) { n += "_" }
    return n
  }

  // MARK: Single expressions

  init(expression: Expression, wrt: [String], dims: [String: Shape], source: String) throws {
    guard !wrt.isEmpty else { throw ExportError("--wrt names no variable to differentiate with respect to") }
    let outputShape = try expression.shape(in: dims)
    var rename: [String: String] = [:]
    var taken = Set<String>()
    for v in expression.variables {
      let n = ExportPlan.safeName(v, taken: taken)
      rename[v] = n
      taken.insert(n)
    }
    for w in wrt where rename[w] == nil {
      throw ExportError("--wrt \(w) is not a variable of \(source)")
    }
    func renamed(_ e: Expression) -> Expression { e.renamingVariables(rename) }
    var shapes: [String: Shape] = [:]
    for (v, n) in rename { shapes[n] = dims[v] }
    let inputs = expression.variables.map { CodeExport.Value(name: rename[$0]!, shape: dims[$0]!, role: "input") }
    let fName = ExportPlan.safeName("F", taken: taken)
    taken.insert(fName)
    var roots: [(name: String, expression: Expression)] = [(fName, renamed(expression))]
    var results = [CodeExport.Value(name: fName, shape: outputShape, role: "F")]
    var arguments = inputs
    self.notes = []
    if outputShape.isScalar {
      kind = .gradient
      for w in wrt {
        let d = try SymbolicDerivative(of: expression, wrt: w, dims: dims)
        let g = d.gradient ?? .zeros(d.inputShape.rows, d.inputShape.cols)
        let name = ExportPlan.safeName("d" + rename[w]!, taken: taken)
        taken.insert(name)
        roots.append((name, renamed(g)))
        results.append(CodeExport.Value(name: name, shape: d.inputShape, role: "∂F/∂\(rename[w]!), shaped like \(rename[w]!)"))
      }
    } else {
      kind = .jvp
      // dF is the differential of F along the tangents (forward mode in F's own terms), not J·vec dX.
      var seeds: [String: Expression] = [:]
      for w in wrt {
        guard let s = dims[w] else {
          throw DerivativeError("the variable \(w) has no shape: give it with --dims \(w)=RxC")
        }
        let tangent = ExportPlan.safeName("d" + rename[w]!, taken: taken)
        taken.insert(tangent)
        shapes[tangent] = s
        arguments.append(CodeExport.Value(name: tangent, shape: s, role: "tangent of \(rename[w]!)"))
        seeds[rename[w]!] = seeds[rename[w]!].map { $0 + .variable(tangent) } ?? .variable(tangent)
      }
      var builder = TangentBuilder(dims: shapes, seeds: seeds)
      // The differential as the simplifier writes it (as `jac derive` prints: no `-(−…)`,
      // `2(X ⊙ dX)` for `dX ⊙ X + X ⊙ dX`), the same numbers.
      var simplifier = Simplifier(dims: shapes)
      let total = try builder.tangent(renamed(expression)).map { try simplifier.simplify($0) }
      let name = ExportPlan.safeName("dF", taken: taken)
      taken.insert(name)
      roots.append((name, total ?? .zeros(outputShape.rows, outputShape.cols)))
      results.append(CodeExport.Value(name: name, shape: outputShape, role: "JVP: J·vec(tangents), shaped like F"))
    }
    self.source = source
    self.title = "F = " + source
    self.arguments = arguments
    self.results = results
    self.shapes = shapes
    self.body = []
    for (name, e) in roots {
      body.append(Binding(name: name, expression: e))
      shapes[name] = try e.shape(in: shapes, maximumEntries: .max)
    }
    try shareSubexpressions()
  }

  // MARK: Programs

  init(program: Program, wrt: [String], dims: [String: Shape]) throws {
    guard !wrt.isEmpty else { throw ExportError("--wrt names no input to differentiate with respect to") }
    let shapes = try program.shapes(inputs: dims)
    guard let outputShape = shapes[program.output] else { throw ExportError("the program's output has no shape") }
    // Every name of the program is kept (forward values are reused by the backward pass), so a
    // reserved name is renamed throughout.
    var rename: [String: String] = [:]
    var taken = Set<String>()
    for v in program.inputs + program.statements.map(\.name) {
      let n = ExportPlan.safeName(v, taken: taken)
      rename[v] = n
      taken.insert(n)
    }
    func renamed(_ e: Expression) -> Expression { e.renamingVariables(rename) }
    var planShapes: [String: Shape] = [:]
    for (v, n) in rename { planShapes[n] = shapes[v] }
    var arguments = program.inputs.map {
      CodeExport.Value(name: rename[$0]!, shape: shapes[$0]!, role: program.constants.contains($0) ? "const input" : "input")
    }
    var body: [Binding] = program.relevantStatements.map { Binding(name: rename[$0.name]!, expression: renamed($0.expression)) }
    let fName = rename[program.output]!
    var results = [CodeExport.Value(name: fName, shape: outputShape, role: "F")]
    var notes: [String] = []
    if outputShape.isScalar {
      kind = .gradient
      let backward = try program.backward(wrt: wrt, dims: dims, layout: .shape)
      // Adjoint names (dv) are checked against the program's names by `backward`; a reserved
      // one is renamed like the others.
      for stage in backward.allStages where stage.name != program.output {
        let n = ExportPlan.safeName(stage.adjointName, taken: taken)
        rename[stage.adjointName] = n
        taken.insert(n)
      }
      for stage in backward.stages where stage.name != program.output {
        body.append(Binding(name: rename[stage.adjointName]!, expression: renamed(stage.expression)))
      }
      for stage in backward.gradients {
        let name = rename[stage.adjointName]!
        body.append(Binding(name: name, expression: renamed(stage.expression)))
        results.append(CodeExport.Value(name: name, shape: stage.shape, role: "∂F/∂\(rename[stage.name]!), shaped like \(rename[stage.name]!)"))
      }
      notes.append("The backward pass is the one `jac derive` prints: dv = ∂F/∂v shaped like v, branches summed.")
    } else {
      kind = .jvp
      for w in wrt where !program.inputs.contains(w) {
        throw ExportError("--wrt \(w) names no input of the program (the inputs are \(program.inputs.joined(separator: ", ")))")
      }
      // Forward mode after the forward pass: each statement's tangent from the tangents of the
      // names it uses, with the forward values reused (`1 − z.^2` rather than `1 − tanh(h).^2`).
      var tangent: [String: String] = [:]
      // The builder's shapes: the program's names and the tangents (in the program's own names).
      var tangentShapes = shapes
      for w in wrt {
        let t = ExportPlan.safeName("d" + rename[w]!, taken: taken)
        taken.insert(t)
        tangent[w] = t
        planShapes[t] = shapes[w]
        tangentShapes[t] = shapes[w]
        arguments.append(CodeExport.Value(name: t, shape: shapes[w]!, role: "tangent of \(rename[w]!)"))
      }
      var namer = ForwardNamer(program: program)
      let defined = Set(program.inputs + program.relevantStatements.map(\.name))
      for s in program.relevantStatements {
        guard s.expression.variables.contains(where: { tangent[$0] != nil }) else { continue }
        // The statement's differential from the tangents of the names it uses.
        var builder = TangentBuilder(dims: tangentShapes, seeds: tangent.mapValues { .variable($0) })
        guard let raw = try builder.tangent(s.expression) else { continue }
        let named = namer.name(raw)
        let tangentNames = Set(tangent.values)
        let unsimplified = named.variables.allSatisfy { defined.contains($0) || tangentNames.contains($0) } ? named : raw
        // Simplified as for an expression, with the shapes of the names and tangents so far.
        var simplifier = Simplifier(dims: tangentShapes)
        let t = try simplifier.simplify(unsimplified)
        let name = ExportPlan.safeName("d" + rename[s.name]!, taken: taken)
        taken.insert(name)
        tangent[s.name] = name
        tangentShapes[name] = shapes[s.name]
        body.append(Binding(name: name, expression: renamed(t)))
      }
      let dF: String
      if let t = tangent[program.output] {
        dF = t
      } else {
        dF = ExportPlan.safeName("d" + fName, taken: taken)
        body.append(Binding(name: dF, expression: .zeros(outputShape.rows, outputShape.cols)))
      }
      results.append(CodeExport.Value(name: dF, shape: outputShape, role: "JVP: J·vec(tangents), shaped like F"))
      notes.append("After the forward pass, the tangent dv of every name v (forward mode), reusing the forward values.")
    }
    self.source = program.statements.map { "\($0.name) = \($0.expression.plainText)" }.joined(separator: "; ")
    self.title = "Program: \(source) (F = \(fName))"
    self.arguments = arguments
    self.results = results
    self.body = []
    self.shapes = planShapes
    self.notes = notes
    for b in body {
      self.body.append(b)
      self.shapes[b.name] = try b.expression.shape(in: self.shapes, maximumEntries: .max)
    }
    try shareSubexpressions()
  }

  /// Computes every subexpression that occurs more than once in `body` once, with the
  /// library's common-subexpression naming (`LetForm`, `.acrossBodies`): a repeated subtree of at
  /// least 2 nodes (a product `W*x`, `softmax(z)`, `inv(X)`) becomes `_t1 = …`, placed just before
  /// the first statement that needs it; views of one value (`x'`, `vec(X)`, `-x`, a reshape) are
  /// written where they are used instead. Structured operators (`kron(A,B)`, `K(m,n)`,
  /// `I(n)`, `diag(d)` and their products and sums) are written back where they are used, so that
  /// the printers apply them by vec tricks instead of materialising a shared one.
  mutating func shareSubexpressions() throws {
    let names = Set(arguments.map(\.name) + body.map(\.name))
    let form = LetForm(
      sharing: body.map(\.expression), sharing: .acrossBodies, minimumNodes: 2, prefix: "_t", reserved: names)
    // Operators go back inline (their own bindings first written with earlier operators inlined).
    var inline: [String: Expression] = [:]
    var kept: [String: Expression] = [:]
    var order: [String] = []
    for b in form.bindings {
      let value = inline.isEmpty ? b.value : b.value.substituting(inline)
      if value.isPureOperator || value.isViewOfOneValue {
        inline[b.name] = value
      } else {
        kept[b.name] = value
        order.append(b.name)
      }
    }
    var emitted = Set<String>()
    var result: [Binding] = []
    func emit(needs e: Expression) throws {
      for v in e.variables where kept[v] != nil && !emitted.contains(v) {
        try emit(needs: kept[v]!)
        emitted.insert(v)
        result.append(Binding(name: v, expression: kept[v]!))
        shapes[v] = try kept[v]!.shape(in: shapes, maximumEntries: .max)
      }
    }
    for (b, written) in zip(body, form.bodies) {
      let e = inline.isEmpty ? written : written.substituting(inline)
      try emit(needs: e)
      result.append(Binding(name: b.name, expression: e))
    }
    body = result
  }
}

extension Expression {
  /// The same tree with variables renamed by `map` (names not in the map stay).
  func renamingVariables(_ map: [String: String]) -> Expression {
    if map.allSatisfy({ $0.key == $0.value }) { return self }
    var memo: [Expression: Expression] = [:]
    func go(_ e: Expression) -> Expression {
      if case .variable(let n) = e { return .variable(map[n] ?? n) }
      if e.children.isEmpty { return e }
      if let m = memo[e] { return m }
      let r = e.replacingChildren(e.children.map(go))
      memo[e] = r
      return r
    }
    return go(self)
  }

  /// An operator with no dense data of its own to share: `I(n)`, `K(m,n)`, `kron`, `diag`, and
  /// transposes, negations, products and sums of such (with scalar factors).
  var isPureOperator: Bool {
    switch self {
    case .identity, .commutation, .kronecker, .diag: return true
    case .transpose(let a), .negate(let a): return a.isPureOperator
    case .product(let a, let b):
      return (a.isPureOperator || a.scalarConstant != nil) && (b.isPureOperator || b.scalarConstant != nil)
        && (a.isPureOperator || b.isPureOperator)
    case .add(let a, let b), .subtract(let a, let b): return a.isPureOperator && b.isPureOperator
    default: return false
    }
  }

  /// `x'`, `-x`, `vec(x)` or `reshape(x, m, n)` of a leaf: as cheap to write again as to name.
  var isViewOfOneValue: Bool {
    switch self {
    case .transpose(let a), .negate(let a), .vec(let a), .reshape(let a, _, _): return a.children.isEmpty
    default: return false
    }
  }

  /// `zeros(m,n)` (or a literal 0).
  var isZeroMatrix: Bool {
    if case .zeros = self { return true }
    if case .constant(0) = self { return true }
    return false
  }
}
