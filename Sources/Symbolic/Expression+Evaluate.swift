import Foundation
import MatrixCore

extension Expression {
  /// The value of the expression at a point, computed through MatrixCore: products by BLAS
  /// (`A'*B` passes the transpose flag instead of copying), inverses and determinants by LAPACK.
  ///
  /// ```swift
  /// let X = try Matrix([[1, 2], [3, 4], [5, 6]])
  /// try Expression("X'*X").evaluate(["X": X])       // [35 44; 44 56]
  /// try Expression("log(x-y)").evaluate(["x": …, "y": …])
  /// // throws "log(x-y) is undefined at entry [1,0], where x-y = -0.3"
  /// ```
  ///
  /// Definitions: `norm` is the Frobenius norm; `logdet(A)` is `log|det A|`;
  /// `sigmoid`, `softplus`, `softmax` and `logsumexp` are computed stably (shifted by the
  /// maximum); `A^k` for an integer k ≥ 0 by repeated squaring (`A^0 = I`), for k < 0 as
  /// `inv(A)^|k|`; a 1×1 base takes any real exponent. `relu` and `abs` are plain `max(x,0)`
  /// and `|x|`.
  ///
  /// Every intermediate value is finite, or evaluation stops with the sub-expression to blame.
  ///
  /// - Throws: `EvaluationError`: a missing or non-finite value, a shape that does not fit,
  ///   a function outside its domain (`log`/`sqrt` of an entry out of range, `inv`/`logdet` of a
  ///   singular matrix, division by zero), or an overflow.
  public func evaluate(_ values: [String: Matrix]) throws(EvaluationError) -> Matrix {
    try requireValidPoint(values)
    var context = EvaluationContext(values: values)
    context.countUses(of: self)
    return try value(&context)
  }

  /// The checks of `evaluate` before any arithmetic: every variable has a finite value and the
  /// shapes fit. (`SymbolicHessian` uses it alone for an F that `isDefinedEverywhere`.)
  func requireValidPoint(_ values: [String: Matrix]) throws(EvaluationError) {
    let names = variables
    // The shapes of this expression's own variables only: a point with many variables
    // (a long sum of terms) costs nothing per sub-expression evaluated.
    var dims: [String: Shape] = [:]
    for name in names {
      guard let value = values[name] else { throw .missingValue(name) }
      if let bad = value.firstNonFinite {
        throw .nonFiniteValue(variable: name, row: bad.row, col: bad.col, value: bad.value)
      }
      dims[name] = value.shape
    }
    do {
      _ = try shape(in: dims)
    } catch {
      throw .shape(error)
    }
  }

  /// The value of this node, checked to be finite; computed once per distinct subtree.
  private func value(_ context: inout EvaluationContext) throws(EvaluationError) -> Matrix {
    if Cancellation.isCurrentCancelled { throw .cancelled }
    let key = children.isEmpty ? nil : ExpressionTable.boxBits(self)
    if let key, let known = context.cache[key] {
      context.used(key)
      return known
    }
    let result = try computedValue(&context)
    if let bad = result.firstNonFinite {
      throw .overflow(expression: plainText, row: bad.row, col: bad.col)
    }
    if let key, context.isShared(key) {
      context.cache[key] = result
      context.used(key)
    }
    return result
  }

