import MatrixCore

/// The Jacobian of F (m×n) with respect to X (a×b) in **numerator layout over column-major
/// `vec`**: the (mn)×(ab) operator `J = ∂vec F/∂(vec X)ᵀ` with
///
///     J[p + q·m, i + j·a] = ∂F[p,q]/∂X[i,j]      (0-based; vec stacks columns)
///
/// It holds a `StructuredMatrix` (dense, diagonal, identity, zero, Kronecker, commutation,
/// scaled, sum, lazy product), so that ∂(RᵀR)/∂R for a 1000×1000 R is two Kronecker factors and a
/// permutation, applied with two matrix products, never 10¹² stored numbers. Every other layout
/// (denominator, row-major, the JAX/PyTorch tensor, the shape convention) is a conversion in
/// `Layout.swift`. The chain rule is `∂F/∂X = (∂F/∂Y)·(∂Y/∂X)`: the outer Jacobian on the left.
public struct Jacobian: Sendable {
  /// The shape of F, m×n.
  public let outputShape: Shape
  /// The shape of X, a×b.
  public let inputShape: Shape
  /// The (mn)×(ab) operator.
  public let matrix: StructuredMatrix

  /// - Precondition: `matrix` is (output.count)×(input.count).
  public init(output: Shape, input: Shape, matrix: StructuredMatrix) {
    precondition(
      matrix.rows == output.count && matrix.cols == input.count,
      "a Jacobian of a \(output) function of a \(input) variable is \(output.count)×\(input.count), got \(matrix.rows)×\(matrix.cols)")
    self.outputShape = output
    self.inputShape = input
    self.matrix = matrix
  }

  /// Throwing initialiser for sizes that come from input.
  public static func checked(output: Shape, input: Shape, matrix: StructuredMatrix) throws -> Jacobian {
    guard matrix.rows == output.count, matrix.cols == input.count else {
      throw JacobianError.shapeMismatch(
        "a Jacobian of a \(output) function of a \(input) variable must be \(output.count)×\(input.count), "
          + "but the matrix is \(matrix.rows)×\(matrix.cols)")
    }
    return Jacobian(output: output, input: input, matrix: matrix)
  }

  /// A dense Jacobian from its numerator-layout matrix.
  public init(output: Shape, input: Shape, dense: Matrix) {
    self.init(output: output, input: input, matrix: .dense(dense))
  }

  // MARK: Forward mode (JVP)

  /// `J·vec(dX)` reshaped: a tangent shaped like X (a×b) gives the tangent of F (m×n).
  public func pushforward(_ tangent: Matrix) throws -> Matrix {
    guard tangent.shape == inputShape else {
      throw JacobianError.shapeMismatch("the tangent must have the input's shape \(inputShape), not \(tangent.shape)")
    }
    let v = matrix.apply(tangent.vec)
    return Matrix(rows: outputShape.rows, cols: outputShape.cols, columnMajor: v.storage)
  }

  /// `J·v` for `v = vec(dX)`.
  public func jvp(_ v: [Double]) throws -> [Double] {
    guard v.count == matrix.cols else {
      throw JacobianError.shapeMismatch("a JVP needs a vector of length \(matrix.cols), not \(v.count)")
    }
    return matrix.apply(vector: v)
  }

  /// `J·M` for a matrix with ab rows (several tangents at once).
  public func apply(_ m: Matrix) throws -> Matrix {
    guard m.rows == matrix.cols else {
      throw JacobianError.shapeMismatch("J is \(matrix.rows)×\(matrix.cols) and cannot multiply \(m.shape)")
    }
    return matrix.apply(m)
  }

  // MARK: Reverse mode (VJP)

  /// `uᵀ·J` reshaped: an upstream gradient shaped like F (m×n) gives the gradient shaped like X
  /// (a×b), i.e. `G[i,j] = Σ_{p,q} U[p,q]·∂F[p,q]/∂X[i,j]` (backpropagation).
  public func pullback(_ upstream: Matrix) throws -> Matrix {
    guard upstream.shape == outputShape else {
      throw JacobianError.shapeMismatch(
        "the upstream gradient must have the output's shape \(outputShape), not \(upstream.shape)")
    }
    let g = matrix.applyTransposed(upstream.vec)
    return Matrix(rows: inputShape.rows, cols: inputShape.cols, columnMajor: g.storage)
  }

  /// `uᵀ·J` as the entries of a row of length ab.
  public func vjp(_ u: [Double]) throws -> [Double] {
    guard u.count == matrix.rows else {
      throw JacobianError.shapeMismatch("a VJP needs a vector of length \(matrix.rows), not \(u.count)")
    }
    return matrix.applyTransposed(vector: u)
  }

  // MARK: Entries

