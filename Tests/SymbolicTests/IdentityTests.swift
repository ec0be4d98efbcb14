// Identities of matrix calculus from the Matrix Cookbook (Petersen & Pedersen) and Magnus &
// Neudecker, each checked at seeded random points two ways: the symbolic Jacobian against
// central finite differences, and against a closed form written down here as a dense matrix by
// definition (plain loops, `TestSupport.Reference`), for the Jacobian in numerator layout and,
// for a 1×1 F, the gradient in the shape convention; forward and reverse mode must agree.
import Foundation
import Jacobians
import MatrixCore
import TestSupport
import Testing

@testable import Symbolic

// MARK: Closed forms by definition

infix operator ⊗ : MultiplicationPrecedence
infix operator ⊙ : MultiplicationPrecedence
infix operator ⊘ : MultiplicationPrecedence

/// A dense matrix in a closed form, with arithmetic by definition: products, transposes,
/// Kronecker products and commutation matrices from `TestSupport.Reference` (plain loops), the
/// inverse by Gauss–Jordan (`Reference.inverse`), determinants by cofactors. Nothing here calls
/// BLAS, LAPACK or the code under test.
struct CF: Sendable {
  var m: Matrix
  init(_ m: Matrix) { self.m = m }

  var rows: Int { m.rows }
  var cols: Int { m.cols }
  /// The entry of a 1×1 matrix.
  var s: Double { m.storage[0] }

  /// The matrix product; a 1×1 side scales the other.
  static func * (a: CF, b: CF) -> CF {
    if a.m.count == 1 { return a.s * b }
    if b.m.count == 1 { return b.s * a }
    precondition(a.cols == b.rows, "closed form: \(a.m.shape) times \(b.m.shape)")
    return CF(TestSupport.Reference.product(a.m, b.m))
  }
  static func * (c: Double, a: CF) -> CF { a.map { c * $0 } }
  static func / (a: CF, c: Double) -> CF { a.map { $0 / c } }
  static func + (a: CF, b: CF) -> CF { a.zip(b, +) }
  static func - (a: CF, b: CF) -> CF { a.zip(b, -) }
  static prefix func - (a: CF) -> CF { a.map { -$0 } }
  static func ⊙ (a: CF, b: CF) -> CF { a.zip(b, *) }
  static func ⊘ (a: CF, b: CF) -> CF { a.zip(b, /) }
  static func ⊗ (a: CF, b: CF) -> CF { CF(TestSupport.Reference.kron(a.m, b.m)) }

  func map(_ f: (Double) -> Double) -> CF {
    CF(Matrix(rows: rows, cols: cols, columnMajor: m.storage.map(f)))
  }

  func zip(_ b: CF, _ f: (Double, Double) -> Double) -> CF {
    precondition(m.shape == b.m.shape, "closed form: \(m.shape) and \(b.m.shape) entrywise")
    return CF(Matrix(rows: rows, cols: cols, columnMajor: Swift.zip(m.storage, b.m.storage).map(f)))
  }

  var t: CF { CF(TestSupport.Reference.transpose(m)) }
  /// The columns stacked.
  var vec: CF { CF(Matrix(column: TestSupport.Reference.vec(m))) }
  /// `vec(A)ᵀ`, the numerator-layout Jacobian of a 1×1 F whose gradient is A.
  var vecT: CF { vec.t }
  var inv: CF {
    let inverse = (try? Reference.inverse(Dense(m)))?.matrix
    return CF(inverse ?? Matrix(rows: rows, cols: cols, repeating: .nan))
  }
  var det: Double { TestSupport.Reference.det(m) }
  var tr: Double { (0..<min(rows, cols)).reduce(0) { $0 + m[$1, $1] } }
  var sum: Double { m.storage.reduce(0, +) }
  var norm: Double { m.storage.reduce(0) { $0 + $1 * $1 }.squareRoot() }
  /// The cofactor matrix, C[i,j] = (−1)^(i+j)·det(A without row i and column j).
  var cofactors: CF {
    let n = rows
    var c = Matrix.zeros(n, n)
    for i in 0..<n {
      for j in 0..<n {
        var minor = Matrix.zeros(n - 1, n - 1)
        for r in 0..<n where r != i {
          for k in 0..<n where k != j { minor[r < i ? r : r - 1, k < j ? k : k - 1] = m[r, k] }
        }
        c[i, j] = ((i + j) % 2 == 0 ? 1 : -1) * (n == 1 ? 1 : TestSupport.Reference.det(minor))
      }
    }
    return CF(c)
  }

  static func I(_ n: Int) -> CF { CF(TestSupport.Reference.identity(n)) }
  static func K(_ m: Int, _ n: Int) -> CF { CF(TestSupport.Reference.commutation(m, n)) }
  static func scalar(_ x: Double) -> CF { CF(Matrix(rows: 1, cols: 1, columnMajor: [x])) }
  static func ones(_ m: Int, _ n: Int) -> CF { CF(Matrix(rows: m, cols: n, repeating: 1)) }
  static func zeros(_ m: Int, _ n: Int) -> CF { CF(Matrix(rows: m, cols: n, repeating: 0)) }
  /// The diagonal matrix of a vector's entries.
  static func diag(_ v: CF) -> CF {
    let n = v.m.count
    var d = Matrix.zeros(n, n)
    for k in 0..<n { d[k, k] = v.m.storage[k] }
    return CF(d)
  }
  /// `Eᵢⱼ`: the m×n matrix with a single 1 at (i, j).
  static func unit(_ i: Int, _ j: Int, _ m: Int, _ n: Int) -> CF {
    var e = Matrix.zeros(m, n)
    e[i, j] = 1
    return CF(e)
  }
  /// The Jacobian, column by column, from the derivative of F in each direction Eᵢⱼ of X
  /// (a×b): column i + j·a is vec(∂F/∂X[i,j]).
  static func columns(_ a: Int, _ b: Int, _ direction: (CF) -> CF) -> CF {
    var cols: [[Double]] = []
    for j in 0..<b { for i in 0..<a { cols.append(direction(unit(i, j, a, b)).vec.m.storage) } }
    let rows = cols.first?.count ?? 0
    return CF(Matrix(rows: rows, cols: cols.count, columnMajor: cols.flatMap { $0 }))
  }
}

/// f′ of each elementwise function, written out by hand.
func derivativeByHand(_ f: ElementwiseFunction, _ x: Double) -> Double {
  let sigmoid = 1 / (1 + Foundation.exp(-x))
  switch f {
  case .exp: return Foundation.exp(x)
  case .log: return 1 / x
  case .sin: return Foundation.cos(x)
  case .cos: return -Foundation.sin(x)
  case .tanh: return 1 - Foundation.tanh(x) * Foundation.tanh(x)
  case .sigmoid: return sigmoid * (1 - sigmoid)
  case .relu: return x > 0 ? 1 : 0
  case .softplus: return sigmoid
  case .sqrt: return 0.5 / x.squareRoot()
  case .abs: return x > 0 ? 1 : -1
  case .heaviside, .sign: return 0
  case .tan: return 1 / (Foundation.cos(x) * Foundation.cos(x))
  case .arcsin: return 1 / (1 - x * x).squareRoot()
  case .arccos: return -1 / (1 - x * x).squareRoot()
  case .arctan: return 1 / (1 + x * x)
  }
}

/// The softmax of a column by its definition.
func softmaxByDefinition(_ z: CF) -> CF {
  let e = z.map { Foundation.exp($0) }
  return e / e.sum
}

