// Differential tests of symbolic differentiation: random well-shaped expressions, each
// differentiated with respect to one of its variables, against central finite differences
// written independently of the library (`TestSupport.Reference.finiteDifferenceJacobian`).
import Foundation
import Jacobians
import MatrixCore
import TestSupport
import Testing

@testable import Symbolic

/// What one random case came to.
enum DifferentialOutcome: Equatable {
  case agreed
  case skipped(SkipReason)
  case failed(String)
}

/// Why a case was not compared with finite differences; every reason is counted and bounded.
enum SkipReason: String, CaseIterable {
  /// Central differences straddle a kink of relu/abs/heaviside/sign or the corner of norm
  /// (`DifferentialCase.straddlesKink`).
  case kink
  /// `det(A)` with A singular at the point: the textbook closed form det(A)·A⁻ᵀ needs A⁻¹,
  /// and its evaluation reports `NotDifferentiableError` naming det (`singularDeterminantArgument`).
  case singularDeterminant
  /// Rounding dominates the central differences: those with steps h and 10h disagree with
  /// each other by more than the tolerance, so neither can judge the Jacobian.
  case illConditioned
}

/// One random case: an expression, the variable, the point.
struct DifferentialCase {
  let expression: MatrixExpression
  let variable: String
  let dims: [String: Shape]
  let point: [String: Matrix]

  /// The step of the central differences (fixed, as in `Reference.finiteDifferenceJacobian`).
  static let step = 1e-6
  /// Norm-wise relative tolerance of the comparison with finite differences.
  static let tolerance = 1e-5

  /// F as a function of the variable alone, the others held at the point.
  func function(_ x: Matrix) throws -> Matrix {
    var values = point
    values[variable] = x
    return try expression.evaluate(values)
  }

