import MatrixCore
import PropertyBased
import TestSupport
import Testing

@testable import Symbolic

/// Random long sums over a few variables, seeded: 2 to 40 terms of one shape (3×3, 3×1, 1×1 or
/// 1×3), typed left to right with `+` and `-`, some negated or scaled, some parenthesized runs
/// (`a - (b + c)`), some repeated or transposed, products that share a factor (`X*A + X*B`),
/// inner products both ways round (`x'*y`, `y'*x`), now and then `ones` or `zeros`, and random
/// expressions of the generator's.
private struct LongSumGenerator {
  static let dims: [String: Shape] = [
    "X": Shape(3, 3), "A": Shape(3, 3), "B": Shape(3, 3), "x": Shape(3, 1), "y": Shape(3, 1), "s": Shape(1, 1),
    "t": Shape(1, 1),
  ]
  var random: SeededGenerator
  var expressions: RandomExpressionGenerator

  init(seed: UInt64) {
    random = SeededGenerator(seed: seed)
    expressions = RandomExpressionGenerator(seed: seed &+ 1, maxDepth: 2, variables: Self.dims)
  }

  mutating func int(_ r: ClosedRange<Int>) -> Int { Int.random(in: r, using: &random) }
  mutating func chance(_ p: Double) -> Bool { random.nextUniform() < p }
  mutating func pick(_ options: [Expression]) -> Expression { options[int(0...(options.count - 1))] }

  mutating func term(_ s: Shape, earlier: [Expression]) -> Expression {
    let (X, A, B) = (Expression.variable("X"), Expression.variable("A"), Expression.variable("B"))
    let (x, y) = (Expression.variable("x"), Expression.variable("y"))
    let matrices = [X, A, B, .transpose(X), .transpose(A), .identity(3)]
    let vectors = [x, y]
    var e: Expression
    if !earlier.isEmpty && chance(0.15) {
      e = pick(earlier)
      if s.isSquare && chance(0.3) { e = .transpose(e) }
    } else if chance(0.3) {
      e = expressions.expression(of: s)
    } else {
      switch (s.rows, s.cols) {
      case (3, 3):
        switch int(0...3) {
        case 0: e = pick(matrices) * pick(matrices)
        case 1: e = pick(matrices) * pick(matrices) * pick(matrices)
        case 2: e = pick(vectors) * .transpose(pick(vectors))
        default: e = .tanh(pick(matrices) * pick(matrices))
        }
      case (3, 1):
        switch int(0...2) {
        case 0: e = pick(matrices) * pick(vectors)
        case 1: e = .exp(pick(matrices) * pick(vectors))
        default: e = pick(vectors)
        }
      case (1, 1):
        let (u, v) = (pick(vectors), pick(vectors))
        switch int(0...5) {
        case 0: e = .transpose(u) * pick(matrices) * v
        case 1: e = .transpose(u) * v
        case 2: e = .sum(.exp(pick(matrices) * u))
        case 3: e = pick([.variable("s"), .variable("t"), .constant(Double(int(1...4)))])
        case 4: e = .variable("s") * (.transpose(u) * v)
        default: e = .power(.norm(pick(matrices) * u - v), .constant(2))
        }
      default:
        e = .transpose(pick(matrices) * pick(vectors))
      }
    }
    switch int(0...9) {
    case 0: e = .negate(e)
    case 1: e = .constant(Double(int(2...5))) * e
    case 2: e = .variable("s") * e
    case 3: e = .divide(e, .variable("t"))
    default: break
    }
    if chance(0.03) { e = .ones(s.rows, s.cols) }
    if chance(0.02) { e = .zeros(s.rows, s.cols) }
    return e
  }

  mutating func sum(terms n: Int, shape s: Shape) -> Expression {
    var items: [(negative: Bool, term: Expression)] = []
    for _ in 0..<n { items.append((chance(0.3), term(s, earlier: items.map(\.term)))) }
    return join(items[...])
  }

  private mutating func join(_ items: ArraySlice<(negative: Bool, term: Expression)>) -> Expression {
    var i = items.startIndex
    var e = items[i].negative && chance(0.5) ? .negate(items[i].term) : items[i].term
    i += 1
    while i < items.endIndex {
      let remaining: Int = items.endIndex - i
      if remaining >= 2 && chance(0.1) {
        let k = int(2...Swift.min(5, remaining))
        let group = join(items[i..<(i + k)])
        e = chance(0.5) ? .subtract(e, group) : .add(e, group)
        i += k
      } else {
        e = items[i].negative ? .subtract(e, items[i].term) : .add(e, items[i].term)
        i += 1
      }
    }
    return e
  }
}

