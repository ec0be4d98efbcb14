import MatrixCore
import PropertyBased
import TestSupport
import Testing

@testable import Symbolic

/// The derivation steps are checked by value: every step's differential, evaluated at a point
/// with a random direction dX, equals the central difference of its subexpression along dX; its
/// `vec` form (as the rule built it) equals the vec of that; and the conclusion
/// (`vec dF = J vec dX`, `dF = tr(Gᵀ dX)`) holds the same way.
@Suite struct DerivationStepsTests {
  /// Central difference of `e` along `direction` for the variable `x`: (e(X+h·D) − e(X−h·D))/2h.
  static func directional(_ e: MatrixExpression, _ values: [String: Matrix], _ x: String, _ direction: Matrix) throws
    -> Matrix
  {
    let h = 1e-5
    var plus = values
    var minus = values
    plus[x] = values[x]! + direction.scaled(by: h)
    minus[x] = values[x]! - direction.scaled(by: h)
    return (try e.evaluate(plus) - e.evaluate(minus)).scaled(by: 1 / (2 * h))
  }

  /// `|a − b| ≤ tol·max(1, |a|, |b|)` entrywise, after vec when the shapes differ.
  static func agree(_ a: Matrix, _ b: Matrix, _ tol: Double = 1e-5) -> Bool {
    guard a.count == b.count else { return false }
    let scale = max(1, a.maxAbs, b.maxAbs)
    return zip(a.storage, b.storage).allSatisfy { abs($0 - $1) <= tol * scale }
  }

  /// Checks every step and the conclusion of `f` with respect to `x`; returns the steps.
  @discardableResult
  static func checkSteps(_ f: MatrixExpression, _ x: String, _ dims: [String: Shape], values: [String: Matrix], seed: UInt64)
    throws -> DerivationSteps
  {
    let d = try SymbolicDerivative(of: f, wrt: x, dims: dims)
    let steps = try DerivationSteps(d)
    var random = SeededGenerator(seed: seed)
    let s = dims[x]!
    let dX = Matrix.randomNormal(s.rows, s.cols, using: &random)
    var point = values
    point[steps.differentialName] = dX
    for step in steps.steps {
      let expected = try directional(step.node, values, x, dX)
      let got = try step.differential.evaluate(point)
      #expect(agree(got, expected), "seed \(seed): d(\(step.node.plainText)) = \(step.differential.plainText)")
      let vecGot = try step.vecDifferential.evaluate(point)
      #expect(agree(vecGot, expected), "seed \(seed): vec d(\(step.node.plainText)) = \(step.vecDifferential.plainText)")
    }
    let dF = try directional(f, values, x, dX)
    #expect(agree(try steps.differential.evaluate(point), dF), "seed \(seed): dF = \(steps.differential.plainText)")
    #expect(agree(try (steps.jacobian * .vec(.variable(steps.differentialName))).evaluate(point), dF), "seed \(seed): J vec dX")
    if let g = steps.gradient {
      let trace = MatrixExpression.trace(.transpose(g) * .variable(steps.differentialName))
      #expect(agree(try trace.evaluate(point), dF), "seed \(seed): tr(Gᵀ dX)")
    }
    return steps
  }

  static let textbook: [(String, String, [String: Shape])] = [
    ("R'*R", "R", ["R": Shape(3, 3)]), ("X'*X", "X", ["X": Shape(3, 2)]),
    ("A*X*B", "X", ["A": Shape(2, 3), "X": Shape(3, 4), "B": Shape(4, 2)]),
    ("u'*tanh(W*x+b)", "W", ["u": Shape(4, 1), "W": Shape(4, 3), "x": Shape(3, 1), "b": Shape(4, 1)]),
    ("x'*A*x", "x", ["x": Shape(3, 1), "A": Shape(3, 3)]), ("logdet(X)", "X", ["X": Shape(3, 3)]),
    ("det(X)", "X", ["X": Shape(3, 3)]), ("inv(X)", "X", ["X": Shape(3, 3)]), ("tr(inv(X)*A)", "X", ["X": Shape(3, 3), "A": Shape(3, 3)]),
    ("softmax(W*x)", "W", ["W": Shape(4, 3), "x": Shape(3, 1)]), ("p'*log(softmax(z))", "z", ["p": Shape(4, 1), "z": Shape(4, 1)]),
    ("kron(X,A)", "X", ["X": Shape(2, 3), "A": Shape(2, 2)]), ("norm(A*x-b)^2", "x", ["A": Shape(4, 3), "x": Shape(3, 1), "b": Shape(4, 1)]),
    ("X^3", "X", ["X": Shape(3, 3)]), ("X^-2", "X", ["X": Shape(2, 2)]), ("sigmoid(W*x).*x'*x", "x", ["W": Shape(3, 3), "x": Shape(3, 1)]),
    ("diag(x)*A*diag(x)", "x", ["x": Shape(3, 1), "A": Shape(3, 3)]), ("sum(exp(X)./(ones(2,3)+X.^2))", "X", ["X": Shape(2, 3)]),
    ("logsumexp(W*x)", "x", ["W": Shape(4, 3), "x": Shape(3, 1)]), ("diagonal(X*X')", "X", ["X": Shape(3, 2)]),
  ]