  /// The kink rule: central differences are ill-conditioned when a perturbation X ± h·Eᵢⱼ that
  /// they use moves an argument of `relu`, `abs`, `heaviside` or `sign` across 0 (or onto it),
  /// since then the difference quotient measures a jump or a corner, not a derivative. The rule
  /// compares the sign pattern of every such argument that depends on the variable at the point
  /// with its pattern at each of the 2·ab perturbed points; any change marks the case as
  /// skipped. The corner of `norm(A)` at A = 0 (A depending on the variable) counts as a kink
  /// too: there the closed form `vec(A)ᵀ/norm(A)` divides by zero unless the simplifier proves
  /// that A does not depend on the variable after all.
  func straddlesKink() throws -> Bool {
    let arguments = expression.kinkArguments.filter { $0.variables.contains(variable) }
    guard let x = point[variable] else { return false }
    // norm(A) has its corner at A = 0, as abs has at 0.
    for a in expression.normArguments where a.variables.contains(variable) {
      if try a.evaluate(point).storage.allSatisfy({ $0 == 0 }) { return true }
    }
    func pattern(_ values: [String: Matrix]) throws -> [[Int]] {
      try arguments.map { a in try a.evaluate(values).storage.map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) } }
    }
    let center = try pattern(point)
    for k in 0..<x.count {
      for sign in [-1.0, 1.0] {
        var moved = x
        moved[linear: k] += sign * DifferentialCase.step
        var values = point
        values[variable] = moved
        if try pattern(values) != center { return true }
      }
    }
    return false
  }

  /// Runs every check of the case: the Jacobian (structured, materialised) against finite
  /// differences, the Jacobian expression evaluated directly, for a 1×1 F the reverse gradient
  /// against the forward Jacobian, and the printed forms against the parser.
  func run() -> DifferentialOutcome {
    do {
      guard let x = point[variable] else { return .failed("no value for \(variable)") }
      if try straddlesKink() { return .skipped(.kink) }
      let d = try SymbolicDerivative(of: expression, wrt: variable, dims: dims)
      let j = try d.jacobian(at: point).materialized()
      let f0 = try function(x)
      guard j.rows == f0.count, j.cols == x.count else {
        return .failed("the Jacobian is \(j.shape), expected \(f0.count)×\(x.count)")
      }
      let fd = try TestSupport.Reference.finiteDifferenceJacobian(function, at: x, h: DifferentialCase.step)
      // Central differences are accurate to about h²·|F‴| + ε·|F|/h; the second term is the
      // floor below which they cannot resolve a derivative of an F with large entries.
      let floor = 1e-16 * (1 + f0.frobeniusNorm) / DifferentialCase.step * Double(x.count).squareRoot()
      let scale = max(fd.frobeniusNorm, j.frobeniusNorm)
      let error = distance(j, fd)
      if error > DifferentialCase.tolerance * scale + 10 * floor {
        let coarse = try TestSupport.Reference.finiteDifferenceJacobian(
          function, at: x, h: 10 * DifferentialCase.step)
        let spread = distance(fd, coarse)
        if spread > DifferentialCase.tolerance * max(fd.frobeniusNorm, coarse.frobeniusNorm) + 10 * floor {
          return .skipped(.illConditioned)
        }
        return .failed(
          "Jacobian \(d.jacobian.plainText) disagrees with finite differences: ‖J − FD‖ = \(error), ‖FD‖ = \(fd.frobeniusNorm)"
        )
      }
      // The Jacobian expression evaluated as one dense matrix gives the same numbers.
      let direct = try d.jacobian.evaluate(point)
      if distance(direct, j) > 1e-9 * max(1, j.frobeniusNorm) {
        return .failed("the structured evaluation of \(d.jacobian.plainText) differs from the dense one")
      }
      if let failure = try roundTrip(d.jacobian, value: j, what: "Jacobian") { return .failed(failure) }
      if d.outputShape.isScalar {
        guard let g = d.gradient else { return .failed("no gradient for a 1×1 expression") }
        let gradient = try d.gradient(at: point)
        let row = Matrix(rows: 1, cols: x.count, columnMajor: gradient.storage)
        guard gradient.shape == x.shape,
          distance(row, j) <= 1e-8 * max(1, j.frobeniusNorm)
        else {
          return .failed(
            "the reverse gradient \(g.plainText) = \(gradient.storage) differs from the forward \(j.storage)")
        }
        if let failure = try roundTrip(g, value: gradient, what: "gradient") { return .failed(failure) }
      } else if d.gradient != nil {
        return .failed("a gradient for an expression that is not 1×1")
      }
      return .agreed
    } catch let error as NotDifferentiableError where error.reason == .singularDeterminant {
      if (try? singularDeterminantArgument()) == true { return .skipped(.singularDeterminant) }
      return .failed("threw: \(error)")
    } catch {
      return .failed("threw \(error)")
    }
  }

  /// The singular-determinant rule: some `det(A)` of the expression (A n×n, n ≥ 2) has a
  /// singular A at the point, by the cofactor determinant of the reference: |det A| ≤ 10⁻¹²·‖A‖ⁿ.
  func singularDeterminantArgument() throws -> Bool {
    for a in expression.determinantArguments {
      let value = try a.evaluate(point)
      let n = Double(value.rows)
      if abs(TestSupport.Reference.det(value)) <= 1e-12 * max(1e-300, pow(value.frobeniusNorm, n)) {
        return true
      }
    }
    return false
  }

  /// The `plainText` and the `unicodeText` of a derivative parse back to an expression with the
  /// same value at the point; a message when one does not.
  func roundTrip(_ e: MatrixExpression, value: Matrix, what: String) throws -> String? {
    for (name, text) in [("plainText", e.plainText), ("unicodeText", e.unicodeText)] {
      let parsed: MatrixExpression
      do {
        parsed = try MatrixExpression(text)
      } catch {
        return "the \(what)'s \(name) \(text) does not parse: \(error)"
      }
      let v = try parsed.evaluate(point)
      guard v.shape == value.shape, distance(v, value) <= 1e-9 * max(1, value.frobeniusNorm) else {
        return "the \(what)'s \(name) \(text) parses to a different value"
      }
    }
    return nil
  }
}

extension MatrixExpression {
  /// The arguments of the functions with a kink or a jump at 0 (`relu`, `abs`, `heaviside`,
  /// `sign`), outermost first.
  var kinkArguments: [MatrixExpression] {
    var found: [MatrixExpression] = []
    if case .elementwise(let f, let a) = self, [.relu, .abs, .heaviside, .sign].contains(f) {
      found.append(a)
    }
    // max/min have their kink where the operands tie, norm1 where an entry is 0.
    if case .maximum(let a, let b) = self { found.append(.subtract(a, b)) }
    if case .minimum(let a, let b) = self { found.append(.subtract(a, b)) }
    if case .norm1(let a) = self { found.append(a) }
    return found + children.flatMap(\.kinkArguments)
  }
}

extension MatrixExpression {
  /// The arguments of `det`.
  var determinantArguments: [MatrixExpression] {
    var found: [MatrixExpression] = []
    if case .determinant(let a) = self { found.append(a) }
    return found + children.flatMap(\.determinantArguments)
  }
}

extension MatrixExpression {
  /// The arguments of `norm`.
  var normArguments: [MatrixExpression] {
    var found: [MatrixExpression] = []
    if case .norm(let a) = self { found.append(a) }
    return found + children.flatMap(\.normArguments)
  }
}

