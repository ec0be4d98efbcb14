import Foundation
import Jacobians
import MatrixCore
import Testing

@testable import Symbolic

/// Sizes inferred from the expression (docs/language.md): the shapes of the textbook examples,
/// written out here; contradictions and ambiguities refused naming the variable and both shapes;
/// and, over random expressions, inferred shapes that fit and derivatives that agree with central
/// differences at random instantiations of the symbols.
@Suite struct SizeInferenceTests {
  static func described(_ text: String, known: [String: (rows: SizeTerm, cols: SizeTerm)] = [:]) throws -> String {
    let e = try Expression(text)
    let r = try e.inferShapes(known: known)
    return r.describe(r.order)
  }

  @Test(arguments: [
    ("x'*A*x", "x n×1, A n×n"),
    ("W*x+b", "W m×n, x n×1, b m×1"),
    ("u'*tanh(W*x+b)", "u m×1, W m×n, x n×1, b m×1"),
    ("sum(exp(X))", "X m×n"),
    ("X'*X", "X m×n"),
    ("W*X + b", "W m×n, X n×p, b m×1"),
    ("log(1+exp(-y.*(X*w)))", "y m×1, X m×n, w n×1"),
    ("tr(A*B)", "A m×n, B n×m"),
    ("logdet(X) + tr(S*inv(X))", "X n×n, S n×n"),
    ("norm(A*x - b)^2", "A m×n, x n×1, b m×1"),
    ("W*[x; 1]", "W m×n+1, x n×1"),
    ("kron(A, B)", "A m×n, B p×q"),
    ("x'*vec(A)", "x mn×1, A m×n"),
    ("-y'*log(softmax(z))", "y n×1, z n×1"),
    ("x + y'", "x m×1, y n×1"),
    ("sum(x)*A", "x m×1, A n×p"),
    ("A/s", "A m×n, s 1×1"),
    ("x.^p", "x n×1, p 1×1"),
    ("diag(x)*A", "x m×1, A m×n"),
    ("max(X, 0)", "X m×n"),
    ("2*x", "x n×1"),
    // x is a column by the naming rule, so x*A is an outer product with a row A.
    ("x*A", "x m×1, A 1×n"),
    ("[x, X; 1, zeros(1,2)]", "x n×1, X n×2"),
    ("[-x, vec(x)]", "x n×1"),
    // Rule 2a: names of Greek letters that textbooks use for scalars are 1×1 ...
    ("norm(A*x-b)^2 + lambda*norm(x)^2", "A m×n, x n×1, b m×1, lambda 1×1"),
    ("‖A x − b‖² + λ‖x‖²", "A m×n, x n×1, b m×1, lambda 1×1"),
    ("lambda*alpha*x", "lambda 1×1, alpha 1×1, x n×1"),
    ("norm(x)^2*lambda", "x n×1, lambda 1×1"),
    ("x - eta*(A'*(A*x - b) + rho*x)", "x m×1, eta 1×1, A n×m, b n×1, rho 1×1"),
    ("exp(-norm(x)^2/(2*sigma^2))", "x n×1, sigma 1×1"),
    ("gamma.*x + beta", "gamma 1×1, x n×1, beta 1×1"),
    ("beta1*x + beta_2*x + eps + lam*tau*kappa*nu", "beta1 1×1, x n×1, beta_2 1×1, eps 1×1, lam 1×1, tau 1×1, kappa 1×1, nu 1×1"),
    ("tr(lambda*A)", "lambda 1×1, A n×n"),
    ("σ*x + σ(x)", "sigma 1×1, x n×1"),
    // ... unless the expression uses them as vectors: transposed, reduced, right of a matrix, ...
    ("norm(y - X*beta)^2 + lambda*norm(beta)^2", "y m×1, X m×n, beta n×1, lambda 1×1"),
    ("x'*A*x + lambda'*(C*x - d)", "x m×1, A m×m, lambda n×1, C n×m, d n×1"),
    ("sum(alpha) - alpha'*Q*alpha/2", "alpha n×1, Q n×n"),
    ("diag(sigma)*x", "sigma n×1, x n×1"),
    ("softmax(alpha)", "alpha n×1"),
    // ... or when reading them as 1×1 fails (the reading of rules 1–3 alone is kept).
    ("reshape(lambda,3,1)", "lambda 3×1"),
    // Rule 2b: a lowercase name that must be square is a number (the lecture notes' function of x).
    ("sqrt(x^2+exp(x^2))+cos(x^2+exp(x^2))", "x 1×1"),
    ("exp(y)^2 + tr(t)*A", "y 1×1, t 1×1, A m×n"),
    ("x^2*v", "x 1×1, v n×1"),
    // ... but an uppercase square name stays a matrix (and x^2 + A is a number plus a matrix).
    ("X^2", "X n×n"),
    ("x^2 + A", "x 1×1, A m×n"),
    // Greek names that are vectors in the lecture notes and textbooks are columns by rule 2.
    ("norm(X*theta - y)^2", "X m×n, theta n×1, y m×1"),
    ("delta*x'", "delta m×1, x n×1"),
    ("(x-mu)'*inv(Sigma)*(x-mu)", "x n×1, mu n×1, Sigma n×n"),
  ])
  func textbookShapes(_ text: String, _ expected: String) throws {
    let got = try Self.described(text)
    #expect(got == expected, "\(text): \(got)")
  }

