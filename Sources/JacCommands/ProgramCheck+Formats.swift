import Foundation
import MatrixCore
import Symbolic

/// What `jac check --claim-program` prints: the verdict first, the program, each line of the
/// claimed backward pass with its verdict, then for the first wrong line what it should be (left
/// out under `hideAnswer`, in every format), what it gives and the diagnoses.
struct StagedCheckReport {
  let prepared: PreparedProgram
  let claim: Program
  let result: StagedClaimCheck
  let hideAnswer: Bool

  private var program: Program { prepared.program }
  private var backward: ProgramBackward { result.backward }

  var verdictSentence: String {
    guard let wrong = result.firstWrong else { return "every line holds \(prepared.pointDescription)" }
    return wrong.afterLine
      ? "the backward pass is WRONG; the first error is after line \(wrong.line): \(wrong.adjoint) is incomplete"
      : "the backward pass is WRONG; the first wrong line is line \(wrong.line): \(wrong.text)"
  }

  private var headerSentence: String {
    "claimed backward pass, \(claim.statements.count) lines, checked stage by stage \(prepared.pointDescription) "
      + "(dv = ∂F/∂v shaped like v; d\(program.output) = 1)"
  }

  private var noneMatched: String {
    "it matches none of the usual slips (a transpose, the sign, a factor, a missing local derivative, "
      + "a missing upstream adjoint, a missing branch, another name's contribution)"
  }

  private var otherWrong: [Int] { result.findings.filter { $0.verdict == .wrong }.dropFirst().map(\.line) }

  private var withheldSentence: String {
    "a diagnosis that quotes the true line is withheld (--hide-answer)"
  }

  /// The diagnoses of the first wrong line, and how many were withheld: under `hideAnswer` a
  /// diagnosis that quotes the expected right-hand side is left out.
  private var shownDiagnoses: ([String], Int) {
    guard let wrong = result.firstWrong else { return ([], 0) }
    return shownDiagnoses(wrong)
  }

  private func shownDiagnoses(_ f: StagedClaimCheck.Finding) -> ([String], Int) {
    guard hideAnswer, let expected = expectedRightHandSide(f) else { return (f.diagnoses, 0) }
    let shown = f.diagnoses.filter { !$0.contains(expected) }
    return (shown, f.diagnoses.count - shown.count)
  }

  /// `-dinvden/den^2` of `dden = -dinvden/den^2`.
  private func expectedRightHandSide(_ f: StagedClaimCheck.Finding) -> String? {
    guard let e = f.expected, let eq = e.firstIndex(of: "=") else { return f.expected }
    return e[e.index(after: eq)...].trimmingCharacters(in: .whitespaces)
  }

  /// The expected line as an expression of the program's names and adjoints, when it parses.
  private func expectedExpression(_ f: StagedClaimCheck.Finding) -> MatrixExpression? {
    expectedRightHandSide(f).flatMap { try? MatrixExpression($0) }
  }

  private func describe(_ m: Matrix) -> String {
    func n(_ x: Double) -> String { Check.number(x) }
    if m.count == 1 { return n(m.storage[0]) }
    if m.count <= 6 {
      let rows = (0..<m.rows).map { i in (0..<m.cols).map { j in n(m[i, j]) }.joined(separator: ", ") }
      return "[" + rows.joined(separator: "; ") + "]"
    }
    return "a \(m.shape) matrix with largest entry \(n(m.maxAbs))"
  }

  // MARK: Text

  var text: String {
    var lines = ["verdict: \(verdictSentence)", prepared.summary, headerSentence + ":"]
    let width = min(48, claim.statements.map(\.text.count).max() ?? 0)
    // Labels padded to one width, so that the texts and verdicts line up past line 9.
    let labels = result.findings.map { "\($0.afterLine ? "after line" : "line") \($0.line):" }
    let labelWidth = labels.map(\.count).max() ?? 0
    for (f, label) in zip(result.findings, labels) {
      let text = f.afterLine ? "\(f.adjoint) is incomplete" : f.text
      let pad = String(repeating: " ", count: max(1, width + 2 - text.count))
      let labelPad = String(repeating: " ", count: labelWidth - label.count)
      lines.append("  \(label)\(labelPad) \(text)\(pad)\(f.verdict == .holds ? "holds" : "WRONG")")
    }
    if let wrong = result.firstWrong {
      lines.append(wrong.afterLine ? "after line \(wrong.line): \(wrong.adjoint) is incomplete" : "line \(wrong.line): \(wrong.text)")
      if !hideAnswer, let e = wrong.expected {
        lines.append("  it should be: \(e)" + (wrong.expectedValue.map { " (= \(describe($0)))" } ?? ""))
      }
      if let c = wrong.claimedValue { lines.append("  the line gives \(describe(c))") }
      let (shown, withheld) = shownDiagnoses
      if wrong.diagnoses.isEmpty { lines.append("  diagnosis: \(noneMatched)") }
      lines += shown.map { "  diagnosis: \($0)" }
      if withheld > 0 { lines.append("  diagnosis: \(withheldSentence)") }
      if !otherWrong.isEmpty { lines.append("also wrong: line " + otherWrong.map(String.init).joined(separator: ", line ")) }
    }
    if !result.notComputed.isEmpty { lines.append("not computed by the claim: \(result.notComputed.joined(separator: ", "))") }
    return lines.joined(separator: "\n")
  }