// MARK: Identities

/// How a variable's value is drawn.
enum PointKind: Sendable {
  /// Standard normal entries.
  case normal
  /// `2I + 0.3Z`: square, singular values near 2 (for inv, det, logdet, negative powers).
  case wellConditioned
  /// `−1` in the first diagonal entry of a well-conditioned matrix: a negative determinant.
  case negativeDeterminant
  /// `|z| + 0.5`: inside the domain of log, sqrt, fractional powers and divisors.
  case positive
  /// `±(|z| + 0.3)`: far from the kinks of relu, abs, heaviside and sign at 0.
  case awayFromZero
  /// `0.9·tanh(z)`: inside (−1, 1), the domain of arcsin and arccos, away from its ends.
  case insideUnitInterval
  /// A column with a single 1 (a class label).
  case oneHot

  func draw(_ s: Shape, using g: inout SeededGenerator) -> Matrix {
    let z = Matrix.randomNormal(s.rows, s.cols, using: &g)
    switch self {
    case .normal: return z
    case .wellConditioned, .negativeDeterminant:
      var a = z.map { 0.3 * $0 }
      for k in 0..<min(s.rows, s.cols) { a[k, k] += 2 }
      if self == .negativeDeterminant { for j in 0..<s.cols { a[0, j] = -a[0, j] } }
      return a
    case .positive: return z.map { Swift.abs($0) + 0.5 }
    case .insideUnitInterval: return z.map { 0.9 * Foundation.tanh($0) }
    case .awayFromZero: return z.map { ($0 < 0 ? -1 : 1) * (Swift.abs($0) + 0.3) }
    case .oneHot:
      var e = Matrix.zeros(s.rows, s.cols)
      e[linear: Int.random(in: 0...(s.count - 1), using: &g)] = 1
      return e
    }
  }
}

/// The values of a point, as closed-form matrices.
struct Point: Sendable {
  let values: [String: Matrix]
  subscript(_ name: String) -> CF { CF(values[name] ?? Matrix(rows: 1, cols: 1, repeating: .nan)) }
}

/// One identity: `∂F/∂X` of an expression in closed form, written as the Jacobian in numerator
/// layout or, for a 1×1 F, as the gradient shaped like X.
struct MatrixIdentity: Sendable, CustomTestStringConvertible {
  let name: String
  let expression: String
  let wrt: String
  let dims: [String: Shape]
  let kinds: [String: PointKind]
  let closedJacobian: (@Sendable (Point) -> CF)?
  let closedGradient: (@Sendable (Point) -> CF)?

  var testDescription: String { "\(name): ∂(\(expression))/∂\(wrt)" }

  /// An identity for the Jacobian `∂vec F/∂(vec X)ᵀ`.
  static func jacobian(
    _ name: String, _ expression: String, wrt: String, _ dims: String, _ kinds: [String: PointKind] = [:],
    _ closed: @escaping @Sendable (Point) -> CF
  ) -> MatrixIdentity {
    MatrixIdentity(
      name: name, expression: expression, wrt: wrt, dims: parseDims(dims), kinds: kinds,
      closedJacobian: closed,
      closedGradient: nil)
  }

  /// An identity for the gradient of a 1×1 F, shaped like X (its Jacobian is `vec(G)ᵀ`).
  static func gradient(
    _ name: String, _ expression: String, wrt: String, _ dims: String, _ kinds: [String: PointKind] = [:],
    _ closed: @escaping @Sendable (Point) -> CF
  ) -> MatrixIdentity {
    MatrixIdentity(
      name: name, expression: expression, wrt: wrt, dims: parseDims(dims), kinds: kinds, closedJacobian: nil,
      closedGradient: closed)
  }

  /// `"X=3x2,A=2x3"` as shapes.
  static func parseDims(_ text: String) -> [String: Shape] {
    var dims: [String: Shape] = [:]
    for item in text.split(separator: ",") {
      let parts = item.split(separator: "=")
      let sizes = parts.count == 2 ? parts[1].split(separator: "x").compactMap { Int($0) } : []
      if sizes.count == 2 { dims[String(parts[0])] = Shape(sizes[0], sizes[1]) }
    }
    return dims
  }

  /// Checks the identity at `points` seeded random points.
  func check(points: Int = 3) throws {
    let e = try MatrixExpression(expression)
    let d = try SymbolicDerivative(of: e, wrt: wrt, dims: dims)
    let seedBase = expression.unicodeScalars.reduce(UInt64(wrt.count)) { $0 &* 31 &+ UInt64($1.value) }
    for k in 0..<points {
      var g = SeededGenerator(seed: seedBase &+ UInt64(k))
      var values: [String: Matrix] = [:]
      for name in dims.keys.sorted() {
        guard let s = dims[name] else { continue }
        values[name] = (kinds[name] ?? .normal).draw(s, using: &g)
      }
      let point = Point(values: values)
      guard let x = values[wrt] else {
        Issue.record("\(name): no variable \(wrt)")
        return
      }
      let j = try d.jacobian(at: values).materialized()
      // (a) Central differences of F, evaluated by the reference interpreter.
      let fd = try TestSupport.Reference.finiteDifferenceJacobian(
        { xv in
          var v = values
          v[wrt] = xv
          return try Reference.evaluate(e, v.mapValues(Dense.init)).matrix
        }, at: x, h: 1e-6)
      #expect(
        relativeDistance(j, fd) <= 1e-6,
        "\(testDescription) at point \(k): finite differences \(fd.storage), got \(j.storage)")
      // (b) The closed form.
      let closedJ: CF
      if let closed = closedJacobian {
        closedJ = closed(point)
      } else if let closed = closedGradient {
        closedJ = closed(point).vecT
      } else {
        Issue.record("\(name) has no closed form")
        return
      }
      #expect(
        relativeDistance(j, closedJ.m) <= 1e-10,
        "\(testDescription) at point \(k): closed form \(closedJ.m.storage), got \(j.storage) = \(d.jacobian.unicodeText)"
      )
      // For a 1×1 F: the reverse-mode gradient, against the closed form and the forward Jacobian.
      if d.outputShape.isScalar {
        let gradient = try d.gradient(at: values)
        let closedG =
          closedGradient?(point).m ?? Matrix(rows: x.rows, cols: x.cols, columnMajor: closedJ.m.storage)
        #expect(gradient.shape == x.shape)
        #expect(
          relativeDistance(gradient, closedG) <= 1e-10,
          "\(testDescription) at point \(k): closed gradient \(closedG.storage), got \(gradient.storage) = \(d.gradient?.unicodeText ?? "none")"
        )
        let row = Matrix(rows: 1, cols: x.count, columnMajor: gradient.storage)
        #expect(relativeDistance(row, j) <= 1e-10, "\(testDescription): reverse and forward mode differ")
      } else {
        #expect(d.gradient == nil)
      }
    }
  }
}

/// `‖a − b‖_F / max(‖a‖_F, ‖b‖_F)`, 0 for two zero matrices and ∞ for different shapes.
func relativeDistance(_ a: Matrix, _ b: Matrix) -> Double {
  guard a.shape == b.shape else { return .infinity }
  let difference = distance(a, b)
  let scale = max(a.frobeniusNorm, b.frobeniusNorm)
  return difference == 0 ? 0 : difference / max(scale, 1e-300)
}

// MARK: The tables

