// Derivatives whose printed forms are the textbook's word for word (docs/simplification.md,
// "Numeric factors", "Logistic losses"; docs/printing.md, "1×1 factors"): the Jacobian and, for a
// 1×1 F, the gradient as `jac derive` prints them, and their values equal to central finite
// differences of F computed by the independent reference interpreter (`Reference.evaluate`) at
// seeded random points, read back from the plain and the Unicode text.
import MatrixCore
import Testing

@testable import Symbolic

struct TextbookFormCase: CustomTestStringConvertible, Sendable {
  let expression: String
  let wrt: String
  let dims: String
  let jacobian: String
  let gradient: String?

  init(_ expression: String, _ wrt: String, _ dims: String, jacobian: String, gradient: String? = nil) {
    self.expression = expression
    self.wrt = wrt
    self.dims = dims
    self.jacobian = jacobian
    self.gradient = gradient
  }

  var testDescription: String { "∂(\(expression))/∂\(wrt)" }
}

@Suite struct TextbookFormTests {
  static let logistic = "X=5x3,w=3x1,y=5x1"
  static let cases: [TextbookFormCase] = [
    // Numeric factors of numerator and denominator folded into one coefficient: (2a)² = 4a².
    TextbookFormCase("1/2*x'*x", "x", "x=3x1", jacobian: "−xᵀ / (xᵀx)²", gradient: "−x / (xᵀx)²"),
    TextbookFormCase("1/(3*x'*A*x)", "x", "x=3x1,A=3x3", jacobian: "−xᵀ(A + Aᵀ) / (3 (xᵀA x)²)",
      gradient: "−(A + Aᵀ)x / (3 (xᵀA x)²)"),
    TextbookFormCase("exp(-x.^2/2)", "x", "x=3x1", jacobian: "−diag(exp(−x.^2 / 2) ⊙ x)"),
    TextbookFormCase("x.*x+exp(x)", "x", "x=3x1", jacobian: "diag(2 x + exp(x))"),
    // A 1×1 product that scales a matrix is in parentheses.
    TextbookFormCase("x'*A*x/(x'*x)", "x", "x=3x1,A=3x3", jacobian: "xᵀ(A + Aᵀ) / (xᵀx) − 2 (xᵀA x)xᵀ / (xᵀx)²",
      gradient: "(A + Aᵀ)x / (xᵀx) − 2 (xᵀA x)x / (xᵀx)²"),
    TextbookFormCase("(x'*x)^2", "x", "x=3x1", jacobian: "4 (xᵀx)xᵀ", gradient: "4 (xᵀx)x"),
    // The logistic (binary cross-entropy) loss in its forms: σ(Xw) − y.
    TextbookFormCase("-sum(y.*log(sigmoid(X*w))+(1-y).*log(1-sigmoid(X*w)))", "w", logistic,
      jacobian: "(sigmoid(X w) − y)ᵀX", gradient: "Xᵀ(sigmoid(X w) − y)"),
    TextbookFormCase("-sum(y.*log(sigmoid(X*w))+(1-y).*log(sigmoid(-X*w)))", "w", logistic,
      jacobian: "(sigmoid(X w) − y)ᵀX", gradient: "Xᵀ(sigmoid(X w) − y)"),
    TextbookFormCase("sum(log(1+exp(X*w)))-y'*X*w", "w", logistic,
      jacobian: "(sigmoid(X w)ᵀ − yᵀ)X", gradient: "Xᵀ(sigmoid(X w) − y)"),
    TextbookFormCase("sum(softplus(-X*w))+(1-y)'*X*w", "w", logistic,
      jacobian: "(sigmoid(X w)ᵀ − yᵀ)X", gradient: "Xᵀ(sigmoid(X w) − y)"),
    TextbookFormCase("-sum(y.*log(sigmoid(z))+(1-y).*log(1-sigmoid(z)))", "z", "z=4x1,y=4x1",
      jacobian: "(sigmoid(z) − y)ᵀ", gradient: "sigmoid(z) − y"),
    TextbookFormCase("-sum(y.*log(sigmoid(W*x+b))+(1-y).*log(1-sigmoid(W*x+b)))", "b", "W=4x3,x=3x1,b=4x1,y=4x1",
      jacobian: "(sigmoid(W x + b) − y)ᵀ", gradient: "sigmoid(W x + b) − y"),
    // σ written with tanh, σ(t) = (1 + tanh(t/2))/2: 1 − tanh² = (1 − tanh)(1 + tanh) cancels.
    TextbookFormCase("-sum(y.*log((1+tanh(X*w/2))/2)+(1-y).*log((1-tanh(X*w/2))/2))", "w", logistic,
      jacobian: "(1 + tanh(X w / 2) − 2 y)ᵀX / 2", gradient: "Xᵀ(1 + tanh(X w / 2) − 2 y) / 2"),
  ]