  @Test func textbookDerivationsAreConsistentStepByStep() throws {
    for (k, (text, x, dims)) in Self.textbook.enumerated() {
      let f = try MatrixExpression(text)
      var generator = RandomExpressionGenerator(seed: UInt64(100 + k), variables: dims)
      var values = generator.randomValues()
      // Well-conditioned square matrices for inv, det, logdet and negative powers.
      for (name, s) in dims where s.rows == s.cols && s.rows > 1 {
        values[name] = values[name]! * values[name]!.transposed + Matrix.identity(s.rows).scaled(by: Double(s.rows))
      }
      do {
        let steps = try Self.checkSteps(f, x, dims, values: values, seed: UInt64(k))
        #expect(!steps.steps.isEmpty, "\(text)")
      } catch {
        Issue.record("\(text) wrt \(x): \(error)")
      }
    }
  }

  @Test func theGramMatrixReadsAsInTheLectureNotes() throws {
    let d = try SymbolicDerivative(of: MatrixExpression("R'*R"), wrt: "R", dims: ["R": Shape(3, 3)])
    let steps = try DerivationSteps(d)
    let printed = steps.printedSteps
    #expect(printed.count == 2)
    #expect(printed[0].differential == "d(Rᵀ) = dRᵀ")
    #expect(printed[0].vec == "vec d(Rᵀ) = K₃,₃ vec dR")
    #expect(printed[0].rules == ["vec(dXᵀ) = K vec dX"])
    #expect(printed[1].differential == "d(RᵀR) = d(Rᵀ) R + Rᵀ dR")
    #expect(printed[1].vec == "vec d(RᵀR) = (Rᵀ ⊗ I₃) vec d(Rᵀ) + (I₃ ⊗ Rᵀ) vec dR")
    #expect(printed[1].rules.contains("vec(dX B) = (Bᵀ ⊗ I) vec dX"))
    #expect(printed[1].rules.contains("vec(A dX) = (I ⊗ A) vec dX"))
    let scalar = try DerivationSteps(
      SymbolicDerivative(of: MatrixExpression("x'*A*x"), wrt: "x", dims: ["x": Shape(3, 1), "A": Shape(3, 3)]))
    #expect(scalar.conclusionText.last?.hasPrefix("df = tr(Gᵀ dx), so ∂f/∂x = G = ") == true)
  }

  @Test func randomExpressionsAreConsistentStepByStep() async {
    let variables: [String: Shape] = ["X": Shape(3, 2), "A": Shape(2, 2), "x": Shape(3, 1), "s": Shape(1, 1)]
    await seededPropertyCheck(count: 150, input: Gen.int(in: 0...1_000_000)) { seed in
      var generator = RandomExpressionGenerator(seed: UInt64(seed), maxDepth: 3, variables: variables)
      let (e, _) = generator.next()
      let values = generator.randomValues()
      for x in e.variables {
        // Where the derivative's own closed form is undefined (det of a singular matrix needs
        // its inverse) there is nothing to check.
        // The same holds for the rules' unsimplified output (`A.^(0-1)` at a zero entry).
        guard let d = try? SymbolicDerivative(of: e, wrt: x, dims: variables),
          (try? d.jacobian.evaluate(values)) != nil,
          var forward = try? ForwardDifferentiator(variable: x, dims: variables),
          let raw = try? forward.jacobian(e), (try? raw.evaluate(values)) != nil
        else { continue }
        do {
          try Self.checkSteps(e, x, variables, values: values, seed: UInt64(seed))
        } catch {
          Issue.record("seed \(seed): \(e.plainText) wrt \(x): \(error)")
        }
      }
    }
  }
}