/// Linear maps and transposes (Magnus & Neudecker, ch. 9, table 9.2; Cookbook §2.4).
let linearIdentities: [MatrixIdentity] = [
  .jacobian("vec(AXB) = (Bᵀ ⊗ A) vec X", "A*X*B", wrt: "X", "A=2x3,X=3x4,B=4x2") { p in p["B"].t ⊗ p["A"] },
  .jacobian("vec(AX) = (I ⊗ A) vec X", "A*X", wrt: "X", "A=2x3,X=3x2") { p in .I(2) ⊗ p["A"] },
  .jacobian("vec(XB) = (Bᵀ ⊗ I) vec X", "X*B", wrt: "X", "X=3x2,B=2x4") { p in p["B"].t ⊗ .I(3) },
  .jacobian("vec(XᵀA) = (Aᵀ ⊗ I)K vec X", "X'*A", wrt: "X", "X=3x2,A=3x4") { p in
    (p["A"].t ⊗ .I(2)) * .K(3, 2)
  },
  .jacobian("vec(AXᵀB) = (Bᵀ ⊗ A)K vec X", "A*X'*B", wrt: "X", "A=2x3,X=4x3,B=4x2") { p in
    (p["B"].t ⊗ p["A"]) * .K(4, 3)
  },
  .jacobian("vec Xᵀ = K(m,n) vec X", "X'", wrt: "X", "X=3x2") { _ in .K(3, 2) },
  .jacobian("transpose(X) = X'", "transpose(X)", wrt: "X", "X=2x4") { _ in .K(2, 4) },
  .jacobian("d(AXB)/dA = (XB)ᵀ ⊗ I", "A*X*B", wrt: "A", "A=2x3,X=3x4,B=4x2") { p in
    (p["X"] * p["B"]).t ⊗ .I(2)
  },
  .jacobian("d(AXB)/dB = I ⊗ AX", "A*X*B", wrt: "B", "A=2x3,X=3x4,B=4x2") { p in .I(2) ⊗ (p["A"] * p["X"]) },
  .jacobian("d(Ax)/dx = A", "A*x", wrt: "x", "A=3x4,x=4x1") { p in p["A"] },
  .jacobian("d(xᵀA)/dx = Aᵀ", "x'*A", wrt: "x", "x=3x1,A=3x4") { p in p["A"].t },
  .gradient("∂(aᵀXb)/∂X = abᵀ", "a'*X*b", wrt: "X", "a=3x1,X=3x2,b=2x1") { p in p["a"] * p["b"].t },
  .gradient("∂(aᵀXᵀb)/∂X = baᵀ", "a'*X'*b", wrt: "X", "a=2x1,X=3x2,b=3x1") { p in p["b"] * p["a"].t },
  .jacobian("d(3X − 2Xᵀ) = 3I − 2K", "3*X-2*X'", wrt: "X", "X=3x3") { _ in 3 * CF.I(9) - 2 * CF.K(3, 3) },
  .jacobian("d vec X = I", "vec(X)", wrt: "X", "X=3x2") { _ in .I(6) },
  .jacobian("vec((AX)ᵀ) = K(I ⊗ A) vec X", "(A*X)'", wrt: "X", "A=2x3,X=3x4") { p in
    .K(2, 4) * (.I(4) ⊗ p["A"])
  },
]

/// Quadratic forms (Cookbook §2.4.2, eqs. 81–90; Magnus & Neudecker, table 9.3).
let quadraticIdentities: [MatrixIdentity] = [
  .gradient("∂(xᵀAx)/∂x = (A + Aᵀ)x", "x'*A*x", wrt: "x", "x=3x1,A=3x3") { p in (p["A"] + p["A"].t) * p["x"]
  },
  .gradient("∂(xᵀAx)/∂A = xxᵀ", "x'*A*x", wrt: "A", "x=3x1,A=3x3") { p in p["x"] * p["x"].t },
  .jacobian("d(XᵀAX) = (I ⊗ XᵀA) + (XᵀAᵀ ⊗ I)K", "X'*A*X", wrt: "X", "X=3x2,A=3x3") { p in
    let (x, a) = (p["X"], p["A"])
    return (.I(2) ⊗ (x.t * a)) + ((x.t * a.t) ⊗ .I(2)) * .K(3, 2)
  },
  .jacobian("d(XᵀAX)/dA = Xᵀ ⊗ Xᵀ", "X'*A*X", wrt: "A", "X=3x2,A=3x3") { p in p["X"].t ⊗ p["X"].t },
  .gradient("∂tr(XᵀAX)/∂X = (A + Aᵀ)X", "tr(X'*A*X)", wrt: "X", "X=3x2,A=3x3") { p in
    (p["A"] + p["A"].t) * p["X"]
  },
  .jacobian("d(XᵀX) = (I ⊗ Xᵀ) + (Xᵀ ⊗ I)K(m,n)", "X'*X", wrt: "X", "X=3x2") { p in
    (.I(2) ⊗ p["X"].t) + (p["X"].t ⊗ .I(2)) * .K(3, 2)
  },
  .jacobian("d(RᵀR) = (I ⊗ Rᵀ) + (Rᵀ ⊗ I)K(n,n)", "R'*R", wrt: "R", "R=3x3") { p in
    (.I(3) ⊗ p["R"].t) + (p["R"].t ⊗ .I(3)) * .K(3, 3)
  },
  .jacobian("d(XXᵀ) = (X ⊗ I) + (I ⊗ X)K(m,n)", "X*X'", wrt: "X", "X=3x2") { p in
    (p["X"] ⊗ .I(3)) + (.I(3) ⊗ p["X"]) * .K(3, 2)
  },
  .gradient("∂‖Ax − b‖²/∂x = 2Aᵀ(Ax − b) as a product", "(A*x-b)'*(A*x-b)", wrt: "x", "A=4x3,x=3x1,b=4x1") {
    p in
    2 * p["A"].t * (p["A"] * p["x"] - p["b"])
  },
  .gradient("∂(xᵀx)/∂x = 2x", "x'*x", wrt: "x", "x=4x1") { p in 2 * p["x"] },
  .gradient("∂(bᵀXᵀXc)/∂X = X(cbᵀ + bcᵀ)", "b'*X'*X*c", wrt: "X", "b=2x1,X=3x2,c=2x1") { p in
    p["X"] * (p["c"] * p["b"].t + p["b"] * p["c"].t)
  },
]

