// Gradients of 1×1 functions of a column are printed as columns (docs/simplification.md,
// "Transposes"): no transpose of a row that is a sum anywhere in the printed form, and the value
// equal to central finite differences of F computed by the independent reference interpreter
// (`Reference.evaluate`) at seeded random points.
import MatrixCore
import Testing

@testable import Symbolic

@Suite struct ColumnGradientTests {
  /// Scalar functions whose gradient printed as `(…)ᵀ` of a row before the transpose was
  /// distributed, and textbook neighbours that must stay columns.
  static let cases: [(expression: String, wrt: String, dims: String)] = [
    ("x'*A*x/(x'*x)", "x", "x=4x1,A=4x4"),
    ("x'*A*x/(x'*B*x)", "x", "x=4x1,A=4x4,B=4x4"),
    ("(x'*y)^2/(x'*x)", "x", "x=4x1,y=4x1"),
    ("a'*x/(norm(a)*norm(x))", "x", "a=4x1,x=4x1"),
    ("y*log(sigmoid(w'*x))+(1-y)*log(1-sigmoid(w'*x))", "w", "y=1x1,w=3x1,x=3x1"),
    ("-y'*log(sigmoid(X*w))-(1-y)'*log(1-sigmoid(X*w))", "w", "y=5x1,X=5x3,w=3x1"),
    ("log(1+exp(w'*x))-y*w'*x", "w", "y=1x1,w=3x1,x=3x1"),
    ("-y'*log(sigmoid(z))-(1-y)'*log(1-sigmoid(z))", "z", "y=4x1,z=4x1"),
    ("sum(-y.*log(sigmoid(X*w))-(1-y).*log(1-sigmoid(X*w)))", "w", "y=5x1,X=5x3,w=3x1"),
    ("-y'*log(softmax(W*x))", "x", "y=4x1,W=4x3,x=3x1"),
    ("norm(A*x-b)^2+lambda*norm(x)^2", "x", "A=5x3,x=3x1,b=5x1,lambda=1x1"),
    ("(1-x'*x)/(1+x'*x)", "x", "x=3x1"),
    ("x'*x*(a'*x)", "x", "x=3x1,a=3x1"),
  ]

  /// The first transpose of a sum with one row in e, or nil.
  static func transposedRowSum(_ e: Expression, _ dims: [String: Shape]) -> Expression? {
    if case .transpose(let a) = e, (try? a.shape(in: dims))?.rows == 1 {
      switch a {
      case .add, .subtract: return e
      default: break
      }
    }
    for c in e.children {
      if let found = transposedRowSum(c, dims) { return found }
    }
    return nil
  }

  @Test(arguments: 0..<cases.count)
  func gradientIsAColumnAndMatchesFiniteDifferences(_ k: Int) throws {
    let c = Self.cases[k]
    let dims = MatrixIdentity.parseDims(c.dims)
    let f = try Expression(c.expression)
    let d = try SymbolicDerivative(of: f, wrt: c.wrt, dims: dims)
    let g = try #require(d.gradient)
    #expect(!g.isTranspose, "\(c.expression): the gradient \(g.unicodeText) is a transposed row")
    let found = Self.transposedRowSum(g, dims)
    #expect(found == nil, "\(c.expression): \(g.unicodeText) has the transposed row sum \(found?.unicodeText ?? "")")
    let printed = try Expression(g.plainText)
    let seed: UInt64 = 4242
    var generator = SeededGenerator(seed: seed)
    for trial in 0..<3 {
      var values: [String: Matrix] = [:]
      for (name, shape) in dims.sorted(by: { $0.key < $1.key }) {
        let z = Matrix.randomNormal(shape.rows, shape.cols, using: &generator)
        // Square matrices near 2I, so that xᵀBx stays away from 0.
        values[name] = shape.isSquare && !shape.isScalar ? Matrix.identity(shape.rows).scaled(by: 2) + z.scaled(by: 0.3) : z
      }
      let x = values[c.wrt]!
      let h = 1e-5
      var reference = Matrix.zeros(x.rows, x.cols)
      for i in 0..<x.count {
        var (plus, minus) = (values, values)
        plus[c.wrt]![linear: i] += h
        minus[c.wrt]![linear: i] -= h
        let fp = try Reference.evaluate(f, plus.mapValues { Dense($0) })[0, 0]
        let fm = try Reference.evaluate(f, minus.mapValues { Dense($0) })[0, 0]
        reference[linear: i] = (fp - fm) / (2 * h)
      }
      let value = try printed.evaluate(values)
      #expect(value.shape == x.shape)
      let scale = max(1, reference.storage.map { Swift.abs($0) }.max()!)
      let err = zip(value.storage, reference.storage).map { Swift.abs($0 - $1) }.max()!
      // Central differences with h = 1e-5: truncation ~1e-10 and rounding ~1e-11 relative here.
      #expect(err <= 1e-7 * scale, "\(c.expression): \(g.unicodeText) differs from central differences by \(err) (seed \(seed), trial \(trial))")
    }
  }
}