  // MARK: LaTeX

  /// A claim line's left-hand side: `\delta_{h}` or `\delta_{h} \mathrel{+}=` style.
  private func latexLine(_ s: Program.Statement, tag: String) -> [String] {
    // Adjoints are named dv in a claim; `latexRows` writes them δ_v.
    let name = s.name.hasPrefix("d") ? String(s.name.dropFirst()) : s.name
    var lhs = program.defines(name) || program.inputs.contains(name) ? backward.latexAdjointName(name) : MatrixExpression.variable(s.name).latex
    if s.accumulates { lhs += " \\mathrel{+}" }
    var rows = backward.latexRows(lhs: lhs, s.expression)
    if !rows.isEmpty { rows[rows.count - 1] += " \\tag*{\(tag)}" }
    return rows
  }

  var latex: String {
    var out = [
      Markup.latexComment("jac check: \(prepared.summary)"),
      Markup.latexComment("claimed backward pass checked stage by stage; delta_v = dF/dv shaped like v. Needs \\usepackage{amsmath}."),
      Markup.latexParagraph("\\textbf{Verdict:} " + Markup.latexText(verdictSentence) + "."),
      Markup.latexParagraph("Program (\(program.statements.count) statements, $F = \(MatrixExpression.variable(program.output).latex)$):"),
      Markup.latexAlign(program.statements.flatMap { MatrixExpression.latexRows(lhs: MatrixExpression.variable($0.name).latex, rhs: $0.expression) }),
      Markup.latexParagraph(
        "Claimed backward pass, \(claim.statements.count) lines, checked stage by stage " + Markup.latexText(prepared.pointDescription)
          + " ($\(backward.latexAdjointName("v")) = \\frac{\\partial F}{\\partial v}$ shaped like $v$):"),
    ]
    var rows: [String] = []
    for s in claim.statements {
      let verdict = result.findings.first { $0.line == s.line && !$0.afterLine }?.verdict
      rows += latexLine(s, tag: "line \(s.line): " + (verdict == .wrong ? "WRONG" : "holds"))
    }
    if !rows.isEmpty { out.append(Markup.latexAlign(rows)) }
    if let wrong = result.firstWrong {
      out.append(
        Markup.latexParagraph(
          "\\textbf{" + Markup.latexText(wrong.afterLine ? "After line \(wrong.line)" : "Line \(wrong.line)") + ":} "
            + Markup.latexText(wrong.afterLine ? "\(wrong.adjoint) is incomplete." : wrong.text)))
      if !hideAnswer, let e = expectedExpression(wrong) {
        let name = String(wrong.adjoint.dropFirst())
        out.append(Markup.latexParagraph("It should be:"))
        out.append(Markup.latexAlign(backward.latexRows(lhs: backward.latexAdjointName(name), e)))
        if let v = wrong.expectedValue { out.append(Markup.latexParagraph(Markup.latexText("(= \(describe(v))).")))}
      }
      if let c = wrong.claimedValue { out.append(Markup.latexParagraph(Markup.latexText("The line gives \(describe(c))."))) }
      let (shown, withheld) = shownDiagnoses
      var items = shown.map { Markup.latexText($0) }
      if wrong.diagnoses.isEmpty { items.append(Markup.latexText(noneMatched)) }
      if withheld > 0 { items.append(Markup.latexText(withheldSentence)) }
      out.append(Markup.latexParagraph("\\textbf{Diagnosis:}"))
      out.append((["\\begin{itemize}"] + items.map { "\\item \($0)" } + ["\\end{itemize}"]).joined(separator: "\n") + "\n")
      if !otherWrong.isEmpty {
        out.append(Markup.latexParagraph("Also wrong: line " + otherWrong.map(String.init).joined(separator: ", line ") + "."))
      }
    }
    if !result.notComputed.isEmpty {
      out.append(Markup.latexParagraph(Markup.latexText("Not computed by the claim: \(result.notComputed.joined(separator: ", ")).")))
    }
    return out.joined(separator: "\n")
  }