  @Test(arguments: cases)
  func printedAsInTextbooksWithTheRightValue(_ c: TextbookFormCase) throws {
    let dims = MatrixIdentity.parseDims(c.dims)
    let f = try Expression(c.expression)
    let d = try SymbolicDerivative(of: f, wrt: c.wrt, dims: dims)
    #expect(d.jacobian.unicodeText == c.jacobian)
    #expect(d.gradient?.unicodeText == c.gradient)
    let seed: UInt64 = 2718
    var generator = SeededGenerator(seed: seed)
    for trial in 0..<3 {
      var values: [String: Matrix] = [:]
      for (name, shape) in dims.sorted(by: { $0.key < $1.key }) {
        let z = Matrix.randomNormal(shape.rows, shape.cols, using: &generator)
        // Labels in (0, 1), square matrices near 2I (xᵀAx away from 0).
        if name == "y" {
          values[name] = z.map { 1 / (1 + Foundation_pow(2.718281828459045, -$0)) }
        } else {
          values[name] = shape.isSquare && !shape.isScalar ? Matrix.identity(shape.rows).scaled(by: 2) + z.scaled(by: 0.3) : z
        }
      }
      let x = values[c.wrt]!
      let fx = try Reference.evaluate(f, values.mapValues { Dense($0) })
      let h = 1e-5
      // Numerator layout: column i + j·a is ∂vec F/∂X[i,j], by central differences.
      var reference = Matrix.zeros(fx.rows * fx.cols, x.count)
      for i in 0..<x.count {
        var (plus, minus) = (values, values)
        plus[c.wrt]![linear: i] += h
        minus[c.wrt]![linear: i] -= h
        let fp = try Reference.evaluate(f, plus.mapValues { Dense($0) })
        let fm = try Reference.evaluate(f, minus.mapValues { Dense($0) })
        for q in 0..<fx.cols {
          for p in 0..<fx.rows { reference[p + q * fx.rows, i] = (fp[p, q] - fm[p, q]) / (2 * h) }
        }
      }
      let scale = max(1, reference.storage.map { Swift.abs($0) }.max()!)
      var forms: [(String, Expression, Matrix)] = [
        ("jacobian plain", try Expression(d.jacobian.plainText), reference),
        ("jacobian unicode", try Expression(d.jacobian.unicodeText), reference),
      ]
      if let g = d.gradient {
        let shaped = Matrix(rows: x.rows, cols: x.cols, columnMajor: reference.storage)
        forms += [("gradient plain", try Expression(g.plainText), shaped), ("gradient unicode", try Expression(g.unicodeText), shaped)]
      }
      for (name, form, expected) in forms {
        let value = try form.evaluate(values)
        #expect(value.shape == expected.shape, "\(c.expression): \(name) has shape \(value.shape)")
        guard value.shape == expected.shape else { continue }
        let err = zip(value.storage, expected.storage).map { Swift.abs($0 - $1) }.max()!
        // Central differences with h = 1e-5: truncation about 1e-10, rounding about 1e-11 here.
        #expect(
          err <= 1e-7 * scale,
          "\(c.expression): \(name) differs from central differences by \(err) (seed \(seed), trial \(trial))")
      }
    }
  }
}