/// Inverses and powers (Cookbook §2.2 and §2.4.4; Magnus & Neudecker, ch. 8).
let inverseAndPowerIdentities: [MatrixIdentity] = [
  .jacobian("d X⁻¹ = −(X⁻ᵀ ⊗ X⁻¹)", "inv(X)", wrt: "X", "X=3x3", ["X": .wellConditioned]) { p in
    -(p["X"].inv.t ⊗ p["X"].inv)
  },
  .jacobian("X^-1 is inv(X)", "X^-1", wrt: "X", "X=3x3", ["X": .wellConditioned]) { p in
    -(p["X"].inv.t ⊗ p["X"].inv)
  },
  .gradient(
    "∂(aᵀX⁻¹b)/∂X = −X⁻ᵀabᵀX⁻ᵀ", "a'*inv(X)*b", wrt: "X", "a=3x1,X=3x3,b=3x1", ["X": .wellConditioned]
  ) { p in
    -(p["X"].inv.t * p["a"] * p["b"].t * p["X"].inv.t)
  },
  .gradient(
    "∂tr(AX⁻¹B)/∂X = −(X⁻¹BAX⁻¹)ᵀ", "tr(A*inv(X)*B)", wrt: "X", "A=2x3,X=3x3,B=3x2", ["X": .wellConditioned]
  ) { p in -(p["X"].inv * p["B"] * p["A"] * p["X"].inv).t },
  .jacobian("d (XᵀX)⁻¹ = −(M⁻ᵀ ⊗ M⁻¹) d(XᵀX)", "inv(X'*X)", wrt: "X", "X=4x2") { p in
    let x = p["X"]
    let m = x.t * x
    return -(m.inv.t ⊗ m.inv) * ((.I(2) ⊗ x.t) + (x.t ⊗ .I(2)) * .K(4, 2))
  },
  .jacobian("d (I + X)⁻¹ = −(N⁻ᵀ ⊗ N⁻¹)", "inv(I(3)+X)", wrt: "X", "X=3x3", ["X": .wellConditioned]) { p in
    let n = CF.I(3) + p["X"]
    return -(n.inv.t ⊗ n.inv)
  },
  .gradient("∂(xᵀA⁻¹x)/∂x = (A⁻¹ + A⁻ᵀ)x", "x'*inv(A)*x", wrt: "x", "x=3x1,A=3x3", ["A": .wellConditioned]) {
    p in
    (p["A"].inv + p["A"].inv.t) * p["x"]
  },
  .gradient("∂tr(X⁻¹)/∂X = −(X⁻²)ᵀ", "tr(inv(X))", wrt: "X", "X=3x3", ["X": .wellConditioned]) { p in
    -(p["X"].inv * p["X"].inv).t
  },
  .jacobian("d X² = (Xᵀ ⊗ I) + (I ⊗ X)", "X^2", wrt: "X", "X=3x3") { p in
    (p["X"].t ⊗ .I(3)) + (.I(3) ⊗ p["X"])
  },
  .jacobian("d X³ = (X²ᵀ ⊗ I) + (Xᵀ ⊗ X) + (I ⊗ X²)", "X^3", wrt: "X", "X=3x3") { p in
    let x = p["X"]
    return ((x * x).t ⊗ .I(3)) + (x.t ⊗ x) + (.I(3) ⊗ (x * x))
  },
  .jacobian("d X⁻² = −(X⁻²ᵀ ⊗ X⁻¹) − (X⁻ᵀ ⊗ X⁻²)", "X^-2", wrt: "X", "X=3x3", ["X": .wellConditioned]) { p in
    let y = p["X"].inv
    return -((y * y).t ⊗ y) - (y.t ⊗ (y * y))
  },
  .gradient("d x³/dx = 3x²", "x^3", wrt: "x", "x=1x1") { p in .scalar(3 * p["x"].s * p["x"].s) },
  .gradient("d x^0.5/dx = 0.5x^-0.5", "x^0.5", wrt: "x", "x=1x1", ["x": .positive]) { p in
    .scalar(0.5 / p["x"].s.squareRoot())
  },
  .gradient("d x⁻²/dx = −2x⁻³", "x^-2", wrt: "x", "x=1x1", ["x": .awayFromZero]) { p in
    .scalar(-2 / Foundation.pow(p["x"].s, 3))
  },
  .gradient("∂sᵗ/∂t = sᵗ log s", "s^t", wrt: "t", "s=1x1,t=1x1", ["s": .positive]) { p in
    .scalar(Foundation.pow(p["s"].s, p["t"].s) * Foundation.log(p["s"].s))
  },
  .gradient("∂sᵗ/∂s = t·s^(t−1)", "s^t", wrt: "s", "s=1x1,t=1x1", ["s": .positive]) { p in
    .scalar(p["t"].s * Foundation.pow(p["s"].s, p["t"].s - 1))
  },
  .jacobian("d x.^3 = diag(3x.^2)", "x.^3", wrt: "x", "x=4x1") { p in .diag(p["x"].map { 3 * $0 * $0 }) },
  .jacobian("d X.^-1 = −diag(vec X.^-2)", "X.^-1", wrt: "X", "X=3x2", ["X": .positive]) { p in
    .diag(p["X"].vec.map { -1 / ($0 * $0) })
  },
  .jacobian("d X.^0.5 = diag(vec 0.5X.^-0.5)", "X.^0.5", wrt: "X", "X=3x2", ["X": .positive]) { p in
    .diag(p["X"].vec.map { 0.5 / $0.squareRoot() })
  },
  .jacobian("∂(X.^s)/∂s = vec(X.^s ⊙ log X)", "X.^s", wrt: "s", "X=3x2,s=1x1", ["X": .positive]) { p in
    let s = p["s"].s
    return p["X"].vec.map { Foundation.pow($0, s) * Foundation.log($0) }
  },
  .gradient("∂tr(X²)/∂X = 2Xᵀ", "tr(X^2)", wrt: "X", "X=3x3") { p in 2 * p["X"].t },
]

/// Determinants and log-determinants (Cookbook §2.1.1, eqs. 41–51; Magnus & Neudecker, ch. 8.3).
let determinantIdentities: [MatrixIdentity] = [
  .gradient("∂det X/∂X = det(X)X⁻ᵀ", "det(X)", wrt: "X", "X=3x3", ["X": .wellConditioned]) { p in
    p["X"].det * p["X"].inv.t
  },
  .gradient("∂det X/∂X = cofactor matrix (Cramer)", "det(X)", wrt: "X", "X=3x3") { p in p["X"].cofactors },
  .gradient("∂det X/∂X for 2×2 by hand", "det(X)", wrt: "X", "X=2x2") { p in
    let x = p["X"].m
    return CF(Matrix(rows: 2, cols: 2, rowMajor: [x[1, 1], -x[1, 0], -x[0, 1], x[0, 0]]))
  },
  .gradient("∂log|det X|/∂X = X⁻ᵀ", "logdet(X)", wrt: "X", "X=3x3", ["X": .wellConditioned]) { p in
    p["X"].inv.t
  },
  .gradient("∂log|det X|/∂X = X⁻ᵀ, det X < 0", "logdet(X)", wrt: "X", "X=3x3", ["X": .negativeDeterminant]) {
    p in
    p["X"].inv.t
  },
  .gradient(
    "∂det(AXB)/∂X = det(AXB)Aᵀ(AXB)⁻ᵀBᵀ", "det(A*X*B)", wrt: "X", "A=3x3,X=3x3,B=3x3",
    ["A": .wellConditioned, "X": .wellConditioned, "B": .wellConditioned]
  ) { p in
    let axb = p["A"] * p["X"] * p["B"]
    return axb.det * p["A"].t * axb.inv.t * p["B"].t
  },
  .gradient("∂log det(XᵀX)/∂X = 2X(XᵀX)⁻¹", "logdet(X'*X)", wrt: "X", "X=4x2") { p in
    2 * p["X"] * (p["X"].t * p["X"]).inv
  },
  .gradient("∂log det(XXᵀ)/∂X = 2(XXᵀ)⁻¹X", "logdet(X*X')", wrt: "X", "X=2x3") { p in
    2 * (p["X"] * p["X"].t).inv * p["X"]
  },
  .gradient("∂det(X)²/∂X = 2det(X)²X⁻ᵀ", "det(X)^2", wrt: "X", "X=2x2", ["X": .wellConditioned]) { p in
    2 * p["X"].det * p["X"].det * p["X"].inv.t
  },
]