  // MARK: MathML

  var mathML: String {
    var parts = [
      Markup.paragraph(markup: "<strong>Verdict:</strong> " + MathML.escape(verdictSentence) + "."),
      Markup.paragraph(prepared.summary),
    ]
    parts += program.statements.map { MatrixExpression.mathMLEquation(lhs: MathML.name($0.name), rhs: $0.expression) }
    parts.append(Markup.paragraph(headerSentence + ":"))
    let rows: [[String]] = result.findings.map { f in
      let verdict = f.verdict == .holds ? "holds" : "WRONG"
      if f.afterLine { return ["after line \(f.line)", MathML.escape("\(f.adjoint) is incomplete"), verdict] }
      let s = claim.statements.first { $0.line == f.line }
      let math = s.map { st -> String in
        var lhs = MathML.name(st.name)
        if st.accumulates { lhs += "<mo>+</mo>" }
        return MatrixExpression.mathMLEquation(lhs: lhs, rhs: st.expression).replacingOccurrences(
          of: "display=\"block\"", with: "display=\"inline\"")
      } ?? MathML.escape(f.text)
      return ["line \(f.line)", math, verdict]
    }
    parts.append(Markup.table(header: ["line", "claim", "verdict"], rows: rows))
    if let wrong = result.firstWrong {
      parts.append(
        Markup.paragraph(
          markup: "<strong>" + MathML.escape(wrong.afterLine ? "After line \(wrong.line)" : "Line \(wrong.line)") + ":</strong> "
            + MathML.escape(wrong.afterLine ? "\(wrong.adjoint) is incomplete." : wrong.text)))
      if !hideAnswer, let e = expectedExpression(wrong) {
        parts.append(Markup.paragraph("It should be:"))
        parts.append(MatrixExpression.mathMLEquation(lhs: MathML.name(wrong.adjoint), rhs: e))
        if let v = wrong.expectedValue { parts.append(Markup.paragraph("(= \(describe(v))).")) }
      }
      if let c = wrong.claimedValue { parts.append(Markup.paragraph("The line gives \(describe(c)).")) }
      let (shown, withheld) = shownDiagnoses
      var sentences = shown
      if wrong.diagnoses.isEmpty { sentences.append(noneMatched) }
      if withheld > 0 { sentences.append(withheldSentence) }
      for s in sentences { parts.append(Markup.paragraph(markup: "<strong>Diagnosis:</strong> " + MathML.escape(s) + ".")) }
      if !otherWrong.isEmpty { parts.append(Markup.paragraph("Also wrong: line " + otherWrong.map(String.init).joined(separator: ", line ") + ".")) }
    }
    if !result.notComputed.isEmpty {
      parts.append(Markup.paragraph("Not computed by the claim: \(result.notComputed.joined(separator: ", "))."))
    }
    return Markup.xhtmlDocument(class: "check-program", parts)
  }

  // MARK: JSON

  /// The JSON record; under `hideAnswer` without `expected` (with `answerHidden` and
  /// `diagnosesWithheld`).
  var record: ProgramCheckRecord {
    func finding(_ f: StagedClaimCheck.Finding) -> ProgramCheckRecord.Finding {
      .init(
        line: f.line, text: f.text, adjoint: f.adjoint, holds: f.verdict == .holds, afterLine: f.afterLine,
        expected: hideAnswer ? nil : f.expected, diagnoses: f.verdict == .wrong ? shownDiagnoses(f).0 : nil)
    }
    let withheld = result.findings.filter { $0.verdict == .wrong }.reduce(0) { $0 + shownDiagnoses($1).1 }
    return ProgramCheckRecord(
      holds: result.holds, firstWrong: result.firstWrong.map(finding), lines: result.findings.map(finding),
      notComputed: result.notComputed, answerHidden: hideAnswer ? true : nil, diagnosesWithheld: hideAnswer ? withheld : nil)
  }
}