  // Shapes were checked by `evaluate`, so the operations below fit; MatrixCore errors that
  // still arise (LAPACK failures) are reported with the sub-expression.
  private func computedValue(_ context: inout EvaluationContext) throws(EvaluationError) -> Matrix {
    switch self {
    case .variable(let name):
      guard let value = context.values[name] else { throw .missingValue(name) }
      return value
    case .constant(let c):
      return Matrix(rows: 1, cols: 1, columnMajor: [c])
    case .identity(let n):
      return .identity(n)
    case .commutation(let m, let n):
      return Commutation(m, n).dense()
    case .zeros(let m, let n):
      return .zeros(m, n)
    case .ones(let m, let n):
      return .ones(m, n)

    case .transpose(let a):
      return try a.value(&context).transposed
    case .negate(let a):
      return try a.value(&context).scaled(by: -1)
    case .add(let a, let b), .subtract(let a, let b):
      let (x, y) = (try a.value(&context), try b.value(&context))
      var sign = 1.0
      if case .subtract = self { sign = -1 }
      if x.shape == y.shape { return try matrixCall { try x.adding(y, scaledBy: sign) } }
      let sum = try matrixCall { try Matrix.broadcasting(x, y) { $0 + sign * $1 } }
      WorkCount.record(sum.count)  // one addition a term, as a sum of equal shapes (daxpy) counts
      return sum
    case .product(let a, let b):
      let (x, tx) = try a.productOperand(&context)
      let (y, ty) = try b.productOperand(&context)
      if x.count == 1 { return y.scaled(by: x.storage[0]).transposed(if: ty) }
      if y.count == 1 { return x.scaled(by: y.storage[0]).transposed(if: tx) }
      return try matrixCall { try Matrix.product(x, tx, y, ty) }
    case .hadamard(let a, let b):
      let (x, y) = (try a.value(&context), try b.value(&context))
      if x.shape == y.shape { return try matrixCall { try x.hadamard(y) } }
      if x.count == 1 { return y.scaled(by: x.storage[0]) }
      if y.count == 1 { return x.scaled(by: y.storage[0]) }
      return try matrixCall { try Matrix.broadcasting(x, y, *) }
    case .hadamardQuotient(let a, let b):
      let (x, y) = (try a.value(&context), try b.value(&context))
      try b.requireNonzero(y, in: self)
      if x.shape == y.shape { return try matrixCall { try x.hadamardQuotient(y) } }
      if y.count == 1 { return x.map { $0 / y.storage[0] } }
      if x.count == 1 { return y.map { x.storage[0] / $0 } }
      return try matrixCall { try Matrix.broadcasting(x, y, /) }
    case .divide(let a, let s):
      let (x, y) = (try a.value(&context), try s.value(&context))
      try s.requireNonzero(y, in: self)
      return x.map { $0 / y.storage[0] }
    case .power(let a, let k):
      let base = try a.value(&context)
      if base.count == 1 {
        let p = try k.value(&context).storage[0]
        return try entrywisePower(base, p, operand: a)
      }
      guard let n = k.integerConstant else {
        throw .shape(
          .nonIntegerMatrixPower(
            expression: plainText, base: a.plainText, baseShape: base.shape, exponent: k.plainText))
      }
      return try matrixPower(base, n, operand: a)
    case .elementwisePower(let a, let p):
      let (x, y) = (try a.value(&context), try p.value(&context))
      return try entrywisePower(x, y.storage[0], operand: a)

    case .inverse(let a):
      let x = try a.value(&context)
      return try invert(x, operand: a)
    case .determinant(let a):
      let x = try a.value(&context)
      return .scalar(try matrixCall { try x.determinant() })
    case .logDeterminant(let a):
      let x = try a.value(&context)
      let (sign, logAbs) = try matrixCall { try x.logAbsDeterminant() }
      guard sign != 0 else { throw .singular(expression: plainText, operand: a.plainText) }
      return .scalar(logAbs)
    case .trace(let a):
      let x = try a.value(&context)
      return .scalar(try matrixCall { try x.trace() })
    case .sum(let a):
      return .scalar(try a.value(&context).sum)
    case .norm(let a):
      return .scalar(try a.value(&context).frobeniusNorm)
    case .kronecker(let a, let b):
      return Matrix.kronecker(try a.value(&context), try b.value(&context))
    case .vec(let a):
      return try a.value(&context).vec
    case .reshape(let a, let m, let n):
      return Matrix(rows: m, cols: n, columnMajor: try a.value(&context).storage)
    case .diag(let v):
      return .diagonal(try v.value(&context).storage)
    case .diagonal(let a):
      return try a.value(&context).diagonalColumn
    case .elementwise(let f, let a):
      let x = try a.value(&context)
      if let k = x.storage.firstIndex(where: { !f.isDefined(at: $0) }) {
        throw .outsideDomain(
          expression: plainText, operand: a.plainText, row: k % x.rows, col: k / x.rows, value: x.storage[k])
      }
      return x.map(f.apply)
    case .softmax(let a):
      return try a.value(&context).softmax()
    case .maximum(let a, let b), .minimum(let a, let b):
      let (x, y) = (try a.value(&context), try b.value(&context))
      var pick: (Double, Double) -> Double = Swift.min
      if case .maximum = self { pick = Swift.max }
      return try matrixCall { try Matrix.broadcasting(x, y, pick) }
    case .norm1(let a):
      return .scalar(try a.value(&context).storage.reduce(0) { $0 + Swift.abs($1) })
    case .concatenation(let blockRows):
      let blocks = try blockRows.map { row throws(EvaluationError) in
        try row.map { block throws(EvaluationError) in try block.value(&context) }
      }
      return try matrixCall { try Matrix(blocks: blocks) }
    case .logSumExp(let a):
      return .scalar(try a.value(&context).logSumExp())
    }
  }

  /// The operand of a product, with a transpose left to BLAS: `A'*B` multiplies with the
  /// transpose flag instead of building `A'`.
  private func productOperand(_ context: inout EvaluationContext) throws(EvaluationError) -> (Matrix, Transposition) {
    if case .transpose(let inner) = self { return (try inner.value(&context), .transposed) }
    return (try value(&context), .none)
  }