/// Random variables for case `k`: two or three of small random shapes (1…3 × 1…3), so that the
/// Jacobians stay small and the test fast.
func differentialVariables(_ random: inout SeededGenerator) -> [String: Shape] {
  let names = ["X", "Y", "v"]
  let count = Int.random(in: 2...3, using: &random)
  var dims: [String: Shape] = [:]
  for name in names.prefix(count) {
    dims[name] = Shape(Int.random(in: 1...3, using: &random), Int.random(in: 1...3, using: &random))
  }
  return dims
}

/// The derivative of `text` with respect to `variable` at `point`, checked as in the random
/// test (finite differences, dense evaluation, reverse mode, printing round trips).
func regression(
  _ text: String, wrt variable: String, _ point: [String: Matrix],
  sourceLocation: SourceLocation = #_sourceLocation
) throws {
  let e = try MatrixExpression(text)
  let c = DifferentialCase(expression: e, variable: variable, dims: point.mapValues(\.shape), point: point)
  #expect(c.run() == .agreed, "\(text)", sourceLocation: sourceLocation)
}

@Suite struct DifferentialTests {
  /// 1,000 random expressions (depth up to 5, every operator and function) against central
  /// finite differences; at most 5% may be skipped by the kink rule.
  @Test func randomExpressionsAgreeWithFiniteDifferences() throws {
    // DIFFERENTIAL_SEED and DIFFERENTIAL_COUNT replay or widen the search; the defaults are the test.
    let environment = ProcessInfo.processInfo.environment
    let seed = environment["DIFFERENTIAL_SEED"].flatMap { UInt64($0) } ?? 20_241_121
    var random = SeededGenerator(seed: seed)
    var skipped: [SkipReason: Int] = [:]
    var failures: [String] = []
    let total = environment["DIFFERENTIAL_COUNT"].flatMap { Int($0) } ?? 1_000
    for k in 0..<total {
      let dims = differentialVariables(&random)
      var generator = RandomExpressionGenerator(
        seed: seed &+ UInt64(k) &* 7919, maxDepth: Int.random(in: 1...5, using: &random), variables: dims)
      var (e, shape) = generator.next()
      // `reshape` (an extension the generator does not produce) around one case in eight.
      if Int.random(in: 0...7, using: &random) == 0 {
        let rows = (1...shape.count).filter { shape.count % $0 == 0 }
        let r = rows[Int.random(in: 0...(rows.count - 1), using: &random)]
        e = .reshape(e, r, shape.count / r)
      }
      let point = generator.randomValues()
      let occurring = e.variables
      let candidates = occurring.isEmpty ? dims.keys.sorted() : occurring
      let variable = candidates[Int.random(in: 0...(candidates.count - 1), using: &random)]
      if ProcessInfo.processInfo.environment["DIFFERENTIAL_TRACE"] != nil {
        print("case \(k): d/d\(variable) of \(e.plainText) with \(dims)")
      }
      let outcome = DifferentialCase(expression: e, variable: variable, dims: dims, point: point).run()
      switch outcome {
      case .agreed: break
      case .skipped(let reason): skipped[reason, default: 0] += 1
      case .failed(let message):
        failures.append("case \(k): d/d\(variable) of \(e.plainText) with \(dims): \(message)")
      }
    }
    for f in failures.prefix(40) { Issue.record(Comment(rawValue: f)) }
    #expect(failures.isEmpty, "\(failures.count) of \(total) failed (seed \(seed); replay with DIFFERENTIAL_SEED=\(seed))")
    // Bounds on the skips: kinks are common in expressions full of relu and abs; the others rare.
    let kinks = skipped[.kink, default: 0]
    let singular = skipped[.singularDeterminant, default: 0]
    let illConditioned = skipped[.illConditioned, default: 0]
    #expect(kinks <= total / 20, "\(kinks) of \(total) skipped near a kink")
    #expect(singular <= total / 100, "\(singular) of \(total) skipped for a singular det argument")
    #expect(
      illConditioned <= total / 100, "\(illConditioned) of \(total) skipped for ill-conditioned differences")
    print(
      "DifferentialTests: \(total) expressions; skipped \(kinks) near a kink, \(singular) for a singular det "
        + "argument, \(illConditioned) for ill-conditioned differences; \(failures.count) failed")
  }

  // MARK: Regressions: the minimal expressions of the bugs the random test found.

  /// The simplifier turned `s*I(n)` (a scaled chain of identities) into the 1×1 `s`, so the
  /// Jacobian of `s*X` had the wrong shape and `jacobian(at:)` trapped.
  @Test func scaledIdentityKeepsItsShape() throws {
    let point = ["s": Matrix(rows: 1, cols: 1, columnMajor: [1.5]), "X": .randomNormal(2, 3, seed: 1)]
    let d = try SymbolicDerivative(of: MatrixExpression("s*X"), wrt: "X", dims: point.mapValues(\.shape))
    #expect(try d.jacobian.shape(in: d.dims) == Shape(6, 6))
    #expect(d.jacobian.plainText == "s*I(6)")
    try regression("s*X", wrt: "X", point)
    try regression("X*s", wrt: "X", point)
  }

  /// A 1×1 matrix product scaling a matrix (`X*(u'*v)`) had its factors merged into the
  /// matrix's chain, giving ill-shaped products such as `X*u'*v` and a shape error.
  @Test func oneByOneProductScalesAsOneFactor() throws {
    let point = [
      "X": Matrix.randomNormal(2, 2, seed: 2), "u": .randomNormal(3, 1, seed: 3),
      "v": .randomNormal(3, 1, seed: 4),
    ]
    var simplifier = Simplifier(dims: point.mapValues(\.shape))
    let e = try MatrixExpression("X*(u'*v)")
    let simplified = try simplifier.simplify(e)
    #expect(try simplified.shape(in: point.mapValues(\.shape)) == Shape(2, 2))
    #expect(distance(try simplified.evaluate(point), try e.evaluate(point)) < 1e-12)
    try regression("X*(u'*v)", wrt: "u", point)
    let y = ["Y": Matrix.randomNormal(1, 3, seed: 5)]
    try regression("Y*(ones(3,1)*Y)", wrt: "Y", y)
  }

  /// `det` of a 1×1 matrix is its entry; the general rule det(A)·vec(A⁻ᵀ)ᵀ needed A⁻¹ and
  /// failed at 0.
  @Test func determinantOfAOneByOneValueAtZero() throws {
    let zero = ["x": Matrix(rows: 1, cols: 1, columnMajor: [0])]
    let d = try SymbolicDerivative(of: MatrixExpression("det(x)"), wrt: "x", dims: ["x": Shape(1, 1)])
    #expect(try d.jacobian(at: zero).materialized().storage == [1])
    #expect(try d.gradient(at: zero).storage == [1])
    try regression("det(x)", wrt: "x", zero)
    try regression("det(det(x)*x)", wrt: "x", zero)
  }

  /// A derivative exists only where F is defined: `sum(log(x))` at x with a negative entry
  /// has the finite closed form `vec(x.^-1)ᵀ`, which `jacobian(at:)` used to evaluate.
  @Test func noDerivativeWhereTheFunctionIsUndefined() throws {
    let point = ["x": Matrix(column: [1, -2, 3])]
    let d = try SymbolicDerivative(of: MatrixExpression("sum(log(x))"), wrt: "x", dims: ["x": Shape(3, 1)])
    #expect(throws: EvaluationError.self) { try d.jacobian(at: point) }
    #expect(throws: EvaluationError.self) { try d.gradient(at: point) }
    #expect(try d.jacobian.evaluate(point).storage == [1, -0.5, 1 / 3])
  }

  /// Arguments of `norm` that are zero whatever the variable (`zeros.^2*x`, `(1-I(1))*X`,
  /// `logdet(I(3))*x`) have a zero derivative; the closed form `vec(A)ᵀ/norm(A)` divided by
  /// zero because the simplifier did not see that the argument's Jacobian vanishes.
  @Test func identicallyZeroNormArgument() throws {
    let point = ["x": Matrix(rows: 1, cols: 1, columnMajor: [0.7]), "X": .randomNormal(2, 1, seed: 6)]
    for (text, variable) in [
      ("norm(zeros(2,1).^2*x)", "x"), ("norm((1-I(1))*X)", "X"), ("norm(logdet(I(3))*x*X)", "x"),
      ("norm(K(1,1)*X-X)", "X"),
      ("norm(ones(1,2)*X*(I(3).*I(3)-I(3)^2))", "X"),
    ] {
      let e = try MatrixExpression(text)
      let d = try SymbolicDerivative(of: e, wrt: variable, dims: point.mapValues(\.shape))
      #expect(d.jacobian.isZeroConstant, "\(text): \(d.jacobian.plainText)")
      let x = point[variable] ?? Matrix.zeros(1, 1)
      let fd = try TestSupport.Reference.finiteDifferenceJacobian(
        { xv in
          var v = point
          v[variable] = xv
          return try e.evaluate(v)
        }, at: x)
      #expect(try d.jacobian(at: point).materialized() == fd, "\(text)")
      #expect(fd.storage.allSatisfy { $0 == 0 })
    }
  }
}

/// ‖a − b‖_F for matrices of equal shape (∞ for different shapes).
func distance(_ a: Matrix, _ b: Matrix) -> Double {
  guard a.shape == b.shape else { return .infinity }
  return zip(a.storage, b.storage).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
}

extension MatrixExpression {
  /// `zeros(m,n)` or the constant 0.
  var isZeroConstant: Bool {
    switch self {
    case .zeros: return true
    case .constant(let c): return c == 0
    default: return false
    }
  }
}