/// Traces (Cookbook §2.5).
let traceIdentities: [MatrixIdentity] = [
  .gradient("∂tr(AX)/∂X = Aᵀ", "tr(A*X)", wrt: "X", "A=3x3,X=3x3") { p in p["A"].t },
  .gradient("∂tr(AX)/∂X = Aᵀ, rectangular", "tr(A*X)", wrt: "X", "A=2x3,X=3x2") { p in p["A"].t },
  .gradient("∂tr(XᵀX)/∂X = 2X", "tr(X'*X)", wrt: "X", "X=3x2") { p in 2 * p["X"] },
  .gradient("∂tr(AXBXᵀ)/∂X = AᵀXBᵀ + AXB", "tr(A*X*B*X')", wrt: "X", "A=3x3,X=3x2,B=2x2") { p in
    p["A"].t * p["X"] * p["B"].t + p["A"] * p["X"] * p["B"]
  },
  .gradient("∂tr X/∂X = I", "tr(X)", wrt: "X", "X=3x3") { _ in .I(3) },
  .gradient("∂tr(AXᵀ)/∂X = A", "tr(A*X')", wrt: "X", "A=3x2,X=3x2") { p in p["A"] },
  .gradient("∂tr(A ⊗ X)/∂X = tr(A)I", "tr(kron(A,X))", wrt: "X", "A=2x2,X=3x3") { p in p["A"].tr * CF.I(3) },
  .gradient("∂tr(XAXᵀ)/∂X = X(A + Aᵀ)", "tr(X*A*X')", wrt: "X", "X=2x3,A=3x3") { p in
    p["X"] * (p["A"] + p["A"].t)
  },
  .gradient("∂sum(X)/∂X = ones", "sum(X)", wrt: "X", "X=3x2") { _ in .ones(3, 2) },
]

/// Norms (Cookbook §2.6).
let normIdentities: [MatrixIdentity] = [
  .gradient("∂‖x‖/∂x = x/‖x‖", "norm(x)", wrt: "x", "x=4x1") { p in p["x"] / p["x"].norm },
  .gradient("∂‖X‖²_F/∂X = 2X", "norm(X)^2", wrt: "X", "X=3x2") { p in 2 * p["X"] },
  .gradient("∂‖X‖_F/∂X = X/‖X‖_F", "norm(X)", wrt: "X", "X=3x2") { p in p["X"] / p["X"].norm },
  .gradient("∂‖Ax − b‖/∂x = Aᵀ(Ax − b)/‖Ax − b‖", "norm(A*x-b)", wrt: "x", "A=4x3,x=3x1,b=4x1") { p in
    let r = p["A"] * p["x"] - p["b"]
    return p["A"].t * r / r.norm
  },
  .gradient("∂‖Ax − b‖/∂b = −(Ax − b)/‖Ax − b‖", "norm(A*x-b)", wrt: "b", "A=4x3,x=3x1,b=4x1") { p in
    let r = p["A"] * p["x"] - p["b"]
    return -r / r.norm
  },
  .gradient("∂‖Ax − b‖²/∂x = 2Aᵀ(Ax − b)", "norm(A*x-b)^2", wrt: "x", "A=4x3,x=3x1,b=4x1") { p in
    2 * p["A"].t * (p["A"] * p["x"] - p["b"])
  },
]

/// Every elementwise function: `d f(X) = diag(vec f′(X)) d vec X`, at points inside the
/// domain and away from kinks.
let elementwiseIdentities: [MatrixIdentity] =
  ElementwiseFunction.allCases.map { f in
    let kind: PointKind
    switch f {
    case .log, .sqrt: kind = .positive
    case .relu, .abs, .heaviside, .sign: kind = .awayFromZero
    case .arcsin, .arccos, .tan: kind = .insideUnitInterval
    default: kind = .normal
    }
    return .jacobian(
      "d \(f.name)(X) = diag(vec \(f.name)′(X))", "\(f.name)(X)", wrt: "X", "X=3x2", ["X": kind]
    ) { p in
      .diag(p["X"].vec.map { derivativeByHand(f, $0) })
    }
  } + [
    .gradient("∂sum(exp X)/∂X = exp X", "sum(exp(X))", wrt: "X", "X=3x2") { p in
      p["X"].map { Foundation.exp($0) }
    },
    .gradient("∂sum(log X)/∂X = X.^-1", "sum(log(X))", wrt: "X", "X=3x2", ["X": .positive]) { p in
      p["X"].map { 1 / $0 }
    },
    .jacobian("d sin(Ax) = diag(cos(Ax))A", "sin(A*x)", wrt: "x", "A=3x4,x=4x1") { p in
      .diag((p["A"] * p["x"]).map { Foundation.cos($0) }) * p["A"]
    },
    .jacobian("d relu(Wx) = diag(H(Wx))(xᵀ ⊗ I)", "relu(W*x)", wrt: "W", "W=3x2,x=2x1", ["x": .awayFromZero])
    { p in
      .diag((p["W"] * p["x"]).map { $0 > 0 ? 1 : 0 }) * (p["x"].t ⊗ .I(3))
    },
    .gradient("∂sum(abs X)/∂X = sign X", "sum(abs(X))", wrt: "X", "X=3x2", ["X": .awayFromZero]) { p in
      p["X"].map { $0 > 0 ? 1 : -1 }
    },
  ]

/// Hadamard products and quotients, with scalar broadcasting (Magnus & Neudecker, ch. 9).
let hadamardIdentities: [MatrixIdentity] = [
  .jacobian("d(X ⊙ A) = diag(vec A)", "X.*A", wrt: "X", "X=3x2,A=3x2") { p in .diag(p["A"].vec) },
  .jacobian("d(X ⊙ X) = 2diag(vec X)", "X.*X", wrt: "X", "X=3x2") { p in 2 * CF.diag(p["X"].vec) },
  .jacobian("∂(s ⊙ X)/∂s = vec X", "s.*X", wrt: "s", "s=1x1,X=3x2") { p in p["X"].vec },
  .jacobian("∂(s ⊙ X)/∂X = sI", "s.*X", wrt: "X", "s=1x1,X=3x2") { p in p["s"].s * CF.I(6) },
  .jacobian("∂(X ⊙ s)/∂s = vec X", "X.*s", wrt: "s", "s=1x1,X=3x2") { p in p["X"].vec },
  .jacobian("d(X ⊘ A) = diag(vec A.^-1)", "X./A", wrt: "X", "X=3x2,A=3x2", ["A": .positive]) { p in
    .diag(p["A"].vec.map { 1 / $0 })
  },
  .jacobian("d(A ⊘ X) = −diag(vec(A ⊘ X.^2))", "A./X", wrt: "X", "A=3x2,X=3x2", ["X": .positive]) { p in
    .diag(-(p["A"] ⊘ (p["X"] ⊙ p["X"])).vec)
  },
  .jacobian("∂(X ⊘ s)/∂s = −vec(X)/s²", "X./s", wrt: "s", "X=3x2,s=1x1", ["s": .positive]) { p in
    -p["X"].vec / (p["s"].s * p["s"].s)
  },
  .jacobian("∂(s ⊘ X)/∂X = −diag(vec(s ⊘ X.^2))", "s./X", wrt: "X", "s=1x1,X=3x2", ["X": .positive]) { p in
    .diag(p["X"].vec.map { -p["s"].s / ($0 * $0) })
  },
  .jacobian("∂(s ⊘ X)/∂s = vec X.^-1", "s./X", wrt: "s", "s=1x1,X=3x2", ["X": .positive]) { p in
    p["X"].vec.map { 1 / $0 }
  },
  .jacobian("∂(X/s)/∂s = −vec(X)/s²", "X/s", wrt: "s", "X=3x2,s=1x1", ["s": .positive]) { p in
    -p["X"].vec / (p["s"].s * p["s"].s)
  },
  .jacobian("∂(X/s)/∂X = I/s", "X/s", wrt: "X", "X=3x2,s=1x1", ["s": .positive]) { p in CF.I(6) / p["s"].s },
  .gradient("∂sum(X ⊙ A)/∂X = A", "sum(X.*A)", wrt: "X", "X=3x2,A=3x2") { p in p["A"] },
  .gradient("∂(uᵀ(x ⊙ y))/∂x = u ⊙ y", "u'*(x.*y)", wrt: "x", "u=4x1,x=4x1,y=4x1") { p in p["u"] ⊙ p["y"] },
]

