import Foundation
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
