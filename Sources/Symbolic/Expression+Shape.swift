import MatrixCore

extension Expression {
  /// The most entries one matrix of an expression may have (10⁸, 800 MB of `Double`s):
  /// `I(100000000)` is rejected by `shape(in:)` instead of exhausting memory in `evaluate`.
  public static let maximumEntryCount = 100_000_000

  /// The shape of the value, given the shapes of the variables; checks every operator's shape
  /// rule on the way, as in the specification's tables.
  ///
  /// ```swift
  /// let dims = ["X": Shape(3, 2), "A": Shape(4, 3)]
  /// try Expression("X'*X").shape(in: dims)   // 2×2
  /// try Expression("A*X").shape(in: dims)    // 4×2
  /// try Expression("X'*A").shape(in: dims)   // throws "in X'*A, X' is 2×3 and A is 4×3: 3 ≠ 4"
  /// try Expression("W*X").shape(in: dims)    // throws "the variable W has no shape: …"
  /// ```
  ///
  /// - Throws: `ShapeError`, naming the first offending sub-expression (leftmost, innermost).
  /// - Complexity: one pass over the tree (plus printing the culprit on failure).
  public func shape(in dims: [String: Shape]) throws(ShapeError) -> Shape {
    try shape(in: dims, maximumEntries: Expression.maximumEntryCount)
  }

  /// The shape with a different cap on the entries of every sub-expression. Jacobian
  /// expressions such as `kron(I(1000),R')+kron(R',I(1000))*K(1000,1000)` are never evaluated
  /// densely, so the structured layers check them with `Int.max` (overflow is still an error).
  public func shape(in dims: [String: Shape], maximumEntries limit: Int) throws(ShapeError) -> Shape {
    let shape = try unchecked(dims, limit)
    let (count, overflow) = shape.rows.multipliedReportingOverflow(by: shape.cols)
    guard shape.rows > 0, shape.cols > 0 else {
      throw .invalidSize(expression: plainText, rows: shape.rows, cols: shape.cols)
    }
    guard !overflow, count <= limit else {
      throw .tooLarge(expression: plainText, rows: shape.rows, cols: shape.cols)
    }
    return shape
  }

