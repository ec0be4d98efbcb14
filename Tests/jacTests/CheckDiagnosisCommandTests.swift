import Foundation
import Testing

/// `jac check` end to end: diagnoses in text, LaTeX and JSON; shape hints with exit 1;
/// `--assume` drawn, checked and stated in the verdict.
@Suite struct CheckDiagnosisCommandTests {
  private let window = ["check", "u'*tanh(W*x+b)", "--wrt", "W", "--dims", "u=4x1,W=4x3,x=3x1,b=4x1"]

  @Test func missingDerivativeInTextLaTeXAndJSON() throws {
    let text = try JacRunner.run(window + ["--layout", "shape", "--claim", "u*x'"])
    #expect(text.status == 1, "\(text.stderr)")
    #expect(
      text.stdout.contains(
        "diagnosis: the derivative of tanh at W x + b is missing: the claim equals the truth without diag("),
      "\(text.stdout)")
    let latex = try JacRunner.run(window + ["--layout", "shape", "--claim", "u*x'", "--format", "latex"])
    #expect(latex.status == 1)
    #expect(latex.stdout.contains("\\item the derivative of tanh at $W x + b$ is missing"), "\(latex.stdout)")
    #expect(latex.stdout.contains("\\begin{itemize}") && latex.stdout.contains("\\end{itemize}"))
    let json = try JacRunner.run(window + ["--layout", "shape", "--claim", "u*x'", "--format", "json"])
    #expect(json.status == 1)
    let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
    let diagnoses = try #require(object?["diagnoses"] as? [[String: Any]])
    #expect(diagnoses.first?["kind"] as? String == "missing-derivative")
    #expect(diagnoses.first?["where"] as? String == "tanh(W*x+b)")
    #expect((diagnoses.first?["text"] as? String)?.hasPrefix("the derivative of tanh") == true)
    let mutations = try #require(object?["mutations"] as? Int)
    #expect(mutations > 0 && mutations < 2000)
  }

  /// A gradient given without --layout shape, and a claim of no fitting shape: exit 1, with the
  /// shapes of each layout named.
  @Test func wrongShapesAreWrongClaimsWithAHint() throws {
    let gradient = try JacRunner.run(["check", "tr(A*X)", "--wrt", "X", "--dims", "A=3x2,X=2x3", "--claim", "A'"])
    #expect(gradient.status == 1, "\(gradient.stderr)")
    #expect(gradient.stderr.isEmpty)
    #expect(
      gradient.stdout.contains(
        "diagnosis: ∂F/∂X is 1×6 in numerator layout, 6×1 in denominator layout and 2×3 as a gradient shaped like X "
          + "(--layout shape); a 2×3 claim is the gradient: add --layout shape, and read that way the claim holds"),
      "\(gradient.stdout)")
    let none = try JacRunner.run(["check", "R'*R", "--wrt", "R", "--dims", "R=3x2", "--claim", "2*R"])
    #expect(none.status == 1, "\(none.stderr)")
    #expect(none.stdout.contains("a 3×2 claim fits none of them"), "\(none.stdout)")
    let json = try JacRunner.run(["check", "R'*R", "--wrt", "R", "--dims", "R=3x2", "--claim", "2*R", "--format", "json"])
    let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
    #expect((object?["diagnoses"] as? [[String: Any]])?.first?["kind"] as? String == "shape")
    #expect(object?["claimShape"] as? [Int] == [3, 2] && object?["expectedShape"] as? [Int] == [4, 6])
  }

  @Test func assumptionHintAndAssume() throws {
    let base = ["check", "x'*A*x", "--wrt", "x", "--dims", "x=3x1,A=3x3", "--layout", "shape", "--claim", "2*A*x"]
    let hint = try JacRunner.run(base)
    #expect(hint.status == 1)
    #expect(
      hint.stdout.contains(
        "diagnosis: the claim holds when A is symmetric; pass --assume A=symmetric if that is intended"), "\(hint.stdout)")
    let assumed = try JacRunner.run(base + ["--assume", "A=symmetric"])
    #expect(assumed.status == 0, "\(assumed.stdout)\(assumed.stderr)")
    #expect(assumed.stdout.contains("verdict: the claim holds at a random point (seed 1) under the assumption A symmetric"))
    // A given value is checked against the assumption: exit 2 naming the variable and the entry.
    let violated = try JacRunner.run(base + ["--assume", "A=symmetric", "--values", "A=[1 2 0; 3 1 0; 0 0 1]"])
    #expect(violated.status == 2)
    #expect(
      violated.stderr.contains("the value of A violates --assume A=symmetric: it is not symmetric: [0,1] is 2 but [1,0] is 3"),
      "\(violated.stderr)")
    // A given value that satisfies it is used as given.
    let given = try JacRunner.run(base + ["--assume", "A=symmetric", "--values", "A=[2 1 0; 1 3 0; 0 0 1]"])
    #expect(given.status == 0, "\(given.stdout)\(given.stderr)")
    #expect(given.stdout.contains("under the assumption A symmetric"))
    // derive uses the assumption in the result (Aᵀ = A) and says so under --check.
    let derive = try JacRunner.run([
      "derive", "x'*A*x", "--wrt", "x", "--dims", "x=3x1,A=3x3", "--assume", "A=spd", "--layout", "shape", "--check",
    ])
    #expect(derive.status == 0, "\(derive.stderr)")
    #expect(derive.stdout.contains("2 A x"), "\(derive.stdout)")
    #expect(derive.stdout.contains("under the assumption A symmetric positive definite"), "\(derive.stdout)")
  }

  /// The point is drawn to satisfy the assumption: softmax(z) − y holds for one-hot y at
  /// several seeds (it is wrong for a general y).
  @Test(arguments: [UInt64(1), 2, 3]) func onehotPoints(seed: UInt64) throws {
    let r = try JacRunner.run([
      "check", "-y'*log(softmax(z))", "--wrt", "z", "--dims", "z=5x1,y=5x1", "--layout", "shape", "--claim",
      "softmax(z)-y", "--assume", "y=onehot", "--seed", "\(seed)",
    ])
    #expect(r.status == 0, "seed \(seed): \(r.stdout)\(r.stderr)")
  }
}
