/// A matrix expression of the JacobianKit expression language
/// (`shared/spec/expression-language.md`), as a tree without source positions.
///
/// Every value is a real matrix; a scalar is 1×1. The tree is `Hashable`, so equal subtrees compare
/// and hash equal wherever they stand, which is what simplification and differentiation rely on.
///
/// Trees come from the parser, `Expression("X'*X")`, or are written in code with the cases, the
/// arithmetic operators and the helpers in `Expression+Construction.swift`:
///
/// ```swift
/// let X = Expression.variable("X")
/// let jacobian: Expression = .kron(.I(2), X.transposed) + .kron(X.transposed, .I(2)) * .K(3, 2)
/// jacobian.plainText    // "kron(I(2),X')+kron(X',I(2))*K(3,2)"
/// jacobian.unicodeText  // "(I₂ ⊗ Xᵀ) + (Xᵀ ⊗ I₂)K₃,₂"
/// ```
///
/// Shapes are not stored: `shape(in:)` infers them from the variables' shapes and
/// `evaluate(_:)` computes the value through MatrixCore.
public indirect enum Expression: Hashable, Sendable {
  // MARK: Leaves

  /// A variable, `X`. Its shape and value come from the caller.
  case variable(String)
  /// A numeric literal, `2`, `0.5`, `1e-3`: a 1×1 value. The parser only produces non-negative
  /// literals (`-2` is `.negate(.constant(2))`); a negative constant built in code prints as `-2`.
  case constant(Double)
  /// `I(n)`: the n×n identity.
  case identity(Int)
  /// `K(m,n)`: the (mn)×(mn) commutation matrix, `K(m,n)*vec(A) = vec(A')` for A m×n.
  case commutation(Int, Int)
  /// `zeros(m,n)`: the m×n zero matrix.
  case zeros(Int, Int)
  /// `ones(m,n)`: the m×n matrix of ones.
  case ones(Int, Int)

  // MARK: Operators

  /// `A'` or `transpose(A)`.
  case transpose(Expression)
  /// `-A`.
  case negate(Expression)
  /// `A+B`: equal shapes.
  case add(Expression, Expression)
  /// `A-B`: equal shapes.
  case subtract(Expression, Expression)
  /// `A*B`: the matrix product, or scaling when either side is 1×1.
  case product(Expression, Expression)
  /// `A.*B`: the Hadamard (entrywise) product; equal shapes, or one side 1×1.
  case hadamard(Expression, Expression)
  /// `A./B`: the entrywise quotient; equal shapes, or one side 1×1.
  case hadamardQuotient(Expression, Expression)
  /// `A/s`: division by a 1×1 value.
  case divide(Expression, Expression)
  /// `A^k`: the matrix power by an integer constant (`A^-1` is the inverse, `A^0` the identity);
  /// for a 1×1 base the exponent may be any 1×1 expression.
  case power(Expression, Expression)
  /// `A.^p`: the entrywise power by a 1×1 exponent.
  case elementwisePower(Expression, Expression)

  // MARK: Functions

  /// `inv(A)`: the inverse of a square matrix.
  case inverse(Expression)
  /// `det(A)`: the determinant, 1×1.
  case determinant(Expression)
  /// `logdet(A)`: `log|det A|`, 1×1.
  case logDeterminant(Expression)
  /// `tr(A)`: the trace of a square matrix, 1×1.
  case trace(Expression)
  /// `sum(A)`: the sum of all entries, 1×1.
  case sum(Expression)
  /// `norm(A)`: the Frobenius norm (Euclidean for vectors), 1×1.
  case norm(Expression)
  /// `kron(A,B)`: the Kronecker product, (mp)×(nq) for A m×n and B p×q.
  case kronecker(Expression, Expression)
  /// `vec(A)`: the columns stacked, (mn)×1.
  case vec(Expression)
  /// `diag(v)`: the n×n diagonal matrix of a vector (n×1 or 1×n).
  case diag(Expression)
  /// `diagonal(A)`: the diagonal of a square matrix as an n×1 column.
  case diagonal(Expression)
  /// `exp(A)`, `log(A)`, `tanh(A)`, …: a scalar function applied to every entry.
  case elementwise(ElementwiseFunction, Expression)
  /// `softmax(x)`: `exp(x)/sum(exp(x))` of a column vector.
  case softmax(Expression)
  /// `logsumexp(A)`: `log(sum(exp(A)))` over all entries, 1×1.
  case logSumExp(Expression)
  /// `reshape(A,m,n)` (an extension of the language): the entries of A in column-major order,
  /// read as an m×n matrix, as MATLAB's `reshape`; `reshape(vec(A),m,n) = A`.
  case reshape(Expression, Int, Int)

  // MARK: Extensions (docs/language.md)

  /// `max(A,B)`: the entrywise maximum; the operands broadcast as in `+`. At a tie the
  /// derivative follows the first operand (the max gate routes the gradient to one input).
  case maximum(Expression, Expression)
  /// `min(A,B)`: the entrywise minimum; broadcasting and ties as `max`.
  case minimum(Expression, Expression)
  /// `norm1(A)`: the sum of the absolute values of all entries (the ℓ1 norm of vec A), 1×1.
  case norm1(Expression)
  /// `[A, B; C, D]`: a block matrix, rows of blocks separated by `;`, blocks by `,`. The blocks
  /// of a row have equal row counts; every row of blocks has the same column count.
  case concatenation([[Expression]])
}