  private func requireNonzero(_ divisor: Matrix, in whole: Expression) throws(EvaluationError) {
    if let k = divisor.storage.firstIndex(of: 0) {
      throw .divisionByZero(
        expression: whole.plainText, divisor: plainText, divisorShape: divisor.shape, row: k % divisor.rows,
        col: k / divisor.rows)
    }
  }

  /// `x.^p` entrywise (also a 1×1 `x^p`): undefined for a negative entry and a fractional p,
  /// and for a zero entry and a negative p.
  private func entrywisePower(_ x: Matrix, _ p: Double, operand: Expression) throws(EvaluationError) -> Matrix
  {
    let integral = p == p.rounded()
    for (k, v) in x.storage.enumerated() where (v < 0 && !integral) || (v == 0 && p < 0) {
      throw .outsideDomain(
        expression: plainText, operand: operand.plainText, row: k % x.rows, col: k / x.rows, value: v)
    }
    return x.elementwisePower(p)
  }

  /// `A^k` by repeated squaring (`Matrix.power`); `A^0 = I`, `A^-k = inv(A)^k`. An overflow
  /// (squaring stops at the first non-finite square) is reported with this sub-expression.
  private func matrixPower(_ a: Matrix, _ k: Int, operand: Expression) throws(EvaluationError) -> Matrix {
    let base = k < 0 ? try invert(a, operand: operand) : a
    do {
      return try base.power(Int(exactly: k.magnitude) ?? Int.max)
    } catch MatrixError.nonFinite(_, let row, let col, _) {
      throw .overflow(expression: plainText, row: row, col: col)
    } catch let error as MatrixError {
      throw .matrix(expression: plainText, error: error)
    } catch {
      throw .matrix(expression: plainText, error: .invalidArgument("\(error)"))
    }
  }

  private func invert(_ a: Matrix, operand: Expression) throws(EvaluationError) -> Matrix {
    do {
      return try a.inverse()
    } catch MatrixError.lapack {
      throw .singular(expression: plainText, operand: operand.plainText)
    } catch let error as MatrixError {
      throw .matrix(expression: plainText, error: error)
    } catch {
      throw .matrix(expression: plainText, error: .invalidArgument("\(error)"))
    }
  }

  /// Runs a MatrixCore operation, reporting its error with this sub-expression.
  private func matrixCall<T>(_ body: () throws -> T) throws(EvaluationError) -> T {
    do {
      return try body()
    } catch let error as MatrixError {
      throw .matrix(expression: plainText, error: error)
    } catch {
      throw .matrix(expression: plainText, error: .invalidArgument("\(error)"))
    }
  }
}

/// What one evaluation keeps: the point, and the value of each subtree shared in memory, by the
/// address of its box (`ExpressionTable.boxBits`; the expression evaluated keeps every box alive
/// meanwhile), so that a subtree that occurs many times (a derivative reuses its operand:
/// `tanh(h)` in `1 − tanh(h)²`; a program inlined into one expression shares each statement's
/// tree wherever its name was used) is computed once. Without it, evaluation cost what the tree
/// written out costs, which can be exponential in the depth of reuse. (Keyed by address rather
/// than by structural id as `StructuredEvaluator` is: interning every node cost more than it saved
/// on small expressions, and the sharing comes from memory, not from equal text.)
/// The values of one `evaluate` call: the point, and the value of each subtree that occurs more
/// than once in the expression (by the address of its node), kept from its first evaluation until
/// its last use and then dropped, so evaluation holds no more intermediate matrices than the
/// expression written out would need at once, plus the shared ones still to be used.
struct EvaluationContext {
  let values: [String: Matrix]
  var cache: [UInt: Matrix] = [:]
  /// How many more times each subtree with children will be asked for (occurrences in the
  /// expression, counted once per distinct node).
  private var remainingUses: [UInt: Int] = [:]

  init(values: [String: Matrix]) { self.values = values }

  /// Counts the occurrences of every subtree with children; a shared subtree's children are
  /// visited once (each evaluation of it is one use of them).
  mutating func countUses(of e: Expression) {
    guard !e.children.isEmpty, let key = ExpressionTable.boxBits(e) else { return }
    let seen = remainingUses[key, default: 0]
    remainingUses[key] = seen + 1
    if seen == 0 { e.children.forEach { countUses(of: $0) } }
  }

  /// Whether the subtree at `key` is asked for more than once still.
  func isShared(_ key: UInt) -> Bool { remainingUses[key, default: 0] > 1 }

  /// One use of the subtree at `key` done: its value is dropped after the last.
  mutating func used(_ key: UInt) {
    guard let left = remainingUses[key] else { return }
    if left <= 1 {
      remainingUses[key] = nil
      cache[key] = nil
    } else {
      remainingUses[key] = left - 1
    }
  }
}

extension Matrix {
  fileprivate func transposed(if t: Transposition) -> Matrix { t == .transposed ? transposed : self }
}