  /// `∂F[p,q]/∂X[i,j]` without materialising.
  public func entry(output p: Int, _ q: Int, input i: Int, _ j: Int) throws -> Double {
    guard p >= 0, p < outputShape.rows, q >= 0, q < outputShape.cols else {
      throw JacobianError.indexOutOfRange("F[\(p),\(q)] is outside the \(outputShape) output")
    }
    guard i >= 0, i < inputShape.rows, j >= 0, j < inputShape.cols else {
      throw JacobianError.indexOutOfRange("X[\(i),\(j)] is outside the \(inputShape) input")
    }
    return try matrix.entry(p + q * outputShape.rows, i + j * inputShape.rows)
  }

  /// The gradient of `F[p,q]` with respect to X, shaped like X.
  public func gradient(ofOutput p: Int, _ q: Int) throws -> Matrix {
    guard p >= 0, p < outputShape.rows, q >= 0, q < outputShape.cols else {
      throw JacobianError.indexOutOfRange("F[\(p),\(q)] is outside the \(outputShape) output")
    }
    let r = try matrix.row(p + q * outputShape.rows)
    return Matrix(rows: inputShape.rows, cols: inputShape.cols, columnMajor: r)
  }

  /// `∂F/∂X[i,j]`, shaped like F.
  public func derivative(withRespectTo i: Int, _ j: Int) throws -> Matrix {
    guard i >= 0, i < inputShape.rows, j >= 0, j < inputShape.cols else {
      throw JacobianError.indexOutOfRange("X[\(i),\(j)] is outside the \(inputShape) input")
    }
    let c = try matrix.column(i + j * inputShape.rows)
    return Matrix(rows: outputShape.rows, cols: outputShape.cols, columnMajor: c)
  }

  /// The dense (mn)×(ab) numerator-layout matrix; refused above `limitBytes` (default 2 GiB).
  /// `threads`: as `StructuredMatrix.materialized(limitBytes:threads:)`.
  public func materialized(
    limitBytes: Int = StructuredMatrix.defaultMaterializationLimit, threads: Int? = nil
  ) throws -> Matrix {
    try matrix.materialized(limitBytes: limitBytes, threads: threads)
  }

  /// Writes the dense (mn)×(ab) numerator-layout matrix into `out`, which the caller keeps and
  /// reuses between calls (NumPy's `out=`): no allocation and, once `out` has been written
  /// before, no page faults. Every entry of `out` is overwritten.
  /// `threads`: as `StructuredMatrix.materialized(limitBytes:threads:)`.
  /// - Throws: `JacobianError.shapeMismatch` when `out` is not (mn)×(ab).
  public func materialize(
    into out: inout Matrix, limitBytes: Int = StructuredMatrix.defaultMaterializationLimit, threads: Int? = nil
  ) throws {
    try matrix.materialize(into: &out, limitBytes: limitBytes, threads: threads)
  }

  // MARK: Algebra

  /// The chain rule: `∂F/∂X = (∂F/∂Y)·(∂Y/∂X)` (outer on the left).
  /// - Throws: when `outer`'s input shape is not `inner`'s output shape.
  public static func chain(_ outer: Jacobian, _ inner: Jacobian) throws -> Jacobian {
    guard outer.inputShape == inner.outputShape else {
      throw JacobianError.shapeMismatch(
        "cannot chain ∂F/∂Y with Y \(outer.inputShape) and ∂Y/∂X with Y \(inner.outputShape): the shapes of Y differ")
    }
    return Jacobian(output: outer.outputShape, input: inner.inputShape, matrix: outer.matrix * inner.matrix)
  }

  /// The Jacobian of a sum of functions of the same X.
  public static func sum(_ a: Jacobian, _ b: Jacobian) throws -> Jacobian {
    guard a.outputShape == b.outputShape, a.inputShape == b.inputShape else {
      throw JacobianError.shapeMismatch(
        "cannot add Jacobians of shapes \(a.outputShape) w.r.t. \(a.inputShape) and \(b.outputShape) w.r.t. \(b.inputShape)")
    }
    return Jacobian(output: a.outputShape, input: a.inputShape, matrix: a.matrix + b.matrix)
  }

  public func scaled(by s: Double) -> Jacobian {
    Jacobian(output: outputShape, input: inputShape, matrix: s * matrix)
  }

  /// The structure in text and LaTeX, e.g. `(I₂ ⊗ M₁) + (M₂ ⊗ I₂)·K(3,2)`.
  public var structure: StructureDescription { matrix.structure }
}

extension Jacobian: CustomStringConvertible {
  public var description: String {
    "∂F/∂X for F \(outputShape), X \(inputShape), numerator layout \(matrix.rows)×\(matrix.cols): \(matrix)"
  }
}
