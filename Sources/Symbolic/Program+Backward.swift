import MatrixCore

/// The backward pass of a program, stage by stage, in the program's own names.
///
/// Notation (`docs/programs.md`):
/// - `layout == .shape` (F must be 1×1): the adjoint of a name v is `dv = ∂F/∂v`, shaped like v
///   (CS231n's `dv`; δ_v in LaTeX). The output's adjoint is 1. For every other name,
///   `dv = Σ over the statements s that use v of (the local derivative of s, applied to ds)`:
///   branches sum (the `+=` rule). `dW1 = dh1 xᵀ` for `h1 = W1*x`.
/// - `layout == .numerator`: the adjoint of v is the Jacobian `∂F/∂v = ∂vec F/∂(vec v)ᵀ`,
///   (mn)×(rows·cols of v), and `∂F/∂u = Σ_s ∂F/∂s · ∂vec s/∂(vec u)ᵀ`, the chain rule with the
///   outer Jacobian on the left; F may have any shape. For a 1×1 F, `∂F/∂v = vec(dv)ᵀ`.
/// - `layout == .denominator`: the adjoint of v is `(∂F/∂v)ᵀ = ∂(vec F)ᵀ/∂vec v`, the transpose
///   of the numerator one, (rows·cols of v)×(mn), and
///   `(∂F/∂u)ᵀ = Σ_s (∂vec s/∂(vec u)ᵀ)ᵀ (∂F/∂s)ᵀ`, the outer Jacobian on the right. For a 1×1 F,
///   `(∂F/∂v)ᵀ = vec(dv)`.
///
/// Stages are the names that F depends on and that depend on a requested input, in reverse
/// program order (F first); `gradients` are the requested inputs' adjoints, in request order.
/// Each expression refers to inputs, forward names and adjoints of earlier stages only, and is
/// simplified; a subexpression equal to a statement's right-hand side is written as its name
/// (`1 − z2²` rather than `1 − tanh²(h2)`).
public struct ProgramBackward: Sendable {
  public enum Layout: String, Sendable {
    /// `dv` shaped like v (1×1 F only).
    case shape
    /// `∂vec F/∂(vec v)ᵀ`.
    case numerator
    /// `(∂vec F/∂(vec v)ᵀ)ᵀ`, the transpose.
    case denominator
  }

  /// The adjoint of one name.
  public struct Stage: Sendable {
    /// The forward name v.
    public let name: String
    /// The adjoint's variable name: `dv`, `∂F/∂v` in numerator layout, `(∂F/∂v)ᵀ` in denominator.
    public let adjointName: String
    /// The adjoint's shape: v's shape, (mn)×(count of v) in numerator layout, its transpose in
    /// denominator layout.
    public let shape: Shape
    /// One term per statement that uses v (`+=` rule), in reverse program order, simplified:
    /// `(statement name, term)`.
    public let contributions: [Contribution]
    /// The sum of the contributions, simplified.
    public let expression: Expression
    /// Whether v is an input (its adjoint is a gradient).
    public let isInput: Bool
  }

  /// What one statement s contributes to the adjoint of one of the names it uses.
  public struct Contribution: Sendable {
    /// The statement s.
    public let from: String
    /// Its line.
    public let line: Int
    /// The term, in forward names and `ds`.
    public let expression: Expression
  }

  public let program: Program
  public let layout: Layout
  /// The requested inputs.
  public let wrt: [String]
  /// Shapes of inputs, forward names and adjoints (by `adjointName`).
  public let dims: [String: Shape]
  /// Intermediate stages, F first.
  public let stages: [Stage]
  /// The requested inputs' adjoints (gradients), in the order of `wrt`.
  public let gradients: [Stage]

  /// The adjoint variable name of `name` in `layout`.
  public static func adjointName(_ name: String, layout: Layout) -> String {
    switch layout {
    case .shape: return "d" + name
    case .numerator: return "∂F/∂" + name
    case .denominator: return "(∂F/∂" + name + ")ᵀ"
    }
  }

  /// Every stage and gradient, in evaluation order.
  public var allStages: [Stage] { stages + gradients }

  /// The adjoints at a point: by adjoint name, given the forward values (`Program.evaluate`).
  public func values(forward: [String: Matrix]) throws(ProgramError) -> [String: Matrix] {
    var values = forward
    var result: [String: Matrix] = [:]
    for stage in allStages {
      var local: [String: Matrix] = [:]
      for v in stage.expression.variables { local[v] = values[v] }
      do {
        let value = try stage.expression.evaluate(local)
        values[stage.adjointName] = value
        result[stage.adjointName] = value
      } catch {
        throw ProgramError(line: nil, "the adjoint \(stage.adjointName) cannot be evaluated at the point: \(error)")
      }
    }
    return result
  }
}

