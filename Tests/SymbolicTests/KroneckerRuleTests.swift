// Products of Kronecker products and commutation matrices in their shortest known form
// (Simplifier+KroneckerSearch.swift): each rule, and forms found only by the search, as written,
// with the value equal to the input's computed by definition (`Reference.evaluate`: kron by
// (A⊗B)[r,c] = A[r/p,c/q]·B[r%p,c%q], K(m,n) by its permutation, products by loops) at seeded random
// points; and random chains whose simplified form has the input's value and is never longer.
import MatrixCore
import Testing

@testable import Symbolic

@Suite struct KroneckerRuleTests {
  static let cases: [RuleCase] = [
    RuleCase("mixed product (A ⊗ B)(C ⊗ D) = AC ⊗ BD", "kron(A,B)*kron(C,D)", "A=2x3,B=4x2,C=3x2,D=2x3", "kron(A*C,B*D)"),
    RuleCase("(A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ", "kron(A,B)'", "A=2x3,B=4x2", "kron(A',B')"),
    RuleCase("K(p,m)(A ⊗ B)K(n,q) = B ⊗ A", "K(4,2)*kron(A,B)*K(3,5)", "A=2x3,B=4x5", "kron(B,A)"),
    RuleCase("K(m,n)K(n,m) = I", "K(2,3)*K(3,2)*x", "x=6x1", "x"),
    RuleCase("K(m,n)K(n,m) = I alone", "K(2,3)*K(3,2)", "", "I(6)"),
    RuleCase("I ⊗ I = I", "kron(I(2),I(3))*x", "x=6x1", "x"),
    RuleCase("I ⊗ I = I alone", "kron(I(2),I(3))", "", "I(6)"),
    RuleCase("scalar factors out of ⊗", "kron(2*A,B/3)", "A=2x3,B=4x2", "2*kron(A,B)/3"),
    RuleCase("scalar factors out of a mixed product", "kron(2*A,B)*kron(C,-D)", "A=2x3,B=4x2,C=3x2,D=2x3", "-2*kron(A*C,B*D)"),
    RuleCase(
      "search: K moved left through ⊗, mixed product, K moved right, K K = I",
      "kron(A,B)*K(3,5)*kron(C,D)*K(6,7)", "A=2x3,B=4x5,C=5x6,D=3x7", "kron(A*D,B*C)"),
    RuleCase(
      "search: K moved right through ⊗, mixed product, K K = I",
      "K(7,6)*kron(C,D)*K(4,2)*kron(A,B)", "A=2x3,B=4x5,C=6x4,D=7x2", "kron(D*A,C*B)"),
    RuleCase(
      "search: mixed product through I ⊗ A and B ⊗ I after moving K",
      "kron(I(2),A)*K(2,3)*kron(I(3),B)", "A=4x3,B=2x5", "K(2,4)*kron(A,B)"),
    RuleCase("no rule shortens: the product stays", "K(4,2)*kron(A,B)", "A=2x3,B=4x5", "K(4,2)*kron(A,B)"),
  ]

  @Test(arguments: cases)
  func ruleGivesItsFormAndKeepsTheValue(_ c: RuleCase) throws {
    let input = try Expression(c.input)
    var simplifier = Simplifier(dims: c.dims)
    let output = try simplifier.simplify(input)
    #expect(output.plainText == c.simplified)
    let seed: UInt64 = 2027
    var g = SeededGenerator(seed: seed)
    for trial in 0..<3 {
      var values: [String: Matrix] = [:]
      for (name, shape) in c.dims.sorted(by: { $0.key < $1.key }) {
        values[name] = Matrix.randomNormal(shape.rows, shape.cols, using: &g)
      }
      let reference = try Reference.evaluate(input, values.mapValues { Dense($0) })
      // Relative tolerance 1e-12 of the largest entry: sums of a few products of normal numbers.
      #expect(close(try output.evaluate(values), reference, 1e-12), "\(c.input) → \(output.plainText) (seed \(seed), trial \(trial))")
      #expect(close(try Expression(output.plainText).evaluate(values), reference, 1e-12))
    }
  }

  /// A random chain of 2…4 factors, each a Kronecker product of two variables or a commutation
  /// matrix whose size fits the previous factor's columns; mixed products and K's that fit a
  /// Kronecker product's factors are drawn often, so that the rules apply.
  private func randomChain(using g: inout SeededGenerator) -> (Expression, [String: Shape]) {
    func pick(_ n: Int) -> Int { Int(g.next() % UInt64(n)) }
    var dims: [String: Shape] = [:]
    var factors: [Expression] = []
    // The columns of the previous factor, split as a Kronecker product's (n1, n2) where known.
    var split: (Int, Int) = (1 + pick(3), 1 + pick(3))
    var variable = 0
    func kron(rows: (Int, Int)) -> Expression {
      let cols = (1 + pick(3), 1 + pick(3))
      let a = "A\(variable)", b = "B\(variable)"
      variable += 1
      dims[a] = Shape(rows.0, cols.0)
      dims[b] = Shape(rows.1, cols.1)
      split = cols
      return .kronecker(.variable(a), .variable(b))
    }
    factors.append(kron(rows: (1 + pick(3), 1 + pick(3))))
    for _ in 0..<(1 + pick(3)) {
      switch pick(4) {
      case 0:
        // K(n1,n2) or K(n2,n1) after a factor whose columns are n1·n2: the next factor sees them swapped.
        let (n1, n2) = split
        if pick(2) == 0 {
          factors.append(.commutation(n1, n2))
          split = (n2, n1)
        } else {
          factors.append(.commutation(n2, n1))
          split = (n2, n1)
        }
      case 1:
        factors.append(kron(rows: (split.1, split.0)))
      default:
        factors.append(kron(rows: split))
      }
    }
    return (factors.dropFirst().reduce(factors[0]) { .product($0, $1) }, dims)
  }

  @Test func randomChainsKeepTheirValueAndNeverGrow() throws {
    let seed: UInt64 = 411
    var g = SeededGenerator(seed: seed)
    var shortened = 0
    for trial in 0..<300 {
      let (input, dims) = randomChain(using: &g)
      var simplifier = Simplifier(dims: dims)
      let output = try simplifier.simplify(input)
      #expect(
        output.plainText.count <= input.plainText.count,
        "seed \(seed), trial \(trial): \(input.plainText) → \(output.plainText) is longer")
      if output.plainText.count < input.plainText.count { shortened += 1 }
      var values: [String: Matrix] = [:]
      for name in dims.keys.sorted() { values[name] = Matrix.randomNormal(dims[name]!.rows, dims[name]!.cols, using: &g) }
      let reference = try Reference.evaluate(input, values.mapValues { Dense($0) })
      #expect(
        close(try output.evaluate(values), reference, 1e-12),
        "seed \(seed), trial \(trial): \(input.plainText) → \(output.plainText) changes the value")
    }
    // Most chains have a factor pair that a rule merges.
    #expect(shortened > 100, "seed \(seed): only \(shortened) of 300 shortened")
  }
}
