import Foundation
import MatrixCore
@testable import JacCommands
import Symbolic
import Testing

/// `jac check` gives one verdict where several slips explain the claim equally well: an overall
/// sign with the lost minus named, and one line for equal explanations, listed in JSON.
@Suite struct DiagnosisGroupingCommandTests {
  /// The logistic loss with its sign lost (size symbols, shape layout): one diagnosis line.
  @Test func overallSignIsOneVerdict() throws {
    let r = try JacRunner.run([
      "check", "-sum(y.*log(sigmoid(X*w)) + (1-y).*log(1-sigmoid(X*w)))", "--wrt", "w", "--layout", "shape",
      "--claim", "X'*(y - sigmoid(X*w))",
    ])
    #expect(r.status == 1, "\(r.stderr)")
    let lines = r.stdout.split(separator: "\n").filter { $0.hasPrefix("diagnosis: ") }
    #expect(lines.count == 1, "\(r.stdout)")
    #expect(
      lines.first?.hasPrefix(
        "diagnosis: the claim has the wrong sign: it is −1 times the Jacobian at two points; the likely slip: the leading minus of F is lost"
      ) == true, "\(r.stdout)")
    // The mend holds.
    let mended = try JacRunner.run([
      "check", "-sum(y.*log(sigmoid(X*w)) + (1-y).*log(1-sigmoid(X*w)))", "--wrt", "w", "--layout", "shape",
      "--claim", "X'*(sigmoid(X*w) - y)",
    ])
    #expect(mended.status == 0, "\(mended.stdout)")
  }

  /// JSON lists the equal explanations of a grouped diagnosis.
  @Test func jsonListsTheAlternatives() throws {
    let r = try JacRunner.run([
      "check", "X'*X", "--wrt", "X", "--dims", "X=3x2", "--claim", "kron(I(2),X')+kron(X',I(2))", "--format", "json",
    ])
    #expect(r.status == 1, "\(r.stderr)")
    let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
    let diagnoses = try #require(object?["diagnoses"] as? [[String: Any]])
    #expect(diagnoses.count == 1, "\(r.stdout)")
    #expect(diagnoses.first?["kind"] as? String == "missing-commutation")
    let alternatives = try #require(diagnoses.first?["alternatives"] as? [[String: Any]])
    #expect(alternatives.map { $0["kind"] as? String } == ["missing-chain"], "\(r.stdout)")
  }
}

/// Under --hide-answer a grouped diagnosis whose list of equal explanations quotes part of the
/// answer is shown with its first explanation alone; one whose first explanation quotes it is
/// withheld whole.
@Suite struct GroupedDiagnosisHiddenAnswerTests {
  @Test func listQuotingTheAnswerFallsBackToTheFirstExplanation() throws {
    let f = try Symbolic.Expression("X'*X")
    let claim = try Symbolic.Expression("kron(I(2),X')+kron(X',I(2))")
    let dims = ["X": Shape(3, 2)]
    let values = RandomPoint.point(dims: dims, expressions: [f, claim], assumptions: Assumptions(), seed: 1)
    let d = try SymbolicDerivative(of: f, wrt: "X", dims: dims)
    let check = try ClaimCheck(
      claim: try claim.evaluate(values), layout: .numerator, derivative: d, values: values, claimExpression: claim, seed: 1)
    let grouped = try #require(check.diagnoses.first, "seed 1")
    let alone = try #require(grouped.alone.first, "seed 1: \(grouped.text)")
    #expect(grouped.text.contains("stopped early") && !alone.text.contains("stopped early"), "seed 1: \(grouped.text)")
    // A fragment only the list quotes: the first explanation alone is shown.
    let (shown, withheld) = CheckReport.shown([grouped], hideAnswer: true, fragments: ["stopped early"])
    #expect(shown == [alone] && withheld == 0, "\(shown.map(\.text))")
    // A fragment the first explanation quotes: withheld.
    let (none, hidden) = CheckReport.shown([grouped], hideAnswer: true, fragments: ["commutation matrix"])
    #expect(none.isEmpty && hidden == 1)
    // Without --hide-answer the grouped sentence is shown as it is.
    #expect(CheckReport.shown([grouped], hideAnswer: false, fragments: ["stopped early"]).0 == [grouped])
  }
}