/// `x'*A1*x + … + x'*An*x` (`quadratic`), `sum(exp(a1'*x)) + …` (`exponential`), or
/// `-norm(A1*x-b1)^2 + sum(exp(a2'*x)) - norm(A3*x-b3)^2 + …` (`signed`, negative first); x 8×1.
private func typedLongSum(_ kind: String, terms n: Int) -> (Expression, [String: Shape]) {
  let x = Expression.variable("x")
  var dims: [String: Shape] = ["x": Shape(8, 1)]
  func term(_ i: Int) -> Expression {
    let k = kind == "signed" ? ["leastSquares", "exponential"][(i - 1) % 2] : kind
    switch k {
    case "quadratic":
      dims["A\(i)"] = Shape(8, 8)
      return .transpose(x) * .variable("A\(i)") * x
    case "exponential":
      dims["a\(i)"] = Shape(8, 1)
      return .sum(.exp(.transpose(.variable("a\(i)")) * x))
    default:
      (dims["A\(i)"], dims["b\(i)"]) = (Shape(8, 8), Shape(8, 1))
      return .power(.norm(.variable("A\(i)") * x - .variable("b\(i)")), .constant(2))
    }
  }
  var e = kind == "signed" ? .negate(term(1)) : term(1)
  for i in 2...n { e = kind == "signed" && i % 2 == 1 ? .subtract(e, term(i)) : .add(e, term(i)) }
  return (e, dims)
}

@Suite struct LongSumTests {
  /// Sums simplified at once where their levels are plain (`passSum`) print exactly as when
  /// each level is simplified on its own (the way before, kept as `levelByLevelSums`), on random
  /// long sums and on their raw Jacobians; and the simplified sum has the value of the sum
  /// (relative 1e-9 at a random point).
  @Test func sumsPrintAsSimplifiedLevelByLevel() async {
    let shapes = [Shape(3, 3), Shape(3, 1), Shape(1, 1), Shape(1, 3)]
    await seededPropertyCheck(count: 400, input: Gen.int(in: 0...1_000_000)) { seed in
      var generator = LongSumGenerator(seed: UInt64(seed))
      let n = generator.chance(0.2) ? generator.int(15...40) : generator.int(2...14)
      let e = generator.sum(terms: n, shape: shapes[generator.int(0...3)])
      var forms = [e]
      for v in ["X", "x", "s"] where e.variables.contains(v) {
        var forward = try ForwardDifferentiator(variable: v, dims: LongSumGenerator.dims)
        if let j = try forward.jacobian(e) { forms.append(j) }
      }
      var values = RandomExpressionGenerator(seed: UInt64(seed), variables: LongSumGenerator.dims)
      let point = values.randomValues()
      for f in forms {
        var atOnce = Simplifier(dims: LongSumGenerator.dims)
        var byLevel = Simplifier(dims: LongSumGenerator.dims)
        byLevel.levelByLevelSums = true
        let (a, b) = (try atOnce.simplify(f), try byLevel.simplify(f))
        #expect(a.plainText == b.plainText, "seed \(seed): \(f.plainText)")
        // (Values where the sum is defined: `ones` and `zeros` terms may meet a division.)
        guard let value = try? f.evaluate(point), value.firstNonFinite == nil else { continue }
        let simplified = try a.evaluate(point)
        let scale = Swift.max(value.frobeniusNorm, 1)
        #expect(distance(value, simplified) <= 1e-9 * scale, "seed \(seed): \(f.plainText) = \(a.plainText)")
      }
    }
  }

  /// The work of simplifying the derivative of a long sum, counted (terms collected by sum
  /// simplification and nodes rewritten), for 60 and 240 terms: level by level it grew with the
  /// square of the terms (×16 for 4× the terms, checked here too, so that the count can tell);
  /// at once, at most ×4.6 (exponent ≤ 1.1).
  @Test(arguments: ["exponential", "signed"])
  func sumWorkGrowsLinearlyWithTerms(kind: String) throws {
    func work(_ n: Int, levelByLevel: Bool) throws -> Int {
      let (e, dims) = typedLongSum(kind, terms: n)
      var forward = try ForwardDifferentiator(variable: "x", dims: dims)
      let reverse = ReverseDifferentiator(variable: "x", dims: dims)
      var simplifier = Simplifier(dims: dims)
      simplifier.levelByLevelSums = levelByLevel
      _ = try simplifier.simplify(try #require(try forward.jacobian(e)))
      _ = try simplifier.simplify(try #require(try reverse.gradient(of: e)))
      return simplifier.sumTermsVisited + simplifier.rewrites
    }
    let (small, large) = (try work(60, levelByLevel: false), try work(240, levelByLevel: false))
    let ratio = Double(large) / Double(small)
    #expect(ratio <= 4.6, "\(kind): work \(small) → \(large) (×\(ratio)) for 4× the terms")
    let (before, after) = (try work(60, levelByLevel: true), try work(240, levelByLevel: true))
    #expect(Double(after) / Double(before) >= 10, "\(kind): level by level \(before) → \(after)")
  }
}