extension Program {
  /// The inputs that `--wrt all` means: every input that is not declared `const`.
  public var variableInputs: [String] { inputs.filter { !constants.contains($0) } }

  /// The backward pass for the given inputs.
  /// - Parameters:
  ///   - wrt: inputs of the program (not statements).
  ///   - dims: the inputs' shapes.
  ///   - layout: `.shape` (1×1 F), `.numerator` or `.denominator`.
  /// - Throws: `ProgramError` (a name that is not an input, shapes, F not 1×1 in the shape
  ///   layout, an adjoint name that clashes with a program name).
  public func backward(wrt: [String], dims: [String: Shape], layout: ProgramBackward.Layout = .shape) throws
    -> ProgramBackward
  {
    var shapes = try self.shapes(inputs: dims)
    for w in wrt where !inputs.contains(w) {
      if defines(w) {
        throw ProgramError(
          line: statement(named: w)?.line,
          "--wrt \(w) names a statement, not an input; its adjoint d\(w) is printed as a stage of the backward pass")
      }
      throw ProgramError(line: nil, "--wrt \(w) names no input of the program (the inputs are \(inputs.joined(separator: ", ")))")
    }
    guard let outputShape = shapes[output] else { throw ProgramError(line: nil, "the output has no shape") }
    if layout == .shape && !outputShape.isScalar {
      throw ProgramError(
        line: statement(named: output)?.line,
        "the output \(output) is \(outputShape), so its adjoints are not shaped like the names; use --layout numerator for Jacobians per stage")
    }
    let relevant = relevantStatements
    let wrtSet = Set(wrt)
    // Names on a path from a requested input to F.
    var depends = wrtSet
    for s in relevant where s.expression.variables.contains(where: depends.contains) { depends.insert(s.name) }
    let allNames = Set(inputs).union(statements.map(\.name))
    let active = relevant.filter { depends.contains($0.name) }
    for name in active.map(\.name) + wrt {
      let a = ProgramBackward.adjointName(name, layout: layout)
      if allNames.contains(a) {
        throw ProgramError(
          line: statement(named: a)?.line,
          "the program names something \(a), which is also the adjoint of \(name) in the printed backward pass; rename \(a)")
      }
    }
    let m = outputShape.count
    for name in active.map(\.name) + wrt {
      let s = shapes[name]!
      let adjointShape: Shape
      switch layout {
      case .shape: adjointShape = s
      case .numerator: adjointShape = Shape(m, s.count)
      case .denominator: adjointShape = Shape(s.count, m)
      }
      shapes[ProgramBackward.adjointName(name, layout: layout)] = adjointShape
    }
    var simplifier = Simplifier(dims: shapes)
    var namer = ForwardNamer(program: self, simplifier: &simplifier)
    var contributions: [String: [ProgramBackward.Contribution]] = [:]
    var stages: [ProgramBackward.Stage] = []
    for s in active.reversed() {
      let adjoint = ProgramBackward.adjointName(s.name, layout: layout)
      let terms = contributions[s.name] ?? []
      let total: Expression
      if s.name == output {
        total = layout == .shape ? .constant(1) : .identity(m)
      } else {
        total = try simplified(sum(of: terms.map(\.expression), shape: shapes[adjoint]!), &simplifier, &namer)
      }
      stages.append(
        ProgramBackward.Stage(
          name: s.name, adjointName: adjoint, shape: shapes[adjoint]!, contributions: terms, expression: total,
          isInput: false))
      // The seed of this statement's local pass: 1 / I for F, else the adjoint variable.
      let seed: Expression = s.name == output ? total : .variable(adjoint)
      let targets = Set(s.expression.variables).intersection(depends)
      let local: [String: Expression]
      do {
        local =
          layout == .shape
          ? try Program.localAdjoints(of: s.expression, seed: seed, targets: targets, dims: shapes)
          : try Program.localJacobians(
            of: s.expression, seed: seed, targets: targets, dims: shapes, transposed: layout == .denominator)
      } catch let error as ProgramError {
        throw error
      } catch {
        throw ProgramError(line: s.line, "in \(s.name) = \(s.expression.plainText.abbreviated): \(error)")
      }
      for (u, term) in local.sorted(by: { $0.key < $1.key }) {
        let t = try simplified(term, &simplifier, &namer)
        contributions[u, default: []].append(ProgramBackward.Contribution(from: s.name, line: s.line, expression: t))
      }
    }
    var gradients: [ProgramBackward.Stage] = []
    for w in wrt {
      let adjoint = ProgramBackward.adjointName(w, layout: layout)
      let terms = contributions[w] ?? []
      let total = try simplified(sum(of: terms.map(\.expression), shape: shapes[adjoint]!), &simplifier, &namer)
      gradients.append(
        ProgramBackward.Stage(
          name: w, adjointName: adjoint, shape: shapes[adjoint]!, contributions: terms, expression: total, isInput: true))
    }
    return ProgramBackward(program: self, layout: layout, wrt: wrt, dims: shapes, stages: stages, gradients: gradients)
  }