/// Kronecker products by definition: ∂(X ⊗ A)/∂X[k,l] = Eₖₗ ⊗ A (Magnus & Neudecker, Thm 3.10
/// gives the same matrix as (Iₙ ⊗ K(q,m) ⊗ Iₚ)(I ⊗ vec A)).
let kroneckerIdentities: [MatrixIdentity] = [
  .jacobian("∂(X ⊗ A)/∂Xₖₗ = Eₖₗ ⊗ A", "kron(X,A)", wrt: "X", "X=2x3,A=2x2") { p in
    CF.columns(2, 3) { e in e ⊗ p["A"] }
  },
  .jacobian("∂(A ⊗ X)/∂Xₖₗ = A ⊗ Eₖₗ", "kron(A,X)", wrt: "X", "A=3x2,X=2x2") { p in
    CF.columns(2, 2) { e in p["A"] ⊗ e }
  },
  .jacobian("∂(X ⊗ X)/∂Xₖₗ = Eₖₗ ⊗ X + X ⊗ Eₖₗ", "kron(X,X)", wrt: "X", "X=2x3") { p in
    CF.columns(2, 3) { e in (e ⊗ p["X"]) + (p["X"] ⊗ e) }
  },
  .jacobian("∂(X ⊗ A)/∂Aₖₗ = X ⊗ Eₖₗ", "kron(X,A)", wrt: "A", "X=2x3,A=3x2") { p in
    CF.columns(3, 2) { e in p["X"] ⊗ e }
  },
  .jacobian("(Iₙ ⊗ K(q,m) ⊗ Iₚ)(Iₘₙ ⊗ vec A) = ∂vec(X ⊗ A)/∂vec X", "kron(X,A)", wrt: "X", "X=3x2,A=2x3") {
    p in
    (CF.I(2) ⊗ CF.K(3, 3) ⊗ CF.I(2)) * (CF.I(6) ⊗ p["A"].vec)
  },
]

/// vec, diag, diagonal and reshape, by definition.
let reshapingIdentities: [MatrixIdentity] = [
  .jacobian("∂diag(x)/∂xₖ = diag(eₖ)", "diag(x)", wrt: "x", "x=3x1") { _ in CF.columns(3, 1) { e in .diag(e) }
  },
  .jacobian("∂diag(x)/∂xₖ = diag(eₖ), row vector", "diag(x)", wrt: "x", "x=1x3") { _ in
    CF.columns(1, 3) { e in .diag(e) }
  },
  .jacobian("∂diagonal(X)/∂Xₖₗ = δₖₗeₖ", "diagonal(X)", wrt: "X", "X=3x3") { _ in
    CF.columns(3, 3) { e in CF(Matrix(column: (0..<3).map { e.m[$0, $0] })) }
  },
  .jacobian("∂diagonal(AX)/∂Xₖₗ = (A·Eₖₗ)ᵢᵢ", "diagonal(A*X)", wrt: "X", "A=3x3,X=3x3") { p in
    CF.columns(3, 3) { e in
      let ae = p["A"] * e
      return CF(Matrix(column: (0..<3).map { ae.m[$0, $0] }))
    }
  },
  .jacobian("reshape keeps vec: I", "reshape(X,2,3)", wrt: "X", "X=3x2") { _ in .I(6) },
  .jacobian("reshape(Xᵀ,1,6) = K(3,2)", "reshape(X',1,6)", wrt: "X", "X=3x2") { _ in .K(3, 2) },
  .jacobian("vec(Xᵀ) = K(m,n) vec X", "vec(X')", wrt: "X", "X=3x2") { _ in .K(3, 2) },
  .jacobian("d(diag(x)A) = (Aᵀ ⊗ I)·∂vec diag(x)", "diag(x)*A", wrt: "x", "x=3x1,A=3x2") { p in
    CF.columns(3, 1) { e in .diag(e) * p["A"] }
  },
]

/// softmax and logsumexp (the Jacobian of softmax is diag(s) − ssᵀ).
let softmaxIdentities: [MatrixIdentity] = [
  .jacobian("d softmax(x) = diag(s) − ssᵀ", "softmax(x)", wrt: "x", "x=4x1") { p in
    let s = softmaxByDefinition(p["x"])
    return .diag(s) - s * s.t
  },
  .gradient("∂logsumexp(x)/∂x = softmax(x)", "logsumexp(x)", wrt: "x", "x=4x1") { p in
    softmaxByDefinition(p["x"])
  },
  .gradient("∂logsumexp(X)/∂X = exp(X)/Σexp(X)", "logsumexp(X)", wrt: "X", "X=2x3") { p in
    let e = p["X"].map { Foundation.exp($0) }
    return e / e.sum
  },
  .jacobian("d softmax(Wx)/dW = (diag(s) − ssᵀ)(xᵀ ⊗ I)", "softmax(W*x)", wrt: "W", "W=4x3,x=3x1") { p in
    let s = softmaxByDefinition(p["W"] * p["x"])
    return (.diag(s) - s * s.t) * (p["x"].t ⊗ .I(4))
  },
  .jacobian("d softmax(Wx)/dx = (diag(s) − ssᵀ)W", "softmax(W*x)", wrt: "x", "W=4x3,x=3x1") { p in
    let s = softmaxByDefinition(p["W"] * p["x"])
    return (.diag(s) - s * s.t) * p["W"]
  },
]

