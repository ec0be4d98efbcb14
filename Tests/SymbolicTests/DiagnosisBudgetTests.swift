// The diagnosis of wrong claims on long sums: its counted work grows linearly with the number of
// terms (each slip inside a term is evaluated on that term, a slip on the sum from its children's
// Jacobians), it names the same slip as before, and past its budget it stops without naming a
// slip it did not try, while the verdict stays that of the full comparison.
import Jacobians
import MatrixCore
import Testing

@testable import Symbolic

@Suite struct DiagnosisBudgetTests {
  /// `F = A0*X*B0 + … + A(n−1)*X*B(n−1)` (X 2×2), and the true Jacobian `Σ Bₖᵀ ⊗ Aₖ` written
  /// out with one slip at term `slip`: Bₖ untransposed, or the term left out.
  static func sum(_ n: Int, slip: Int, forgotten: Bool = false) -> (f: String, claim: String, dims: [String: Shape]) {
    let f = (0..<n).map { "A\($0)*X*B\($0)" }.joined(separator: " + ")
    let terms = (0..<n).compactMap { k -> String? in
      guard k == slip else { return "kron(B\(k)',A\(k))" }
      return forgotten ? nil : "kron(B\(k),A\(k))"
    }
    var dims = ["X": Shape(2, 2)]
    for k in 0..<n { (dims["A\(k)"], dims["B\(k)"]) = (Shape(2, 2), Shape(2, 2)) }
    return (f, terms.joined(separator: " + "), dims)
  }

  static func check(_ n: Int, slip: Int, forgotten: Bool = false, budget: Int = ClaimCheck.defaultDiagnosisBudget)
    throws -> ClaimCheck
  {
    let (f, c, dims) = sum(n, slip: slip, forgotten: forgotten)
    let d = try SymbolicDerivative(of: Expression(f), wrt: "X", dims: dims)
    let claim = try Expression(c)
    let values = RandomPoint.point(dims: dims, expressions: [d.expression, claim], assumptions: Assumptions(), seed: 7)
    return try ClaimCheck(
      claim: try claim.evaluate(values), layout: .numerator, derivative: d, values: values, claimExpression: claim,
      seed: 7, diagnosisBudget: budget)
  }

  /// The slip search alone on an n-term sum: its counted work and its diagnoses.
  static func search(_ n: Int, slip: Int) throws -> (work: Int, diagnoses: [Diagnosis]) {
    let (f, c, dims) = sum(n, slip: slip)
    let d = try SymbolicDerivative(of: Expression(f), wrt: "X", dims: dims)
    let claim = try Expression(c)
    let values = RandomPoint.point(dims: dims, expressions: [d.expression, claim], assumptions: Assumptions(), seed: 7)
    var search = DiagnosisSearch(
      derivative: d, layout: .numerator, tolerance: 1e-8, claims: [try claim.evaluate(values)], points: [values])
    let diagnoses = try search.run(truth: [try d.jacobian(at: values).materialized()])
    return (search.work, diagnoses)
  }

  /// The slip search's counted work grows linearly with the terms: at most 2.5 times for twice
  /// as many (it re-derived the whole sum for each slip, the square, and evaluated it in the cube).
  @Test func slipSearchWorkIsLinearInTheTerms() throws {
    let (small, large) = (try Self.search(30, slip: 9), try Self.search(60, slip: 41))
    #expect(small.diagnoses.contains { $0.kind == "transposed-factor" }, "seed 7: \(small.diagnoses.map(\.text))")
    #expect(large.diagnoses.contains { $0.kind == "transposed-factor" }, "seed 7: \(large.diagnoses.map(\.text))")
    #expect(large.work <= small.work * 5 / 2, "seed 7: work \(small.work) at 30 terms, \(large.work) at 60")
  }

