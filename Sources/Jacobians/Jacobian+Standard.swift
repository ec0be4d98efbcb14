import MatrixCore

// Closed-form Jacobians of the common matrix functions, built from structured parts
// (Magnus & Neudecker, ch. 9; numerator layout over column-major vec).
extension Jacobian {
  /// F = A·X·B, X a×b: `J = Bᵀ ⊗ A` (from `vec(AXB) = (Bᵀ⊗A)vec X`).
  public static func linear(left a: Matrix, right b: Matrix) throws -> Jacobian {
    guard a.cols > 0 || b.rows > 0 else { throw JacobianError.shapeMismatch("A·X·B needs sizes for X") }
    return Jacobian(
      output: Shape(a.rows, b.cols), input: Shape(a.cols, b.rows),
      matrix: .kronecker(.dense(b.transposed, label: "Bᵀ", latex: "B^{\\top}"), .dense(a, label: "A")))
  }

  /// F = Xᵀ for X a×b: `J = K(a,b)`.
  public static func transpose(of input: Shape) -> Jacobian {
    Jacobian(output: input.transposed, input: input, matrix: .commutation(input.rows, input.cols))
  }

  /// F = XᵀX for X m×n: `J = (Iₙ ⊗ Xᵀ) + (Xᵀ ⊗ Iₙ)·K(m,n)`.
  public static func gram(_ x: Matrix) -> Jacobian {
    let (m, n) = (x.rows, x.cols)
    let xt = StructuredMatrix.dense(x.transposed, label: "Xᵀ", latex: "X^{\\top}")
    let j = StructuredMatrix.kronecker(.identity(n), xt) + .kronecker(xt, .identity(n)) * .commutation(m, n)
    return Jacobian(output: Shape(n, n), input: x.shape, matrix: j)
  }

  /// F = XXᵀ for X m×n: `J = (X ⊗ Iₘ) + (Iₘ ⊗ X)·K(m,n)`.
  public static func outerGram(_ x: Matrix) -> Jacobian {
    let (m, n) = (x.rows, x.cols)
    let xs = StructuredMatrix.dense(x, label: "X")
    let j = StructuredMatrix.kronecker(xs, .identity(m)) + .kronecker(.identity(m), xs) * .commutation(m, n)
    return Jacobian(output: Shape(m, m), input: x.shape, matrix: j)
  }

  /// F = X ⊙ Y with respect to X: `J = diag(vec Y)`.
  public static func hadamard(with y: Matrix) -> Jacobian {
    Jacobian(output: y.shape, input: y.shape, matrix: .diagonal(y.storage))
  }

  /// F = f(X) elementwise, with f′ given: `J = diag(vec f′(X))`.
  public static func elementwise(at x: Matrix, derivative: (Double) -> Double) -> Jacobian {
    Jacobian(output: x.shape, input: x.shape, matrix: .diagonal(x.storage.map(derivative)))
  }
}