/// Neural-network layers: z = Wx + b, h = tanh z, s = uᵀh (CS224n), the softmax cross-entropy,
/// and the three-layer network of Examples/ChainCost.
let layerIdentities: [MatrixIdentity] = {
  let dims = "W=5x3,x=3x1,b=5x1,u=5x1"
  /// tanh(Wx + b) and 1 − tanh²(Wx + b).
  @Sendable func layer(_ p: Point) -> (h: CF, slope: CF) {
    let h = (p["W"] * p["x"] + p["b"]).map { Foundation.tanh($0) }
    return (h, h.map { 1 - $0 * $0 })
  }
  let mlp = "-y'*log(softmax(W3*tanh(W2*tanh(W1*x))))"
  let mlpDims = "x=4x1,W1=5x4,W2=3x5,W3=2x3,y=2x1"
  /// Backpropagation written out: the gradients of the loss for a one-hot y.
  @Sendable func backprop(_ p: Point) -> (w1: CF, w2: CF, w3: CF, x: CF) {
    let h1 = (p["W1"] * p["x"]).map { Foundation.tanh($0) }
    let h2 = (p["W2"] * h1).map { Foundation.tanh($0) }
    let d3 = softmaxByDefinition(p["W3"] * h2) - p["y"]
    let d2 = (p["W3"].t * d3) ⊙ h2.map { 1 - $0 * $0 }
    let d1 = (p["W2"].t * d2) ⊙ h1.map { 1 - $0 * $0 }
    return (d1 * p["x"].t, d2 * h1.t, d3 * h2.t, p["W1"].t * d1)
  }
  return [
    .jacobian("d(Wx + b)/dW = xᵀ ⊗ I", "W*x+b", wrt: "W", dims) { p in p["x"].t ⊗ .I(5) },
    .jacobian("d(Wx + b)/db = I", "W*x+b", wrt: "b", dims) { _ in .I(5) },
    .jacobian("d(Wx + b)/dx = W", "W*x+b", wrt: "x", dims) { p in p["W"] },
    .jacobian("d tanh(Wx + b)/dW = diag(1 − h²)(xᵀ ⊗ I)", "tanh(W*x+b)", wrt: "W", dims) { p in
      .diag(layer(p).slope) * (p["x"].t ⊗ .I(5))
    },
    .jacobian("d tanh(Wx + b)/db = diag(1 − h²)", "tanh(W*x+b)", wrt: "b", dims) { p in .diag(layer(p).slope)
    },
    .jacobian("d tanh(Wx + b)/dx = diag(1 − h²)W", "tanh(W*x+b)", wrt: "x", dims) { p in
      .diag(layer(p).slope) * p["W"]
    },
    .gradient("∂uᵀtanh(Wx + b)/∂W = (u ⊙ (1 − h²))xᵀ", "u'*tanh(W*x+b)", wrt: "W", dims) { p in
      (p["u"] ⊙ layer(p).slope) * p["x"].t
    },
    .gradient("∂uᵀtanh(Wx + b)/∂b = u ⊙ (1 − h²)", "u'*tanh(W*x+b)", wrt: "b", dims) { p in
      p["u"] ⊙ layer(p).slope
    },
    .gradient("∂uᵀtanh(Wx + b)/∂x = Wᵀ(u ⊙ (1 − h²))", "u'*tanh(W*x+b)", wrt: "x", dims) { p in
      p["W"].t * (p["u"] ⊙ layer(p).slope)
    },
    .gradient("∂uᵀtanh(Wx + b)/∂u = h", "u'*tanh(W*x+b)", wrt: "u", dims) { p in layer(p).h },
    .gradient(
      "∂(−yᵀlog softmax(Wx))/∂W = (s − y)xᵀ, one-hot y", "-y'*log(softmax(W*x))", wrt: "W",
      "W=4x3,x=3x1,y=4x1",
      ["y": .oneHot]
    ) { p in (softmaxByDefinition(p["W"] * p["x"]) - p["y"]) * p["x"].t },
    .gradient(
      "∂(−yᵀlog softmax(Wx))/∂x = Wᵀ(s − y), one-hot y", "-y'*log(softmax(W*x))", wrt: "x",
      "W=4x3,x=3x1,y=4x1",
      ["y": .oneHot]
    ) { p in p["W"].t * (softmaxByDefinition(p["W"] * p["x"]) - p["y"]) },
    .gradient(
      "∂(−yᵀlog softmax(Wx))/∂W = (s·Σy − y)xᵀ", "-y'*log(softmax(W*x))", wrt: "W", "W=4x3,x=3x1,y=4x1"
    ) { p in (p["y"].sum * softmaxByDefinition(p["W"] * p["x"]) - p["y"]) * p["x"].t },
    .gradient("three-layer loss: ∂/∂W₁ = δ₁xᵀ", mlp, wrt: "W1", mlpDims, ["y": .oneHot]) { p in backprop(p).w1
    },
    .gradient("three-layer loss: ∂/∂W₂ = δ₂h₁ᵀ", mlp, wrt: "W2", mlpDims, ["y": .oneHot]) { p in
      backprop(p).w2
    },
    .gradient("three-layer loss: ∂/∂W₃ = (s − y)h₂ᵀ", mlp, wrt: "W3", mlpDims, ["y": .oneHot]) { p in
      backprop(p).w3
    },
    .gradient("three-layer loss: ∂/∂x = W₁ᵀδ₁", mlp, wrt: "x", mlpDims, ["y": .oneHot]) { p in backprop(p).x
    },
  ]
}()

/// Every identity of the tables.
let allIdentities: [MatrixIdentity] =
  linearIdentities + quadraticIdentities + inverseAndPowerIdentities + determinantIdentities + traceIdentities
  + normIdentities + elementwiseIdentities + hadamardIdentities + kroneckerIdentities + reshapingIdentities
  + softmaxIdentities + layerIdentities

// MARK: Suites

@Suite struct IdentityLinearTests {
  @Test(arguments: linearIdentities) func holds(_ identity: MatrixIdentity) throws { try identity.check() }
}

@Suite struct IdentityQuadraticFormTests {
  @Test(arguments: quadraticIdentities) func holds(_ identity: MatrixIdentity) throws { try identity.check() }
}

@Suite struct IdentityInverseAndPowerTests {
  @Test(arguments: inverseAndPowerIdentities) func holds(_ identity: MatrixIdentity) throws {
    try identity.check()
  }
}

@Suite struct IdentityDeterminantTests {
  @Test(arguments: determinantIdentities) func holds(_ identity: MatrixIdentity) throws {
    try identity.check()
  }
}

@Suite struct IdentityTraceTests {
  @Test(arguments: traceIdentities) func holds(_ identity: MatrixIdentity) throws { try identity.check() }
}

@Suite struct IdentityNormTests {
  @Test(arguments: normIdentities) func holds(_ identity: MatrixIdentity) throws { try identity.check() }
}

@Suite struct IdentityElementwiseTests {
  @Test(arguments: elementwiseIdentities) func holds(_ identity: MatrixIdentity) throws {
    try identity.check()
  }
}

@Suite struct IdentityHadamardTests {
  @Test(arguments: hadamardIdentities) func holds(_ identity: MatrixIdentity) throws { try identity.check() }
}

@Suite struct IdentityKroneckerTests {
  @Test(arguments: kroneckerIdentities) func holds(_ identity: MatrixIdentity) throws { try identity.check() }
}

@Suite struct IdentityReshapingTests {
  @Test(arguments: reshapingIdentities) func holds(_ identity: MatrixIdentity) throws { try identity.check() }
}

@Suite struct IdentitySoftmaxTests {
  @Test(arguments: softmaxIdentities) func holds(_ identity: MatrixIdentity) throws { try identity.check() }
}

@Suite struct IdentityLayerTests {
  @Test(arguments: layerIdentities) func holds(_ identity: MatrixIdentity) throws { try identity.check() }
}