  private func sum(of terms: [Expression], shape: Shape) -> Expression {
    guard var total = terms.first else { return shape.isScalar ? .constant(0) : .zeros(shape.rows, shape.cols) }
    for t in terms.dropFirst() { total = total + t }
    return total
  }

  private func simplified(_ e: Expression, _ simplifier: inout Simplifier, _ namer: inout ForwardNamer) throws(ProgramError)
    -> Expression
  {
    do {
      return namer.name(try simplifier.simplify(e))
    } catch {
      throw ProgramError(line: nil, "the backward pass could not be simplified: \(error)")
    }
  }

  /// Reverse mode inside one right-hand side: the adjoint contributions of `seed` (shaped like
  /// e) to each target variable of e.
  static func localAdjoints(of e: Expression, seed: Expression, targets: Set<String>, dims: [String: Shape]) throws
    -> [String: Expression]
  {
    let reverse = ReverseDifferentiator(variable: "", dims: dims)
    var dependsMemo: [Expression: Bool] = [:]
    func depends(_ x: Expression) -> Bool {
      if let d = dependsMemo[x] { return d }
      let d: Bool
      if case .variable(let name) = x { d = targets.contains(name) } else { d = x.children.contains(where: depends) }
      dependsMemo[x] = d
      return d
    }
    var height: [Expression: Int] = [:]
    var discovered: [Expression] = []
    func visit(_ x: Expression) -> Int {
      if let h = height[x] { return h }
      let h = 1 + (x.children.map(visit).max() ?? 0)
      height[x] = h
      discovered.append(x)
      return h
    }
    _ = visit(e)
    guard depends(e) else { return [:] }
    var adjoint: [Expression: Expression] = [e: seed]
    let order = discovered.enumerated().filter { depends($0.element) }.sorted { l, r in
      let (hl, hr) = (height[l.element] ?? 0, height[r.element] ?? 0)
      return hl != hr ? hl > hr : l.offset < r.offset
    }.map(\.element)
    for node in order {
      guard let g = adjoint[node] else { continue }
      if case .variable = node { continue }
      for (child, c) in try reverse.contributions(node, g) where depends(child) {
        adjoint[child] = adjoint[child].map { $0 + c } ?? c
      }
    }
    var result: [String: Expression] = [:]
    for t in targets { if let a = adjoint[.variable(t)] { result[t] = a } }
    return result
  }

  /// Forward mode inside one right-hand side: `seed · ∂vec e/∂(vec u)ᵀ` for each target u, or
  /// (`transposed`) `(∂vec e/∂(vec u)ᵀ)ᵀ · seed`.
  static func localJacobians(
    of e: Expression, seed: Expression, targets: Set<String>, dims: [String: Shape], transposed: Bool = false
  ) throws -> [String: Expression] {
    var result: [String: Expression] = [:]
    for t in targets {
      var forward = try ForwardDifferentiator(variable: t, dims: dims)
      if let j = try forward.jacobian(e) { result[t] = transposed ? .transpose(j) * seed : seed * j }
    }
    return result
  }
}

/// Writes a subexpression that equals a statement's right-hand side as the statement's name.
struct ForwardNamer {
  private var names: [Expression: String] = [:]
  private var memo: [Expression: Expression] = [:]

  init(program: Program) {
    for s in program.statements where !s.expression.children.isEmpty && names[s.expression] == nil {
      names[s.expression] = s.name
    }
  }

  /// Also names a right-hand side in its simplified form, as it appears in simplified
  /// derivatives: `sigx = 1.0/(1 + exp(-x))` names `sigmoid(x)`, so that its derivative reads
  /// `sigx(1 − sigx)`.
  init(program: Program, simplifier: inout Simplifier) {
    self.init(program: program)
    for s in program.statements where !s.expression.children.isEmpty {
      guard let simple = try? simplifier.simplify(s.expression), !simple.children.isEmpty, names[simple] == nil else {
        continue
      }
      names[simple] = s.name
    }
  }

  mutating func name(_ e: Expression) -> Expression {
    if e.children.isEmpty { return e }
    if let n = names[e] { return .variable(n) }
    if let m = memo[e] { return m }
    let result = e.replacingChildren(e.children.map { name($0) })
    memo[e] = result
    return result
  }
}