  @Test(arguments: [
    ("lambda", true), ("alpha", true), ("eps", true), ("lam", true), ("beta1", true), ("beta_2", true),
    ("eta_t", true), ("alpha_", false), ("lambdas", false), ("theta", false), ("delta", false), ("mu", false),
    ("phi", false), ("xi", false), ("pi", false), ("Lambda", false), ("x", false),
  ])
  func textbookScalarNames(_ name: String, _ scalar: Bool) {
    #expect(SizeSolver.isTextbookScalarName(name) == scalar, "\(name)")
  }

  /// `--dims` says otherwise: a given shape is kept, and the others follow from it.
  @Test func givenShapesOverrideTheTextbookScalars() throws {
    #expect(
      try Self.described("lambda*norm(x)^2", known: ["lambda": (.symbol("n"), .number(1))]) == "lambda n×1, x m×1")
    #expect(try Self.described("lambda*x", known: ["x": (.number(3), .number(1))]) == "lambda 1×1, x 3×1")
  }

  /// Ridge regression as students write it, without `--dims`: λ is a scalar, F is 1×1, and the
  /// gradient at random instantiations of the inferred symbols equals the closed form
  /// 2Aᵀ(Ax − b) + 2λx (computed here with matrix products) and central differences.
  /// Rule 2b leaves alone what the caller fixed: a lowercase name assumed square (`--assume
  /// s=spd`) or given in --dims stays a matrix.
  @Test func squareLowercaseNamesTheCallerFixedStayMatrices() throws {
    let r = try Expression("s^2 + x'*s*x").inferShapes(known: [:], square: ["s"])
    #expect(r.describe(r.order) == "s n×n, x n×1")
    #expect(try Self.described("x^2", known: ["x": (.symbol("k"), .symbol("k"))]) == "x k×k")
  }

  /// The lecture notes' f(x) = sqrt(x² + eˣ²) + cos(x² + eˣ²) with x inferred 1×1: its derivative
  /// at seeded points against the closed form written out here and central differences.
  @Test func theLectureNotesFunctionOfANumberDerivesAsOne() throws {
    let text = "sqrt(x^2+exp(x^2))+cos(x^2+exp(x^2))"
    let e = try Expression(text)
    let r = try e.inferShapes(known: [:])
    #expect(r.describe(r.order) == "x 1×1")
    let d = try SymbolicDerivative(of: e, wrt: "x", dims: ["x": Shape(1, 1)])
    var g = SeededGenerator(seed: 20_261_130)
    for _ in 0..<5 {
      let x = Double.random(in: -1.2...1.2, using: &g)
      let u = x * x + exp(x * x)
      let du = 2 * x + 2 * x * exp(x * x)
      let closed = du / (2 * u.squareRoot()) - sin(u) * du
      let f = { (t: Double) in (t * t + exp(t * t)).squareRoot() + cos(t * t + exp(t * t)) }
      let h = 1e-6
      let central = (f(x + h) - f(x - h)) / (2 * h)
      let got = try d.jacobian.evaluate(["x": Matrix(rows: 1, cols: 1, columnMajor: [x])])[0, 0]
      #expect(abs(got - closed) <= 1e-12 * max(1, abs(closed)), "seed 20261130, x = \(x): \(got) against \(closed)")
      #expect(abs(got - central) <= 1e-6 * max(1, abs(central)), "seed 20261130, x = \(x): \(got) against central \(central)")
    }
  }

  @Test(arguments: ["norm(A*x-b)^2 + lambda*norm(x)^2", "‖A x − b‖² + λ‖x‖²"])
  func ridgeRegressionWithoutDims(_ text: String) throws {
    let seed: UInt64 = 20_261_130
    var random = SeededGenerator(seed: seed)
    let e = try Expression(text)
    let r = try e.inferShapes(known: [:])
    #expect(r.describe(r.order) == "A m×n, x n×1, b m×1, lambda 1×1")
    for (m, n) in [(5, 3), (2, 4), (7, 7)] {
      let values = ["m": m, "n": n]
      let shapes = r.shapes.mapValues { Shape($0.rows.value(values), $0.cols.value(values)) }
      #expect(try e.shape(in: shapes) == Shape(1, 1))
      var point: [String: Matrix] = [:]
      for name in r.order { point[name] = .randomNormal(shapes[name]!.rows, shapes[name]!.cols, using: &random) }
      let (a, x, b, lambda) = (point["A"]!, point["x"]!, point["b"]!, point["lambda"]![0, 0])
      let closedForm = 2.0 * (a.transposed * (a * x - b)) + (2.0 * lambda) * x
      let d = try SymbolicDerivative(of: e, wrt: "x", dims: shapes)
      let gradient = try d.gradient(at: point)
      let fd = try NumericDifferentiation.jacobian(
        of: { v in
          var p = point
          p["x"] = v
          return try e.evaluate(p)
        }, at: x)
      let scale = max(1, closedForm.maxAbs)
      #expect(gradient.maxAbsDifference(closedForm) <= 1e-12 * scale, "seed \(seed), m=\(m), n=\(n)")
      #expect(fd.transposed.maxAbsDifference(closedForm) <= 1e-6 * scale, "seed \(seed), m=\(m), n=\(n)")
    }
  }

  @Test func givenShapesAreKept() throws {
    #expect(try Self.described("x'*A*x", known: ["x": (.number(3), .number(1))]) == "x 3×1, A 3×3")
    #expect(try Self.described("W*x + b", known: ["W": (.symbol("k"), .number(4))]) == "W k×4, x 4×1, b k×1")
    // x*A with A given m×n: x cannot be a column of m rows, so it is the scalar.
    #expect(try Self.described("x*A", known: ["A": (.symbol("m"), .symbol("n"))]) == "x 1×1, A m×n")
  }

  @Test(arguments: [
    ("c*x", [:], "in c*x the sizes are ambiguous: either c is 1×1 and scales x, or c is n×1 and x is 1×1"),
    // a/(b*c): b*c is 1×1, a scalar times a scalar or a row times a column (the message named
    // "b is 1×1" on both sides of its "either … or").
    ("a/b*c", [:], "in b*c the sizes are ambiguous: b*c is 1×1, so either b and c are both 1×1, or b is a 1×k row and c a k×1 column; give their sizes with --dims, for example b=1x1,c=1x1"),
    ("A*x + y", ["A": (SizeTerm.symbol("m"), SizeTerm.symbol("m")), "y": (.symbol("n"), .number(1))],
     "in A*x+y, A*x is m×1 and y is n×1: m ≠ n"),
    ("x'*A*x", ["A": (.symbol("m"), .symbol("n"))], "in x'*A*x, x'*A is 1×n and x is m×1: n ≠ m"),
    ("A*B", ["A": (.number(3), .number(2)), "B": (.number(4), .number(5))], "in A*B, A is 3×2 and B is 4×5: 2 ≠ 4"),
    ("inv(X)", ["X": (.symbol("m"), .symbol("n"))], "inv(X) needs a square matrix, but X is m×n"),
  ] as [(String, [String: (rows: SizeTerm, cols: SizeTerm)], String)])
  func refusedNamingBothShapes(_ text: String, _ known: [String: (rows: SizeTerm, cols: SizeTerm)], _ message: String) throws {
    do {
      _ = try Expression(text).inferShapes(known: known)
      Issue.record("\(text) was accepted")
    } catch {
      #expect("\(error)".hasPrefix(message), "\(error)")
    }
  }

  /// Random expressions (seeded) built at concrete sizes, then inferred from scratch: when
  /// inference succeeds, the shapes fit at two random instantiations of the symbols and the
  /// derivative agrees with central differences there; at most a few are refused as ambiguous.
  @Test func randomExpressionsInferAndDifferentiate() throws {
    let seed: UInt64 = 20_261_130
    var random = SeededGenerator(seed: seed)
    let dims = ["X": Shape(3, 2), "A": Shape(3, 3), "x": Shape(3, 1), "y": Shape(2, 1), "W": Shape(2, 3)]
    var inferred = 0
    var refused = 0
    var differentiated = 0
    let count = 1000
    for k in 0..<count {
      var generator = RandomExpressionGenerator(
        seed: seed &+ UInt64(k) &* 7919, maxDepth: Int.random(in: 1...4, using: &random), variables: dims)
      let (e, _) = generator.next()
      guard !e.variables.isEmpty else { continue }
      let r: InferredShapes
      do {
        r = try e.inferShapes(known: [:])
      } catch {
        refused += 1
        #expect(error.description.contains("ambiguous"), "seed \(seed), case \(k): WHOLE \(e.plainText) ERR \(error.description)")
        continue
      }
      inferred += 1
      for round in 0..<2 {
        var values: [String: Int] = [:]
        for s in r.symbols { values[s] = Int.random(in: 2...4, using: &random) }
        let shapes = r.shapes.mapValues { Shape($0.rows.value(values), $0.cols.value(values)) }
        let shape: Shape
        do {
          shape = try e.shape(in: shapes)
        } catch {
          Issue.record("seed \(seed), case \(k): \(e.plainText) at \(values): \(error)")
          continue
        }
        guard round == 0, k % 3 == 0, shape.count <= 16 else { continue }
        let v = e.variables[k % e.variables.count]
        var point: [String: Matrix] = [:]
        for (name, s) in shapes { point[name] = .randomNormal(s.rows, s.cols, using: &random) }
        guard let fx = try? e.evaluate(point), fx.storage.allSatisfy({ $0.isFinite && abs($0) < 1e6 }) else { continue }
        let d = try SymbolicDerivative(of: e, wrt: v, dims: shapes)
        let j = try d.jacobian(at: point).materialized()
        let fd = try NumericDifferentiation.jacobian(
          of: { x in
            var p = point
            p[v] = x
            return try e.evaluate(p)
          }, at: point[v]!)
        #expect(
          fd.maxAbsDifference(j) <= 1e-5 * max(1, fd.maxAbs), "seed \(seed), case \(k): ∂(\(e.plainText))/∂\(v) at \(values)")
        differentiated += 1
      }
    }
    print("size inference, seed \(seed): \(inferred) inferred, \(refused) refused as ambiguous, \(differentiated) differentiated")
    #expect(inferred >= 9 * (inferred + refused) / 10, "inferred \(inferred), refused \(refused)")
    #expect(differentiated >= 100, "differentiated \(differentiated)")
  }
}