@Suite struct IdentityTableTests {
  /// The tables hold at least 60 identities and cover every elementwise function.
  @Test func tablesAreLargeAndCoverTheLanguage() throws {
    #expect(allIdentities.count >= 60, "\(allIdentities.count) identities")
    let expressions = try allIdentities.map { try MatrixExpression($0.expression) }
    let forms = expressions.reduce(into: Set<String>()) { $0.formUnion($1.allFormNames) }
    for f in ElementwiseFunction.allCases { #expect(forms.contains(f.name), "no identity uses \(f.name)") }
    for form in [
      "inv", "det", "logdet", "tr", "norm", "kron", "vec", "diag", "diagonal", "softmax", "logsumexp",
      "reshape", ".*", "./", "/", "^", ".^", "sum", "transpose",
    ] {
      #expect(forms.contains(form), "no identity uses \(form)")
    }
  }

  /// The closed forms are not vacuous: a wrong closed form (a missing commutation matrix) is
  /// caught by the check.
  @Test func aWrongClosedFormIsCaught() throws {
    let wrong = MatrixIdentity.jacobian("the row-major look-alike", "X'*X", wrt: "X", "X=3x2") { p in
      (.I(2) ⊗ p["X"].t) * .K(2, 3) + (p["X"].t ⊗ .I(2))
    }
    let e = try MatrixExpression(wrong.expression)
    let d = try SymbolicDerivative(of: e, wrt: "X", dims: wrong.dims)
    var g = SeededGenerator(seed: 1)
    let x = Matrix.randomNormal(3, 2, using: &g)
    let j = try d.jacobian(at: ["X": x]).materialized()
    let closed = wrong.closedJacobian?(Point(values: ["X": x])).m ?? x
    #expect(relativeDistance(j, closed) > 0.1)
  }
}

// MARK: Printed closed forms

/// A headline derivative and the closed form it prints.
struct GoldenDerivative: Sendable, CustomTestStringConvertible {
  let expression: String
  let wrt: String
  let dims: String
  /// `unicodeText` of the Jacobian, or nil when only the gradient is pinned.
  let jacobian: String?
  /// `unicodeText` of the gradient (1×1 F only).
  let gradient: String?

  var testDescription: String { "∂(\(expression))/∂\(wrt)" }
}

let goldenDerivatives: [GoldenDerivative] = [
  GoldenDerivative(
    expression: "R'*R", wrt: "R", dims: "R=3x3", jacobian: "(I₃ ⊗ Rᵀ) + (Rᵀ ⊗ I₃)K₃,₃", gradient: nil),
  GoldenDerivative(
    expression: "X'*X", wrt: "X", dims: "X=3x2", jacobian: "(I₂ ⊗ Xᵀ) + (Xᵀ ⊗ I₂)K₃,₂", gradient: nil),
  GoldenDerivative(
    expression: "tr(A*X)", wrt: "X", dims: "A=3x3,X=3x3", jacobian: "vec(Aᵀ)ᵀ", gradient: "Aᵀ"),
  GoldenDerivative(
    expression: "x'*A*x", wrt: "x", dims: "A=3x3,x=3x1", jacobian: "xᵀ(A + Aᵀ)", gradient: "(A + Aᵀ)x"),
  GoldenDerivative(
    expression: "logdet(X)", wrt: "X", dims: "X=3x3", jacobian: "vec(X⁻ᵀ)ᵀ", gradient: "X⁻ᵀ"),
  GoldenDerivative(
    expression: "det(X)", wrt: "X", dims: "X=3x3", jacobian: "det(X)vec(X⁻ᵀ)ᵀ", gradient: "det(X)X⁻ᵀ"),
  GoldenDerivative(
    expression: "u'*tanh(W*x+b)", wrt: "W", dims: "u=5x1,W=5x3,x=3x1,b=5x1",
    jacobian: "uᵀdiag(1 − tanh²(W x + b))(xᵀ ⊗ I₅)", gradient: "(u ⊙ (1 − tanh²(W x + b)))xᵀ"),
  GoldenDerivative(
    expression: "A*X*B", wrt: "X", dims: "A=2x3,X=3x4,B=4x2", jacobian: "Bᵀ ⊗ A", gradient: nil),
  GoldenDerivative(expression: "inv(X)", wrt: "X", dims: "X=3x3", jacobian: "−(X⁻ᵀ ⊗ X⁻¹)", gradient: nil),
  GoldenDerivative(
    expression: "X^2", wrt: "X", dims: "X=3x3", jacobian: "(Xᵀ ⊗ I₃) + (I₃ ⊗ X)", gradient: nil),
  GoldenDerivative(
    expression: "a'*inv(X)*b", wrt: "X", dims: "a=3x1,X=3x3,b=3x1", jacobian: "−vec(X⁻ᵀa bᵀX⁻ᵀ)ᵀ",
    gradient: "−X⁻ᵀa bᵀX⁻ᵀ"),
  GoldenDerivative(expression: "norm(X)^2", wrt: "X", dims: "X=3x2", jacobian: "2 vec(X)ᵀ", gradient: "2 X"),
  GoldenDerivative(
    expression: "logdet(X'*X)", wrt: "X", dims: "X=4x2", jacobian: nil, gradient: "2 X·(XᵀX)⁻¹"),
  GoldenDerivative(
    expression: "sum(exp(X))", wrt: "X", dims: "X=3x2", jacobian: "vec(exp(X))ᵀ", gradient: "exp(X)"),
  GoldenDerivative(expression: "X.*X", wrt: "X", dims: "X=3x2", jacobian: "2 diag(vec(X))", gradient: nil),
  GoldenDerivative(
    expression: "softmax(x)", wrt: "x", dims: "x=4x1", jacobian: "diag(softmax(x)) − softmax(x)softmax(x)ᵀ",
    gradient: nil),
  GoldenDerivative(
    expression: "logsumexp(x)", wrt: "x", dims: "x=4x1", jacobian: "softmax(x)ᵀ", gradient: "softmax(x)"),
  GoldenDerivative(
    expression: "X'*A*X", wrt: "X", dims: "X=3x2,A=3x3", jacobian: "(I₂ ⊗ (XᵀA)) + ((XᵀAᵀ) ⊗ I₂)K₃,₂",
    gradient: nil),
]

@Suite struct IdentityPrintingTests {
  @Test(arguments: goldenDerivatives) func printsTheTextbookForm(_ golden: GoldenDerivative) throws {
    let d = try SymbolicDerivative(
      of: MatrixExpression(golden.expression), wrt: golden.wrt, dims: MatrixIdentity.parseDims(golden.dims))
    if let jacobian = golden.jacobian { #expect(d.jacobian.unicodeText == jacobian) }
    if let gradient = golden.gradient { #expect(d.gradient?.unicodeText == gradient) }
    // What is printed reads back as the same tree.
    #expect(try MatrixExpression(d.jacobian.unicodeText) == d.jacobian)
    if let g = d.gradient { #expect(try MatrixExpression(g.unicodeText) == g) }
  }

  /// The plain text and LaTeX of the headline case.
  @Test func gramMatrixInPlainTextAndLaTeX() throws {
    let d = try SymbolicDerivative(of: MatrixExpression("R'*R"), wrt: "R", dims: ["R": Shape(3, 3)])
    #expect(d.jacobian.plainText == "kron(I(3),R')+kron(R',I(3))*K(3,3)")
    #expect(d.jacobian.latex == #"(I_{3} \otimes R^{\top}) + (R^{\top} \otimes I_{3}) K_{3,3}"#)
    let layer = try SymbolicDerivative(
      of: MatrixExpression("u'*tanh(W*x+b)"), wrt: "W",
      dims: ["u": Shape(5, 1), "W": Shape(5, 3), "x": Shape(3, 1), "b": Shape(5, 1)])
    #expect(layer.gradient?.plainText == "(u.*(1-tanh(W*x+b).^2))*x'")
  }
}
