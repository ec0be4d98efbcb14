import MatrixCore

extension Program {
  /// The shape of every input and every statement, propagated from the inputs' shapes in
  /// program order.
  /// - Throws: `ProgramError` naming the input without a shape or the line whose shapes do not fit.
  public func shapes(inputs dims: [String: Shape]) throws(ProgramError) -> [String: Shape] {
    var shapes: [String: Shape] = [:]
    for name in inputs {
      guard let s = dims[name] else {
        throw ProgramError(line: nil, "the input \(name) has no shape: give it with --dims \(name)=RxC")
      }
      shapes[name] = s
    }
    for s in statements {
      do {
        shapes[s.name] = try s.expression.shape(in: shapes)
      } catch {
        throw ProgramError(line: s.line, "in \(s.name) = \(s.expression.plainText.abbreviated): \(error)")
      }
    }
    return shapes
  }

  /// The value of every input and every statement at a point (the forward pass).
  /// - Parameter inputs: a value for every input.
  /// - Throws: `ProgramError` naming the line whose value is undefined (`log` of a negative entry).
  public func evaluate(_ inputs: [String: Matrix]) throws(ProgramError) -> [String: Matrix] {
    var values: [String: Matrix] = [:]
    for name in self.inputs {
      guard let v = inputs[name] else {
        throw ProgramError(line: nil, "the input \(name) has no value")
      }
      values[name] = v
    }
    for s in statements {
      var local: [String: Matrix] = [:]
      for v in s.expression.variables { local[v] = values[v] }
      do {
        values[s.name] = try s.expression.evaluate(local)
      } catch {
        throw ProgramError(line: s.line, "in \(s.name) = \(s.expression.plainText.abbreviated): \(error)")
      }
    }
    return values
  }

  /// The value of F at a point.
  public func value(at inputs: [String: Matrix]) throws(ProgramError) -> Matrix {
    guard let f = try evaluate(inputs)[output] else { throw ProgramError(line: nil, "the output has no value") }
    return f
  }

  /// F as one expression of the inputs: every name replaced by its definition. This is the
  /// reference that the staged derivatives are tested against; its tree can grow exponentially
  /// with the depth of reuse (`a = x*x; b = a*a; …`), so it is refused beyond `maximumNodes`.
  /// - Parameters:
  ///   - name: the statement to inline (default: the output F).
  ///   - maximumNodes: the largest tree accepted.
  public func inlined(_ name: String? = nil, maximumNodes: Int = 1_000_000) throws(ProgramError) -> Expression {
    let target = name ?? output
    guard defines(target) else { throw ProgramError(line: nil, "\(target) names no statement of the program") }
    var size: [String: Int] = [:]
    func nodes(_ e: Expression) -> Int {
      if case .variable(let v) = e, let n = size[v] { return n }
      return e.children.reduce(1) { total, child in
        let (sum, overflow) = total.addingReportingOverflow(nodes(child))
        return overflow ? .max : sum
      }
    }
    for s in statements {
      size[s.name] = nodes(s.expression)
      if s.name == target { break }
    }
    if let n = size[target], n > maximumNodes {
      throw ProgramError(
        line: nil, "\(target) written as one expression would have more than \(maximumNodes) nodes; keep it a program")
    }
    var definitions: [String: Expression] = [:]
    for s in statements {
      definitions[s.name] = s.expression.substituting(definitions)
      if s.name == target { break }
    }
    return definitions[target]!
  }
}

extension Expression {
  /// The expression with variables replaced by the given expressions (others kept).
  public func substituting(_ replacements: [String: Expression]) -> Expression {
    var memo: [Expression: Expression] = [:]
    return substituting(replacements, memo: &memo)
  }

  func substituting(_ replacements: [String: Expression], memo: inout [Expression: Expression]) -> Expression {
    if case .variable(let v) = self { return replacements[v] ?? self }
    if children.isEmpty { return self }
    if let m = memo[self] { return m }
    let result = replacingChildren(children.map { $0.substituting(replacements, memo: &memo) })
    memo[self] = result
    return result
  }
}