/// `Expression` under a name that does not clash with Foundation's `Expression` (the type of
/// `#Expression` macros): a file that imports both Foundation and Symbolic can write
/// `MatrixExpression` or `Symbolic.Expression`.
public typealias MatrixExpression = Expression

extension Expression {
  /// The immediate subexpressions, left to right (the exponent of a power included).
  public var children: [Expression] {
    switch self {
    case .variable, .constant, .identity, .commutation, .zeros, .ones:
      return []
    case .transpose(let a), .negate(let a), .inverse(let a), .determinant(let a),
      .logDeterminant(let a), .trace(let a), .sum(let a), .norm(let a), .vec(let a), .diag(let a),
      .diagonal(let a), .elementwise(_, let a), .softmax(let a), .logSumExp(let a), .reshape(let a, _, _),
      .norm1(let a):
      return [a]
    case .maximum(let a, let b), .minimum(let a, let b):
      return [a, b]
    case .concatenation(let rows):
      return rows.flatMap { $0 }
    case .add(let a, let b), .subtract(let a, let b), .product(let a, let b), .hadamard(let a, let b),
      .hadamardQuotient(let a, let b), .divide(let a, let b), .power(let a, let b),
      .elementwisePower(let a, let b), .kronecker(let a, let b):
      return [a, b]
    }
  }

  /// The names of the variables that occur, sorted and without repetition.
  ///
  /// ```swift
  /// try Expression("u'*tanh(W*x+b)").variables  // ["W", "b", "u", "x"]
  /// ```
  public var variables: [String] {
    var names = Set<String>()
    collectVariables(into: &names)
    return names.sorted()
  }

  private func collectVariables(into names: inout Set<String>) {
    if case .variable(let name) = self {
      names.insert(name)
      return
    }
    for child in children { child.collectVariables(into: &names) }
  }

  /// The number of nodes in the tree.
  public var nodeCount: Int { 1 + children.reduce(0) { $0 + $1.nodeCount } }

  /// The depth of the tree: 0 for a leaf.
  public var depth: Int { children.map { $0.depth + 1 }.max() ?? 0 }

  /// The value of an integer constant exponent: `2` → 2, `-1` (`.negate(.constant(1))`) → -1,
  /// `.constant(-3)` → -3; nil for anything else (variables, non-integers, products, …).
  public var integerConstant: Int? {
    switch self {
    case .constant(let c):
      return Int(exactly: c)
    case .negate(let a):
      guard let k = a.integerConstant else { return nil }
      let (negated, overflow) = (0).subtractingReportingOverflow(k)
      return overflow ? nil : negated
    default:
      return nil
    }
  }

  /// The value of a constant scalar literal, possibly negated: `0.5` → 0.5, `-2` → -2.
  public var scalarConstant: Double? {
    switch self {
    case .constant(let c): return c
    case .negate(let a): return a.scalarConstant.map { -$0 }
    default: return nil
    }
  }
}
