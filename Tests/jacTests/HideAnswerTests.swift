import Foundation
import Testing

/// `jac check --hide-answer` with size symbols and with `--claim-program`, in every format: no
/// form of the true derivative (or of the true backward line) appears; without the flag the same
/// report shows it (so that each expectation can fail).
@Suite struct HideAnswerTests {
  /// The `<math>…</math>` elements of `out` after the paragraph that starts with `marker`.
  private func mathAfter(_ marker: String, in out: String) -> [String] {
    guard let start = out.range(of: marker) else { return [] }
    var rest = out[start.upperBound...]
    var found: [String] = []
    while let open = rest.range(of: "<math"), let close = rest.range(of: "</math>", range: open.upperBound..<rest.endIndex) {
      // The formula's content, without the element's attributes.
      if let tagEnd = rest[open.upperBound...].firstIndex(of: ">") {
        found.append(String(rest[rest.index(after: tagEnd)..<close.lowerBound]))
      }
      rest = rest[close.upperBound...]
    }
    return found
  }

  /// The rows of the `align*` after the paragraph that starts with `marker` (LaTeX).
  private func alignAfter(_ marker: String, in out: String) -> [String] {
    guard let start = out.range(of: marker), let begin = out.range(of: "\\begin{align*}\n", range: start.upperBound..<out.endIndex),
      let end = out.range(of: "\n\\end{align*}", range: begin.upperBound..<out.endIndex)
    else { return [] }
    return out[begin.upperBound..<end.lowerBound].components(separatedBy: " \\\\\n").map {
      // The right-hand side of each row.
      $0.components(separatedBy: "&= ").last ?? $0
    }
  }

  /// A diagnosis that quotes a term of the true derivative which does not appear in its
  /// simplified form (x'*A*x: the truth prints as xᵀ(A + Aᵀ), the forgotten path's term is xᵀA)
  /// is withheld too, in every format; without the flag it is shown.
  @Test func diagnosesQuotingADerivativeTermAreWithheld() throws {
    for format in ["text", "latex", "mathml", "json"] {
      let args = ["check", "x'*A*x", "--wrt", "x", "--dims", "x=3x1,A=3x3", "--claim", "x'*A", "--format", format]
      let shown = try JacRunner.run(args)
      let hidden = try JacRunner.run(args + ["--hide-answer"])
      #expect(shown.status == 1 && hidden.status == 1, "\(format): \(hidden.stderr)")
      #expect(shown.stdout.contains("misses the term"), "\(format): the forgotten path is diagnosed:\n\(shown.stdout)")
      #expect(!hidden.stdout.contains("misses the term"), "\(format): the term is quoted:\n\(hidden.stdout)")
      let counted = format == "json" ? "\"diagnosesWithheld\":1" : "withheld"
      #expect(hidden.stdout.contains(counted), "\(format): the withheld diagnosis is counted:\n\(hidden.stdout)")
    }
  }

  @Test func symbolicSizesHideTheTruthInEveryFormat() throws {
    let dims = "X=mxn"
    let truth = try JacRunner.run(["derive", "X'*X", "--wrt", "X", "--dims", dims, "--format", "json"])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(truth.stdout.utf8)) as? [String: Any])
    let jacobian = try #require(object["jacobian"] as? [String: Any])
    let forms = ["text", "latex", "plain"].compactMap { jacobian[$0] as? String }
    #expect(forms.count == 3 && forms[0].contains("Kₘ,ₙ"), "\(forms)")
    for claim in ["kron(I(n),X')*K(n,m)+kron(X',I(n))", "kron(I(n),X')"] {
      for format in ["text", "latex", "mathml", "json"] {
        let args = ["check", "X'*X", "--wrt", "X", "--dims", dims, "--claim", claim, "--format", format]
        let shown = try JacRunner.run(args)
        let hidden = try JacRunner.run(args + ["--hide-answer"])
        #expect(shown.status == 1 && hidden.status == 1, "\(claim) \(format): \(hidden.stderr)")
        var all = forms
        if format == "mathml" { all += mathAfter("The true derivative", in: shown.stdout) }
        if format == "latex" { all += alignAfter("The true derivative", in: shown.stdout) }
        #expect(all.contains { shown.stdout.contains($0) }, "\(claim) \(format): the report without the flag shows the truth")
        for form in all {
          #expect(!hidden.stdout.contains(form), "\(claim) \(format) shows the truth \(form):\n\(hidden.stdout)")
        }
        if format == "text" {
          #expect(hidden.stdout.hasPrefix("verdict: the claim is WRONG"), "\(hidden.stdout)")
          #expect(shown.stdout.hasPrefix("verdict: the claim is WRONG"))
          #expect(hidden.stdout.contains("∂F["), "worst entries are shown")
        }
        if format == "json" {
          let o = try #require(try JSONSerialization.jsonObject(with: Data(hidden.stdout.utf8)) as? [String: Any])
          #expect(o["truth"] == nil && o["answerHidden"] as? Bool == true)
        }
      }
    }
  }

  @Test func stagedClaimsHideTheTrueLineInEveryFormat() throws {
    let program = "z = W*x + b; h = tanh(z); f = u'*h"
    let dims = "W=3x2,x=2x1,b=3x1,u=3x1"
    // A missing local derivative on line 2: the true line is dz = dh.*(1 - h.^2).
    let claim = "dh = u; dz = dh; dW = dz*x'; db = dz"
    let base = ["check", program, "--claim-program", claim, "--dims", dims]
    let json = try JacRunner.run(base + ["--format", "json"])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let first = try #require(object["firstWrong"] as? [String: Any])
    let expected = try #require(first["expected"] as? String)
    let rhs = String(expected[expected.index(after: expected.firstIndex(of: "=")!)...]).trimmingCharacters(in: .whitespaces)
    #expect(rhs.contains("h.^2"), "\(expected)")
    for format in ["text", "latex", "mathml", "json"] {
      let shown = try JacRunner.run(base + ["--format", format])
      let hidden = try JacRunner.run(base + ["--format", format, "--hide-answer"])
      #expect(shown.status == 1 && hidden.status == 1, "\(format): \(hidden.stderr)")
      var forms = [expected, rhs]
      if format == "mathml" { forms += mathAfter("It should be", in: shown.stdout) }
      if format == "latex" { forms += alignAfter("It should be", in: shown.stdout) }
      #expect(forms.count >= 3 || format == "text" || format == "json", "\(format): the true line is not found:\n\(shown.stdout)")
      #expect(forms.contains { shown.stdout.contains($0) }, "\(format): without the flag the true line is shown")
      for form in forms {
        #expect(!hidden.stdout.contains(form), "\(format) shows the true line \(form):\n\(hidden.stdout)")
      }
      #expect(!hidden.stdout.contains("should be"), "\(format)")
      // The verdict, the wrong line and the diagnosis stay.
      #expect(hidden.stdout.contains("WRONG") || format == "json", "\(format)")
      #expect(hidden.stdout.contains("local derivative"), "\(format): the diagnosis is kept\n\(hidden.stdout)")
      if format == "text" { #expect(hidden.stdout.hasPrefix("verdict: the backward pass is WRONG"), "\(hidden.stdout)") }
    }
  }
}