  /// The shape of this node from its children's checked shapes; its own size is checked by
  /// the caller `shape(in:)`.
  private func unchecked(_ dims: [String: Shape], _ limit: Int) throws(ShapeError) -> Shape {
    let scalar = Shape(1, 1)
    switch self {
    case .variable(let name):
      guard let shape = dims[name] else { throw .unknownVariable(name) }
      return shape
    case .constant:
      return scalar
    case .identity(let n):
      return Shape(n, n)
    case .commutation(let m, let n):
      guard m > 0, n > 0 else { return Shape(min(m, 0), min(n, 0)) }
      let (mn, overflow) = m.multipliedReportingOverflow(by: n)
      return overflow ? Shape(Int.max, Int.max) : Shape(mn, mn)
    case .zeros(let m, let n), .ones(let m, let n):
      return Shape(m, n)

    case .transpose(let a):
      return try a.shape(in: dims, maximumEntries: limit).transposed
    case .negate(let a):
      return try a.shape(in: dims, maximumEntries: limit)
    case .elementwise(_, let a):
      return try a.shape(in: dims, maximumEntries: limit)

    case .add(let a, let b), .subtract(let a, let b):
      let (sa, sb) = (try a.shape(in: dims, maximumEntries: limit), try b.shape(in: dims, maximumEntries: limit))
      // Broadcasting (docs/language.md): a size 1 expands to the other operand's size.
      guard let result = Shape.broadcast(sa, sb) else {
        let operation: String
        if case .add = self { operation = "sum" } else { operation = "difference" }
        throw .unequalShapes(
          expression: plainText, operation: operation, lhs: a.plainText, lhsShape: sa, rhs: b.plainText,
          rhsShape: sb)
      }
      return result
    case .product(let a, let b):
      let (sa, sb) = (try a.shape(in: dims, maximumEntries: limit), try b.shape(in: dims, maximumEntries: limit))
      if sa.isScalar { return sb }
      if sb.isScalar { return sa }
      guard sa.cols == sb.rows else {
        throw .innerSizes(
          expression: plainText, lhs: a.plainText, lhsShape: sa, rhs: b.plainText, rhsShape: sb)
      }
      return Shape(sa.rows, sb.cols)
    case .hadamard(let a, let b), .hadamardQuotient(let a, let b):
      let (sa, sb) = (try a.shape(in: dims, maximumEntries: limit), try b.shape(in: dims, maximumEntries: limit))
      if let result = Shape.broadcast(sa, sb) { return result }
      let operation: String
      if case .hadamard = self { operation = "entrywise product" } else { operation = "entrywise quotient" }
      throw .unequalShapes(
        expression: plainText, operation: operation, lhs: a.plainText, lhsShape: sa, rhs: b.plainText,
        rhsShape: sb)
    case .divide(let a, let s):
      let sa = try a.shape(in: dims, maximumEntries: limit)
      try s.requireScalar(in: self, role: "divisor", dims, limit)
      return sa
    case .power(let a, let k):
      let sa = try a.shape(in: dims, maximumEntries: limit)
      try k.requireScalar(in: self, role: "exponent", dims, limit)
      guard sa.isSquare else { throw .notSquare(expression: plainText, operand: a.plainText, shape: sa) }
      if !sa.isScalar && k.integerConstant == nil {
        throw .nonIntegerMatrixPower(
          expression: plainText, base: a.plainText, baseShape: sa, exponent: k.plainText)
      }
      return sa
    case .elementwisePower(let a, let p):
      let sa = try a.shape(in: dims, maximumEntries: limit)
      try p.requireScalar(in: self, role: "exponent", dims, limit)
      return sa

    case .inverse(let a):
      return try a.requireSquare(in: self, dims, limit)
    case .determinant(let a), .logDeterminant(let a), .trace(let a):
      _ = try a.requireSquare(in: self, dims, limit)
      return scalar
    case .sum(let a), .norm(let a), .logSumExp(let a):
      _ = try a.shape(in: dims, maximumEntries: limit)
      return scalar
    case .kronecker(let a, let b):
      // Overflowing sizes become Int.max, which the caller's size check refuses as too large.
      let (sa, sb) = (try a.shape(in: dims, maximumEntries: limit), try b.shape(in: dims, maximumEntries: limit))
      let (r, ro) = sa.rows.multipliedReportingOverflow(by: sb.rows)
      let (c, co) = sa.cols.multipliedReportingOverflow(by: sb.cols)
      return Shape(ro ? .max : r, co ? .max : c)
    case .vec(let a):
      return Shape(try a.shape(in: dims, maximumEntries: limit).count, 1)
    case .diag(let v):
      let sv = try v.shape(in: dims, maximumEntries: limit)
      guard sv.rows == 1 || sv.cols == 1 else {
        throw .notVector(expression: plainText, operand: v.plainText, shape: sv)
      }
      return Shape(sv.count, sv.count)
    case .diagonal(let a):
      let sa = try a.requireSquare(in: self, dims, limit)
      return Shape(sa.rows, 1)
    case .reshape(let a, let m, let n):
      let sa = try a.shape(in: dims, maximumEntries: limit)
      guard m > 0, n > 0, m.multipliedReportingOverflow(by: n) == (sa.count, false) else {
        throw .invalidSize(expression: plainText, rows: m, cols: n)
      }
      return Shape(m, n)
    case .maximum(let a, let b), .minimum(let a, let b):
      let (sa, sb) = (try a.shape(in: dims, maximumEntries: limit), try b.shape(in: dims, maximumEntries: limit))
      if let result = Shape.broadcast(sa, sb) { return result }
      let operation: String
      if case .maximum = self { operation = "entrywise maximum" } else { operation = "entrywise minimum" }
      throw .unequalShapes(
        expression: plainText, operation: operation, lhs: a.plainText, lhsShape: sa, rhs: b.plainText,
        rhsShape: sb)
    case .norm1(let a):
      _ = try a.shape(in: dims, maximumEntries: limit)
      return scalar
    case .concatenation(let blockRows):
      var total: (rows: Int, cols: Int)? = nil
      var firstRow: (text: String, shape: Shape)? = nil
      for row in blockRows {
        var first: (text: String, shape: Shape)? = nil
        var cols = 0
        for block in row {
          let s = try block.shape(in: dims, maximumEntries: limit)
          if let f = first, f.shape.rows != s.rows {
            throw .blocksDoNotFit(
              expression: plainText, first: f.text, firstShape: f.shape, second: block.plainText, secondShape: s,
              side: "rows")
          }
          if first == nil { first = (block.plainText, s) }
          let (sum, overflow) = cols.addingReportingOverflow(s.cols)
          guard !overflow else { throw .tooLarge(expression: plainText, rows: Int.max, cols: Int.max) }
          cols = sum
        }
        guard let f = first else { throw .invalidSize(expression: plainText, rows: 0, cols: 0) }
        let rowText = "[" + row.map(\.plainText).joined(separator: ",") + "]"
        if let t = total, let fr = firstRow {
          guard t.cols == cols else {
            throw .blocksDoNotFit(
              expression: plainText, first: fr.text, firstShape: fr.shape, second: rowText,
              secondShape: Shape(f.shape.rows, cols), side: "cols")
          }
          let (sum, overflow) = t.rows.addingReportingOverflow(f.shape.rows)
          guard !overflow else { throw .tooLarge(expression: plainText, rows: Int.max, cols: Int.max) }
          total = (sum, cols)
        } else {
          total = (f.shape.rows, cols)
          firstRow = (rowText, Shape(f.shape.rows, cols))
        }
      }
      guard let t = total else { throw .invalidSize(expression: plainText, rows: 0, cols: 0) }
      return Shape(t.rows, t.cols)
    case .softmax(let x):
      let sx = try x.shape(in: dims, maximumEntries: limit)
      guard sx.cols == 1 else { throw .notColumn(expression: plainText, operand: x.plainText, shape: sx) }
      return sx
    }
  }

  private func requireScalar(
    in whole: Expression, role: String, _ dims: [String: Shape], _ limit: Int
  ) throws(ShapeError) {
    let s = try shape(in: dims, maximumEntries: limit)
    guard s.isScalar else {
      throw .notScalar(expression: whole.plainText, operand: plainText, shape: s, role: role)
    }
  }

  private func requireSquare(in whole: Expression, _ dims: [String: Shape], _ limit: Int) throws(ShapeError) -> Shape {
    let s = try shape(in: dims, maximumEntries: limit)
    guard s.isSquare else { throw .notSquare(expression: whole.plainText, operand: plainText, shape: s) }
    return s
  }
}
