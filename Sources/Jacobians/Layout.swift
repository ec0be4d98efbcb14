import MatrixCore

/// The ways a derivative of F (m×n) with respect to X (a×b) is laid out. Every conversion lives
/// in this file; `numerator` is the toolkit's own layout.
public enum JacobianLayout: String, CaseIterable, Sendable {
  /// (mn)×(ab), `J[p + q·m, i + j·a] = ∂F[p,q]/∂X[i,j]` (column-major vec; Magnus & Neudecker).
  case numerator
  /// (ab)×(mn), the transpose of numerator.
  case denominator
  /// (mn)×(ab) with rows and columns indexed by row-major flattening (NumPy `ravel`):
  /// `R[p·n + q, i·b + j]`; structurally `K(m,n)·J·K(b,a)`.
  case numeratorRowMajor = "numerator-rowmajor"
  /// The (m,n,a,b) row-major array of `jax.jacfwd`/`jax.jacrev`/`torch.autograd.functional.jacobian`:
  /// `T[p,q,i,j]`.
  case tensor
  /// SymPy's `derive_by_array` order, (a,b,m,n) row-major: `S[i,j,p,q]`.
  case sympy
  /// For a scalar F only (m = n = 1): the gradient shaped like X, `G[i,j] = ∂F/∂X[i,j]`.
  case shape

  /// The array shape that this layout uses for a derivative of F (m×n) w.r.t. X (a×b).
  public func arrayShape(output: Shape, input: Shape) -> [Int] {
    let (m, n, a, b) = (output.rows, output.cols, input.rows, input.cols)
    switch self {
    case .numerator, .numeratorRowMajor: return [m * n, a * b]
    case .denominator: return [a * b, m * n]
    case .tensor: return [m, n, a, b]
    case .sympy: return [a, b, m, n]
    case .shape: return [a, b]
    }
  }

  /// Row-major (C-order) offset of `∂F[p,q]/∂X[i,j]` in this layout's array.
  func offset(_ p: Int, _ q: Int, _ i: Int, _ j: Int, output: Shape, input: Shape) -> Int {
    let (m, n, a, b) = (output.rows, output.cols, input.rows, input.cols)
    switch self {
    case .numerator: return (p + q * m) * (a * b) + (i + j * a)
    case .denominator: return (i + j * a) * (m * n) + (p + q * m)
    case .numeratorRowMajor, .tensor: return ((p * n + q) * a + i) * b + j
    case .sympy: return ((i * b + j) * m + p) * n + q
    case .shape: return i * b + j
    }
  }
}

extension JacobianLayout {
  /// Converts a dense derivative of F (m×n) w.r.t. X (a×b) from layout `from` to layout `to`.
  /// The input may be given in the layout's own shape or, for `tensor` and `sympy`, also as the
  /// equivalent 2-D array (mn)×(ab) resp. (ab)×(mn); for `shape` also as 1×(ab) or (ab)×1 rows in
  /// C order. Round trips are exact: only entries move.
  /// - Throws: when the array's size does not match the shapes, or `shape` is asked for m·n ≠ 1.
  public static func convert(
    _ array: NPYArray, from: JacobianLayout, to: JacobianLayout, output: Shape, input: Shape
  ) throws -> NPYArray {
    for layout in [from, to] where layout == .shape && output.count != 1 {
      throw JacobianError.shapeMismatch(
        "the shape layout exists only for a scalar function (1×1), but F is \(output); use numerator or denominator")
    }
    guard let m = output.checkedCount, let a = input.checkedCount, m > 0, a > 0,
      case let (count, false) = m.multipliedReportingOverflow(by: a),
      count <= StructuredMatrix.defaultMaterializationLimit / 8
    else {
      throw JacobianError.shapeMismatch(
        "a derivative of a \(output) function of a \(input) variable has too many entries to convert "
          + "(at most \(StructuredMatrix.defaultMaterializationLimit / 8), as for any dense Jacobian)")
    }
    let expected = from.arrayShape(output: output, input: input)
    let acceptable: [[Int]] =
      switch from {
      case .tensor: [expected, [output.count, input.count]]
      case .sympy: [expected, [input.count, output.count]]
      case .shape: [expected, [1, input.count], [input.count, 1], [input.count]]
      default: [expected]
      }
    guard acceptable.contains(array.shape), array.values.count == count else {
      throw JacobianError.shapeMismatch(
        "a \(from.rawValue)-layout derivative of a \(output) function of a \(input) variable has shape "
          + "\(expected.map(String.init).joined(separator: "×")), but the array has shape "
          + "\(array.shape.map(String.init).joined(separator: "×"))")
    }
    var out = [Double](repeating: 0, count: count)
    for q in 0..<output.cols {
      for p in 0..<output.rows {
        for j in 0..<input.cols {
          for i in 0..<input.rows {
            out[to.offset(p, q, i, j, output: output, input: input)] =
              array.values[from.offset(p, q, i, j, output: output, input: input)]
          }
        }
      }
    }
    return NPYArray(shape: to.arrayShape(output: output, input: input), values: out)
  }
}

extension Jacobian {
  /// This Jacobian in another matrix layout, structurally (nothing is materialised):
  /// denominator is `Jᵀ`; row-major is `K(m,n)·J·K(b,a)`; `numerator` is `J` itself.
  /// - Throws for `tensor`, `sympy` (arrays: use `denseArray(in:)`) and for `shape` when F is not 1×1.
  public func matrix(in layout: JacobianLayout) throws -> StructuredMatrix {
    let (m, n, a, b) = (outputShape.rows, outputShape.cols, inputShape.rows, inputShape.cols)
    switch layout {
    case .numerator: return matrix
    case .denominator: return matrix.transposed
    case .numeratorRowMajor: return .commutation(m, n) * matrix * .commutation(b, a)
    case .tensor, .sympy:
      throw JacobianError.shapeMismatch("the \(layout.rawValue) layout is a 4-D array; use denseArray(in:)")
    case .shape:
      return .dense(try gradient())
    }
  }

  /// For a scalar F (1×1), the gradient shaped like X (the shape convention), computed as a VJP
  /// with seed 1. - Throws when F is not 1×1.
  public func gradient() throws -> Matrix {
    guard outputShape.count == 1 else {
      throw JacobianError.shapeMismatch(
        "a gradient shaped like X exists only for a scalar function, but F is \(outputShape)")
    }
    return try pullback(Matrix(rows: 1, cols: 1, columnMajor: [1]))
  }

  /// The dense array of this Jacobian in any layout (materialises; guarded by `limitBytes`).
  public func denseArray(
    in layout: JacobianLayout, limitBytes: Int = StructuredMatrix.defaultMaterializationLimit
  ) throws -> NPYArray {
    if layout == .shape { return NPYArray(matrix: try gradient()) }
    let j = try materialized(limitBytes: limitBytes)
    return try JacobianLayout.convert(NPYArray(matrix: j), from: .numerator, to: layout, output: outputShape, input: inputShape)
  }
}