  /// The slip is named in a long sum, the verdict is that of the dense comparison, and the whole
  /// diagnosis (search and assumption hints, one evaluation per variable each) counted for 60
  /// terms is at most 4.5 times that for 30: it grows at most as the square.
  @Test func slipInALongSumIsNamedInQuadraticWork() throws {
    var work: [Int: Int] = [:]
    for n in [30, 60] {
      let slip = n / 2
      let result = try Self.check(n, slip: slip)
      #expect(!result.holds, "seed 7, n = \(n)")
      #expect(!result.diagnosisBudgetExhausted, "seed 7, n = \(n)")
      #expect(
        result.diagnoses.contains { $0.kind == "transposed-factor" && $0.where == "A\(slip)*X*B\(slip)" },
        "seed 7, n = \(n): \(result.diagnoses.map(\.text))")
      // The claim is far from the truth as a matrix: the verdict is the comparison's.
      let c = try #require(result.comparison)
      #expect(c.maxAbsError > 1e-3, "seed 7, n = \(n)")
      work[n] = result.diagnosisWork
    }
    #expect(work[60]! <= work[30]! * 9 / 2, "seed 7: work \(work)")
  }

  /// A forgotten term (a slip at a node of the sum itself) is named too.
  @Test func forgottenTermOfALongSumIsNamed() throws {
    let result = try Self.check(40, slip: 17, forgotten: true)
    #expect(!result.holds, "seed 7")
    #expect(
      result.diagnoses.contains { $0.kind == "dropped-term" && $0.text.contains("A17 X B17") },
      "seed 7: \(result.diagnoses.map(\.text))")
  }

  /// The mutants evaluated term by term equal those of the whole derivation (an independent
  /// evaluation: the whole forward derivation with the slip, evaluated as one expression), for
  /// every slip of a sum with shared subexpressions, differences and a negation.
  @Test func termwiseMutantsEqualWholeMutants() throws {
    let dims = ["X": Shape(3, 2), "A": Shape(3, 3), "B": Shape(2, 2), "C": Shape(3, 2)]
    let d = try SymbolicDerivative(
      of: Expression("A*X*B - tanh(X)*B + -(X.*C) + A*X*B + X*B'"), wrt: "X", dims: dims)
    let values = RandomPoint.point(dims: dims, expressions: [d.expression], assumptions: Assumptions(), seed: 3)
    let termwise = try #require(try TermwiseDerivation(d))
    var evaluator = StructuredEvaluator(values: values, dims: dims)
    var work = 0
    let v = try #require(try termwise.values(&evaluator, work: &work))
    let truth = try d.jacobian(at: values).materialized()
    #expect(v.total.maxAbsDifference(truth) <= 1e-12 * max(1, truth.maxAbs), "seed 3")
    let catalogue = try SlipCatalogue(d)
    var compared = 0
    for slip in catalogue.slips {
      guard case .mutant(let m) = termwise.mutant([slip], values: v, evaluator: &evaluator, work: &work) else { continue }
      var forward = try ForwardDifferentiator(variable: "X", dims: dims)
      forward.slips = [(slip.node, slip.transform)]
      let e = try forward.jacobian(d.expression)
      let whole = try e.map { try StructuredEvaluator(values: values, dims: dims).structuredCopy($0).materialized() }
        ?? .zeros(truth.rows, truth.cols)
      let mutant = try #require(m, "seed 3: \(slip.diagnosis.text)")
      #expect(mutant.maxAbsDifference(whole) <= 1e-12 * max(1, whole.maxAbs), "seed 3: \(slip.diagnosis.text)")
      compared += 1
    }
    #expect(compared >= 20, "seed 3: \(compared) slips compared")
  }

  /// Past the budget the search stops: no slip is named, the flag is set, the counted work stays
  /// within the budget plus one mutant, and the verdict is unchanged.
  @Test func budgetStopsTheSearchAndKeepsTheVerdict() throws {
    let full = try Self.check(30, slip: 11)
    let cut = try Self.check(30, slip: 11, budget: 400)
    #expect(!full.holds && !cut.holds, "seed 7")
    #expect(cut.diagnosisBudgetExhausted, "seed 7")
    #expect(!cut.diagnoses.contains { $0.kind == "transposed-factor" }, "seed 7: \(cut.diagnoses.map(\.text))")
    #expect(cut.diagnosisWork < full.diagnosisWork, "seed 7")
    #expect(cut.comparison?.maxAbsError == full.comparison?.maxAbsError, "seed 7")
  }
}

extension StructuredEvaluator {
  /// `structured` on a copy (a fresh cache), for comparisons in tests.
  func structuredCopy(_ e: Expression) throws -> StructuredMatrix {
    var copy = self
    return try copy.structured(e)
  }
}
