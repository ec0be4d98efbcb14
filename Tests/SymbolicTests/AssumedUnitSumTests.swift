// The simplifier's assumption rule `sum(p) = 1` for a one-hot or probability vector p: the softmax
// cross-entropy gradient prints as `softmax(z) - p`, and its value agrees with central finite
// differences of the loss computed by the independent reference interpreter (`Reference.evaluate`)
// at points drawn to satisfy the assumption. At a point that violates it the printed form is not
// the gradient (the rule is an assumption, not an identity), which this test also checks.
import MatrixCore
import Testing

@testable import Symbolic

@Suite struct AssumedUnitSumTests {
  static let losses = [
    "-p'*log(softmax(z))", "-log(softmax(z))'*p", "-sum(p.*log(softmax(z)))",
  ]

  /// Central finite differences of the 1×1 `f` with respect to `z`, by the reference interpreter.
  private func finiteDifferenceGradient(_ f: Expression, z: Matrix, p: Matrix) throws -> Matrix {
    let h = 1e-5
    var g = Matrix.zeros(z.rows, z.cols)
    for k in 0..<z.count {
      var plus = z
      var minus = z
      plus[linear: k] += h
      minus[linear: k] -= h
      let fp = try Reference.evaluate(f, ["z": Dense(plus), "p": Dense(p)])[0, 0]
      let fm = try Reference.evaluate(f, ["z": Dense(minus), "p": Dense(p)])[0, 0]
      g[linear: k] = (fp - fm) / (2 * h)
    }
    return g
  }

  /// max |a − b| / max(1, max |b|).
  private func relativeError(_ a: Matrix, _ b: Matrix) -> Double {
    zip(a.storage, b.storage).map { abs($0 - $1) }.max()! / max(1, b.storage.map(abs).max()!)
  }

  @Test(arguments: losses, [Assumption.onehot, .probability])
  func softmaxCrossEntropyGradientIsSoftmaxMinusP(_ loss: String, _ assumption: Assumption) throws {
    let dims = ["z": Shape(5, 1), "p": Shape(5, 1)]
    let f = try Expression(loss)
    let assumed = Assumptions(["p": assumption])
    let d = try SymbolicDerivative(of: f, wrt: "z", dims: dims, assumptions: assumed)
    #expect(d.gradient?.plainText == "softmax(z)-p")
    #expect(d.jacobian.plainText == "(softmax(z)-p)'")
    // Without the assumption the factor sum(p) stays.
    let free = try SymbolicDerivative(of: f, wrt: "z", dims: dims)
    #expect(free.gradient?.plainText.contains("sum(p)") == true)
    for seed: UInt64 in [1, 7, 2026] {
      var g = SeededGenerator(seed: seed)
      let z = Matrix.randomNormal(5, 1, using: &g).scaled(by: 2)
      let p = assumption.draw(Shape(5, 1), constraint: nil, using: &g)
      #expect(assumption.violation(by: p) == nil)
      let reference = try finiteDifferenceGradient(f, z: z, p: p)
      let printed = try Expression(d.gradient!.plainText).evaluate(["z": z, "p": p])
      // Central differences with h = 1e-5 on values of size 1: truncation and rounding well below 1e-8.
      #expect(relativeError(printed, reference) < 1e-8, "seed \(seed): \(loss) under p \(assumption)")
      let jacobianRow = try d.jacobian.evaluate(["z": z, "p": p])
      #expect(relativeError(jacobianRow.transposed, reference) < 1e-8, "seed \(seed)")
      // At a p that sums to 3, softmax(z) − p is not the gradient; sum(p)·softmax(z) − p is.
      let off = p.scaled(by: 3)
      let offReference = try finiteDifferenceGradient(f, z: z, p: off)
      #expect(relativeError(try d.gradient!.evaluate(["z": z, "p": off]), offReference) > 1e-3, "seed \(seed)")
      #expect(relativeError(try free.gradient!.evaluate(["z": z, "p": off]), offReference) < 1e-8, "seed \(seed)")
    }
  }

  @Test func sumFormsOfAnAssumedVector() throws {
    let assumed = Assumptions(["p": .onehot, "q": .probability, "s": .symmetric])
    let dims = ["p": Shape(4, 1), "q": Shape(1, 4), "s": Shape(4, 4), "x": Shape(4, 1)]
    let cases: [(String, String)] = [
      ("sum(p)*x", "x"), ("sum(p')*x", "x"), ("ones(1,4)*p*x", "x"), ("p'*ones(4,1)*x", "x"),
      ("q*ones(4,1)*x", "x"), ("ones(1,4)*q'*x", "x"), ("sum(q)+sum(x)", "1+sum(x)"),
      // Not a sum of p's entries: left alone.
      ("p*ones(1,1)", "p"), ("sum(x)*p", "sum(x)*p"), ("p*ones(1,4)", "p*ones(1,4)"),
    ]
    for (input, expected) in cases {
      var simplifier = Simplifier(dims: dims)
      let e = try simplifier.simplify(try Expression(input).usingAssumptions(assumed))
      #expect(e.plainText == expected, "\(input)")
      // Equal to the input at points that satisfy the assumptions (reference interpreter).
      for seed: UInt64 in [3, 11] {
        var g = SeededGenerator(seed: seed)
        var values: [String: Matrix] = [:]
        for name in dims.keys.sorted() {
          values[name] = assumed[name].map { $0.draw(dims[name]!, constraint: nil, using: &g) }
            ?? Matrix.randomNormal(dims[name]!.rows, dims[name]!.cols, using: &g)
        }
        let reference = try Reference.evaluate(try Expression(input), values.mapValues { Dense($0) })
        #expect(close(try e.evaluate(values), reference), "\(input), seed \(seed)")
      }
    }
  }
}
